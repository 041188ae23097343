/// A database whose statements run elsewhere: a dqlite cluster's leader, reached through LeadCluster's
/// client. ``Database/init(remote:mode:)`` puts the same `Database` API on it, so the migration runner,
/// `LeadStore` and the shell run unchanged (docs/cluster.md).
///
/// A node's refusal is thrown as a ``SQLiteError`` with SQLite's extended code and message, as a file
/// would give it; a lost connection or an unknown outcome is thrown as the client's own error (a
/// ``RemoteFailure``). The client sets up each connection it makes to a node as `Database` sets up a
/// file's (foreign keys and `secure_delete` on), again after a failover.
public protocol RemoteSQL: AnyObject {
    /// Where the database is, for messages: e.g. `cluster 127.0.0.1:9001,127.0.0.1:9002 (database leads)`.
    var location: String { get }

    /// Runs one statement that gives no rows; its last insert rowid and changes.
    ///
    /// `inTransaction` says a transaction is open on this connection: a request the client cannot
    /// deliver to the node that holds it must fail, never go to another node (where it would run
    /// outside the transaction). `reused` says the statement will be run again (the connection caches
    /// it): the node may keep it prepared. A statement run once (a line typed in the shell, a
    /// script's) is not kept.
    func execute(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (lastInsertID: Int64, changes: Int64)

    /// Runs one statement that gives rows: the column names and the rows.
    func query(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (columns: [String], rows: [[DatabaseValue]])

    /// Drops the statements the node keeps prepared (`reused`): the schema changed, and a statement
    /// prepared before names the old columns until it runs again.
    func forgetStatements(inTransaction: Bool) throws
}

extension RemoteSQL {
    /// A node that keeps no statements has none to forget.
    public func forgetStatements(inTransaction: Bool) throws {}
}
