import Foundation

/// Applies versioned migrations and re-creates the schema (views and triggers) of a database.
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
            var missingTables: [String] = []
            if thorough && pending.isEmpty && !applied.isEmpty {
                let comparison = try compareWithReference(db)
                drifted = Array(Set(drifted).union(comparison.drifted.map(\.name))).sorted()
                added = comparison.added
                missingTables = comparison.missingTables
            }
            var status = Status(applied: applied, pending: pending, changedSchemaFiles: changed, driftedObjects: drifted)
            status.addedObjects = added
            status.missingTables = missingTables
            return status
        }
    }

    // MARK: - The reference schema

    /// One object of `sqlite_schema`.
    struct SchemaObject: Hashable, Sendable {
        let type: String
        let name: String
        let sql: String?
        /// Made by a schema file (a view or trigger re-created on every deploy), not by a migration.
        var madeBySchema = false
    }

    /// What a file holds against what the migrations and Schema/ make.
    struct Comparison {
        /// Views, triggers and indexes that are missing or differ, as the reference has them.
        var drifted: [SchemaObject] = []
        /// Objects the reference does not have, as `type name`.
        var added: [String] = []
        var missingTables: [String] = []
    }

    /// The objects a new file has after every migration and the schema: built in memory, once per
    /// process and set of SQL.
    func referenceObjects() throws -> [SchemaObject] {
        let key = (migrations.map(\.checksum) + schema.map(\.checksum)).joined(separator: ",")
        if let cached = ReferenceCache.shared.objects(for: key) { return cached }
        let memory = try Database(path: ":memory:")
        try migrate(memory)
        let madeBySchema = Set(try memory.query("SELECT name FROM _schema_objects").compactMap { String.fromDatabaseValue($0[0]) })
        let objects = try Self.objects(memory).map { object in
            var object = object
            object.madeBySchema = madeBySchema.contains(object.name)
            return object
        }
        ReferenceCache.shared.store(objects, for: key)
        return objects
    }

    static func objects(_ db: Database) throws -> [SchemaObject] {
        try db.query("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").map {
            SchemaObject(type: try $0.get(0), name: try $0.get(1), sql: try $0.get(2))
        }
    }

    func compareWithReference(_ db: Database) throws -> Comparison {
        let reference = try referenceObjects()
        let expected = Dictionary(reference.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let actual = Dictionary(try Self.objects(db).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var comparison = Comparison()
        for object in reference {
            let found = actual[object.name]
            if object.type == "table" {
                // A table's text changes with every ALTER TABLE, in words that may differ between
                // SQLite versions: only its presence is compared.
                if found?.type != "table" { comparison.missingTables.append(object.name) }
            } else if found?.type != object.type || found?.sql != object.sql {
                comparison.drifted.append(object)
            }
        }
        comparison.added = actual.values.filter { expected[$0.name] == nil }.map { "\($0.type) \($0.name)" }.sorted()
        return comparison
    }

    /// Throws ``MigrationError/foreignDatabase(path:reason:)`` unless the file is LeadDB's (its
    /// `application_id`) or empty. Only reads: call it before anything that writes, such as switching
    /// the file to WAL.
    public func checkOwnership(_ db: Database) throws {
        let id = Int32(truncatingIfNeeded: try db.scalar("PRAGMA application_id", as: Int.self) ?? 0)
        if id == applicationID { return }
        if id != 0 {
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "its application_id is \(id) (0x\(String(UInt32(bitPattern: id), radix: 16))), LeadDB's is \(applicationID)")
        }
        let objects = try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0
        if objects > 0 {
            // Every LeadDB file is stamped in the transaction that creates its first table, so a file
            // with objects and no stamp is another program's, even one with a table named _migrations.
            let names = try db.query(
                "SELECT type || ' ' || name FROM sqlite_schema ORDER BY type = 'table' DESC, type, name LIMIT 3"
            ).compactMap { String.fromDatabaseValue($0[0]) }
            let more = objects > names.count ? " and \(objects - names.count) more" : ""
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "it already has \(objects == 1 ? "an object" : "objects") (\(names.joined(separator: ", "))\(more)) and no LeadDB application_id")
        }
        // An empty file that another program has stamped with a version of its own is not free to take.
        let userVersion = try db.scalar("PRAGMA user_version", as: Int.self) ?? 0
        if userVersion != 0 {
            throw MigrationError.foreignDatabase(
                path: db.path, reason: "it has no tables yet but its user_version is \(userVersion), set by another program")
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
                report.repairedObjects = (pending.isEmpty ? drifted : []) + indexes.map(\.name) + restoredGuards
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

    /// Drops the schema, applies the pending migrations in order and creates the schema again.
    private func applyAndRecreate(_ db: Database, pending: [Migration], thorough: Bool, report: inout Report) throws {
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

    // MARK: - Internals

    private func createBookkeeping(_ db: Database) throws {
        try db.executeScript(
            """
            CREATE TABLE IF NOT EXISTS _migrations (
                version     INTEGER PRIMARY KEY,
                file_name   TEXT NOT NULL,
                checksum    TEXT NOT NULL,
                applied_at  TEXT NOT NULL,
                duration_ms INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS _schema_files (
                file_name   TEXT PRIMARY KEY,
                checksum    TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS _schema_objects (
                name        TEXT PRIMARY KEY,
                type        TEXT NOT NULL CHECK (type IN ('view', 'trigger')),
                file_name   TEXT NOT NULL
            );
            """)
        // The text each object was created with, to tell drift (a trigger dropped or replaced by hand).
        if try db.scalar("SELECT count(*) FROM pragma_table_info('_schema_objects') WHERE name = 'sql'", as: Int.self) == 0 {
            try db.execute("ALTER TABLE _schema_objects ADD COLUMN sql TEXT")
        }
    }

    /// The runner's own tables refuse writes from anyone else: the runner drops these triggers at the
    /// start of a deploy and creates them again at its end, inside the same transaction.
    private static let runnerTables = ["_migrations", "_schema_files", "_schema_objects"]

    private static let guardNames = Set(runnerTables.flatMap { table in
        ["insert", "update", "delete"].map { "\(table)_before_\($0)_runner" }
    })

    private func createRunnerGuards(_ db: Database) throws {
        for table in Self.runnerTables {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                let name = quoteIdentifier("\(table)_before_\(event.lowercased())_runner")
                try db.execute(
                    """
                    CREATE TRIGGER IF NOT EXISTS \(name) BEFORE \(event) ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'internal_table: \(table) is the migration runner''s record; run leads migrate'); END
                    """)
            }
        }
    }

    private func dropRunnerGuards(_ db: Database) throws {
        for table in Self.runnerTables {
            for event in ["insert", "update", "delete"] {
                try db.execute("DROP TRIGGER IF EXISTS \(quoteIdentifier("\(table)_before_\(event)_runner"))")
            }
        }
    }

    /// Schema objects recorded by the last deploy that are missing now, or whose text differs from the
    /// text they were created with.
    private func driftedObjects(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_objects"),
            try db.scalar("SELECT count(*) FROM pragma_table_info('_schema_objects') WHERE name = 'sql'", as: Int.self) == 1
        else { return [] }
        return try db.query(
            """
            SELECT o.name FROM _schema_objects AS o LEFT JOIN sqlite_schema AS s ON s.name = o.name AND s.type = o.type
             WHERE s.name IS NULL OR (o.sql IS NOT NULL AND s.sql IS NOT o.sql)
             ORDER BY o.name
            """
        ).compactMap { String.fromDatabaseValue($0[0]) }
    }

    /// Views and triggers that the last deploy did not record and that are not the runner's guards:
    /// added by hand (or the record was changed), as `type name`.
    private func unrecordedSchemaObjects(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_objects") else { return [] }
        return try db.query(
            """
            SELECT type, name FROM sqlite_schema
             WHERE type IN ('view', 'trigger') AND name NOT IN (SELECT name FROM _schema_objects)
             ORDER BY type, name
            """
        ).compactMap { row -> String? in
            let name: String = try row.get(1)
            return Self.guardNames.contains(name) ? nil : "\(try row.get(0) as String) \(name)"
        }
    }

    private func hasTable(_ db: Database, _ name: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [name], as: Int.self) != nil
    }

    private func readHistory(_ db: Database) throws -> [AppliedMigration] {
        guard try hasTable(db, "_migrations") else { return [] }
        return try db.query("SELECT version, file_name, checksum, applied_at, duration_ms FROM _migrations ORDER BY version")
            .map {
                AppliedMigration(
                    version: try $0.get(0), fileName: try $0.get(1), checksum: try $0.get(2),
                    appliedAt: try $0.get(3), durationMilliseconds: try $0.get(4))
            }
    }

    private func validate(_ applied: [AppliedMigration]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let unknown = applied.filter { known[$0.version] == nil }
        if !unknown.isEmpty {
            throw MigrationError.databaseIsNewer(unknown: unknown.map(\.fileName))
        }
        let accepted = migrations.reduce(into: [String: Set<String>]()) { all, migration in
            all.merge(migration.acceptedChecksums) { $0.union($1) }
        }
        for record in applied {
            if let migration = known[record.version], migration.checksum != record.checksum,
                !(accepted[migration.fileName]?.contains(record.checksum) ?? false)
            {
                throw MigrationError.migrationChanged(fileName: migration.fileName, applied: record.checksum, current: migration.checksum)
            }
        }
    }

    private func changedSchemaFiles(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_files") else { return schema.map(\.fileName) }
        var stored: [String: String] = [:]
        for row in try db.query("SELECT file_name, checksum FROM _schema_files") {
            stored[try row.get(0)] = try row.get(1)
        }
        var changed = schema.filter { stored.removeValue(forKey: $0.fileName) != $0.checksum }.map(\.fileName)
        changed += stored.keys.sorted()  // files that were removed
        return changed
    }

    private func dropSchemaObjects(_ db: Database) throws {
        for row in try db.query("SELECT type, name FROM _schema_objects ORDER BY type DESC") {
            let type: String = try row.get(0)
            let name: String = try row.get(1)
            try db.execute("DROP \(type == "view" ? "VIEW" : "TRIGGER") IF EXISTS \(quoteIdentifier(name))")
        }
        try db.execute("DELETE FROM _schema_objects")
        try db.execute("DELETE FROM _schema_files")
    }

    private func createSchema(_ db: Database) throws {
        for file in schema {
            let before = try schemaNames(db)
            do {
                var views = try viewNames(db)
                try db.forEachStatement(in: file.sql) { statement, _ in
                    while try statement.step() {}
                    // SQLite checks a view's columns only when it is used: use each new one once here,
                    // so a broken view fails the migration instead of its first reader.
                    let now = try viewNames(db)
                    for view in now.subtracting(views) {
                        _ = try db.prepare("SELECT * FROM \(quoteIdentifier(view)) LIMIT 0")
                    }
                    views = now
                }
            } catch let error as SQLiteError {
                throw MigrationError.schemaFailed(fileName: file.fileName, line: error.line, message: error.message)
            }
            for row in try db.query("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'") {
                let type: String = try row.get(0)
                let name: String = try row.get(1)
                guard !before.contains(name) else { continue }
                guard type == "view" || type == "trigger" else {
                    throw MigrationError.schemaFailed(
                        fileName: file.fileName, line: nil,
                        message: "it creates the \(type) \(name); tables and indexes belong in Migrations/")
                }
                try db.execute(
                    "INSERT INTO _schema_objects(name, type, file_name, sql) VALUES (?, ?, ?, (SELECT sql FROM sqlite_schema WHERE name = ?))",
                    [name, type, file.fileName, name])
            }
            try db.execute(
                "INSERT INTO _schema_files(file_name, checksum, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                [file.fileName, file.checksum])
        }
    }

    private func viewNames(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'view'").compactMap { String.fromDatabaseValue($0[0]) })
    }

    private func schemaNames(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_schema").compactMap { String.fromDatabaseValue($0[0]) })
    }

    private func checkForeignKeys(_ db: Database, fileName: String) throws {
        let rows = try db.query("PRAGMA foreign_key_check")
        guard !rows.isEmpty else { return }
        let violations = rows.prefix(10).map { row in
            "\(row[0]) row \(row[1]) references a missing \(row[2])"
        }
        throw MigrationError.foreignKeyViolation(fileName: fileName, violations: violations + (rows.count > 10 ? ["and \(rows.count - 10) more"] : []))
    }
}
