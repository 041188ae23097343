import LeadDB
import LeadSQLite

/// What `leads migrate`, `leads migrate status|plan` and the shell's `.migrate` print and do: one
/// wording, and one migration, for all of them.
enum MigrationText {
    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// The lines about objects that are not the migrations' and schema's, and tables that are missing.
    static func foreignObjects(_ status: Migrator.Status) -> String {
        var text = ""
        if !status.addedObjects.isEmpty {
            text += "added    \(plural(status.addedObjects.count, "object")) not made by LeadDB, left in place: "
                + "\(status.addedObjects.joined(separator: ", ")) "
                + (status.addedObjects.count == 1 ? "(drop it if it is not yours)\n" : "(drop them if they are not yours)\n")
        }
        if !status.missingTables.isEmpty {
            text += "missing  \(plural(status.missingTables.count, "table")): \(status.missingTables.joined(separator: ", ")) "
                + "(no migration re-creates a table: restore the file from a backup)\n"
        }
        return text
    }

    /// `apply` is what applies the migrations where the text is read: `leads migrate` on the command
    /// line, `.migrate up` in the shell.
    static func status(_ status: Migrator.Status, apply: String = "leads migrate") -> String {
        var text = status.applied.map { "applied  \($0.fileName)  \($0.appliedAt)  \($0.durationMilliseconds) ms\n" }.joined()
        text += status.pending.map { "pending  \($0.fileName)\n" }.joined()
        if !status.changedSchemaFiles.isEmpty {
            text += "schema   changed: \(status.changedSchemaFiles.joined(separator: ", "))\n"
        } else if status.driftedObjects.isEmpty {
            text += "schema   up to date\n"
        }
        if !status.driftedObjects.isEmpty {
            text += "drift    \(plural(status.driftedObjects.count, "schema object")) dropped or changed by hand: "
                + "\(status.driftedObjects.joined(separator: ", "))\n"
        }
        text += foreignObjects(status)
        if !status.missingTables.isEmpty {
            text += "`\(apply)` cannot repair this file: restore it from a backup (leads restore).\n"
        } else if !status.isUpToDate {
            text += "Run `\(apply)` to apply.\n"
        }
        return text
    }

    static func plan(_ status: Migrator.Status, path: String) -> String {
        var text = ""
        if !status.missingTables.isEmpty {
            text += "Would refuse: \(path) has lost tables the migrations made; restore it from a backup.\n"
        } else if status.isUpToDate {
            text += "Nothing to do: \(path) is up to date.\n"
        } else {
            text += status.pending.map { "Would apply \($0.fileName)\n" }.joined()
            if !status.driftedObjects.isEmpty {
                text += "Would restore \(status.driftedObjects.joined(separator: ", ")) (dropped or changed by hand)\n"
            }
            if !status.pending.isEmpty || !status.changedSchemaFiles.isEmpty {
                text += "Would re-create the schema (views and triggers) from \(LeadDatabase.schemaFiles.count) files"
                text += status.changedSchemaFiles.isEmpty ? ".\n" : " (changed: \(status.changedSchemaFiles.joined(separator: ", "))).\n"
            }
        }
        return text + foreignObjects(status)
    }

    /// Migrates `db` (the deploy's thorough check of every object) and says what was done: the one
    /// report of `leads migrate` and `.migrate up`.
    static func migrate(_ db: Database, path: String) throws -> String {
        let migrator = try LeadDatabase.migrator()
        try migrator.checkOwnership(db)
        let report = try migrator.migrate(db, thorough: true)
        let status = try migrator.status(db, thorough: true)
        return self.report(report, path: path, applied: status.applied.count) + foreignObjects(status)
    }

    static func report(_ report: Migrator.Report, path: String, applied count: Int) -> String {
        if report.didNothing && report.repairedObjects.isEmpty {
            return "Nothing to do: \(path) is up to date (\(plural(count, "migration")) applied).\n"
        }
        var text = report.applied.map { "Applied \($0.fileName)\n" }.joined()
        if !report.repairedObjects.isEmpty {
            text += "Restored \(plural(report.repairedObjects.count, "schema object")) that had been dropped or changed by hand: "
                + "\(report.repairedObjects.joined(separator: ", ")).\n"
        }
        if report.schemaRecreated { text += "Re-created the schema (views and triggers) from \(LeadDatabase.schemaFiles.count) files.\n" }
        return text
    }
}
