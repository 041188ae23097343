import Foundation

/// Applies versioned migrations and re-creates the schema (views and triggers) of a database.
///
/// Its jobs, one file each: this file runs a deploy and reads its status; Migrator+History.swift keeps
/// the versioned migrations' history (`_migrations`) and the runner's own tables; Migrator+Schema.swift
/// owns the life of Schema/'s views and triggers (recorded, compared with a reference, dropped, made
/// again); Migrator+Ownership.swift decides whether a file is LeadDB's to change.
///
/// A deploy is all-or-nothing: every pending migration, with its history row in `_migrations`, and the
/// re-creation of the schema commit together in one `BEGIN IMMEDIATE` transaction, or not at all, so no
/// connection ever sees the tables without their rules. The history is re-read inside that lock, so two
/// runners started at once apply each migration exactly once. Foreign keys are off during the deploy (a
/// migration may rebuild a referenced table) and `foreign_key_check` runs before the commit. Schema
/// objects dropped or replaced by hand are reported by ``status(_:)`` and restored by ``migrate(_:)``.
///
///     let migrator = try Migrator(migrations: files, schema: schemaFiles, applicationID: 0x4C45_4144)
///     let report = try migrator.migrate(db)
public struct Migrator: Sendable {
    public let migrations: [Migration]
    public let schema: [SchemaFile]
    /// The value stamped in `PRAGMA application_id`; a file with another value is refused.
    public let applicationID: Int32

    public init(migrations: [Migration], schema: [SchemaFile], applicationID: Int32) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version {
            throw MigrationError.invalidFileName("\(b.fileName) (same number as \(a.fileName))")
        }
        self.migrations = sorted
        self.schema = schema.sorted { $0.fileName < $1.fileName }
        self.applicationID = applicationID
    }

    /// One applied migration as recorded in `_migrations`.
    public struct AppliedMigration: Sendable, Hashable {
        public let version: Int
        public let fileName: String
        public let checksum: String
        public let appliedAt: String
        public let durationMilliseconds: Int
    }

    /// What the database holds and what would run.
    public struct Status: Sendable {
        public let applied: [AppliedMigration]
        public let pending: [Migration]
        /// Schema files whose current text is not what the database was built with.
        public let changedSchemaFiles: [String]
        /// Views and triggers of Schema/ that are missing from the database or differ from what the
        /// schema files created (dropped or replaced by hand): `migrate` re-creates them.
        public let driftedObjects: [String]
        /// Views, triggers, indexes and tables that neither the migrations nor Schema/ made (added by
        /// hand or by another program), as `type name`. `migrate` leaves them in place.
        public var addedObjects: [String] = []
        /// Tables the migrations made that are missing: nothing can restore them but a backup.
        public var missingTables: [String] = []
        /// Columns of the migrations' tables added by hand, as `table.column` (with `thorough`).
        public var addedColumns: [String] = []
        /// Columns of the migrations' tables dropped or changed by hand, as `table.column` (with
        /// `thorough`): only a backup restores them.
        public var changedColumns: [String] = []
        public var isUpToDate: Bool { pending.isEmpty && changedSchemaFiles.isEmpty && driftedObjects.isEmpty }
    }

    /// What a `migrate` call did.
    public struct Report: Sendable {
        public var applied: [Migration] = []
        public var schemaRecreated = false
        /// Schema objects that had drifted and were restored.
        public var repairedObjects: [String] = []
        public var didNothing: Bool { applied.isEmpty && !schemaRecreated }
    }

    // MARK: - Reading

    /// Reads the history without changing anything. Refuses a foreign or newer database, or a changed migration.
    ///
    /// With `thorough`, the file's views, triggers, indexes and tables are compared with a reference
    /// built in memory from the same migrations and schema files (once per process), so drift is found
    /// even when the runner's own record was changed, and objects added by hand are listed. Without
    /// it, only the objects the last deploy recorded are checked (cheap enough for every open).
    public func status(_ db: Database, thorough: Bool = false) throws -> Status {
        // One read transaction: a consistent snapshot even while another process migrates.
        try db.transaction(.deferred) {
            try checkOwnership(db)
            let applied = try readHistory(db)
            try validate(applied)
            let appliedVersions = Set(applied.map(\.version))
            let pending = migrations.filter { !appliedVersions.contains($0.version) }
            let changed = try changedSchemaFiles(db)
            var drifted = try driftedObjects(db)
            var added = try unrecordedSchemaObjects(db)
            var missingTables: [String] = [], addedColumns: [String] = [], changedColumns: [String] = []
            if thorough && pending.isEmpty && !applied.isEmpty {
                let comparison = try compareWithReference(db)
                drifted = Array(Set(drifted).union(comparison.drifted.map(\.name))).sorted()
                added = comparison.added
                missingTables = comparison.missingTables
                addedColumns = comparison.addedColumns
                changedColumns = comparison.changedColumns
            }
            var status = Status(applied: applied, pending: pending, changedSchemaFiles: changed, driftedObjects: drifted)
            status.addedObjects = added
            status.missingTables = missingTables
            status.addedColumns = addedColumns
            status.changedColumns = changedColumns
            return status
        }
    }

    // MARK: - Migrating

    /// Applies every pending migration and re-creates the schema, all in one `BEGIN IMMEDIATE`
    /// transaction: a deploy commits whole or not at all, and no connection ever sees the tables
    /// without their rules. Foreign keys are off for the deploy (so a migration can rebuild a table
    /// others reference) and checked with `foreign_key_check` before the commit. Drifted schema objects
    /// are restored. With `thorough` (what `leads migrate` does), the file is also compared with the
    /// reference the migrations and schema files build (see ``status(_:thorough:)``): views, triggers
    /// and indexes that are missing or differ are restored even when the runner's record was changed.
    /// Objects added by hand are left in place (``Status/addedObjects`` lists them).
    @discardableResult
    public func migrate(_ db: Database, thorough: Bool = false) throws -> Report {
        // An up-to-date file is only read: a deploy's statements change the schema, even when they
        // make it again as it was, and every other connection would then prepare its statements again
        // (what each `LeadStore` and each `leads` run would cost the others on opening), and it would
        // wait for the write lock behind busy writers.
        if try isCurrent(db, thorough: thorough) { return Report() }
        // PRAGMA foreign_keys is a no-op inside a transaction: turn it off before, back on after.
        let foreignKeys = try db.scalar("PRAGMA foreign_keys", as: Int.self) ?? 0
        if foreignKeys != 0 { try db.execute("PRAGMA foreign_keys = OFF") }
        let result: Result<Report, any Error> = Result {
            try db.transaction(.immediate) {
                // Checked inside the write lock: another runner may be setting up the same new file.
                try checkOwnership(db)
                // The guards someone dropped are made again at the end: say so.
                let guardsPresent = Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%\\_runner' ESCAPE '\\'")
                    .compactMap { String.fromDatabaseValue($0[0]) })
                let restoredGuards = try hasTable(db, "_schema_objects") ? Self.guardNames.subtracting(guardsPresent).sorted() : []
                try dropRunnerGuards(db)
                try createBookkeeping(db)
                let applied = try readHistory(db)
                try validate(applied)
                let appliedVersions = Set(applied.map(\.version))
                let pending = migrations.filter { !appliedVersions.contains($0.version) }
                var drifted = try driftedObjects(db)
                var indexes: [SchemaObject] = []
                if thorough && pending.isEmpty && !applied.isEmpty {
                    // (the runner's guards were dropped above and are made again at the end)
                    let comparison = try compareWithReference(db)
                    if !comparison.missingTables.isEmpty {
                        throw MigrationError.missingTables(path: db.path, tables: comparison.missingTables)
                    }
                    let views = comparison.drifted.filter { $0.type != "index" && !Self.guardNames.contains($0.name) }
                    drifted = Array(Set(drifted).union(views.map(\.name))).sorted()
                    indexes = comparison.drifted.filter { $0.type == "index" }
                }
                var report = Report()
                let changed = try changedSchemaFiles(db)
                let recreate = !pending.isEmpty || !changed.isEmpty || !drifted.isEmpty
                report.repairedObjects = restoredGuards
                guard recreate || !indexes.isEmpty else {
                    try createRunnerGuards(db)
                    return report
                }
                try db.execute("PRAGMA application_id = \(applicationID)")
                if recreate { try applyAndRecreate(db, pending: pending, thorough: thorough, report: &report) }
                if thorough && !pending.isEmpty {
                    indexes = try compareWithReference(db).drifted.filter { $0.type == "index" }
                }
                // Indexes belong to migrations, not to Schema/: one dropped or changed by hand is made
                // again as the migrations made it.
                for index in indexes {
                    try db.execute("DROP INDEX IF EXISTS \(quoteIdentifier(index.name))")
                    if let sql = index.sql { try db.execute(sql) }
                }
                // (a changed schema file makes its new objects: that is no repair)
                report.repairedObjects = (pending.isEmpty && changed.isEmpty ? drifted : []) + indexes.map(\.name) + restoredGuards
                try createRunnerGuards(db)
                return report
            }
        }
        if foreignKeys != 0 {
            do {
                try db.execute("PRAGMA foreign_keys = ON")
            } catch {
                // The deploy's own outcome says more; report the pragma only when the deploy succeeded.
                if case .success = result { throw error }
            }
        }
        return try result.get()
    }

    /// Nothing to apply, no schema file changed, no recorded object and no runner guard missing or
    /// changed (with `thorough`, nothing differs from the reference either). Read without the write
    /// lock; a file set up by no runner is not current.
    func isCurrent(_ db: Database, thorough: Bool) throws -> Bool {
        let status = try status(db, thorough: thorough)
        guard status.isUpToDate, status.missingTables.isEmpty else { return false }
        let guards = try db.scalar(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%\\_runner' ESCAPE '\\'", as: Int.self)
        return guards == Self.guardNames.count
    }

    /// Drops the schema, applies the pending migrations in order and creates the schema again.
    func applyAndRecreate(_ db: Database, pending: [Migration], thorough: Bool, report: inout Report) throws {
        try dropSchemaObjects(db)
        if thorough {
            // The record may have been changed by hand: also drop every view and trigger that
            // the schema files make, by the names the reference gives them.
            for object in try referenceObjects() where object.madeBySchema {
                try db.execute("DROP \(object.type == "view" ? "VIEW" : "TRIGGER") IF EXISTS \(quoteIdentifier(object.name))")
            }
        }
        for migration in pending {
            let started = ContinuousClock.now
            do {
                try db.executeScript(migration.sql)
            } catch let error as SQLiteError {
                throw MigrationError.migrationFailed(fileName: migration.fileName, line: error.line, message: error.message)
            }
            try checkForeignKeys(db, fileName: migration.fileName)
            let elapsed = ContinuousClock.now - started
            let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            try db.execute(
                """
                INSERT INTO _migrations(version, file_name, checksum, applied_at, duration_ms)
                VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
                """, [migration.version, migration.fileName, migration.checksum, ms])
            report.applied.append(migration)
        }
        try createSchema(db)
        report.schemaRecreated = true
    }
}
