import LeadDB
import LeadSQLite

/// What `leads check` and the shell's `.check` print: each problem with its repair, then one line.
enum CheckText {
    /// The report, and whether the file is healthy (no errors; warnings allowed).
    static func report(_ problems: [HealthProblem], path: String, leads: Int?) -> (text: String, healthy: Bool) {
        let errors = problems.filter { $0.severity == .error }
        let warnings = problems.count - errors.count
        var text = ""
        // A run of more than five problems of one kind with one repair (every lead's score after a
        // setting changed by hand) shows its first three and says how many more.
        var index = 0
        while index < problems.count {
            let first = problems[index]
            var end = index + 1
            while end < problems.count, problems[end].check == first.check, problems[end].repair == first.repair,
                problems[end].severity == first.severity { end += 1 }
            let shown = end - index > 5 ? index + 3 : end
            // (values written by hand may hold terminal escapes: never printed raw)
            for problem in problems[index..<shown] {
                text += "\(problem.severity == .error ? "problem" : "warning"): \(problem.check): \(escapingControls(problem.subject)): \(escapingControls(problem.problem))\n"
            }
            if shown < end {
                text += "\(first.severity == .error ? "problem" : "warning"): \(first.check): and \(end - shown) more like these"
                    + " (SELECT * FROM invariant_problems WHERE invariant = '\(first.check)' lists them)\n"
            }
            text += "  repair: \(escapingControls(first.repair))\n"
            index = end
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
                var repair = problem.repair.replacingOccurrences(of: "leads migrate \(Database.option(forLocation: db.path))", with: ".migrate up")
                if db.path != path { repair = repair.replacingOccurrences(of: db.path, with: path) }
                return HealthProblem(check: problem.check, subject: problem.subject, problem: problem.problem, repair: repair, severity: problem.severity)
            }
        }
        let leads = try? db.scalar("SELECT count(*) FROM lead_records", as: Int.self)
        return report(problems, path: path, leads: leads)
    }
}
