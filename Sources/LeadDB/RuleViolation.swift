import LeadSQLite

/// A write refused by one of LeadDB's rules, with its stable code and the message the database wrote.
///
/// Rules report `code: message`, e.g. `invalid_transition: lead 42 cannot move from new to customer
/// (allowed: contacted, nurturing, mql, disqualified)`. A rule whose message holds values raises it as a
/// JSON path error, because SQLite 3.40's `RAISE()` takes only a literal; a fixed message comes from
/// `RAISE(ABORT, ...)`. Both are recognised here.
///
///     do { try db.execute("UPDATE leads SET stage = 'customer' WHERE id = 42") }
///     catch let error as SQLiteError {
///         if let violation = RuleViolation(error) { print(violation.code, violation.message) }
///     }
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code, e.g. `invalid_transition`.
    public let code: String
    /// The whole message, code included, as the rule wrote it.
    public let message: String

    /// Makes a violation from its code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Recognises a rule's error; nil for any other SQLite error.
    public init?(_ error: SQLiteError) {
        guard let text = Self.ruleText(error) else { return nil }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let code = text[..<colon]
        guard !code.isEmpty, code.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else { return nil }
        self.code = String(code)
        self.message = text
    }

    /// The text, as the database wrote it.
    public var description: String { message }

    private static let wrapperPrefix = "JSON path error near '"

    private static func ruleText(_ error: SQLiteError) -> String? {
        if error.extendedResultCode == .constraintTrigger { return error.message }
        guard error.resultCode == .error, error.message.hasPrefix(wrapperPrefix), error.message.hasSuffix("'") else { return nil }
        // SQLite quotes the text with %q: a quote inside is doubled.
        return String(error.message.dropFirst(wrapperPrefix.count).dropLast()).replacingOccurrences(of: "''", with: "'")
    }
}
