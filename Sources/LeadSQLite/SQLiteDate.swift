import Foundation

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
