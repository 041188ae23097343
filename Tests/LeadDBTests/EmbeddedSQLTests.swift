import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct EmbeddedSQLTests {
    @Test func theBinaryCarriesItsMigrationsAndSchema() throws {
        let migrations = try LeadDatabase.migrations()
        #expect(migrations.first?.fileName == "0001_initial.sql")
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(LeadDatabase.schemaFiles.contains { $0.fileName == "00_clock.sql" })
    }

    @Test func aFreshDatabaseMigratesAndTheClockReadsSettings() throws {
        let db = try Database(path: ":memory:")
        try LeadDatabase.migrator().migrate(db)
        let now = try #require(try db.scalar("SELECT now FROM clock", as: String.self))
        #expect(SQLiteDate.parse(now) != nil && now.count == 24)
        try db.execute("UPDATE settings SET value = '2026-03-01 09:30' WHERE key = 'clock.now'")
        #expect(try db.scalar("SELECT now FROM clock", as: String.self) == "2026-03-01T09:30:00.000Z")
    }
}
