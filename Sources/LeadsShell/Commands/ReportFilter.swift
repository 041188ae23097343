import Foundation
import LeadSQLite

/// The filters of `report NAME since=... until=... rep=... team=...`, read and checked.
struct ReportFilter: Sendable {
    /// Dates as given (YYYY-MM or YYYY-MM-DD); nil for no bound.
    var since: String?
    var until: String?
    var rep: Int64?
    var team: String?

    /// The bounds as months (YYYY-MM) and as days (YYYY-MM-DD), open ends as the earliest and latest text.
    var sinceMonth: String { since.map { String($0.prefix(7)) } ?? "" }
    var untilMonth: String { until.map { String($0.prefix(7)) } ?? "9999" }
    var sinceDay: String { since.map { $0.count == 7 ? $0 + "-01" : $0 } ?? "" }
    /// A month's last day (2026-02: 2026-02-28).
    var untilDay: String {
        guard let until else { return "9999" }
        guard until.count == 7, let year = Int(until.prefix(4)), let month = Int(until.suffix(2)) else { return until }
        let days = Calendar(identifier: .gregorian).range(of: .day, in: .month, for: DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month).date!)!.count
        return until + String(format: "-%02d", days)
    }

    /// Reads `key=value` arguments; `repID` finds a rep by id or name. Throws a usage error naming the
    /// argument that is wrong.
    static func parse(
        _ arguments: [String], allowed: Set<String>, byMonth: Bool = false, repID: (String) throws -> Int64?, teamExists: (String) throws -> Bool
    ) throws -> ReportFilter {
        var filter = ReportFilter()
        for (index, argument) in arguments.enumerated() {
            guard let equals = argument.firstIndex(of: "=") else {
                throw UsageError(argument: index + 1, message: "expected since=, until=, rep= or team=, not \(argument)")
            }
            let key = String(argument[..<equals]).lowercased(), value = String(argument[argument.index(after: equals)...])
            guard allowed.contains(key) else {
                throw UsageError(argument: index + 1, message: allowed.isEmpty
                    ? "this report takes no filter"
                    : "this report takes \(allowed.sorted().map { $0 + "=" }.joined(separator: ", ")), not \(key)=")
            }
            switch key {
            case "since", "until":
                // (a day that is on the calendar: 2026-02-30 is not)
                let parts = value.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                var valid = value.wholeMatch(of: /[0-9]{4}-[0-9]{2}(-[0-9]{2})?/) != nil
                if valid, let year = parts[0], let month = parts[1], (1...12).contains(month) {
                    if parts.count == 3 {
                        let calendar = Calendar(identifier: .gregorian)
                        let first = DateComponents(calendar: calendar, year: year, month: month).date!
                        valid = (1...calendar.range(of: .day, in: .month, for: first)!.count).contains(parts[2] ?? 0)
                    }
                } else {
                    valid = false
                }
                guard valid else { throw UsageError(argument: index + 1, message: "\(key) is a month (2026-10) or a day (2026-10-01), not \(value)") }
                guard !byMonth || value.count == 7 else {
                    throw UsageError(argument: index + 1, message: "this report is by month: \(key)=\(value.prefix(7)), not a day")
                }
                if key == "since" { filter.since = value } else { filter.until = value }
            case "rep":
                guard let id = try repID(value) else { throw UsageError(argument: index + 1, message: "no rep has the id or name \(value)") }
                filter.rep = id
            default:
                guard try teamExists(value) else { throw UsageError(argument: index + 1, message: "no team is named \(value)") }
                filter.team = value
            }
        }
        if let since = filter.since, let until = filter.until, since.prefix(until.count) > until {
            throw UsageError(argument: nil, message: "since=\(since) comes after until=\(until)")
        }
        return filter
    }
}
