import CSQLite

/// A SQLite result code, matchable in `catch` clauses: `catch ResultCode.busy`.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let readonly = ResultCode(rawValue: SQLITE_READONLY)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    /// `SQLITE_CONSTRAINT_TRIGGER`: a trigger's `RAISE(ABORT, ...)`.
    public static let constraintTrigger = ResultCode(rawValue: 1811)  // SQLITE_CONSTRAINT | (7<<8)
    public static let constraintUnique = ResultCode(rawValue: 2067)  // SQLITE_CONSTRAINT | (8<<8)
    public static let constraintCheck = ResultCode(rawValue: 275)  // SQLITE_CONSTRAINT | (1<<8)
    public static let constraintNotNull = ResultCode(rawValue: 1299)  // SQLITE_CONSTRAINT | (5<<8)

    public var description: String { String(cString: sqlite3_errstr(rawValue)) }

    /// Matches an error whose primary or extended code is this one.
    public static func ~= (pattern: ResultCode, error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.extendedResultCode == pattern || error.resultCode == pattern
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
