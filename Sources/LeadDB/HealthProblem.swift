/// One thing `leads check` found wrong with a file: which check, what is at fault, what is wrong and
/// what puts it right.
public struct HealthProblem: Sendable, Hashable, CustomStringConvertible {
    /// `error`: the file breaks a promise (exit status 1); `warning`: worth a look (objects added by hand).
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// The check: `integrity`, `foreign_key`, `migrations`, `schema`, `missing_table`, `added`, or an
    /// invariant of `invariant_problems` (`stage_count`, `rep_open_leads`, `lead_scores`,
    /// `stage_history`, `owner`, `fit`, `engagement`, `activity`, `erased`).
    public let check: String
    /// The row or object at fault (`lead 42`, `trigger leads_instead_of_update`, `file`).
    public let subject: String
    public let problem: String
    /// The command or statement that repairs it.
    public let repair: String
    public let severity: Severity

    public init(check: String, subject: String, problem: String, repair: String, severity: Severity = .error) {
        (self.check, self.subject, self.problem, self.repair, self.severity) = (check, subject, problem, repair, severity)
    }

    public var description: String { "\(check): \(subject): \(problem) (repair: \(repair))" }
}
