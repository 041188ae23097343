import CSQLite
import Foundation

/// A prepared statement. It owns its `sqlite3_stmt` and finalizes it when released.
///
/// Statements come from ``Database/prepare(_:)`` or the connection's cache; callers usually go through
/// ``Database/execute(_:_:)`` and ``Database/query(_:_:)`` instead.
/// See <https://sqlite.org/c3ref/stmt.html>.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    /// The statement's SQL, as written.
    public let sql: String
    /// The names of the result columns.
    public internal(set) var columnNames: [String]
    /// True when the statement cannot change the database (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // A statement of a remote database (Database+Remote.swift) is prepared on the copy of its schema:
    // its values are kept for the remote node, and its rows arrive whole at the first step.
    /// The values bound, by parameter index (remote only).
    var remoteArguments: [DatabaseValue] = []
    /// The rows the remote node gave, until the statement is reset or done.
    var remoteRows: [[DatabaseValue]]?
    /// The current row in `remoteRows`.
    var remoteRow = -1
    /// Kept in its connection's cache, to be run again.
    var isCached = false
    /// How many times SQLite prepared the statement again by itself (schema changes): its columns are
    /// read again when this grows.
    private var reprepared: Int32 = 0

    init(handle: OpaquePointer, database: Database, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
        let count = Int(sqlite3_column_count(handle))
        self.columnNames = (0..<count).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
        if database.remote != nil {
            remoteArguments = Array(repeating: .null, count: Int(sqlite3_bind_parameter_count(handle)))
        }
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds values to the `?` parameters, in order. A wrong count is an error, not a silent NULL.
    public func bind(_ arguments: [any DatabaseValueConvertible]) throws {
        reset()
        sqlite3_clear_bindings(handle)
        for index in remoteArguments.indices { remoteArguments[index] = .null }
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "wrong number of arguments: the statement expects \(expected), got \(arguments.count)",
                sql: sql)
        }
        for (index, argument) in arguments.enumerated() {
            try bind(argument.databaseValue, at: Int32(index + 1))
        }
    }

    /// Binds values to named parameters (`:name`, `@name` or `$name`; give the name with its prefix).
    public func bind(named arguments: [String: any DatabaseValueConvertible]) throws {
        reset()
        sqlite3_clear_bindings(handle)
        for index in remoteArguments.indices { remoteArguments[index] = .null }
        for (name, value) in arguments {
            let index = sqlite3_bind_parameter_index(handle, name)
            guard index > 0 else {
                throw SQLiteError(code: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
            }
            try bind(value.databaseValue, at: index)
        }
    }

    private func bind(_ value: DatabaseValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
        case .real(let v): code = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            // With its length, so a NUL inside the text reaches SQLite (and its rules) instead of cutting it
            // short; from the string's own UTF-8 storage when it has one (SQLite copies it).
            let bindBytes = { (bytes: UnsafeBufferPointer<UInt8>) -> Int32 in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    // (an empty text is still text, never NULL)
                    guard let base = chars.baseAddress else { return sqlite3_bind_text64(self.handle, index, "", 0, csqlite_transient(), UInt8(SQLITE_UTF8)) }
                    return sqlite3_bind_text64(self.handle, index, base, sqlite3_uint64(chars.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
            code = v.utf8.withContiguousStorageIfAvailable(bindBytes) ?? Array(v.utf8).withUnsafeBufferPointer(bindBytes)
        case .blob(let v):
            code = v.withUnsafeBytes { bytes in
                // A zero-length blob still binds as a blob, never as NULL.
                sqlite3_bind_blob64(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count), csqlite_transient())
            }
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
        if Int(index) <= remoteArguments.count { remoteArguments[Int(index) - 1] = value }
    }

    /// Steps once. Returns true when a row is available, false when done; any other outcome throws.
    @discardableResult
    public func step() throws -> Bool {
        if database.remote != nil { return try database.stepRemote(self) }
        let code = sqlite3_step(handle)
        // SQLite prepares a statement again by itself when another connection changed the schema
        // (`SELECT *` of a view made again, a column added): its columns are then the new ones, their
        // count or only their names. (A statement prepared before the connection saw the change is
        // prepared again at its first step, with rows or none.)
        let count = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_REPREPARE, 0)
        if count != reprepared {
            reprepared = count
            columnNames = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
        }
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = database.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Reads the current row's column at `index`.
    public func value(at index: Int32) -> DatabaseValue {
        if let remoteRows {
            guard remoteRows.indices.contains(remoteRow), remoteRows[remoteRow].indices.contains(Int(index)) else { return .null }
            return remoteRows[remoteRow][Int(index)]
        }
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            // By its length: text holding a NUL is read whole.
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        default:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob(Data()) }
            return .blob(Data(bytes: bytes, count: count))
        }
    }

    /// The current row as a ``Row``.
    public func row() -> Row {
        Row(columns: columnNames, values: (0..<Int32(columnNames.count)).map(value(at:)))
    }

    /// Resets the statement so it can run again; keeps the bindings.
    public func reset() {
        sqlite3_reset(handle)
        remoteRows = nil
    }

    /// Deterministic work done by the statement since it was prepared (or since the last
    /// ``resetWork()``), trigger programs included: SQLite runs a trigger inside the statement that fires
    /// it, so its opcodes, sorts and automatic indexes count here.
    /// See <https://sqlite.org/c3ref/c_stmtstatus_counter.html>.
    public struct Work: Sendable, Equatable, CustomStringConvertible {
        /// Virtual machine operations executed (`SQLITE_STMTSTATUS_VM_STEP`).
        public var vmSteps: Int
        /// Sorts (`SQLITE_STMTSTATUS_SORT`): each one a temporary B-tree.
        public var sorts: Int
        /// Automatic indexes built (`SQLITE_STMTSTATUS_AUTOINDEX`): a missing index.
        public var autoIndexes: Int
        /// Rows stepped through in full-table scans (`SQLITE_STMTSTATUS_FULLSCAN_STEP`).
        public var fullScanSteps: Int
        public init(vmSteps: Int, sorts: Int, autoIndexes: Int, fullScanSteps: Int) {
            self.vmSteps = vmSteps
            self.sorts = sorts
            self.autoIndexes = autoIndexes
            self.fullScanSteps = fullScanSteps
        }
        public var description: String {
            "\(vmSteps) VM steps, \(sorts) sorts, \(autoIndexes) automatic indexes, \(fullScanSteps) full-scan steps"
        }
    }

    /// The work counters (see ``Work``).
    public var work: Work {
        Work(
            vmSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 0)),
            sorts: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_SORT, 0)),
            autoIndexes: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_AUTOINDEX, 0)),
            fullScanSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0)))
    }

    /// Sets the work counters back to 0.
    public func resetWork() {
        for counter in [SQLITE_STMTSTATUS_VM_STEP, SQLITE_STMTSTATUS_SORT, SQLITE_STMTSTATUS_AUTOINDEX, SQLITE_STMTSTATUS_FULLSCAN_STEP] {
            sqlite3_stmt_status(handle, counter, 1)
        }
    }
}
