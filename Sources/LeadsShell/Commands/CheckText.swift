import LeadDB
import LeadSQLite

/// What `leads check` and the shell's `.check` print: each problem with its repair, then one line.
enum CheckText {
    /// The report, and whether the file is healthy (no errors; warnings allowed).
    static func report(_ problems: [HealthProblem], path: String, leads: Int?) -> (text: String, healthy: Bool) {
        let errors = problems.filter { $0.severity == .error }
        let warnings = problems.count - errors.count
        var text = ""
        for problem in problems {
            text += "\(problem.severity == .error ? "problem" : "warning"): \(problem.check): \(problem.subject): \(problem.problem)\n"
            text += "  repair: \(problem.repair)\n"
        }
        let checked = "integrity, foreign keys, migrations and schema, and the rules' invariants"
            + (leads.map { " over \($0) lead\($0 == 1 ? "" : "s")" } ?? "")
        if errors.isEmpty {
            text += "ok: \(path): \(checked)" + (warnings > 0 ? " (\(MigrationText.plural(warnings, "warning")))" : "") + ".\n"
        } else {
            text += "\(path): \(MigrationText.plural(errors.count, "problem"))"
                + (warnings > 0 ? " and \(MigrationText.plural(warnings, "warning"))" : "") + " (checked \(checked)).\n"
        }
        return (text, errors.isEmpty)
    }

    /// Checks `db` and reports. `path` is the file as the user named it; in the shell (`inShell`), a
    /// repair by `leads migrate` is the shell's `.migrate up` on this connection, and a what-if copy
    /// (`db.path` is not `path`) is never named: its repairs speak of the file it copies.
    static func check(_ db: Database, path: String, inShell: Bool = false) throws -> (text: String, healthy: Bool) {
        var problems = try LeadDatabase.check(db)
        if inShell {
            problems = problems.map { problem in
                var repair = problem.repair.replacingOccurrences(of: "leads migrate --db \(db.path)", with: ".migrate up")
                if db.path != path { repair = repair.replacingOccurrences(of: db.path, with: path) }
                return HealthProblem(check: problem.check, subject: problem.subject, problem: problem.problem, repair: repair, severity: problem.severity)
            }
        }
        let leads = try? db.scalar("SELECT count(*) FROM lead_records", as: Int.self)
        return report(problems, path: path, leads: leads)
    }
}
