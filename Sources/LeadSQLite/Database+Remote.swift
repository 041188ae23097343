import CSQLite
import Foundation

// A connection to a remote database (a dqlite cluster) with the API of a file's.
//
// The remote node runs every statement. To know what a statement is before sending it (whether it gives
// rows, which parameters it has, whether it writes, where one statement of a script ends), this side
// keeps an in-memory copy of the remote schema, with no rows, and prepares each statement there. That
// copy is taken when the connection opens and again whenever a statement does not prepare on it (the
// schema was changed by another connection). The statements that change the schema or the transaction
// state are run on the copy too once the node has run them, so the copy follows the transaction the
// node holds: ``isInTransaction`` reads it, and a rollback takes back the copy's schema changes as the
// node's.
//
// So a statement gets on the remote database what it gets on a file: the same columns, the same
// parameter checks, the same errors for SQL that does not prepare (from this side's SQLite), and the
// node's own result and errors otherwise.
extension Database {
    /// The statements run on the copy of the schema after the node ran them.
    private static let mirroredKeywords: Set<String> = ["create", "drop", "alter", "begin", "commit", "end", "rollback", "savepoint", "release"]

    /// Opens a connection to a remote database (see ``RemoteSQL``): every statement is run by the
    /// remote node. With `.readOnly`, a statement that would write is refused here, as a file opened
    /// read-only refuses it.
    public convenience init(remote: any RemoteSQL, mode: Mode = .readWriteCreate) throws {
        try self.init(remoteConnection: remote, readOnly: mode == .readOnly)
        try syncMirror()
    }

    /// The option that names a database on `leads`'s command line: `--db PATH`, or `--cluster
    /// HOST:PORT,.../NAME` for a location `dqlite://HOST:PORT,.../NAME`.
    public static func option(forLocation location: String) -> String {
        location.hasPrefix("dqlite://") ? "--cluster \(location.dropFirst(9))" : "--db \(location)"
    }

    /// True for a connection to a remote database (``init(remote:mode:)``).
    public var isRemote: Bool { remote != nil }

    /// Brings the copy of the remote schema up to date: objects that are gone or differ are dropped,
    /// missing ones created, inside whatever transaction the copy follows. (Objects SQLite makes itself,
    /// such as a full-text index's tables, are made by their own statement.)
    func syncMirror() throws {
        guard let remote else { return }
        remoteSchemaVersion = try nodeSchemaVersion()
        let wanted = try remote.query(
            """
            SELECT type, name, sql FROM sqlite_schema
             WHERE sql IS NOT NULL AND (name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR name LIKE 'sqlite\\_stat%' ESCAPE '\\')
             ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid
            """, [], inTransaction: isInTransaction, reused: false
        ).rows.map { (type: $0[0].textValue, name: $0[1].textValue, sql: $0[2].textValue) }
        clearStatementCache()
        let wantedSQL = Dictionary(wanted.map { ($0.name, $0.sql) }, uniquingKeysWith: { first, _ in first })
        let rank = ["trigger": 0, "view": 1, "index": 2, "table": 3]
        let stale = mirrorObjects().filter { wantedSQL[$0.name] != $0.sql }.sorted { rank[$0.type, default: 4] < rank[$1.type, default: 4] }
        for object in stale {
            mirrorExec("DROP \(object.type.uppercased()) IF EXISTS \(quoteIdentifier(object.name))")
        }
        let present = Set(mirrorObjects().map(\.name))
        for object in wanted where !present.contains(object.name) {
            // (ANALYZE's tables are SQLite's to make; their rows are the node's)
            if object.name.hasPrefix("sqlite_stat") {
                mirrorExec("ANALYZE sqlite_schema")
                continue
            }
            // (a full-text index's own tables already exist once the index is made: that failure is expected)
            mirrorExec(object.sql)
        }
    }

    /// The node's schema version, read so that the node's connection takes the schema again when another
    /// connection changed it. (A dqlite 1.11 node names a query's columns before its first step, when
    /// SQLite has not yet noticed the change: a `SELECT *` of a table or view changed elsewhere gave
    /// the old columns, their values cut to the old count.)
    private func nodeSchemaVersion() throws -> Int64? {
        guard let remote else { return nil }
        let answer = try remote.query("SELECT schema_version FROM pragma_schema_version", [], inTransaction: isInTransaction, reused: true)
        if case .integer(let version) = answer.rows.first?.first { return version }
        return nil
    }

    /// Whether a statement's columns depend on the schema: it names `*` (not as `count(*)`).
    static func selectsAll(_ sql: String) -> Bool {
        var rest = Substring(sql)
        while let star = rest.firstIndex(of: "*") {
            rest = rest[rest.index(after: star)...]
            if rest.first(where: { !$0.isWhitespace }) != ")" { return true }
        }
        return false
    }

    /// The copy's objects (remote only).
    private func mirrorObjects() -> [(type: String, name: String, sql: String)] {
        var objects: [(type: String, name: String, sql: String)] = []
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", -1, &statement, nil) == SQLITE_OK else {
            return []
        }
        defer { sqlite3_finalize(statement) }
        while sqlite3_step(statement) == SQLITE_ROW {
            objects.append((
                String(cString: sqlite3_column_text(statement, 0)), String(cString: sqlite3_column_text(statement, 1)),
                String(cString: sqlite3_column_text(statement, 2))))
        }
        return objects
    }

    /// Runs SQL on the copy; true when it ran.
    @discardableResult
    private func mirrorExec(_ sql: String) -> Bool {
        sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK
    }

    /// Steps a statement of a remote database: its first step sends it to the node and takes all its
    /// rows; each step then gives the next. Done, it runs again at the next step, as SQLite's do.
    func stepRemote(_ statement: Statement) throws -> Bool {
        if statement.remoteRows == nil {
            statement.remoteRows = try runRemote(statement)
            statement.remoteRow = -1
        }
        statement.remoteRow += 1
        if statement.remoteRow < statement.remoteRows?.count ?? 0 { return true }
        statement.remoteRows = nil
        return false
    }

    private func runRemote(_ statement: Statement) throws -> [[DatabaseValue]] {
        guard let remote else { return [] }
        var sql = statement.sql
        let words = SQLWords.leading(statement.sql, limit: 3)
        if remoteReadOnly && sqlite3_stmt_readonly(statement.handle) == 0 {
            // As a file opened read-only: temporary tables may be written, and a transaction that
            // would take the write lock is begun as one that reads (it never writes).
            if words.first == "begin" {
                sql = "BEGIN"
            } else if writesMain(statement) {
                throw SQLiteError(code: SQLITE_READONLY, message: "attempt to write a readonly database", sql: statement.sql)
            }
        }
        if let traceBox, let expanded = sqlite3_expanded_sql(statement.handle) {
            traceBox.handler(String(cString: expanded))
            sqlite3_free(expanded)
        }
        let ends = ["commit", "end"].contains(words.first) || (words.first == "rollback" && !words.dropFirst().prefix(2).contains("to"))
        if remoteTransactionLost {
            // (the node no longer holds the transaction: its ROLLBACK is done already; anything else
            // would run outside it)
            if ends {
                remoteTransactionLost = false
                mirrorExec("ROLLBACK")
                if words.first == "rollback" { return [] }
            }
            throw SQLiteError(
                code: SQLITE_ABORT,
                message: "the transaction was lost with the connection to the node that held it: nothing of it was committed"
                    + (ends ? "" : "; ROLLBACK ends it"),
                sql: statement.sql)
        }
        let inTransaction = isInTransaction
        // A write that gives rows (RETURNING) is sent as a query, which a dqlite 1.11 node runs outside
        // any replicated transaction when none is open: it stored nothing and broke the next request.
        // It gets a transaction of its own.
        let ownTransaction = !inTransaction && !statement.columnNames.isEmpty && sqlite3_stmt_readonly(statement.handle) == 0
        var rows: [[DatabaseValue]] = []
        do {
            if !statement.columnNames.isEmpty {
                var synced = false
                if Self.selectsAll(statement.sql), let version = try nodeSchemaVersion(), version != remoteSchemaVersion {
                    // (the schema changed: the copy follows, the node's statements prepared before are
                    // dropped (they would give the old columns), and the node's columns are taken below)
                    try syncMirror()
                    try remote.forgetStatements(inTransaction: inTransaction)
                    synced = true
                }
                if ownTransaction { _ = try waitingWhileBusy { try remote.execute("BEGIN IMMEDIATE", [], inTransaction: false, reused: true) } }
                let result: (columns: [String], rows: [[DatabaseValue]])
                do {
                    result = try waitingWhileBusy {
                        try remote.query(sql, statement.remoteArguments, inTransaction: inTransaction || ownTransaction, reused: statement.isCached)
                    }
                    if ownTransaction { _ = try remote.execute("COMMIT", [], inTransaction: true, reused: true) }
                } catch let error as SQLiteError where ownTransaction {
                    // (the statement's own error is the caller's; a rollback that fails finds nothing open: the
                    // error already ended the transaction, or the connection went with it)
                    do { _ = try remote.execute("ROLLBACK", [], inTransaction: true, reused: true) } catch {}
                    throw error
                }
                remoteCounters = nil
                if result.columns != statement.columnNames {
                    // (the copy of the schema is behind, or names an expression otherwise: the node's
                    // columns are the truth; a different count means the schema changed)
                    let behind = result.columns.count != statement.columnNames.count
                    statement.columnNames = result.columns
                    if behind && !synced { try syncMirror() }
                }
                rows = result.rows
            } else {
                remoteCounters = try waitingWhileBusy {
                    try remote.execute(sql, statement.remoteArguments, inTransaction: inTransaction, reused: statement.isCached)
                }
            }
        } catch let error as SQLiteError {
            if words.first == "rollback" && !words.dropFirst().prefix(2).contains("to") {
                // (a rollback that failed because nothing was open leaves nothing open)
                replay(statement)
            } else if inTransaction && [.ioError, .full].contains(error.resultCode) {
                // SQLite rolls a transaction back by itself after these errors.
                mirrorExec("ROLLBACK")
            } else if inTransaction && !ends && nodeRolledBack(remote) {
                // (OR ROLLBACK, ON CONFLICT ROLLBACK, RAISE(ROLLBACK) end the transaction, as on a file)
                mirrorExec("ROLLBACK")
            }
            throw SQLiteError(code: error.extendedResultCode.rawValue, message: error.message, sql: statement.sql, offset: error.offset)
        } catch {
            // The connection is gone, and the transaction it held with it. A lost COMMIT (or the RELEASE
            // of the outermost savepoint) ended it, its outcome unknown unless the node refused it; else
            // it stays open here, refusing statements, until the caller ends it.
            if inTransaction {
                var ended = ends
                if words.first == "release" {
                    replay(statement)
                    ended = sqlite3_get_autocommit(handle) != 0
                }
                if ended {
                    mirrorExec("ROLLBACK")
                    if let error = error as? any RemoteFailure, !error.outcomeUnknown { throw RemoteTransactionLost(cause: error, ended: true) }
                    if let error = error as? any RemoteFailure, !error.saysTheOutcome { throw RemoteWriteUnknown(cause: error) }
                } else {
                    remoteTransactionLost = true
                    if let error = error as? any RemoteFailure { throw RemoteTransactionLost(cause: error) }
                }
            } else if let error = error as? any RemoteFailure, error.outcomeUnknown, !error.saysTheOutcome, sqlite3_stmt_readonly(statement.handle) == 0 {
                throw RemoteWriteUnknown(cause: error)
            }
            throw error
        }
        if let first = words.first, Self.mirroredKeywords.contains(first) { replay(statement) }
        return rows
    }

    /// Whether the node's transaction ended with the statement that failed in it: asked by beginning
    /// one, which fails while one is open. (One begun so is rolled back at once.) A node that does not
    /// answer is taken to hold it still: the next statement finds the connection lost.
    private func nodeRolledBack(_ remote: any RemoteSQL) -> Bool {
        do {
            _ = try remote.execute("BEGIN", [], inTransaction: true, reused: true)
        } catch {
            return false
        }
        do {
            _ = try remote.execute("ROLLBACK", [], inTransaction: true, reused: true)
        } catch {
            // (then the node holds the transaction just begun, and the copy still follows one)
            return false
        }
        return true
    }

    /// Runs a request again while the node answers SQLITE_BUSY (another connection holds the write
    /// lock), for up to ``busyTimeout`` ms, as a file's busy handler waits: a node answers at once. The
    /// statement did nothing when it was refused so. (Not `SQLITE_BUSY_SNAPSHOT`: a transaction that read
    /// an older snapshot cannot write, however long it waits.)
    private func waitingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeout))
        var pause = 2
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.extendedResultCode.rawValue == SQLITE_BUSY && ContinuousClock.now < deadline {
                usleep(useconds_t(pause * 1_000))
                pause = min(pause * 2, 50)
            }
        }
    }

    /// Whether a statement writes the main database (not only temporary tables): its program opens a
    /// write transaction on database 0 (`Transaction 0 1`), as its EXPLAIN on the copy shows.
    private func writesMain(_ statement: Statement) -> Bool {
        var program: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "EXPLAIN " + statement.sql, -1, &program, nil) == SQLITE_OK else { return true }
        defer { sqlite3_finalize(program) }
        while sqlite3_step(program) == SQLITE_ROW {
            if let opcode = sqlite3_column_text(program, 1), String(cString: opcode) == "Transaction",
               sqlite3_column_int(program, 2) == 0, sqlite3_column_int(program, 3) != 0 {
                return true
            }
        }
        return false
    }

    /// Runs a statement the node ran on the copy too. When the copy cannot (it was behind), it is
    /// brought up to date when a statement next fails to prepare on it.
    private func replay(_ statement: Statement) {
        sqlite3_reset(statement.handle)
        var code = sqlite3_step(statement.handle)
        while code == SQLITE_ROW { code = sqlite3_step(statement.handle) }
        sqlite3_reset(statement.handle)
    }

    /// The rowid or count asked for, from the node's last answer or else from the node.
    func remoteCounter(_ function: String, _ known: ((lastInsertID: Int64, changes: Int64)) -> Int64?) -> Int64 {
        if let remoteCounters, let value = known(remoteCounters) { return value }
        guard let remote else { return 0 }
        // (a property cannot throw: a node that does not answer gives 0, and the next statement its error)
        let answer = try? remote.query("SELECT \(function)", [], inTransaction: isInTransaction, reused: true)
        if case .integer(let value) = answer?.rows.first?.first { return value }
        return 0
    }
}

extension DatabaseValue {
    /// The value as text (for reading the schema).
    fileprivate var textValue: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .null, .blob: ""
        }
    }
}
