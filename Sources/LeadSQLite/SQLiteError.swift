import CSQLite

/// An error reported by SQLite: what happened (result codes and message) and where (the SQL).
///
/// Bound values never appear in the description: they may hold personal data.
///
///     do { try db.execute("INSERT INTO activities(lead_id, kind) VALUES (?, ?)", [42, "nope"]) }
///     catch let error as SQLiteError where error.resultCode == .constraint { print(error.message) }
///
/// See <https://sqlite.org/rescode.html>.
public struct SQLiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The primary result code, e.g. `.constraint`.
    public var resultCode: ResultCode { ResultCode(rawValue: extendedResultCode.rawValue & 0xFF) }
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_TRIGGER`.
    public let extendedResultCode: ResultCode
    /// SQLite's message, e.g. `invalid_transition: lead 42 cannot move from new to customer (...)`.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?
    /// The byte offset in `sql` of the token SQLite blames, when it reports one.
    public let offset: Int?
    /// The 1-based line of the failing statement inside a multi-statement script.
    public var line: Int?

    public init(code: Int32, message: String, sql: String? = nil, offset: Int? = nil, line: Int? = nil) {
        self.extendedResultCode = ResultCode(rawValue: code)
        self.message = message
        self.sql = sql
        self.offset = offset
        self.line = line
    }

    public var description: String {
        var text = "SQLite error \(resultCode.rawValue): \(message)"
        if let sql { text += " - while executing `\(sql.trimmingWhitespace())`" }
        if let line { text += " (line \(line))" }
        return text
    }
}
