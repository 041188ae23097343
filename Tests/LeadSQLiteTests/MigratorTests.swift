import Foundation
import LeadSQLite
import LeadTestSupport
import Testing

@Suite struct MigratorTests {
    let dir = TemporaryDirectory()
    let appID: Int32 = 0x4C45_4144

    func migration(_ name: String, _ sql: String) throws -> Migration { try Migration(fileName: name, sql: sql) }

    var base: [Migration] {
        get throws {
            [
                try migration("0001_people.sql", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"),
                try migration("0002_seed.sql", "INSERT INTO people(name) VALUES ('Ada');\nINSERT INTO people(name) VALUES ('Grace');"),
            ]
        }
    }
    let schema = [SchemaFile(fileName: "people.sql", sql: "CREATE VIEW people_names AS SELECT name FROM people;")]

    func migrator(_ migrations: [Migration], _ schema: [SchemaFile]? = nil) throws -> Migrator {
        try Migrator(migrations: migrations, schema: schema ?? self.schema, applicationID: appID)
    }

    func tables(_ db: Database) throws -> [String] {
        try db.query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name").map { try $0.get(0) }
    }

    @Test func appliesInOrderWithHistoryAndStampsTheApplicationID() throws {
        let db = try Database(path: dir.file("a.db"))
        let report = try migrator(try base).migrate(db)
        #expect(report.applied.map(\.fileName) == ["0001_people.sql", "0002_seed.sql"])
        #expect(report.schemaRecreated)
        #expect(try db.scalar("SELECT group_concat(name, ',') FROM people_names", as: String.self) == "Ada,Grace")
        #expect(try db.scalar("PRAGMA application_id", as: Int.self) == Int(appID))
        let history = try db.query("SELECT version, file_name, checksum, applied_at, duration_ms FROM _migrations ORDER BY version")
        #expect(history.count == 2)
        #expect(try history[0].get("checksum", as: String.self) == (try base)[0].checksum)
        #expect(try history[1].get("version", as: Int.self) == 2)
        let appliedAt = try history[0].get("applied_at", as: String.self)
        #expect(SQLiteDate.parse(appliedAt) != nil && appliedAt.hasSuffix("Z") && appliedAt.count == 24)
        #expect(try history[0].get("duration_ms", as: Int.self) >= 0)
    }

    @Test func aSecondRunDoesNothing() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator(try base).migrate(db)
        let again = try migrator(try base).migrate(db)
        #expect(again.didNothing)
        #expect(try db.scalar("SELECT count(*) FROM people", as: Int.self) == 2)
        #expect(try migrator(try base).status(db).isUpToDate)
    }

    @Test func twoRunnersOnANewFileApplyEachMigrationOnce() throws {
        let path = dir.file("race.db")
        // A migration slow enough that both runners overlap.
        let slow = try base + [
            migration(
                "0003_bulk.sql",
                "CREATE TABLE numbers(n);\nWITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 200000) INSERT INTO numbers SELECT i FROM r;")
        ]
        let runner = try migrator(slow)
        let results = RaceResults()
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                do {
                    let db = try Database(path: path, busyTimeout: 30_000)
                    results.add(.success(try runner.migrate(db).applied.count))
                } catch {
                    results.add(.failure(error))
                }
                group.leave()
            }
        }
        start.signal()
        start.signal()
        group.wait()
        let outcomes = results.all
        #expect(outcomes.count == 2)
        let applied = try outcomes.map { try $0.get() }
        #expect(applied.reduce(0, +) == 3)  // each migration applied by exactly one runner
        let db = try Database(path: path)
        #expect(try db.scalar("SELECT count(*) FROM _migrations", as: Int.self) == 3)
        #expect(try db.scalar("SELECT count(*) FROM people", as: Int.self) == 2)
        #expect(try db.scalar("SELECT count(*) FROM numbers", as: Int.self) == 200_000)
    }

    @Test func aChangedMigrationIsRefusedAndNothingChanges() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator([try base[0]]).migrate(db)
        let edited = try migration("0001_people.sql", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT);")
        let error = try #require(throws: MigrationError.self) { try migrator([edited, try base[1]]).migrate(db) }
        guard case .migrationChanged(let file, _, _) = error else { Issue.record("got \(error)"); return }
        #expect(file == "0001_people.sql")
        #expect(error.description.hasPrefix("Migrations/0001_people.sql was changed after it was applied"))
        #expect(try db.scalar("SELECT count(*) FROM people", as: Int.self) == 0)
        #expect(try db.scalar("SELECT count(*) FROM _migrations", as: Int.self) == 1)
        // Line endings alone are not a change.
        let crlf = try migration("0001_people.sql", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL);".replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(try migrator([crlf]).status(db).isUpToDate)
    }

    /// A landed migration that was changed by mistake is mended by restoring it and moving the change
    /// to a new migration that declares the changed text's checksum acceptable: files that ran either
    /// text migrate; any other text is still refused.
    @Test func aLaterMigrationCanAcceptAnEarlierTextOfALandedOne() throws {
        let changed = try migration("0001_people.sql", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nCREATE TABLE pets(id INTEGER PRIMARY KEY);")
        let db = try Database(path: dir.file("a.db"))
        try migrator([changed]).migrate(db)
        let mend = try migration(
            "0002_pets.sql", "-- accepts 0001_people.sql checksum \(changed.checksum)\nCREATE TABLE IF NOT EXISTS pets(id INTEGER PRIMARY KEY);")
        #expect(mend.acceptedChecksums == ["0001_people.sql": [changed.checksum]])
        let report = try migrator([try base[0], mend]).migrate(db)
        #expect(report.applied.map(\.fileName) == ["0002_pets.sql"])
        #expect(try migrator([try base[0], mend]).status(db).isUpToDate)
        // A file that ran the restored text takes the same path.
        let other = try Database(path: dir.file("b.db"))
        try migrator([try base[0], mend]).migrate(other)
        #expect(try other.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'pets'", as: Int.self) == 1)
        // A file that ran a third text is still refused.
        let third = try migration("0001_people.sql", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT);")
        let stray = try Database(path: dir.file("c.db"))
        try migrator([third]).migrate(stray)
        #expect(throws: MigrationError.self) { try migrator([try base[0], mend]).status(stray) }
    }

    @Test func aNewerDatabaseIsRefused() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator(try base).migrate(db)
        let error = try #require(throws: MigrationError.self) { try migrator([try base[0]]).migrate(db) }
        #expect(error == .databaseIsNewer(unknown: ["0002_seed.sql"]))
        #expect(error.description.hasPrefix("the database is newer than this leads binary"))
        #expect(throws: MigrationError.self) { try migrator([try base[0]]).status(db) }
    }

    @Test func aFailingMigrationRollsBackNamesFileAndLineAndStopsThere() throws {
        let db = try Database(path: dir.file("a.db"))
        let broken = try migration("0002_broken.sql", "INSERT INTO people(name) VALUES ('Ada');\n\nCREATE TABLE extra(x);\nINSERT INTO people(name)\n  VALUES (NULL);\n")
        let after = try migration("0003_after.sql", "CREATE TABLE after(x);")
        let error = try #require(throws: MigrationError.self) { try migrator([try base[0], broken, after]).migrate(db) }
        #expect(error == .migrationFailed(fileName: "0002_broken.sql", line: 4, message: "NOT NULL constraint failed: people.name"))
        #expect(error.description == "Migrations/0002_broken.sql line 4 failed: NOT NULL constraint failed: people.name. The whole deploy was rolled back: the file is as it was before.")
        // All or nothing: 0001, which ran before it in the same deploy, is rolled back too.
        #expect(try tables(db).isEmpty)
        #expect(try db.scalar("PRAGMA application_id", as: Int.self) == 0)
    }

    @Test func foreignKeyViolationsFailTheMigration() throws {
        let db = try Database(path: dir.file("a.db"))
        let orphan = try migration(
            "0002_orphans.sql",
            """
            CREATE TABLE pets(id INTEGER PRIMARY KEY, owner INTEGER REFERENCES people(id) DEFERRABLE INITIALLY DEFERRED);
            INSERT INTO pets(owner) VALUES (99);
            """)
        let error = try #require(throws: MigrationError.self) { try migrator([try base[0], orphan]).migrate(db) }
        #expect(error == .foreignKeyViolation(fileName: "0002_orphans.sql", violations: ["pets row 1 references a missing people"]))
        #expect(!(try tables(db).contains("pets")))
    }

    @Test func changedSchemaFilesAreRecreatedAndOldObjectsDropped() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator(try base).migrate(db)
        let unchanged = try migrator(try base).migrate(db)
        #expect(!unchanged.schemaRecreated)

        let v2 = [
            SchemaFile(
                fileName: "people.sql",
                sql: """
                    CREATE VIEW people_upper AS SELECT upper(name) AS name FROM people;
                    CREATE TRIGGER people_before_insert_check BEFORE INSERT ON people
                    WHEN NEW.name = '' BEGIN SELECT RAISE(ABORT, 'empty_name: a person needs a name'); END;
                    """)
        ]
        #expect(try migrator(try base, v2).status(db).changedSchemaFiles == ["people.sql"])
        let report = try migrator(try base, v2).migrate(db)
        #expect(report.schemaRecreated && report.applied.isEmpty)
        #expect(!(try tables(db).contains("people_names")))
        #expect(try db.scalar("SELECT name FROM people_upper LIMIT 1", as: String.self) == "ADA")
        let error = try #require(throws: SQLiteError.self) { try db.execute("INSERT INTO people(name) VALUES ('')") }
        #expect(error.message == "empty_name: a person needs a name")
        #expect(try db.scalar("SELECT count(*) FROM _schema_objects", as: Int.self) == 2)

        // Removing the file drops what it made.
        try migrator(try base, []).migrate(db)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type IN ('view', 'trigger') AND name NOT LIKE '%\\_runner' ESCAPE '\\'", as: Int.self) == 0)
    }

    @Test func schemaMayNeedTablesFromTheLastPendingMigration() throws {
        let db = try Database(path: dir.file("a.db"))
        let later = try migration("0003_pets.sql", "CREATE TABLE pets(name TEXT);")
        let needsPets = [SchemaFile(fileName: "pets.sql", sql: "CREATE VIEW pet_names AS SELECT name FROM pets;")]
        try migrator(try base + [later], needsPets).migrate(db)
        #expect(try tables(db).contains("pet_names"))
    }

    @Test func aFailingSchemaFileRollsBackWithItsNameAndLine() throws {
        let db = try Database(path: dir.file("a.db"))
        let bad = [SchemaFile(fileName: "bad.sql", sql: "CREATE VIEW ok AS SELECT 1;\nCREATE VIEW broken AS SELECT nope FROM people;")]
        let error = try #require(throws: MigrationError.self) { try migrator(try base, bad).migrate(db) }
        #expect(error == .schemaFailed(fileName: "bad.sql", line: 2, message: "no such column: nope"))
        // The migrations and the schema re-creation are one deploy: all of it rolled back.
        #expect(try tables(db).isEmpty)
    }

    @Test func schemaFilesMayNotCreateTables() throws {
        let db = try Database(path: dir.file("a.db"))
        let bad = [SchemaFile(fileName: "bad.sql", sql: "CREATE TABLE sneaky(x);")]
        let error = try #require(throws: MigrationError.self) { try migrator(try base, bad).migrate(db) }
        #expect(error == .schemaFailed(fileName: "bad.sql", line: nil, message: "it creates the table sneaky; tables and indexes belong in Migrations/"))
    }

    @Test func anotherProgramsDatabaseIsRefusedUnchanged() throws {
        let path = dir.file("other.db")
        let other = try Database(path: path)
        try other.execute("PRAGMA application_id = 12345")
        try other.execute("CREATE TABLE notes(x)")
        let error = try #require(throws: MigrationError.self) { try migrator(try base).migrate(Database(path: path)) }
        guard case .foreignDatabase(_, let reason) = error else { Issue.record("got \(error)"); return }
        #expect(reason == "its application_id is 12345 (0x3039), LeadDB's is \(appID)")
        #expect(try tables(other) == ["notes"])

        let plain = try Database(path: dir.file("plain.db"))
        try plain.execute("CREATE TABLE notes(x)")
        let error2 = try #require(throws: MigrationError.self) { try migrator(try base).migrate(plain) }
        #expect(error2 == .foreignDatabase(path: dir.file("plain.db"), reason: "it already has an object (table notes) and no LeadDB application_id"))
        #expect(try tables(plain) == ["notes"])
        #expect(try plain.scalar("PRAGMA application_id", as: Int.self) == 0)

        // A file with a table named like the runner's history is still another program's.
        let lookalike = try Database(path: dir.file("orders.db"), plain: true)
        try lookalike.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY)")
        try lookalike.execute("CREATE TABLE _migrations(version INTEGER PRIMARY KEY, file_name TEXT, checksum TEXT, applied_at TEXT, duration_ms INTEGER)")
        #expect(throws: MigrationError.self) { try migrator(try base).migrate(lookalike) }
        #expect(try tables(lookalike) == ["_migrations", "orders"])

        // A file with only views (no table) is named by what it has; an empty file that another
        // program stamped with a user_version is not taken either.
        let views = try Database(path: dir.file("views.db"), plain: true)
        try views.execute("CREATE VIEW answer AS SELECT 42")
        let error3 = try #require(throws: MigrationError.self) { try migrator(try base).migrate(views) }
        #expect(error3 == .foreignDatabase(path: dir.file("views.db"), reason: "it already has an object (view answer) and no LeadDB application_id"))
        let stamped = try Database(path: dir.file("stamped.db"), plain: true)
        try stamped.execute("PRAGMA user_version = 7")
        let error4 = try #require(throws: MigrationError.self) { try migrator(try base).migrate(stamped) }
        #expect(error4 == .foreignDatabase(path: dir.file("stamped.db"), reason: "it has no tables yet but its user_version is 7, set by another program"))
        #expect(try tables(stamped).isEmpty)
        #expect(try stamped.scalar("PRAGMA application_id", as: Int.self) == 0)
    }

    @Test func aDeployIsAllOrNothingAcrossMigrationsAndTheSchema() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator([try base[0]]).migrate(db)
        // Two pending migrations; the schema needs a table the second adds, and the second fails.
        let pets = try migration("0002_pets.sql", "CREATE TABLE pets(name TEXT);")
        let broken = try migration("0003_broken.sql", "CREATE TABLE vets(x);\nINSERT INTO nowhere VALUES (1);")
        let needsPets = [
            SchemaFile(fileName: "people.sql", sql: "CREATE VIEW people_names AS SELECT name FROM people;"),
            SchemaFile(fileName: "pets.sql", sql: "CREATE VIEW pet_names AS SELECT name FROM pets;"),
        ]
        let before = try db.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name").map { "\($0[0]) \($0[1]) \($0[2])" }
        let error = try #require(throws: MigrationError.self) { try migrator([try base[0], pets, broken], needsPets).migrate(db) }
        #expect(error == .migrationFailed(fileName: "0003_broken.sql", line: 2, message: "no such table: nowhere"))
        // Nothing changed: the first migration's rules are still there, and 0002 is not applied.
        #expect(try db.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name").map { "\($0[0]) \($0[1]) \($0[2])" } == before)
        #expect(try tables(db).contains("people_names"))
        #expect(try db.query("SELECT file_name FROM _migrations").map { try $0.get(0, as: String.self) } == ["0001_people.sql"])
        // Fixed, the same deploy applies both and the schema that needs them.
        let fixed = try migration("0003_broken.sql", "CREATE TABLE vets(x);")
        let report = try migrator([try base[0], pets, fixed], needsPets).migrate(db)
        #expect(report.applied.map(\.fileName) == ["0002_pets.sql", "0003_broken.sql"])
        #expect(try tables(db).contains("pet_names"))
    }

    @Test func aMigrationCanRebuildAReferencedTable() throws {
        let db = try Database(path: dir.file("a.db"))  // the project's connection: foreign keys on
        let pets = try migration("0002_pets.sql", "CREATE TABLE pets(id INTEGER PRIMARY KEY, owner INTEGER REFERENCES people(id)); INSERT INTO people(id, name) VALUES (1, 'Ada'); INSERT INTO pets(owner) VALUES (1);")
        try migrator([try base[0], pets]).migrate(db)
        // SQLite's 12-step rebuild of people, which pets references.
        let rebuild = try migration(
            "0003_rebuild_people.sql",
            """
            CREATE TABLE people_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
            INSERT INTO people_new(id, name) SELECT id, name FROM people;
            DROP TABLE people;
            ALTER TABLE people_new RENAME TO people;
            """)
        try migrator([try base[0], pets, rebuild]).migrate(db)
        #expect(try db.scalar("SELECT count(*) FROM pets JOIN people ON people.id = pets.owner", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA foreign_keys", as: Int.self) == 1)  // restored after the deploy
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func schemaDriftIsReportedAndRepaired() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator(try base).migrate(db)
        #expect(try migrator(try base).status(db).isUpToDate)
        try db.execute("DROP VIEW people_names")
        let status = try migrator(try base).status(db)
        #expect(status.driftedObjects == ["people_names"])
        #expect(!status.isUpToDate)
        let report = try migrator(try base).migrate(db)
        #expect(report.repairedObjects == ["people_names"])
        #expect(try tables(db).contains("people_names"))
        #expect(try migrator(try base).status(db).isUpToDate)
        // The runner's own record refuses writes from anyone else.
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM _migrations") }
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE _schema_files SET checksum = 'x'") }
    }

    /// The thorough check compares the file with what the migrations and schema files build, so it does
    /// not depend on the runner's record: dropped indexes, a record changed by hand and objects added by
    /// hand are all found; the first two are repaired, the last is listed and left alone.
    @Test func thoroughDriftDoesNotTrustTheRecord() throws {
        let db = try Database(path: dir.file("a.db"))
        let withIndex = try migration("0002_index.sql", "CREATE INDEX people_by_name ON people(name);")
        let m = try migrator([try base[0], withIndex])
        try m.migrate(db, thorough: true)
        #expect(try m.status(db, thorough: true).isUpToDate)
        #expect(try m.status(db, thorough: true).addedObjects.isEmpty)

        // A careless script: drops an index, drops the runner's guard, removes the record of a view and
        // changes the view, and adds a trigger of its own.
        try db.execute("DROP INDEX people_by_name")
        try db.execute("DROP TRIGGER _schema_objects_before_delete_runner")
        try db.execute("DELETE FROM _schema_objects WHERE name = 'people_names'")
        try db.execute("DROP VIEW people_names")
        try db.execute("CREATE VIEW people_names AS SELECT 'nobody' AS name")
        try db.execute("CREATE TRIGGER audit_people AFTER INSERT ON people BEGIN SELECT 1; END")

        let quick = try m.status(db)
        #expect(quick.driftedObjects.isEmpty)  // the record no longer names the view
        #expect(quick.addedObjects == ["trigger audit_people", "view people_names"])
        let status = try m.status(db, thorough: true)
        #expect(status.driftedObjects == ["_schema_objects_before_delete_runner", "people_by_name", "people_names"])
        #expect(status.addedObjects == ["trigger audit_people"])
        #expect(status.missingTables.isEmpty)
        #expect(!status.isUpToDate)

        let report = try m.migrate(db, thorough: true)
        #expect(report.repairedObjects.sorted() == ["_schema_objects_before_delete_runner", "people_by_name", "people_names"])
        #expect(try db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'people_by_name'", as: String.self)
            == "CREATE INDEX people_by_name ON people(name)")
        #expect(try db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'people_names'", as: String.self)
            == "CREATE VIEW people_names AS SELECT name FROM people")
        #expect(try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'audit_people'", as: Int.self) == 1)
        let after = try m.status(db, thorough: true)
        #expect(after.isUpToDate)
        #expect(after.addedObjects == ["trigger audit_people"])
        // The guard is back.
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM _schema_objects") }

        // A missing table is reported; nothing but a backup restores it.
        try db.execute("DROP VIEW people_names")
        try db.execute("DROP TABLE people")
        #expect(try m.status(db, thorough: true).missingTables == ["people"])
    }

    @Test func statusListsAppliedAndPending() throws {
        let db = try Database(path: dir.file("a.db"))
        try migrator([try base[0]]).migrate(db)
        let status = try migrator(try base).status(db)
        #expect(status.applied.map(\.fileName) == ["0001_people.sql"])
        #expect(status.pending.map(\.fileName) == ["0002_seed.sql"])
        #expect(!status.isUpToDate)
    }

    @Test func migrationNamesAreValidated() throws {
        #expect(throws: MigrationError.invalidFileName("people.sql")) { try Migration(fileName: "people.sql", sql: "") }
        #expect(throws: MigrationError.self) {
            try Migrator(migrations: [try migration("0001_a.sql", ""), try migration("0001_b.sql", "")], schema: [], applicationID: 1)
        }
    }
}

/// Results collected from several threads.
final class RaceResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Int, any Error>] = []
    func add(_ result: Result<Int, any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<Int, any Error>] { lock.withLock { results } }
}
