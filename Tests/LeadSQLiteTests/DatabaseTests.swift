import Foundation
import LeadSQLite
import LeadTestSupport
import Testing

@Suite struct DatabaseTests {
    @Test func ownConnectionsUseWALAndForeignKeys() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("a.db"))
        #expect(try db.scalar("PRAGMA journal_mode", as: String.self) == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA synchronous", as: Int.self) == 1)  // NORMAL
        #expect(try db.scalar("PRAGMA busy_timeout", as: Int.self) == 5000)
        #expect(try db.scalar("PRAGMA secure_delete", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA temp_store", as: Int.self) == 2)  // MEMORY
    }

    /// A cached `SELECT *` of a view another connection made again gives the view's new columns (SQLite
    /// prepares it again by itself; the statement's column names follow).
    @Test func aCachedStatementFollowsAViewMadeAgainElsewhere() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("a.db"))
        try db.executeScript("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 2); CREATE VIEW v AS SELECT a FROM t;")
        #expect(try db.query("SELECT * FROM v").first?.columns == ["a"])
        let other = try Database(path: dir.file("a.db"), plain: true)
        try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT a, b, a + b AS total FROM t;")
        let rows = try db.query("SELECT * FROM v")
        #expect(rows.first?.columns == ["a", "b", "total"] && rows.first?.values == [.integer(1), .integer(2), .integer(3)])
        // As many columns under other names; a column added to a table (the first statement after).
        try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT a AS x, b AS y, a - b AS difference FROM t;")
        #expect(try db.query("SELECT * FROM v").first?.columns == ["x", "y", "difference"])
        try other.execute("ALTER TABLE t ADD COLUMN c DEFAULT 'new'")
        let added = try db.query("SELECT * FROM t")
        #expect(added.first?.columns == ["a", "b", "c"] && added.first?.values == [.integer(1), .integer(2), .text("new")])
    }

    /// SQLite leaves the -wal and -shm a read-only reader of a WAL file needed; LeadDB removes them,
    /// unless another connection still has the file open, and writes nothing to the file itself.
    /// A cached statement that a rule or constraint refused stays (preparing a capture again costs
    /// milliseconds, and an import refuses many rows); one that failed otherwise is dropped and prepared
    /// afresh next time.
    @Test func aFailedStatementLeavesTheCacheUnlessARuleRefusedIt() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER CHECK (x > 0))")
        try db.execute("INSERT INTO t(x) VALUES (?)", [1])
        let before = db.cachedStatementCount
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t(x) VALUES (?)", [-1]) }  // a constraint
        #expect(db.cachedStatementCount == before)
        #expect(throws: SQLiteError.self) { try db.query("SELECT x FROM t WHERE abs(?) > 0", [Int64.min]) }  // an error
        #expect(db.cachedStatementCount == before + 1)
        // An interrupted statement is dropped: its next run is prepared afresh.
        let count = db.cachedStatementCount
        let error = try #require(throws: SQLiteError.self) {
            try interrupting(db) {
                try db.scalar("WITH RECURSIVE r(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r", [1], as: Int.self)
            }
        }
        #expect(error.resultCode == .interrupt)
        #expect(db.cachedStatementCount == count)
        try db.execute("INSERT INTO t(x) VALUES (?)", [2])
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
    }

    @Test func readOnlyOpenLeavesNoFilesBehind() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.db")
        do {
            let db = try Database(path: path)
            try db.executeScript("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        }
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: path + "-wal") && !fm.fileExists(atPath: path + "-shm"))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let reader = try Database(path: path, mode: .readOnly)
            #expect(try reader.scalar("SELECT x FROM t", as: Int.self) == 1)
            #expect(fm.fileExists(atPath: path + "-shm"))  // SQLite needs it while reading
            #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (2)") }
        }
        #expect(!fm.fileExists(atPath: path + "-wal"))
        #expect(!fm.fileExists(atPath: path + "-shm"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        // While a writer has the file open, the files are the writer's: the reader leaves them.
        let writer = try Database(path: path)
        #expect(try writer.scalar("SELECT count(*) FROM t", as: Int.self) == 1)
        do {
            let reader = try Database(path: path, mode: .readOnly)
            #expect(try reader.scalar("SELECT x FROM t", as: Int.self) == 1)
        }
        #expect(fm.fileExists(atPath: path + "-wal") && fm.fileExists(atPath: path + "-shm"))
        try writer.execute("INSERT INTO t VALUES (2)")
        #expect(try writer.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
    }

    /// Opening a reader never drops the locks this process's other connections hold: POSIX locks belong
    /// to the process, and closing any descriptor of the file drops them all. Were they dropped, another
    /// program closing its connection would take itself for the last one and delete the WAL (and the
    /// frames this process wrote since) under the open writer.
    @Test func aReaderKeepsTheLocksOfTheProcesssOtherConnections() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.db")
        let writer = try Database(path: path)
        try writer.executeScript("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        for mode in [Database.Mode.readOnly, .readWrite] {
            let reader = try Database(path: path, mode: mode)
            #expect(try reader.scalar("SELECT count(*) FROM t", as: Int.self) == 1)
        }
        // Another program opens the file and closes it: it is not the last connection.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        other.arguments = [path, "SELECT count(*) FROM t;"]
        other.standardOutput = FileHandle.nullDevice
        try other.run()
        other.waitUntilExit()
        #expect(other.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(FileManager.default.fileExists(atPath: path + "-shm"))
        try writer.execute("INSERT INTO t VALUES (2)")
        let again = try Database(path: path)
        #expect(try again.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
    }

    @Test func errorsCarryCodesMessageAndSQLButNoArguments() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
        try db.execute("INSERT INTO t(email) VALUES (?)", ["secret@example.com"])
        let error = try #require(throws: SQLiteError.self) {
            try db.execute("INSERT INTO t(email) VALUES (?)", ["secret@example.com"])
        }
        #expect(error.resultCode == .constraint)
        #expect(error.extendedResultCode == .constraintUnique)
        #expect(error.message == "UNIQUE constraint failed: t.email")
        #expect(error.sql == "INSERT INTO t(email) VALUES (?)")
        #expect(error.description == "SQLite error 19: UNIQUE constraint failed: t.email - while executing `INSERT INTO t(email) VALUES (?)`")
        #expect(!error.description.contains("secret"))
    }

    @Test func syntaxErrorsReportTheOffset() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) { try db.execute("SELECT nope FROM sqlite_schema") }
        #expect(error.message == "no such column: nope")
        #expect(error.offset == 7)
        #expect(error.resultCode == .error)
    }

    @Test func resultCodesMatchInCatchClauses() throws {
        let db = try Database(path: ":memory:")
        try db.executeScript("CREATE TABLE t(x); CREATE TRIGGER t_check BEFORE INSERT ON t BEGIN SELECT RAISE(ABORT, 'bad_x: no'); END;")
        do {
            try db.execute("INSERT INTO t VALUES (1)")
            Issue.record("expected a trigger error")
        } catch ResultCode.constraintTrigger {
            // matched by the extended code
        }
    }

    @Test func wrongArgumentCountIsAnError() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) { try db.execute("SELECT ?, ?", [1]) }
        #expect(error.resultCode == .range)
        #expect(error.message == "wrong number of arguments: the statement expects 2, got 1")
    }

    @Test func oneStatementAPIsRefuseSeveralStatements() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) { try db.execute("SELECT 1; SELECT 2") }
        #expect(error.resultCode == .misuse)
        // A trailing semicolon or comment is fine.
        #expect(try db.scalar("SELECT 3; -- done", as: Int.self) == 3)
    }

    @Test func transactionRollsBackWhenTheClosureThrows() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
        #expect(!db.isInTransaction)
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 1)
    }

    @Test func nestedSavepointsRollBackOnlyTheirPart() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(x)")
        struct Boom: Error {}
        try db.transaction {
            try db.execute("INSERT INTO t VALUES ('outer')")
            try db.savepoint {
                try db.execute("INSERT INTO t VALUES ('middle')")
                #expect(throws: Boom.self) {
                    try db.savepoint {
                        try db.execute("INSERT INTO t VALUES ('inner')")
                        throw Boom()
                    }
                }
            }
        }
        let values = try db.query("SELECT x FROM t ORDER BY rowid").map { try $0.get(0, as: String.self) }
        #expect(values == ["outer", "middle"])
        // Outside a transaction a savepoint is a transaction of its own.
        #expect(throws: Boom.self) {
            try db.savepoint {
                try db.execute("INSERT INTO t VALUES ('lost')")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
        #expect(!db.isInTransaction)
    }

    @Test func scriptsWithTriggersRunThroughThePrepareTail() throws {
        let db = try Database(path: ":memory:")
        try db.executeScript(
            """
            CREATE TABLE t(x);
            CREATE TABLE log(msg);
            -- a comment; with a semicolon
            CREATE TRIGGER t_after_insert AFTER INSERT ON t BEGIN
                INSERT INTO log VALUES ('got ' || NEW.x);
                INSERT INTO log VALUES ('twice; really');
            END;
            INSERT INTO t VALUES ('a;b');
            """)
        let log = try db.query("SELECT msg FROM log").map { try $0.get(0, as: String.self) }
        #expect(log == ["got a;b", "twice; really"])
    }

    @Test func scriptErrorsNameTheLineOfTheFailingStatement() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try db.executeScript("CREATE TABLE a(x);\n\n-- comment\nINSERT INTO a VALUES (1);\nINSERT INTO missing VALUES (1);\n")
        }
        #expect(error.line == 5)
        #expect(error.message == "no such table: missing")
        let runtime = try #require(throws: SQLiteError.self) {
            try db.executeScript("CREATE TABLE b(x CHECK (x > 0));\nINSERT INTO b VALUES (1);\n  INSERT INTO b\n VALUES (-1);")
        }
        #expect(runtime.line == 3)
        #expect(runtime.extendedResultCode == .constraintCheck)
    }

    @Test func interruptStopsALongQuery() throws {
        let db = try Database(path: ":memory:")
        let error = try #require(throws: SQLiteError.self) {
            try interrupting(db) {
                try db.scalar(
                    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r", as: Int.self)
            }
        }
        #expect(error.resultCode == .interrupt)
        // The connection stays usable.
        #expect(try db.scalar("SELECT 42", as: Int.self) == 42)
    }

    @Test func readOnlyConnectionsRefuseWrites() throws {
        let dir = TemporaryDirectory()
        let writer = try Database(path: dir.file("r.db"))
        try writer.execute("CREATE TABLE t(x)")
        let reader = try Database(path: dir.file("r.db"), mode: .readOnly)
        #expect(reader.isReadOnly)
        let error = try #require(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
        #expect(error.resultCode == .readonly)
    }

    @Test func openingSomethingThatIsNotADatabaseFailsClearly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("notes.txt")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: SQLiteError.self) { try Database(path: path) }
        #expect(error.resultCode == .notADatabase)
        let missing = try #require(throws: SQLiteError.self) { try Database(path: dir.file("missing/x.db")) }
        #expect(missing.resultCode == .cantOpen)
        #expect(missing.message.hasPrefix("cannot open \(dir.file("missing/x.db"))"))
    }

    @Test func isCompleteFollowsSQLiteNotSemicolons() {
        #expect(Database.isComplete("SELECT 1;"))
        #expect(!Database.isComplete("SELECT 1"))
        #expect(!Database.isComplete("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1;"))
        #expect(Database.isComplete("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;"))
        #expect(!Database.isComplete("SELECT 'a;"))
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Migration.checksum("a\r\nb\r\n") == Migration.checksum("a\nb\n"))
    }
}

/// Runs `body` while a thread of its own interrupts `db` every 50 ms until `body` returns. (A thread,
/// not a task: a test that blocks in a query holds a thread of Swift's cooperative pool, and on two
/// cores two such tests would leave no thread for a task that interrupts them. SQLite ignores an
/// interrupt while no statement runs, hence the repetition.)
func interrupting<T>(_ db: Database, _ body: () throws -> T) throws -> T {
    let done = InterruptingDone(), finished = DispatchSemaphore(value: 0), handle = db.interruptHandle
    let thread = Thread {
        while !done.value {
            usleep(50_000)
            if !done.value { handle.interrupt() }
        }
        finished.signal()
    }
    thread.start()
    defer {
        done.value = true
        finished.wait()
    }
    return try body()
}

final class InterruptingDone: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return done }
        set { lock.lock(); done = newValue; lock.unlock() }
    }
}
