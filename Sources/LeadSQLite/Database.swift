import CSQLite
import Foundation

/// A connection to a SQLite database file (or `:memory:`).
///
/// Connections made here use WAL, `synchronous=NORMAL`, a busy timeout and `foreign_keys=ON`. The rules
/// of LeadDB do not depend on those settings: a plain connection gets the same behaviour.
///
///     let db = try Database(path: "leads.db")
///     try db.execute("INSERT INTO lead_intake(email) VALUES (?)", ["ada@example.com"])
///     let count: Int = try db.scalar("SELECT count(*) FROM leads") ?? 0
///
/// A `Database` is not thread-safe: use it from one thread (or one actor) at a time.
/// See <https://sqlite.org/c3ref/sqlite3.html>.
///
/// A connection can also reach a database elsewhere (``init(remote:mode:)``, a dqlite cluster): the
/// same methods, with the statements run by the remote node (Database+Remote.swift).
public final class Database {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only: every write fails with `SQLITE_READONLY`.
        case readOnly
    }

    let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String
    /// The milliseconds a statement waits for a lock held by another connection before `SQLITE_BUSY`.
    public let busyTimeout: Int32
    private var cache: [String: Statement] = [:]
    let interruptFlag = InterruptFlag()
    private var savepointCounter = 0
    /// Keeps the trace handler alive while SQLite holds a pointer to it.
    var traceBox: TraceBox?
    /// A read-only connection to a WAL file that had no -wal and -shm when it opened: SQLite creates them
    /// for a reader and, the reader being read-only, leaves them behind. Closing removes them again.
    private let removeWALFilesOnClose: Bool
    /// The file as this process's registry of open files knows it (see ``OpenFiles``).
    private var fileID: OpenFiles.FileID?
    /// The remote database whose statements this connection runs; nil for a file. `handle` is then an
    /// in-memory copy of the remote schema, where statements are prepared to learn their columns,
    /// parameters and kind (Database+Remote.swift).
    let remote: (any RemoteSQL)?
    /// A remote connection opened read-only refuses statements that write.
    let remoteReadOnly: Bool
    /// The last insert rowid and changes of the last remote statement, when it answered them.
    var remoteCounters: (lastInsertID: Int64, changes: Int64)?
    /// The connection that held the remote transaction was lost: the transaction is gone on the node,
    /// but stays open here, refusing every statement, until the caller's ROLLBACK (or COMMIT, which
    /// fails) ends it. Statements sent in the meantime would run on the next leader outside it.
    var remoteTransactionLost = false

    /// True when the remote node that held this connection's transaction was lost: the transaction is
    /// gone there and stays open here, refusing statements, until ROLLBACK.
    public var isTransactionLost: Bool { remoteTransactionLost }
    /// The remote schema's version (`PRAGMA schema_version`) when the copy of it was last taken.
    var remoteSchemaVersion: Int64?

    /// Opens a connection. `path` may be `:memory:` for a private in-memory database.
    ///
    /// With `plain: true` the connection keeps SQLite's defaults (foreign keys off, rollback journal
    /// unless the file is already WAL), as any other program opening the file would: tests use it to
    /// prove that the rules hold for every writer. With `wal: false` the file's journal mode is left as
    /// it is (nothing is written on open): the caller checks whose file it is first, then calls
    /// ``enableWAL()``.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeout: Int32 = 5_000, plain: Bool = false, wal: Bool = true) throws {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        // (SQLite's word for a directory is "disk I/O error")
        var isDirectory: ObjCBool = false
        if path != ":memory:", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot open \(path): it is a directory, not a database file")
        }
        // A new database file is readable by its owner only (0600); SQLite gives its -wal and -shm files
        // the same permissions. An existing file keeps its own.
        if mode == .readWriteCreate, path != ":memory:", !path.isEmpty, !path.hasPrefix("file:") {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
        // SQLite opens a file it may not write read-only even when asked for read-write: the same care.
        let readsOnly = mode == .readOnly || (FileManager.default.fileExists(atPath: path) && access(path, W_OK) != 0)
        removeWALFilesOnClose = readsOnly ? try Self.readOnlyHousekeeping(path: path) : false
        var pointer: OpaquePointer?
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard let pointer else {
            throw SQLiteError(code: code, message: "cannot open \(path): out of memory")
        }
        guard code == SQLITE_OK else {
            // A failed open still allocates a handle that must be closed.
            let message = String(cString: sqlite3_errmsg(pointer))
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = pointer
        self.path = path
        self.busyTimeout = busyTimeout
        self.remote = nil
        self.remoteReadOnly = false
        if path != ":memory:", !path.isEmpty, !path.hasPrefix("file:") {
            fileID = OpenFiles.FileID(path: path)
            OpenFiles.shared.opened(fileID)
        }
        sqlite3_extended_result_codes(pointer, 1)
        sqlite3_busy_timeout(pointer, busyTimeout)
        // Every stored property is set: if configuring throws, deinit runs and closes the handle once.
        if !plain { try configure(readOnly: mode == .readOnly, wal: wal) }
    }

    /// A connection whose statements a remote node runs; `handle` holds the copy of its schema
    /// (``init(remote:mode:)`` in Database+Remote.swift finishes opening it).
    init(remoteConnection remote: any RemoteSQL, readOnly: Bool) throws {
        var pointer: OpaquePointer?
        let code = sqlite3_open_v2(":memory:", &pointer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let pointer else {
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: code, message: "cannot open \(remote.location): out of memory")
        }
        handle = pointer
        path = remote.location
        busyTimeout = 5_000
        removeWALFilesOnClose = false
        self.remote = remote
        remoteReadOnly = readOnly
        sqlite3_extended_result_codes(pointer, 1)
    }

    deinit {
        cache.removeAll()
        if traceBox != nil { sqlite3_trace_v2(handle, 0, nil, nil) }
        sqlite3_close_v2(handle)
        OpenFiles.shared.closed(fileID)
        if removeWALFilesOnClose { Self.removeReaderWALFiles(path: path) }
    }

    /// Decides, before a read-only open, whether it would leave files behind, and refuses when those
    /// files would belong to the wrong user. A WAL file needs a -shm file even to be read; when none
    /// exists SQLite creates it (and an empty -wal). A reader that may write the file removes them when
    /// it closes (returns true). A reader that may not (another OS user) would leave a -shm the file's
    /// owner cannot open, which stops the owner from writing: that open is refused, with what to do.
    private static func readOnlyHousekeeping(path: String) throws -> Bool {
        if path == ":memory:" || path.isEmpty || path.hasPrefix("file:") { return false }
        // (a -shm means the file is open in WAL mode somewhere, or was left so: nothing to create)
        if FileManager.default.fileExists(atPath: path + "-shm") { return false }
        // The header is read through a descriptor of its own, whose closing would drop the locks of this
        // process's connections to the file (OpenFiles): not while one is open.
        if OpenFiles.shared.isOpen(path) { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        // Bytes 18 and 19 of the header are 2 for a WAL file (https://sqlite.org/fileformat2.html).
        let header = (try? handle.read(upToCount: 20)) ?? Data()
        guard header.count == 20, header[18] == 2 || header[19] == 2 else { return false }
        if FileManager.default.fileExists(atPath: path + "-shm") { return false }
        let folder = (path as NSString).deletingLastPathComponent
        if access(path, W_OK) == 0 && access(folder.isEmpty ? "." : folder, W_OK) == 0 { return true }
        throw SQLiteError(
            code: SQLITE_CANTOPEN,
            message: "cannot open \(path): it is a WAL file with no \(path)-shm, and reading it as a user who cannot write the "
                + "database would create that file, which would then stop the database's owner from writing. "
                + "Open it as the file's owner, or while the owner has it open")
    }

    /// Removes the -wal and -shm files a read-only connection caused, the way SQLite's last writer
    /// does: a read-write connection that reads the schema and closes. It checkpoints nothing (the -wal
    /// is empty) and removes both files only when it is the last connection to the file, so a file
    /// another process has open keeps them. A -wal that holds frames was written by someone else and is
    /// left to them.
    private static func removeReaderWALFiles(path: String) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        guard (attributes?[.size] as? NSNumber)?.intValue ?? 0 == 0 else { return }
        var pointer: OpaquePointer?
        if sqlite3_open_v2(path, &pointer, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK {
            sqlite3_exec(pointer, "SELECT count(*) FROM sqlite_schema", nil, nil, nil)
        }
        sqlite3_close_v2(pointer)
    }

    private func configure(readOnly: Bool, wal: Bool) throws {
        try execute("PRAGMA foreign_keys = ON")
        if readOnly { return }
        // Touch the schema first: a file that is not a database fails here with a clear error.
        _ = try scalar("SELECT count(*) FROM sqlite_schema", as: Int.self)
        if wal { try enableWAL() }
        try execute("PRAGMA synchronous = NORMAL")
        // Every statement that fires triggers inside a transaction keeps a statement journal for its own
        // rollback; in memory it costs nothing, in a temp file it costs a file per statement.
        try execute("PRAGMA temp_store = MEMORY")
        // Deleted and overwritten content is zeroed in the file, so an erased person leaves no bytes
        // behind once the WAL is checkpointed.
        try execute("PRAGMA secure_delete = ON")
    }

    /// Switches the file to WAL (a write: a file of another program is never switched). Switching needs
    /// an exclusive lock, and SQLite does not wait for it through the busy handler: two processes
    /// opening a new file at once (two deploys) retry within the busy timeout instead of failing.
    public func enableWAL() throws {
        guard remote == nil, path != ":memory:" && !path.isEmpty else { return }
        let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeout))
        while true {
            do {
                try execute("PRAGMA journal_mode = WAL")
                return
            } catch let error as SQLiteError where error.resultCode == .busy || error.resultCode == .locked {
                guard ContinuousClock.now < deadline else { throw error }
                clearStatementCache()
                usleep(10_000)
            }
        }
    }

    // MARK: - Running SQL

    /// Runs one statement with positional arguments, stepping it to completion.
    ///
    ///     try db.execute("UPDATE leads SET stage = ? WHERE id = ?", ["contacted", 7])
    public func execute(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) throws {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try step(statement) {}
    }

    /// Steps a cached statement. One that fails is dropped from the cache and prepared afresh next time
    /// (busy, interrupted, a schema that changed under it, out of memory...), except when a rule or a
    /// constraint refused the write: SQLite resets such a statement cleanly, and preparing a capture again
    /// costs about 17 ms (SQLite compiles every trigger program into it), which an import with many
    /// refused rows would pay for each. (GRDB drops every failed statement; this is the one exception.)
    private func step(_ statement: Statement) throws -> Bool {
        do {
            return try statement.step()
        } catch let error as SQLiteError where error.resultCode == .constraint || error.resultCode == .error {
            throw error
        } catch {
            if cache[statement.sql] === statement { cache[statement.sql] = nil }
            throw error
        }
    }

    /// How many prepared statements the cache holds (for tests).
    public var cachedStatementCount: Int { cache.count }

    /// Runs one statement and returns all its rows.
    public func query(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql, arguments) { rows.append($0) }
        return rows
    }

    /// Runs one statement and calls `body` for each row, without collecting them.
    public func forEachRow(_ sql: String, _ arguments: [any DatabaseValueConvertible] = [], _ body: (Row) throws -> Void) throws {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try step(statement) { try body(statement.row()) }
    }

    /// The first column of the first row, or nil when there is no row or the value is NULL.
    ///
    ///     let n = try db.scalar("SELECT count(*) FROM leads", as: Int.self)
    public func scalar<T: DatabaseValueConvertible>(_ sql: String, _ arguments: [any DatabaseValueConvertible] = [], as type: T.Type = T.self) throws -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        guard try step(statement), statement.columnNames.count > 0 else { return nil }
        let value = statement.value(at: 0)
        if value.isNull { return nil }
        guard let typed = T.fromDatabaseValue(value) else {
            throw RowDecodingError(column: statement.columnNames[0], reason: "cannot read \(value.typeName) as \(T.self)")
        }
        return typed
    }

    /// Runs a script of several statements through the prepare tail (never split on `;`: trigger bodies
    /// contain `;`). A failing statement's error carries its SQL and its 1-based line in the script.
    public func executeScript(_ script: String) throws {
        try forEachStatement(in: script) { statement, _ in
            while try statement.step() {}
        }
    }

    /// Prepares each statement of a script in turn and hands it to `body` with its 1-based line number.
    /// Statements are not cached. Errors raised while preparing or inside `body` carry the line.
    public func forEachStatement(in script: String, _ body: (Statement, Int) throws -> Void) throws {
        let bytes = Array(script.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            var offset = 0
            // The line each statement starts on, counted on from the previous statement's.
            var line = 1
            var counted = 0
            var synced = false
            while offset < buffer.count {
                let start = Self.skipWhitespaceAndComments(buffer, from: offset)
                if start >= buffer.count { return }
                while counted < start {
                    if buffer[counted] == 10 { line += 1 }
                    counted += 1
                }
                var pointer: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    sqlite3_prepare_v3(handle, chars + start, Int32(buffer.count - start), 0, &pointer, &tail)
                }
                let consumed = tail.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
                if code != SQLITE_OK, remote != nil, !synced {
                    // (the remote schema may have changed since the copy was taken: take it again, once)
                    synced = true
                    try syncMirror()
                    continue
                }
                guard code == SQLITE_OK else {
                    let text = String(decoding: buffer[start..<max(start, consumed)], as: UTF8.self)
                    var error = self.error(code: code, sql: text.isEmpty ? nil : text)
                    error.line = line
                    throw error
                }
                synced = false
                offset = max(consumed, start + 1)
                guard let pointer else { continue }
                let statement = Statement(handle: pointer, database: self, sql: String(cString: sqlite3_sql(pointer)))
                do {
                    try body(statement, line)
                } catch var error as SQLiteError {
                    error.line = line
                    throw error
                }
            }
        }
    }

    private static func skipWhitespaceAndComments(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            let c = bytes[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 12 || c == 59 {
                i += 1
            } else if c == 45, i + 1 < bytes.count, bytes[i + 1] == 45 {
                while i < bytes.count, bytes[i] != 10 { i += 1 }
            } else if c == 47, i + 1 < bytes.count, bytes[i + 1] == 42 {
                i += 2
                while i + 1 < bytes.count, !(bytes[i] == 42 && bytes[i + 1] == 47) { i += 1 }
                i = min(bytes.count, i + 2)
            } else {
                break
            }
        }
        return i
    }

    // MARK: - Statements

    /// Prepares a single statement, not cached. Trailing text after the statement is an error.
    public func prepare(_ sql: String) throws -> Statement {
        try makeStatement(sql, flags: 0)
    }

    /// Returns a cached prepared statement for this SQL (`SQLITE_PREPARE_PERSISTENT`).
    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try makeStatement(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        statement.isCached = true
        cache[sql] = statement
        return statement
    }

    /// Finalizes every cached statement (needed before the schema changes under them is not required,
    /// SQLite re-prepares, but this frees memory).
    public func clearStatementCache() { cache.removeAll() }

    private func makeStatement(_ sql: String, flags: UInt32) throws -> Statement {
        do {
            return try prepareOnce(sql, flags: flags)
        } catch let error as SQLiteError where remote != nil && error.resultCode == .error {
            // (the remote schema may have changed since the copy was taken: take it again, once)
            try syncMirror()
            return try prepareOnce(sql, flags: flags)
        }
    }

    private func prepareOnce(_ sql: String, flags: UInt32) throws -> Statement {
        var pointer: OpaquePointer?
        var remainder = ""
        let code = sql.withCString { chars in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(handle, chars, -1, flags, &pointer, &tail)
            if let tail { remainder = String(cString: tail) }
            return code
        }
        guard code == SQLITE_OK else { throw error(code: code, sql: sql) }
        guard let pointer else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement to run (empty SQL or only comments)", sql: sql)
        }
        let statement = Statement(handle: pointer, database: self, sql: sql)
        if !remainder.trimmingWhitespace().isEmpty, Self.containsStatement(remainder) {
            throw SQLiteError(code: SQLITE_MISUSE, message: "several statements given where one was expected: use executeScript", sql: sql)
        }
        return statement
    }

    private static func containsStatement(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { skipWhitespaceAndComments($0, from: 0) < $0.count }
    }

    // MARK: - State

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        remote == nil ? sqlite3_last_insert_rowid(handle) : remoteCounter("last_insert_rowid()") { $0.lastInsertID }
    }
    /// Rows changed by the most recent INSERT, UPDATE or DELETE (`sqlite3_changes64`).
    public var changes: Int { Int(remote == nil ? sqlite3_changes64(handle) : remoteCounter("changes()") { $0.changes }) }
    /// Rows changed since the connection opened.
    public var totalChanges: Int { Int(remote == nil ? sqlite3_total_changes64(handle) : remoteCounter("total_changes()") { _ in nil }) }
    /// True while a transaction is open. (On a remote database, the copy of its schema follows the
    /// transaction statements sent: Database+Remote.swift.)
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` with another busy timeout (how long a statement waits for a lock), then restores
    /// the connection's own. (A remote node keeps its own.)
    public func withBusyTimeout<T>(milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        if remote != nil { return try body() }
        sqlite3_busy_timeout(handle, milliseconds)
        defer { sqlite3_busy_timeout(handle, busyTimeout) }
        return try body()
    }
    /// True when the connection cannot write (opened read-only).
    public var isReadOnly: Bool { remote == nil ? sqlite3_db_readonly(handle, "main") == 1 : remoteReadOnly }

    /// True when `sql` ends with a complete statement (`sqlite3_complete`), e.g. to know when a
    /// multi-line entry in the shell is finished. See <https://sqlite.org/c3ref/complete.html>.
    public static func isComplete(_ sql: String) -> Bool { sqlite3_complete(sql) != 0 }

    /// The version of the SQLite library in use, e.g. `3.40.1`.
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// A handle that can interrupt this connection's running statement from another thread.
    /// It must not be used after the `Database` is released.
    public var interruptHandle: InterruptHandle { InterruptHandle(handle: handle, flag: interruptFlag) }

    /// Whether an interrupt was requested since the last call (and clears it): long loops of
    /// statements check it between two of them.
    public func takeInterrupt() -> Bool { interruptFlag.take() }

    /// Copies the whole database into `destination` (a new connection's main database) with SQLite's
    /// online backup API, a consistent snapshot even while others write.
    /// See <https://sqlite.org/backup.html>.
    ///
    /// A remote database is copied into an empty file from its schema and rows, read in one transaction
    /// (Database+RemoteCopy.swift). Nothing is copied onto a remote database: its nodes keep their files.
    public func backup(into destination: Database) throws {
        if destination.remote != nil {
            throw SQLiteError(
                code: SQLITE_MISUSE,
                message: "nothing is copied over a database on a cluster: its nodes keep their files themselves (docs/cluster.md)")
        }
        if remote != nil { return try copyRemote(into: destination) }
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.error(code: sqlite3_errcode(destination.handle), sql: nil)
        }
        let step = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finish == SQLITE_OK else {
            throw destination.error(code: step == SQLITE_DONE ? finish : step, sql: nil)
        }
    }

    /// Interrupts the statement running on this connection (`sqlite3_interrupt`); it fails with
    /// `SQLITE_INTERRUPT`. See <https://sqlite.org/c3ref/interrupt.html>.
    public func interrupt() { sqlite3_interrupt(handle) }

    func error(code: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        let message = String(cString: sqlite3_errmsg(handle))
        let offset = sqlite3_error_offset(handle)
        return SQLiteError(
            code: extended != 0 && (extended & 0xFF) == (code & 0xFF) ? extended : code,
            message: message, sql: sql, offset: offset >= 0 ? Int(offset) : nil)
    }

    func nextSavepointName() -> String {
        savepointCounter += 1
        return "leaddb_sp_\(savepointCounter)"
    }
}
