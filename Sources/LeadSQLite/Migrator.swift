import Foundation

/// Applies versioned migrations and re-creates the schema (views and triggers) of a database.
///
/// Each pending migration runs in its own `BEGIN IMMEDIATE` transaction together with its history row
/// in `_migrations`. The history is re-read inside that lock, so two runners started at once on the same
/// file apply each migration exactly once. Schema files are re-created (the objects they created last
/// time dropped first) in the same transaction as the last migration, or on their own when only they
/// changed, so no writer ever sees the tables without their rules.
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
        public var isUpToDate: Bool { pending.isEmpty && changedSchemaFiles.isEmpty }
    }

    /// What a `migrate` call did.
    public struct Report: Sendable {
        public var applied: [Migration] = []
        public var schemaRecreated = false
        public var didNothing: Bool { applied.isEmpty && !schemaRecreated }
    }

    // MARK: - Reading

    /// Reads the history without changing anything. Refuses a foreign or newer database, or a changed migration.
    public func status(_ db: Database) throws -> Status {
        // One read transaction: a consistent snapshot even while another process migrates.
        try db.transaction(.deferred) {
            try checkOwnership(db)
            let applied = try readHistory(db)
            try validate(applied)
            let appliedVersions = Set(applied.map(\.version))
            return Status(
                applied: applied,
                pending: migrations.filter { !appliedVersions.contains($0.version) },
                changedSchemaFiles: try changedSchemaFiles(db))
        }
    }

    // MARK: - Migrating

    /// Applies every pending migration, then re-creates the schema if any schema file changed.
    @discardableResult
    public func migrate(_ db: Database) throws -> Report {
        var report = Report()
        while true {
            let finished: Bool = try db.transaction(.immediate) {
                // Checked inside the write lock: another runner may be setting up the same new file.
                try checkOwnership(db)
                try createBookkeeping(db)
                let applied = try readHistory(db)
                try validate(applied)
                let appliedVersions = Set(applied.map(\.version))
                let pending = migrations.filter { !appliedVersions.contains($0.version) }
                try db.execute("PRAGMA application_id = \(applicationID)")
                guard let next = pending.first else {
                    if try !changedSchemaFiles(db).isEmpty {
                        try dropSchemaObjects(db)
                        try createSchema(db)
                        report.schemaRecreated = true
                    }
                    return true
                }
                let started = ContinuousClock.now
                try dropSchemaObjects(db)
                do {
                    try db.executeScript(next.sql)
                } catch let error as SQLiteError {
                    throw MigrationError.migrationFailed(fileName: next.fileName, line: error.line, message: error.message)
                }
                if pending.count == 1 {
                    try createSchema(db)
                    report.schemaRecreated = true
                } else {
                    // The current schema may need tables that a later migration adds: it is required
                    // only after the last one, and re-created there.
                    _ = try? db.savepoint { try createSchema(db) }
                }
                try checkForeignKeys(db, fileName: next.fileName)
                let elapsed = ContinuousClock.now - started
                let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                try db.execute(
                    """
                    INSERT INTO _migrations(version, file_name, checksum, applied_at, duration_ms)
                    VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
                    """, [next.version, next.fileName, next.checksum, ms])
                report.applied.append(next)
                return false
            }
            if finished { return report }
        }
    }

    // MARK: - Internals

    private func checkOwnership(_ db: Database) throws {
        let id = Int32(truncatingIfNeeded: try db.scalar("PRAGMA application_id", as: Int.self) ?? 0)
        if id == applicationID { return }
        if id != 0 {
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "its application_id is \(id) (0x\(String(UInt32(bitPattern: id), radix: 16))), LeadDB's is \(applicationID)")
        }
        let hasHistory = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_migrations'", as: Int.self) ?? 0
        let objects = try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0
        if hasHistory == 0 && objects > 0 {
            let names = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 3")
                .compactMap { String.fromDatabaseValue($0[0]) }
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "it already has tables (\(names.joined(separator: ", "))) and no LeadDB migration history")
        }
    }

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
        for record in applied {
            if let migration = known[record.version], migration.checksum != record.checksum {
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
                try db.execute("INSERT INTO _schema_objects(name, type, file_name) VALUES (?, ?, ?)", [name, type, file.fileName])
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

/// Quotes an SQL identifier: `lead "x"` becomes `"lead ""x"""`.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
