import Foundation

/// The versioned migrations: their history in `_migrations` (read, checked against the files), the
/// runner's own tables and the guards that keep other writers out of them, and the foreign-key check
/// after each migration.
extension Migrator {
    func createBookkeeping(_ db: Database) throws {
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
    static let runnerTables = ["_migrations", "_schema_files", "_schema_objects"]

    static let guardNames = Set(runnerTables.flatMap { table in
        ["insert", "update", "delete"].map { "\(table)_before_\($0)_runner" }
    })

    func createRunnerGuards(_ db: Database) throws {
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

    func dropRunnerGuards(_ db: Database) throws {
        for table in Self.runnerTables {
            for event in ["insert", "update", "delete"] {
                try db.execute("DROP TRIGGER IF EXISTS \(quoteIdentifier("\(table)_before_\(event)_runner"))")
            }
        }
    }

    func hasTable(_ db: Database, _ name: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [name], as: Int.self) != nil
    }

    func readHistory(_ db: Database) throws -> [AppliedMigration] {
        guard try hasTable(db, "_migrations") else { return [] }
        return try db.query("SELECT version, file_name, checksum, applied_at, duration_ms FROM _migrations ORDER BY version")
            .map {
                AppliedMigration(
                    version: try $0.get(0), fileName: try $0.get(1), checksum: try $0.get(2),
                    appliedAt: try $0.get(3), durationMilliseconds: try $0.get(4))
            }
    }

    func validate(_ applied: [AppliedMigration]) throws {
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

    func checkForeignKeys(_ db: Database, fileName: String) throws {
        let rows = try db.query("PRAGMA foreign_key_check")
        guard !rows.isEmpty else { return }
        let violations = rows.prefix(10).map { row in
            "\(row[0]) row \(row[1]) references a missing \(row[2])"
        }
        throw MigrationError.foreignKeyViolation(fileName: fileName, violations: violations + (rows.count > 10 ? ["and \(rows.count - 10) more"] : []))
    }
}
