import Foundation
import LeadSQLite
import Testing

@Suite struct DatabaseValueTests {
    let db: Database
    init() throws {
        db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(v)")
    }

    func roundTrip<T: DatabaseValueConvertible & Equatable>(_ value: T) throws -> T? {
        try db.execute("DELETE FROM t")
        try db.execute("INSERT INTO t(v) VALUES (?)", [value])
        return try db.scalar("SELECT v FROM t", as: T.self)
    }

    @Test func integersKeepTheirExtremes() throws {
        #expect(try roundTrip(Int64.max) == Int64.max)
        #expect(try roundTrip(Int64.min) == Int64.min)
        #expect(try roundTrip(0 as Int) == 0)
        #expect(try db.scalar("SELECT typeof(v) FROM t", as: String.self) == "integer")
    }

    @Test func textWithANulByteIsBoundAndReadWhole() throws {
        #expect(try roundTrip("Ann\u{0}Evil") == "Ann\u{0}Evil")
        #expect(try db.scalar("SELECT length(CAST(v AS BLOB)) FROM t", as: Int.self) == 8)
        #expect(try roundTrip("") == "")
        #expect(try db.scalar("SELECT typeof(v) FROM t", as: String.self) == "text")
    }

    @Test func doublesAndBools() throws {
        #expect(try roundTrip(0.1) == 0.1)
        #expect(try roundTrip(-1.5e300) == -1.5e300)
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
    }

    @Test func unicodeTextSurvives() throws {
        let text = "Zoë Søren 王小明 👩🏽‍💻 \u{0301}e"
        #expect(try roundTrip(text) == text)
        #expect(try db.scalar("SELECT length(v) FROM t", as: Int.self) == text.unicodeScalars.count)
    }

    @Test func emptyStringIsNotNull() throws {
        #expect(try roundTrip("") == "")
        #expect(try db.scalar("SELECT v IS NULL FROM t", as: Bool.self) == false)
        try db.execute("DELETE FROM t")
        try db.execute("INSERT INTO t(v) VALUES (?)", [String?.none])
        #expect(try db.scalar("SELECT v IS NULL FROM t", as: Bool.self) == true)
        #expect(try db.query("SELECT v FROM t").first?[0] == .null)
    }

    @Test func blobsLargeAndEmpty() throws {
        let large = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(try roundTrip(large) == large)
        #expect(try roundTrip(Data()) == Data())
        #expect(try db.scalar("SELECT typeof(v) FROM t", as: String.self) == "blob")
    }

    @Test func datesAreUTCISO8601WithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        try db.execute("DELETE FROM t")
        try db.execute("INSERT INTO t(v) VALUES (?)", [date])
        #expect(try db.scalar("SELECT v FROM t", as: String.self) == "2026-11-18T11:06:40.123Z")
        let back = try #require(try db.scalar("SELECT v FROM t", as: Date.self))
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005)
        #expect(SQLiteDate.parse("2024-02-29 13:05") == Date(timeIntervalSince1970: 1_709_211_900))
        #expect(SQLiteDate.parse("1969-12-31T23:59:59.500Z") == Date(timeIntervalSince1970: -0.5))
        #expect(SQLiteDate.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(SQLiteDate.parse("2024-13-01") == nil)
        #expect(SQLiteDate.parse("yesterday") == nil)
        // An offset from UTC, as time_input reads it: 10:30 at +01:00 is 09:30 UTC.
        #expect(SQLiteDate.parse("2026-11-24T10:30:00+01:00") == SQLiteDate.parse("2026-11-24T09:30:00Z"))
        #expect(SQLiteDate.parse("2026-11-24 04:00-05:30") == SQLiteDate.parse("2026-11-24T09:30:00Z"))
        #expect(SQLiteDate.parse("2026-11-24T10:30:00+1:00") == nil)
        // Days that are not on the calendar and times past the end of a day are not times.
        #expect(SQLiteDate.parse("2026-02-30") == nil)
        #expect(SQLiteDate.parse("2023-02-29T10:00:00Z") == nil)
        #expect(SQLiteDate.parse("2026-11-24T24:00:00Z") == nil)
        #expect(SQLiteDate.parse("2026-11-24T10:60:00Z") == nil)
    }

    @Test func decimalsAvoidBinaryFloatingPoint() throws {
        #expect(try roundTrip(Decimal(string: "1234.56")!) == Decimal(string: "1234.56")!)
        #expect(try roundTrip(Decimal(5000)) == Decimal(5000))
        #expect(try db.scalar("SELECT typeof(v) FROM t", as: String.self) == "integer")
    }

    @Test func rowsByIndexAndName() throws {
        let row = try #require(try db.query("SELECT 1 AS id, 'a@b.co' AS Email, NULL AS phone").first)
        #expect(try row.get("id", as: Int.self) == 1)
        #expect(try row.get("email", as: String.self) == "a@b.co")
        #expect(try row.get(2, as: String?.self) == nil)
        #expect(throws: RowDecodingError.self) { try row.get("phone", as: String.self) }
        #expect(throws: RowDecodingError.self) { try row.get("missing", as: Int.self) }
        #expect(row["ID"] == .integer(1))
    }
}
