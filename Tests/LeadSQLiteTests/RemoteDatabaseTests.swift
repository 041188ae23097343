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
        #expect(node.received.first?.hasPrefix("SELECT type, name, sql FROM sqlite_schema") == true)
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

        let db = try Database(remote: node)
        try db.execute("BEGIN IMMEDIATE")
        try db.execute("INSERT INTO t VALUES (1)")
        node.loseConnection = true
        #expect(throws: NodeStandIn.Lost.self) { try db.execute("INSERT INTO t VALUES (2)") }
        // The transaction went with the connection: none is open on either side, nothing was kept.
        #expect(!db.isInTransaction && !node.node.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
    }

    @Test func aBackupIsRefusedWithItsReason() throws {
        let dir = TemporaryDirectory()
        let db = try Database(remote: NodeStandIn(path: dir.file("node.db")))
        #expect(throws: SQLiteError(code: 21, message: "a database on a cluster is not copied with SQLite's backup API: each node keeps its own copy (docs/cluster.md)")) {
            try db.backup(into: Database(path: dir.file("copy.db")))
        }
    }
}
