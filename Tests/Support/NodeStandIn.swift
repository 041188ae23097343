import LeadSQLite

/// A remote node stood in for by a plain connection to a file: it runs what `Database(remote:)`
/// sends, as a dqlite node runs it, and can be told to lose its connection.
public final class NodeStandIn: RemoteSQL {
    public let node: Database
    /// Statements sent, as the node received them.
    public private(set) var received: [String] = []
    /// The next request fails as a lost connection would.
    public var loseConnection = false
    /// COMMITs answered before the answer of the next one is lost (it is committed): nil, none is.
    public var commitsBeforeALostAnswer: Int?
    /// The next requests are refused with this code (SQLITE_BUSY: another connection writes), this many.
    public var refusals: (code: Int32, count: Int) = (5, 0)

    public struct Lost: RemoteFailure {
        public var outcomeUnknown: Bool { true }
        public var description: String { "the connection to the node was lost" }
        public init() {}
    }

    /// The node's connection is set up as a client sets up each connection to a node (foreign keys and
    /// secure_delete on).
    public init(path: String) throws {
        node = try Database(path: path, plain: true)
        try node.execute("PRAGMA foreign_keys = ON")
        _ = try node.query("PRAGMA secure_delete = ON")
    }

    public var location: String { "dqlite://stand-in:1/" + node.path }

    public func execute(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (lastInsertID: Int64, changes: Int64) {
        try arrive(sql)
        try node.execute(sql, arguments)
        if sql == "COMMIT", let count = commitsBeforeALostAnswer {
            commitsBeforeALostAnswer = count - 1
            if count == 0 {
                commitsBeforeALostAnswer = nil
                throw Lost()
            }
        }
        return (node.lastInsertRowID, Int64(node.changes))
    }

    public func query(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (columns: [String], rows: [[DatabaseValue]]) {
        try arrive(sql)
        let statement = try node.prepare(sql)
        try statement.bind(arguments)
        var rows: [[DatabaseValue]] = []
        while try statement.step() { rows.append(statement.row().values) }
        return (statement.columnNames, rows)
    }

    private func arrive(_ sql: String) throws {
        if loseConnection {
            loseConnection = false
            // (the node drops what the connection held, as a restarted leader does)
            if node.isInTransaction { try node.execute("ROLLBACK") }
            throw Lost()
        }
        if refusals.count > 0 {
            refusals.count -= 1
            throw SQLiteError(code: refusals.code, message: "database is locked")
        }
        received.append(sql)
    }
}
