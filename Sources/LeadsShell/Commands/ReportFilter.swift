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
    var untilDay: String { until.map { $0.count == 7 ? $0 + "-31" : $0 } ?? "9999" }

    /// Reads `key=value` arguments; `repID` finds a rep by id or name. Throws a usage error naming the
    /// argument that is wrong.
    static func parse(_ arguments: [String], allowed: Set<String>, repID: (String) throws -> Int64?) throws -> ReportFilter {
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
                let parts = value.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard value.wholeMatch(of: /[0-9]{4}-[0-9]{2}(-[0-9]{2})?/) != nil, let month = parts[1], (1...12).contains(month),
                    parts.count == 2 || (1...31).contains(parts[2] ?? 0)
                else {
                    throw UsageError(argument: index + 1, message: "\(key) is a month (2026-10) or a day (2026-10-01), not \(value)")
                }
                if key == "since" { filter.since = value } else { filter.until = value }
            case "rep":
                guard let id = try repID(value) else { throw UsageError(argument: index + 1, message: "no rep has the id or name \(value)") }
                filter.rep = id
            default:
                filter.team = value
            }
        }
        return filter
    }
}
