import Foundation
import LeadSQLite
import LeadTestSupport
import Testing

/// `Database(remote:)` keeps a file's behaviour when a node runs the statements: columns, parameters,
/// errors, transactions, a schema changed by another connection, read-only refusals, a lost
/// connection. The node is stood in for by a plain connection to a file (dqlite's own nodes are
/// in Tests/LeadClusterTests).
@Suite struct RemoteDatabaseTests {
    @Test func statementsGiveAFilesColumnsRowsAndErrors() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        #expect(db.isRemote && db.path == "dqlite://stand-in:1/" + dir.file("node.db"))
        #expect(Database.option(forLocation: db.path) == "--cluster stand-in:1/" + dir.file("node.db"))
        // (the copy of the schema is taken first)
        #expect(node.received.first == "SELECT schema_version FROM pragma_schema_version")
        #expect(node.received.dropFirst().first?.hasPrefix("SELECT type, name, sql FROM sqlite_schema") == true)
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        try db.execute("INSERT INTO t(name) VALUES (?), (?)", ["Ada", "Zoë\0nul"])
        #expect(db.lastInsertRowID == 2 && db.changes == 2)
        let rows = try db.query("SELECT id, name AS who FROM t WHERE id >= :first ORDER BY id", [1])
        #expect(rows.map(\.columns) == [["id", "who"], ["id", "who"]])
        #expect(rows.map(\.values) == [[.integer(1), .text("Ada")], [.integer(2), .text("Zoë\0nul")]])
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
        // Refusals as a file gives them: the parameter count (here), the node's own (a constraint).
        #expect(throws: SQLiteError(code: 25, message: "wrong number of arguments: the statement expects 1, got 2", sql: "SELECT ?")) {
            try db.query("SELECT ?", [1, 2])
        }
        let constraint = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t(name) VALUES (NULL)") }
        #expect(constraint?.extendedResultCode == .constraintNotNull && constraint?.message == "NOT NULL constraint failed: t.name")
        let syntax = #expect(throws: SQLiteError.self) { try db.execute("SELEC 1") }
        #expect(syntax?.message == "near \"SELEC\": syntax error")
        // A script is split where SQLite ends each statement (a trigger's body keeps its semicolons).
        try db.executeScript("""
            CREATE TABLE log(what);
            CREATE TRIGGER t_logged AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.name); SELECT 1; END;
            INSERT INTO t(name) VALUES ('Grace');
            """)
        #expect(try db.scalar("SELECT what FROM log", as: String.self) == "Grace")
        // The trace gives each statement with its values, as a file's does.
        var traced: [String] = []
        db.trace { traced.append($0) }
        try db.execute("UPDATE t SET name = ? WHERE id = ?", ["Ada L.", 1])
        db.trace(nil)
        #expect(traced == ["UPDATE t SET name = 'Ada L.' WHERE id = 1"])
    }

    @Test func transactionsAndTheirSchemaChangesFollowTheNode() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.execute("BEGIN")
        try db.execute("CREATE TABLE gone(x)")
        try db.execute("INSERT INTO gone VALUES (1)")
        #expect(db.isInTransaction && node.node.isInTransaction)
        try db.execute("ROLLBACK")
        #expect(!db.isInTransaction && !node.node.isInTransaction)
        let gone = #expect(throws: SQLiteError.self) { try db.query("SELECT * FROM gone") }
        #expect(gone?.message == "no such table: gone")
        // A transaction that throws is rolled back on the node; one that returns is committed.
        #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.execute("CREATE TABLE kept(x)")
                try db.execute("INSERT INTO nowhere VALUES (1)")
            }
        }
        #expect(try node.node.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0)
        try db.transaction { try db.savepoint { try db.execute("CREATE TABLE kept(x)") } }
        #expect(try db.query("SELECT * FROM kept").isEmpty && !db.isInTransaction)
    }

    @Test func aSchemaChangedByAnotherConnectionIsTakenAgain() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.execute("CREATE TABLE t(a)")
        #expect(try db.query("SELECT * FROM t").isEmpty)
        // Another program changes the schema on the node.
        let other = try Database(path: dir.file("node.db"), plain: true)
        try other.executeScript("ALTER TABLE t ADD COLUMN b DEFAULT 7; INSERT INTO t(a) VALUES (1); CREATE VIEW v AS SELECT a + b AS total FROM t;")
        #expect(try db.query("SELECT a, b FROM t").first?.values == [.integer(1), .integer(7)])
        #expect(try db.query("SELECT * FROM v").first?.columns == ["total"])
        try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT a, b, a * b AS product FROM t;")
        // (a statement whose columns the copy does not know yet takes the node's)
        let changed = try db.query("SELECT * FROM v")
        #expect(changed.first?.columns == ["a", "b", "product"], "\(changed)")
        // As many columns, other names: the node's names are the ones given (the cached statement of
        // `query`, one prepared before the change).
        let prepared = try db.prepare("SELECT * FROM v")
        #expect(try prepared.step() && prepared.columnNames == ["a", "b", "product"])
        prepared.reset()
        try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT a AS first, b AS second, a - b AS difference FROM t;")
        let renamed = try db.query("SELECT * FROM v")
        #expect(renamed.first?.columns == ["first", "second", "difference"], "\(renamed)")
        #expect(try prepared.step() && prepared.columnNames == ["first", "second", "difference"])
        #expect(prepared.row().values == [.integer(1), .integer(7), .integer(-6)])
    }

    /// A node refuses a write at once while another connection holds the write lock: the request is
    /// sent again, as a file's busy handler waits; one whose snapshot is old is not (it cannot succeed).
    @Test func aStatementRefusedAsBusyIsSentAgain() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.execute("CREATE TABLE t(x)")
        node.refusals = (5, 3)
        try db.execute("INSERT INTO t VALUES (1)")
        #expect(node.refusals.count == 0 && node.received.last == "INSERT INTO t VALUES (1)")
        node.refusals = (5, 2)
        #expect(try db.query("INSERT INTO t VALUES (2) RETURNING x").map(\.values) == [[.integer(2)]])
        node.refusals = (517, 1)
        #expect(throws: SQLiteError(code: 517, message: "database is locked", sql: "INSERT INTO t VALUES (3)")) { try db.execute("INSERT INTO t VALUES (3)") }
        #expect(try node.node.scalar("SELECT count(*) FROM t", as: Int.self) == 2)
    }

    /// A statement that ends the node's transaction as it fails (OR ROLLBACK, RAISE(ROLLBACK)) ends it
    /// here too, as on a file: what follows runs on its own, and COMMIT finds nothing open.
    @Test func aConflictThatRollsBackEndsTheTransactionHereToo() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.executeScript("CREATE TABLE u(a UNIQUE); CREATE TABLE log(x);")
        try db.execute("BEGIN")
        try db.execute("INSERT INTO u VALUES (1)")
        #expect(throws: SQLiteError.self) { try db.execute("INSERT OR ROLLBACK INTO u VALUES (1)") }
        #expect(!db.isInTransaction && !node.node.isInTransaction)
        #expect(try db.query("INSERT INTO log VALUES ('kept') RETURNING x").map(\.values) == [[.text("kept")]])
        #expect(try node.node.scalar("SELECT count(*) FROM log", as: Int.self) == 1 && node.node.scalar("SELECT count(*) FROM u", as: Int.self) == 0)
        // A refusal that leaves the transaction open leaves it open.
        try db.execute("BEGIN")
        try db.execute("INSERT INTO u VALUES (2)")
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO u VALUES (2)") }
        #expect(db.isInTransaction && node.node.isInTransaction)
        try db.execute("COMMIT")
        #expect(try node.node.scalar("SELECT count(*) FROM u", as: Int.self) == 1)
    }

    /// The RELEASE of the outermost savepoint commits: lost, it ends the transaction with an unknown
    /// outcome, as a lost COMMIT does; an inner one's loss leaves the transaction lost.
    @Test func aLostReleaseOfTheOutermostSavepointIsALostCommit() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.execute("CREATE TABLE t(x)")
        try db.execute("SAVEPOINT a")
        try db.execute("INSERT INTO t VALUES (1)")
        node.loseConnection = true
        let lost = #expect(throws: RemoteWriteUnknown.self) { try db.execute("RELEASE a") }
        #expect(lost.map { "\($0)" } == "the connection to the node was lost; outcome unknown: the write may be stored: read it back before sending it again "
            + "(a capture is safe to send again with its capture key)")
        #expect(!db.isInTransaction && !db.isTransactionLost)
        try db.execute("SAVEPOINT a")
        try db.execute("SAVEPOINT b")
        node.loseConnection = true
        #expect(throws: RemoteTransactionLost.self) { try db.execute("RELEASE b") }
        #expect(db.isInTransaction && db.isTransactionLost)
        try db.execute("ROLLBACK")
        // Outside a transaction, a write whose answer was lost says so; a read does not.
        node.loseConnection = true
        #expect(throws: RemoteWriteUnknown.self) { try db.execute("INSERT INTO t VALUES (2)") }
        node.loseConnection = true
        #expect(throws: NodeStandIn.Lost.self) { try db.query("SELECT count(*) FROM t") }
    }

    @Test func aWriteThatGivesRowsRunsInATransactionOfItsOwn() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        let rows = try db.query("INSERT INTO t(name) VALUES ('Ada'), ('Grace') RETURNING id, name")
        #expect(rows.map(\.values) == [[.integer(1), .text("Ada")], [.integer(2), .text("Grace")]])
        #expect(Array(node.received.suffix(3)) == ["BEGIN IMMEDIATE", "INSERT INTO t(name) VALUES ('Ada'), ('Grace') RETURNING id, name", "COMMIT"])
        #expect(try node.node.scalar("SELECT count(*) FROM t", as: Int.self) == 2 && !node.node.isInTransaction)
        // Refused, it is rolled back and its own error is the one given.
        let refused = #expect(throws: SQLiteError.self) { try db.query("INSERT INTO t(name) VALUES ('Edsger'), (NULL) RETURNING id") }
        #expect(refused?.message == "NOT NULL constraint failed: t.name" && node.received.last == "ROLLBACK")
        #expect(try node.node.scalar("SELECT count(*) FROM t", as: Int.self) == 2 && !node.node.isInTransaction && !db.isInTransaction)
        // Inside the caller's transaction it is sent as it is; a read is never wrapped.
        try db.transaction { _ = try db.query("UPDATE t SET name = upper(name) RETURNING name") }
        #expect(Array(node.received.suffix(3)) == ["BEGIN IMMEDIATE", "UPDATE t SET name = upper(name) RETURNING name", "COMMIT"])
        _ = try db.query("SELECT name FROM t")
        #expect(node.received.last == "SELECT name FROM t")
    }

    @Test func aReadOnlyConnectionRefusesWritesAndALostConnectionEndsTheTransaction() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        try node.node.execute("CREATE TABLE t(x)")
        let reader = try Database(remote: node, mode: .readOnly)
        #expect(reader.isReadOnly)
        #expect(throws: SQLiteError(code: 8, message: "attempt to write a readonly database", sql: "INSERT INTO t VALUES (1)")) {
            try reader.execute("INSERT INTO t VALUES (1)")
        }
        #expect(try reader.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
        // As a file opened read-only: temporary tables are written; a transaction that would take the
        // write lock reads only (sent as a plain BEGIN).
        try reader.executeScript("CREATE TEMP TABLE scratch(x); INSERT INTO scratch VALUES (1), (2);")
        #expect(try reader.scalar("SELECT sum(x) FROM scratch", as: Int.self) == 3)
        try reader.execute("BEGIN IMMEDIATE")
        #expect(node.received.last == "BEGIN" && reader.isInTransaction)
        #expect(throws: SQLiteError.self) { try reader.execute("UPDATE t SET x = 1") }
        try reader.execute("ROLLBACK")
        #expect(throws: SQLiteError.self) { try reader.execute("CREATE TABLE u(x)") }

        let db = try Database(remote: node)
        try db.execute("BEGIN IMMEDIATE")
        try db.execute("INSERT INTO t VALUES (1)")
        node.loseConnection = true
        let lost = #expect(throws: RemoteTransactionLost.self) { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(lost?.cause is NodeStandIn.Lost && lost?.outcomeUnknown == false)
        #expect(lost.map { "\($0)" } == "the connection to the node was lost; the transaction was lost with the connection to the node that held it: nothing of it was committed; ROLLBACK ends it")
        // The transaction went with the connection: nothing was kept on the node. Here it stays open,
        // refusing every statement (they would run on the next leader outside it) until the caller
        // ends it.
        #expect(db.isInTransaction && !node.node.isInTransaction)
        let sent = node.received.count
        #expect(throws: SQLiteError(code: 4, message: "the transaction was lost with the connection to the node that held it: nothing of it was committed; ROLLBACK ends it", sql: "INSERT INTO t VALUES (3)")) {
            try db.execute("INSERT INTO t VALUES (3)")
        }
        #expect(throws: SQLiteError.self) { try db.query("SELECT count(*) FROM t") }
        #expect(node.received.count == sent)
        try db.execute("ROLLBACK")
        #expect(!db.isInTransaction && node.received.count == sent)
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)

        // COMMIT fails, and ends it.
        try db.execute("BEGIN")
        try db.execute("INSERT INTO t VALUES (4)")
        node.loseConnection = true
        #expect(throws: RemoteTransactionLost.self) { try db.execute("INSERT INTO t VALUES (5)") }
        #expect(throws: SQLiteError(code: 4, message: "the transaction was lost with the connection to the node that held it: nothing of it was committed", sql: "COMMIT")) {
            try db.execute("COMMIT")
        }
        #expect(!db.isInTransaction)
        // A COMMIT whose answer was lost ended the transaction (its outcome unknown): nothing is refused after it.
        try db.execute("BEGIN")
        try db.execute("INSERT INTO t VALUES (6)")
        node.loseConnection = true
        #expect(throws: RemoteWriteUnknown.self) { try db.execute("COMMIT") }
        #expect(!db.isInTransaction)
        // The transaction API rolls back at once: its error is the lost connection's.
        #expect(throws: RemoteTransactionLost.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (7)")
                node.loseConnection = true
                try db.execute("INSERT INTO t VALUES (8)")
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
    }

    /// A remote database is copied into a file from its schema and rows, in one read transaction: the
    /// same objects, rows and rowids (a full-text index's included), header, and no rule fired by the
    /// copy. Nothing is copied over a remote database.
    @Test func aBackupOfARemoteDatabaseIsItsSchemaAndRows() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let db = try Database(remote: node)
        try db.executeScript("""
            CREATE TABLE tags(person INTEGER NOT NULL REFERENCES people(id), tag TEXT NOT NULL, PRIMARY KEY (person, tag)) WITHOUT ROWID;
            CREATE TABLE people(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, initial TEXT GENERATED ALWAYS AS (substr(name, 1, 1)));
            CREATE TABLE notes(body BLOB);
            CREATE VIRTUAL TABLE people_search USING fts5(name, tokenize = 'trigram');
            CREATE INDEX notes_body ON notes(body);
            CREATE VIEW initials AS SELECT initial, count(*) AS n FROM people GROUP BY initial;
            CREATE TABLE log(what);
            CREATE TRIGGER people_logged AFTER INSERT ON people BEGIN INSERT INTO log VALUES (NEW.name); END;
            INSERT INTO people(name) VALUES ('Ada'), ('Grace'), ('Alan');
            DELETE FROM people WHERE name = 'Grace';
            INSERT INTO tags VALUES (3, 'vip'), (1, 'new');
            INSERT INTO notes(rowid, body) VALUES (7, x'00ff'), (9, NULL);
            INSERT INTO people_search(rowid, name) SELECT id, name FROM people;
            PRAGMA user_version = 12;
            PRAGMA application_id = 1280262980;
            """)
        for row in 0..<2_500 { try db.execute("INSERT INTO notes(body) VALUES (?)", [row]) }
        // A column called rowid (the rowid is read as _rowid_), and ANALYZE's table.
        try db.executeScript("""
            CREATE TABLE rid(rowid TEXT, a);
            INSERT INTO rid WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2500) SELECT 'r' || i, i FROM c;
            ANALYZE;
            """)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_stat1", as: Int.self) ?? 0 > 0)
        let copy = try Database(path: dir.file("copy.db"))
        try db.backup(into: copy)
        #expect(try copy.query("SELECT _rowid_, * FROM rid ORDER BY 1") == node.node.query("SELECT _rowid_, * FROM rid ORDER BY 1"))
        #expect(try copy.query("SELECT * FROM sqlite_stat1 ORDER BY 1, 2") == node.node.query("SELECT * FROM sqlite_stat1 ORDER BY 1, 2"))
        for table in ["people", "tags", "notes", "log", "sqlite_sequence", "initials"] {
            let rows = "SELECT \(table == "tags" ? "" : table == "initials" ? "" : "rowid, ")* FROM \(table) ORDER BY 1, 2"
            #expect(try copy.query(rows) == node.node.query(rows), "\(table)")
        }
        let objects = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
        #expect(try copy.query(objects) == node.node.query(objects))
        #expect(try copy.scalar("SELECT count(*) FROM log", as: Int.self) == 3)
        #expect(try copy.query("SELECT rowid FROM people_search WHERE name MATCH 'Ala'").map(\.values) == [[.integer(3)]])
        try copy.execute("INSERT INTO people_search(people_search) VALUES ('integrity-check')")
        #expect(try copy.scalar("PRAGMA user_version", as: Int.self) == 12 && copy.scalar("PRAGMA application_id", as: Int.self) == 1_280_262_980)
        #expect(try copy.scalar("PRAGMA foreign_keys", as: Int.self) == 1 && copy.query("PRAGMA integrity_check").first?.values == [.text("ok")])
        #expect(!db.isInTransaction && !node.node.isInTransaction)

        #expect(throws: SQLiteError(code: 21, message: "a copy of a database on a cluster is made into an empty file only")) { try db.backup(into: copy) }
        #expect(throws: SQLiteError(code: 21, message: "nothing is copied over a database on a cluster: its nodes keep their files themselves (docs/cluster.md)")) {
            try copy.backup(into: db)
        }
    }
}
