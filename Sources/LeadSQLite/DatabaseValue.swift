import Foundation

/// One SQLite value: NULL, INTEGER, REAL, TEXT or BLOB. See <https://sqlite.org/datatype3.html>.
public enum DatabaseValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var isNull: Bool { self == .null }

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        case .blob(let value): "<\(value.count) bytes>"
        }
    }
}

/// A Swift type that can be bound to a statement and read back from a row.
///
///     try db.execute("UPDATE leads SET amount = ? WHERE id = ?", [Decimal(1200), 7])
public protocol DatabaseValueConvertible: Sendable {
    var databaseValue: DatabaseValue { get }
    /// Returns nil when the stored value cannot represent the type (a mismatch is an error for callers).
    static func fromDatabaseValue(_ value: DatabaseValue) -> Self?
}

extension DatabaseValue: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { self }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> DatabaseValue? { value }
}

extension Int64: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Int64? {
        switch value {
        case .integer(let v): v
        case .real(let v): Int64(exactly: v)
        case .text(let v): Int64(v)
        default: nil
        }
    }
}

extension Int: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Int? {
        Int64.fromDatabaseValue(value).flatMap { Int(exactly: $0) }
    }
}

extension Double: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .real(self) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Double? {
        switch value {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .text(let v): Double(v)
        default: nil
        }
    }
}

extension Bool: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Bool? {
        Int64.fromDatabaseValue(value).map { $0 != 0 }
    }
}

extension String: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> String? {
        switch value {
        case .text(let v): v
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .blob(let v): String(data: v, encoding: .utf8)
        case .null: nil
        }
    }
}

extension Data: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .blob(self) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Data? {
        switch value {
        case .blob(let v): v
        case .text(let v): Data(v.utf8)
        default: nil
        }
    }
}

extension Decimal: DatabaseValueConvertible {
    /// Stored as TEXT-free exact values where possible: integers as INTEGER, others as their decimal text
    /// read back without passing through binary floating point.
    public var databaseValue: DatabaseValue {
        if self == self.rounded(0), let int = Int64(exactly: NSDecimalNumber(decimal: self).int64Value),
            Decimal(int) == self
        {
            return .integer(int)
        }
        return .text(NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")))
    }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Decimal? {
        switch value {
        case .integer(let v): Decimal(v)
        case .real(let v): Decimal(string: String(v), locale: Locale(identifier: "en_US_POSIX"))
        case .text(let v): Decimal(string: v, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }
}

extension Decimal {
    fileprivate func rounded(_ scale: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }
}

extension Date: DatabaseValueConvertible {
    /// UTC ISO-8601 text with milliseconds, e.g. `2026-11-24T09:30:00.000Z`, the format every rule uses.
    public var databaseValue: DatabaseValue { .text(SQLiteDate.format(self)) }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Date? {
        switch value {
        case .text(let v): SQLiteDate.parse(v)
        case .real(let v): Date(timeIntervalSince1970: v)
        case .integer(let v): Date(timeIntervalSince1970: TimeInterval(v))
        default: nil
        }
    }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.fromDatabaseValue(value).map { .some($0) }
    }
}

/// The text form of dates in LeadDB: UTC ISO-8601 with milliseconds (`strftime('%Y-%m-%dT%H:%M:%fZ')`).
public enum SQLiteDate {
    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.SSSZ` in UTC.
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = millis / 1000
        var ms = millis % 1000
        if ms < 0 { ms += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2)).\(pad(ms, 3))Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` or with a `T`, optionally ending in `Z` or in
    /// an offset from UTC such as `+01:00` (the forms `time_input` reads); without an offset the text is
    /// taken as UTC. A day that is not on the calendar (2026-02-30) or a time past 23:59:59 is nil.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= chars.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard chars[i] >= 48, chars[i] <= 57 else { return nil }
                value = value * 10 + Int64(chars[i] - 48)
            }
            return value
        }
        guard chars.count >= 10, chars[4] == 45, chars[7] == 45,
            let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
            (1...12).contains(mo), (1...31).contains(d), civil(fromDays: days(fromCivil: y, mo, d)) == (y, mo, d)
        else { return nil }
        var seconds = days(fromCivil: y, mo, d) * 86_400
        var millis: Int64 = 0
        var i = 10
        if i < chars.count, chars[i] == 84 || chars[i] == 32 {
            guard let h = number(11..<13), chars.count > 13, chars[13] == 58, let mi = number(14..<16), h < 24, mi < 60 else { return nil }
            seconds += h * 3600 + mi * 60
            i = 16
            if i < chars.count, chars[i] == 58 {
                guard let s = number(17..<19), s < 60 else { return nil }
                seconds += s
                i = 19
                if i < chars.count, chars[i] == 46 {
                    i += 1
                    var scale: Int64 = 100
                    while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                        millis += Int64(chars[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                }
            }
        }
        if i < chars.count, chars[i] == 90 {
            i += 1
        } else if i > 10, i < chars.count, chars[i] == 43 || chars[i] == 45 {
            // +HH:MM: the time given is that far ahead of UTC
            guard chars.count == i + 6, chars[i + 3] == 58, let oh = number(i + 1..<i + 3), let om = number(i + 4..<i + 6),
                oh < 24, om < 60
            else { return nil }
            seconds -= (chars[i] == 43 ? 1 : -1) * (oh * 3600 + om * 60)
            i += 6
        }
        guard i == chars.count else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(millis) / 1000)
    }

    // Howard Hinnant's civil-from-days algorithms (proleptic Gregorian calendar).
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
