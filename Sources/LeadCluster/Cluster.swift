import CSQLite
import Foundation
import LeadSQLite

/// A LeadDB database on a dqlite cluster (docs/cluster.md): SQL sent to the cluster's leader over
/// dqlite's wire protocol, which replicates every write to the nodes before it answers.
///
///     let cluster = try Cluster(addresses: ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"])
///     try cluster.execute("INSERT INTO lead_intake(email) VALUES (?)", [.text("ada@example.com")])
///     let rows = try cluster.query("SELECT id, score FROM leads")
///
/// A request refused by a node that is not the leader (it ran nothing) is sent again to the leader. A
/// connection lost after a write was sent, or a leader that lost its office while committing, leaves
/// the outcome unknown (`ClusterError.outcomeUnknown`): the write may have been committed. Retry a
/// capture with its `capture_key`, which makes the retry a no-op.
public final class Cluster {
    /// The nodes asked for the leader, in order.
    public let addresses: [String]
    /// The database's name on the cluster (one cluster holds many).
    public let database: String
    let timeout: TimeInterval
    /// How long a statement may run on the leader before the client gives up on its answer.
    let statementTimeout: TimeInterval
    private var connection: ClusterConnection? {
        didSet { prepared = [:] }
    }
    /// Statements prepared on the leader's connection, by their SQL: the leader keeps them between
    /// calls, as a file's connection keeps its statement cache. (A capture's INSERT compiles every
    /// trigger program into it: prepared afresh at each call, it cost a node about 100 ms.)
    private var prepared: [String: UInt32] = [:]

    /// `timeout` bounds finding the leader while nodes answer but know none (an election took up to
    /// 17 s here with both cores loaded); when no node answers at all, the client gives up after 5 s.
    /// `statementTimeout` bounds how long one statement may run on the leader.
    public convenience init(addresses: [String], database: String = "leads", timeout: TimeInterval = 30, statementTimeout: TimeInterval = 600) throws {
        try self.init(addresses: addresses, database: database, timeout: timeout, statementTimeout: statementTimeout, checkingName: true)
    }

    /// With `checkingName` false, the database's name is not checked (``namesDatabase`` itself).
    init(addresses: [String], database: String, timeout: TimeInterval, statementTimeout: TimeInterval, checkingName: Bool) throws {
        guard !addresses.isEmpty else { throw ClusterError.unreachable("no node address given") }
        self.addresses = addresses
        self.database = database
        self.timeout = timeout
        self.statementTimeout = statementTimeout
        // (the name is checked and recorded before the database is opened, and a new one again after)
        let names = checkingName ? try checkName() : nil
        try connect()
        if let names { try checkNewName(names) }
    }

    /// The leader's address now.
    public var leader: String? { connection?.address }

    /// Where the database is: `dqlite://HOST:PORT,HOST:PORT/NAME`.
    public var location: String { "dqlite://\(addresses.joined(separator: ","))/\(database)" }

    /// Runs one statement that returns no rows; its last insert id and changes.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> (lastInsertID: Int64, changes: Int64) {
        try execute(sql, arguments, holdingTransaction: false, prepared: false)
    }

    /// Sends one statement, for rows or not: with `prepared`, prepared on the leader's connection once
    /// and kept there; else as SQL text (EXEC_SQL or QUERY_SQL; the first statement of a text is run).
    /// The first response.
    private func send(_ sql: String, _ arguments: [DatabaseValue], rows: Bool, holdingTransaction: Bool, prepared: Bool) throws -> (type: UInt8, body: [UInt8]) {
        try Self.check(sql)
        if prepared { return try runPrepared(sql, arguments, rows: rows, holdingTransaction: holdingTransaction) }
        return try request(type: rows ? 9 : 8, holdingTransaction: holdingTransaction) { writer in
            writer.uint64(0)
            writer.text(sql)
            try writer.parameters(arguments)
        }
    }

    func execute(_ sql: String, _ arguments: [DatabaseValue], holdingTransaction: Bool, prepared: Bool) throws -> (lastInsertID: Int64, changes: Int64) {
        let body = try send(sql, arguments, rows: false, holdingTransaction: holdingTransaction, prepared: prepared)
        guard body.type == 6 else { throw ClusterError.protocolError("EXEC answered with message type \(body.type)") }
        var reader = WireReader(body.body)
        return (Int64(bitPattern: try reader.uint64()), Int64(bitPattern: try reader.uint64()))
    }

    /// Runs one statement that returns rows.
    public func query(_ sql: String, _ arguments: [DatabaseValue] = []) throws -> [Row] {
        let result = try query(sql, arguments, holdingTransaction: false, prepared: false)
        return result.rows.map { Row(columns: result.columns, values: $0) }
    }

    func query(_ sql: String, _ arguments: [DatabaseValue], holdingTransaction: Bool, prepared: Bool) throws -> (columns: [String], rows: [[DatabaseValue]]) {
        var response = try send(sql, arguments, rows: true, holdingTransaction: holdingTransaction, prepared: prepared)
        var rows: [[DatabaseValue]] = []
        while true {
            guard response.type == 7 else { throw ClusterError.protocolError("QUERY answered with message type \(response.type)") }
            var reader = WireReader(response.body)
            let count = Int(try reader.uint64())
            var columns: [String] = []
            for _ in 0..<count { columns.append(try reader.text()) }
            while true {
                let next = try reader.peekUInt64()
                if next == 0xFFFF_FFFF_FFFF_FFFF { return (columns, rows) }
                if next == 0xEEEE_EEEE_EEEE_EEEE { break }
                rows.append(try reader.row(columns: count))
            }
            // (the next batch follows by itself)
            response = try receive()
        }
    }

    /// The cluster's nodes as the leader knows them: id, address and role (0 voter, 1 stand-by, 2 spare).
    public func nodes() throws -> [(id: UInt64, address: String, role: UInt64)] {
        let response = try request(type: 16, holdingTransaction: false) { writer in writer.uint64(1) }
        guard response.type == 3 else { throw ClusterError.protocolError("CLUSTER answered with message type \(response.type)") }
        var reader = WireReader(response.body)
        let count = try reader.uint64()
        return try (0..<count).map { _ in (try reader.uint64(), try reader.text(), try reader.uint64()) }
    }

    /// Hands the leadership to the node at `address` (dqlite's TRANSFER) and connects to it: reads
    /// then see that node's own copy of the database, as `leads check` on each node needs. A node
    /// still catching up with the log is refused the office by the leader: asked again until `timeout`.
    public func transferLeadership(to address: String) throws {
        guard let node = try nodes().first(where: { $0.address == address }) else {
            throw ClusterError.unreachable("\(address) is not a node of the cluster")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while leader != address {
            do {
                let response = try request(type: 17, holdingTransaction: false) { writer in writer.uint64(node.id) }
                guard response.type == 8 else { throw ClusterError.protocolError("TRANSFER answered with message type \(response.type)") }
                break
            } catch ClusterError.failure(let code, let message) {
                guard Date() < deadline else { throw ClusterError.failure(code: code, message: "\(message) (to \(address))") }
                connection = nil
                Thread.sleep(forTimeInterval: 0.5)
                try connect()
            }
        }
        connection = nil
        while true {
            try connect()
            if leader == address { return }
            connection = nil
            guard Date() < deadline else { throw ClusterError.unreachable("\(address) did not become the leader in \(Int(timeout)) s") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Runs a script statement by statement (dqlite binds parameters to the first statement of a text
    /// and runs only the first of a query). Each is executed; one that gives rows (a SELECT, a write
    /// with RETURNING, whose changes SQLite makes at its first step) has its rows dropped.
    public func executeScript(_ script: String) throws {
        for (index, statement) in Self.statements(in: script).enumerated() {
            do {
                try execute(statement)
            } catch ClusterError.failure(100, _) {
                // (SQLITE_ROW: it ran, and gave rows that a script has no use for)
                continue
            } catch ClusterError.failure(let code, let message) {
                let line = statement.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") } ?? ""
                throw ClusterError.failure(code: code, message: "\(message) (statement \(index + 1) of the script: \(line.prefix(80)))")
            }
        }
    }

    /// The statements of a script, each with its `;`, split where SQLite says a statement is complete
    /// (a trigger's body keeps its own semicolons); comments and blanks alone are no statement.
    public static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for character in script {
            current.append(character)
            if character == ";" && sqlite3_complete(current) != 0 {
                if !isBlank(current) { statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines)) }
                current = ""
            }
        }
        if !isBlank(current) { statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return statements
    }

    /// PRAGMAs that change how the file is written crash a dqlite 1.11 node (journal_mode, page_size
    /// and their kin), as VACUUM does: a cluster connection refuses them, and ATTACH (not replicated).
    /// (`cache_spill` is kept off: see ``configure(_:)``.)
    static func check(_ sql: String) throws {
        // (most statements name no PRAGMA at all: no need to split them)
        guard ["pragma", "vacuum", "attach"].contains(where: { sql.range(of: $0, options: .caseInsensitive) != nil }) else { return }
        for statement in statements(in: sql) {
            let words = SQLWords.leading(statement)
            // (VACUUM and VACUUM INTO kill a dqlite 1.11 leader)
            if words.first == "vacuum" {
                throw ClusterError.refused("refused: VACUUM is not run on a cluster (each node keeps its files itself: it can stop a node)")
            }
            // (a node replicates the database it opened: what is written to an attached one stays on that node)
            if words.first == "attach" {
                throw ClusterError.refused("refused: ATTACH is not run on a cluster (a node replicates its own database only: an attached one would live on one node)")
            }
            guard words.first == "pragma", words.count > 1 else { continue }
            // (the name, whatever stands around the dot of a schema: `main . journal_mode`, `main/**/.x`)
            let parts = words.dropFirst().flatMap { $0.split(separator: ".").map(String.init) }
            let name = parts.count > 1 && ["main", "temp"].contains(parts[0]) ? parts[1] : parts.first ?? ""
            // (reading a setting is harmless; setting it is not, and a checkpoint is an action)
            let sets = parts.count > (parts.first == name ? 1 : 2) || statement.contains("=") || statement.contains("(") || name == "wal_checkpoint"
            if sets && ["journal_mode", "page_size", "wal_checkpoint", "locking_mode", "auto_vacuum", "mmap_size", "synchronous",
                "journal_size_limit", "wal_autocheckpoint", "cache_spill", "temp_store_directory", "writable_schema",
                // (count_changes makes a write give rows: stored nothing and crashed the leader; the heap limits are the
                // node process's own: a low one froze the whole cluster)
                "count_changes", "hard_heap_limit", "soft_heap_limit"].contains(name) {
                throw ClusterError.refused(
                    "refused: PRAGMA \(name) is not set on a cluster (each node keeps its files, and the connection's settings, itself: "
                        + "changed, it can stop a node or fail its transactions)")
            }
        }
    }

    private static func isBlank(_ text: String) -> Bool { SQLWords.leading(text, limit: 1).isEmpty }

    // MARK: - Requests

    /// Runs one statement prepared on the leader's connection (prepared there at its first use):
    /// EXEC (5) or QUERY (6) with the statement's id; the first response.
    private func runPrepared(_ sql: String, _ arguments: [DatabaseValue], rows: Bool, holdingTransaction: Bool) throws -> (type: UInt8, body: [UInt8]) {
        var parameters = WireWriter()
        try parameters.parameters(arguments)
        return try request(holdingTransaction: holdingTransaction) { connection in
            // (a prepared capture holds every trigger program: a bound on what the leader keeps)
            if prepared.count >= 128 { try finalizeAll(connection) }
            let id: UInt32
            if let known = prepared[sql] {
                id = known
            } else {
                var prepare = WireWriter()
                prepare.uint64(0)
                prepare.text(sql)
                try connection.send(type: 4, body: prepare.bytes)
                let answer = try receive()
                guard answer.type == 5 else { throw ClusterError.protocolError("PREPARE answered with message type \(answer.type)") }
                var reader = WireReader(answer.body)
                _ = try reader.uint32()
                id = try reader.uint32()
                prepared[sql] = id
            }
            var run = WireWriter()
            run.uint32(0)
            run.uint32(id)
            try connection.send(type: rows ? 6 : 5, body: run.bytes + parameters.bytes)
            return try receive()
        }
    }

    /// Finalizes every statement prepared on the leader's connection.
    private func finalizeAll(_ connection: ClusterConnection) throws {
        for id in prepared.values {
            var finalize = WireWriter()
            finalize.uint32(0)
            finalize.uint32(id)
            try connection.send(type: 7, body: finalize.bytes)
            _ = try receive()
        }
        prepared = [:]
    }

    /// Sends a request to the leader and reads its first response; a FAILURE is thrown.
    private func request(type: UInt8, holdingTransaction: Bool, body: (inout WireWriter) throws -> Void) throws -> (type: UInt8, body: [UInt8]) {
        var writer = WireWriter()
        try body(&writer)
        return try request(holdingTransaction: holdingTransaction) { connection in
            try connection.send(type: type, body: writer.bytes)
            return try receive()
        }
    }

    /// Runs an exchange with the leader. A leader that is no longer one refused the request without
    /// running it: the new leader is found and asked, unless the connection holds a transaction, which
    /// does not move to another node: the request fails, and the transaction is gone.
    private func request(holdingTransaction: Bool, _ exchange: (ClusterConnection) throws -> (type: UInt8, body: [UInt8])) throws -> (type: UInt8, body: [UInt8]) {
        var attempt = 0
        while true {
            attempt += 1
            if connection == nil {
                if holdingTransaction {
                    throw ClusterError.unreachable("the connection that held the transaction was lost; nothing of the transaction was committed")
                }
                try connect()
            }
            guard let connection else { throw ClusterError.unreachable("no leader") }
            do {
                return try exchange(connection)
            } catch let error as ClusterError where error.isNotLeader && attempt < 5 && !holdingTransaction {
                self.connection = nil
                Thread.sleep(forTimeInterval: 0.2 * Double(attempt))
            } catch let error as ClusterError {
                if error.outcomeUnknown || error.isNotLeader { self.connection = nil }
                throw error
            }
        }
    }

    private func receive() throws -> (type: UInt8, body: [UInt8]) {
        guard let connection else { throw ClusterError.unreachable("no leader") }
        let response = try connection.receive()
        if response.type == 0 { throw try WireReader.failure(response.body) }
        return response
    }

    /// Sets up a new connection to the leader as `Database` sets up a file's, again after each failover
    /// (the settings belong to the connection): foreign keys on; `secure_delete` on, so an erasure
    /// zeroes the pages it frees; and `cache_spill` off. A transaction that outgrows the page cache
    /// (about 2 MB: an import chunk of 1,000 leads) would write pages to the WAL before its commit,
    /// which a dqlite 1.11 node fails with `disk I/O error` (SQLITE_IOERR_SHORT_READ, 522).
    private static func configure(_ connection: ClusterConnection) throws {
        for (sql, rows) in [("PRAGMA foreign_keys = ON", false), ("PRAGMA secure_delete = ON", true), ("PRAGMA cache_spill = OFF", false)] {
            var writer = WireWriter()
            writer.uint64(0)
            writer.text(sql)
            try connection.send(type: rows ? 9 : 8, body: writer.bytes)
            // (one message each: a RESULT, or ROWS of one row)
            let answer = try connection.receive()
            if answer.type == 0, case .failure(let code, let message) = try WireReader.failure(answer.body) {
                throw ClusterError.failure(code: code, message: "\(sql): \(message)")
            }
        }
    }

    /// Asks the nodes in turn who leads, connects to the leader and opens the database. Tries for
    /// `timeout` while some node answers (an election takes seconds), for 5 s while none does.
    private func connect() throws {
        let start = Date()
        let deadline = start.addingTimeInterval(timeout)
        var answered = false
        var lastError: Error = ClusterError.unreachable("no node answered")
        while Date() < deadline && (answered || Date() < start.addingTimeInterval(min(timeout, 5))) {
            for address in addresses {
                do {
                    let probe = try ClusterConnection(address: address, timeout: min(timeout, 5))
                    answered = true
                    var leader = WireWriter()
                    leader.uint64(0)
                    try probe.send(type: 0, body: leader.bytes)
                    let answer = try probe.receive()
                    guard answer.type == 1 else { throw ClusterError.protocolError("LEADER answered with message type \(answer.type)") }
                    var reader = WireReader(answer.body)
                    _ = try reader.uint64()
                    let leaderAddress = try reader.text()
                    guard !leaderAddress.isEmpty else { throw ClusterError.unreachable("\(address) knows no leader yet") }
                    let target = leaderAddress == address ? probe : try ClusterConnection(address: leaderAddress, timeout: min(timeout, 5))
                    var open = WireWriter()
                    open.text(database)
                    open.uint64(0)
                    open.text("volatile")
                    try target.send(type: 3, body: open.bytes)
                    let opened = try target.receive()
                    if opened.type == 0 { throw try WireReader.failure(opened.body) }
                    try Self.configure(target)
                    target.waitForAnswers(upTo: statementTimeout)
                    connection = target
                    return
                } catch {
                    lastError = error
                }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw lastError
    }
}

/// The cluster as a ``LeadSQLite/RemoteSQL``: `Database(remote: cluster)` puts LeadDB's API, the
/// migration runner and the shell on it. A node's refusal arrives as a `SQLiteError`, as from a file;
/// a statement this client refuses arrives as `SQLITE_AUTH`, as from an authorizer. A lost connection,
/// an answer lost in a failover or a leader that lost its office stays a ``ClusterError``.
extension Cluster: RemoteSQL {
    public func execute(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (lastInsertID: Int64, changes: Int64) {
        try Self.sqliteErrors { try execute(sql, arguments, holdingTransaction: inTransaction, prepared: reused) }
    }

    public func query(_ sql: String, _ arguments: [DatabaseValue], inTransaction: Bool, reused: Bool) throws -> (columns: [String], rows: [[DatabaseValue]]) {
        try Self.sqliteErrors { try query(sql, arguments, holdingTransaction: inTransaction, prepared: reused) }
    }

    public func forgetStatements(inTransaction: Bool) throws {
        guard !prepared.isEmpty else { return }
        try Self.sqliteErrors {
            _ = try request(holdingTransaction: inTransaction) { connection in
                try finalizeAll(connection)
                return (8, [])
            }
        }
    }

    private static func sqliteErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ClusterError.refused(let message) {
            throw SQLiteError(code: 23 /* SQLITE_AUTH */, message: message)
        } catch let error as ClusterError {
            if case .failure(let code, let message) = error, !error.isNotLeader, !error.outcomeUnknown {
                throw SQLiteError(code: Int32(truncatingIfNeeded: code), message: message)
            }
            throw error
        }
    }
}
