import LeadSQLite

extension LeadDatabase {
    /// The repair of a search index SQLite cannot read: its structure set to an empty index's, then the
    /// index rebuilt from its content (two statements: one naming lead_search cannot be prepared before).
    /// `leads migrate` does the same (migration 0014) to an index past 500 levels.
    public static let searchIndexReset =
        "UPDATE lead_search_data SET block = X'00000000000000' WHERE id = 10; INSERT INTO lead_search(lead_search) VALUES ('rebuild')"

    /// Everything `leads check` looks at, read-only: SQLite's
    /// `integrity_check` and `foreign_key_check`; the migrations and the schema against this binary's
    /// (pending migrations, views and triggers dropped or changed by hand, tables lost, objects added by
    /// hand as warnings); and the rules' invariants (`invariant_problems`, Schema/99_checks.sql). Empty
    /// on a healthy file.
    ///
    ///     let problems = try LeadDatabase.check(db)
    ///     if problems.contains(where: { $0.severity == .error }) { ... }
    public static func check(_ db: Database) throws -> [HealthProblem] {
        let path = db.path
        let migrate = "leads migrate \(Database.option(forLocation: path))"
        let restore = db.isRemote
            ? "restore the database from a backup (docs/cluster.md)"
            : "restore the file from a backup: leads restore BACKUP --db \(path) (docs/reliability.md)"
        // (what a problem of the whole database is reported on)
        let whole = db.isRemote ? "database" : "file"
        do {
            var problems: [HealthProblem] = []
            // (a file too damaged to be read through is reported, not thrown)
            let integrity: [String]
            do {
                integrity = try db.query("PRAGMA integrity_check").compactMap { String.fromDatabaseValue($0[0]) }
            } catch let error as SQLiteError {
                return [HealthProblem(check: "integrity", subject: whole, problem: error.message, repair: restore)]
            }
            if integrity != ["ok"] {
                problems += integrity.map { HealthProblem(check: "integrity", subject: whole, problem: $0, repair: restore) }
                // A damaged file is not read further: what it holds cannot be trusted.
                return problems
            }
            // An empty file (a new one, or one cut to nothing; a cluster's database no one made) is no LeadDB database yet.
            if try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0 {
                return [HealthProblem(check: "migrations", subject: whole, problem: "empty: no LeadDB database yet", repair: migrate)]
            }
            for row in try db.query("PRAGMA foreign_key_check") {
                let table: String = try row.get(0), parent: String = try row.get(2)
                let rowid: Int64? = try row.get(1)
                problems.append(HealthProblem(
                    check: "foreign_key", subject: "\(table) row \(rowid.map(String.init) ?? "?")",
                    problem: "refers to a row of \(parent) that does not exist", repair: restore))
            }
            let status = try migrator().status(db, thorough: true)
            if !status.pending.isEmpty {
                problems.append(HealthProblem(
                    check: "migrations", subject: whole,
                    problem: "\(status.pending.count) pending: \(status.pending.map(\.fileName).joined(separator: ", "))", repair: migrate))
            }
            if !status.changedSchemaFiles.isEmpty {
                problems.append(HealthProblem(
                    check: "schema", subject: whole,
                    problem: "made by other versions of \(status.changedSchemaFiles.joined(separator: ", "))", repair: migrate))
            }
            // (when schema files changed, their new and changed objects are the other version's, not drift)
            problems += (status.changedSchemaFiles.isEmpty ? status.driftedObjects : []).map {
                HealthProblem(check: "schema", subject: $0, problem: "dropped or changed by hand", repair: migrate)
            }
            problems += status.missingTables.map {
                HealthProblem(check: "missing_table", subject: "table \($0)", problem: "the migrations made it; it is gone", repair: restore)
            }
            problems += status.changedColumns.map {
                HealthProblem(check: "missing_column", subject: "column \($0)", problem: "the migrations made it so; it was dropped or changed by hand", repair: restore)
            }
            problems += status.addedColumns.map {
                HealthProblem(check: "added", subject: "column \($0)", problem: "not made by LeadDB", repair: "drop it if it is not yours", severity: .warning)
            }
            problems += status.addedObjects.map {
                HealthProblem(check: "added", subject: $0, problem: "not made by LeadDB", repair: "drop it if it is not yours", severity: .warning)
            }
            // The invariants, when their view is there as this binary makes it (else the schema rows
            // above say to migrate first).
            guard !status.driftedObjects.contains("invariant_problems"),
                try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'invariant_problems'", as: Int.self) == 1
            else {
                problems.append(HealthProblem(
                    check: "invariants", subject: whole, problem: "not checked: invariant_problems is not this version's", repair: migrate))
                return problems
            }
            // The search index: SQLite reads its structure before any statement that names it (an
            // erasure, a tick, a search, the invariants below) can run, and refuses one it cannot read.
            do {
                // (a search reads the index's pages, which a rowid lookup does not)
                _ = try db.scalar("SELECT count(*) FROM lead_search WHERE lead_search MATCH '\"zqx\"'", as: Int.self)
            } catch is SQLiteError {
                // (the level count, when its view is there: the schema rows above name it otherwise)
                let levels: Int?
                do { levels = try db.scalar("SELECT levels FROM _search_levels", as: Int.self) } catch is SQLiteError { levels = nil }
                problems.append(HealthProblem(
                    check: "search", subject: "index lead_search",
                    problem: "cannot be read" + (levels.map { $0 > 2000 ? " (\($0) levels; SQLite 3.40 reads at most 2,000)" : "" } ?? ""),
                    repair: Self.searchIndexReset))
                problems.append(HealthProblem(
                    check: "invariants", subject: whole, problem: "not checked: the search index cannot be read", repair: Self.searchIndexReset))
                return problems
            }
            // (one statement: the invariants are read from one snapshot even while others write)
            for row in try db.query("SELECT invariant, subject, problem, repair FROM invariant_problems") {
                problems.append(HealthProblem(check: try row.get(0), subject: try row.get(1), problem: try row.get(2), repair: try row.get(3)))
            }
            return problems
        }
    }
}
