import Foundation
import LeadSQLite

/// A write refused by one of LeadDB's rules, with its stable code, the message the database wrote and
/// the values the rule named.
///
/// Rules report `code: message`, e.g. `invalid_transition: lead 42 cannot move from new to customer
/// (allowed: contacted, nurturing, mql, disqualified)`. A rule whose message holds values raises it
/// through the `rule_error` view (Schema/01_errors.sql): after the message and a tab comes a JSON object
/// with the code, the message and the values, which is what is read here, whatever words SQLite wraps
/// around it (they differ between versions). A fixed message comes from `RAISE(ABORT, ...)` as it is.
///
///     do { try db.execute("UPDATE leads SET stage = 'customer' WHERE id = 42") }
///     catch let error as SQLiteError {
///         if let violation = RuleViolation(error) { print(violation.code, violation.int("lead") ?? 0) }
///     }
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code, e.g. `invalid_transition`.
    public let code: String
    /// The whole message, code included, as the rule wrote it.
    public let message: String
    /// The values the rule named, as a JSON object (`{}` for a fixed message).
    public let detailsJSON: String

    /// Makes a violation from its code and message.
    public init(code: String, message: String, detailsJSON: String = "{}") {
        self.code = code
        self.message = message
        self.detailsJSON = detailsJSON
    }

    /// Recognises a rule's error; nil for any other SQLite error.
    public init?(_ error: SQLiteError) {
        self.init(extendedResultCode: Int(error.extendedResultCode.rawValue), message: error.message)
    }

    /// Recognises a rule's error from SQLite's extended result code and message, as any channel
    /// carries them (a cluster node's failure response, for one); nil for any other error.
    public init?(extendedResultCode: Int, message errorMessage: String) {
        if extendedResultCode == 1811 {
            // (SQLITE_CONSTRAINT_TRIGGER) RAISE(ABORT, 'code: message'): the text as written.
            guard let code = Self.code(of: errorMessage) else { return nil }
            self.init(code: code, message: errorMessage)
            return
        }
        guard let json = Self.payload(in: errorMessage),
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let code = object["code"] as? String, let message = object["message"] as? String,
            Self.code(of: message) == code
        else { return nil }
        self.init(code: code, message: message, detailsJSON: json)
    }

    /// The text, as the database wrote it.
    public var description: String { message }

    /// A whole-number value the rule named, e.g. `int("lead")`.
    public func int(_ key: String) -> Int64? { (details[key] as? NSNumber)?.int64Value }
    /// A text value the rule named, e.g. `string("to")`.
    public func string(_ key: String) -> String? { details[key] as? String }
    /// A list of texts the rule named, e.g. `strings("allowed")`.
    public func strings(_ key: String) -> [String]? { details[key] as? [String] }

    private var details: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(detailsJSON.utf8)) as? [String: Any]) ?? [:]
    }

    /// `code` in `code: message`: lower-case letters, digits and underscores.
    private static func code(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let code = text[..<colon]
        guard !code.isEmpty, code.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else { return nil }
        return String(code)
    }

    /// The JSON object after the last tab that starts one, up to its closing brace.
    private static func payload(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let start = bytes.indices.reversed().first(where: { $0 + 1 < bytes.count && bytes[$0] == 9 && bytes[$0 + 1] == UInt8(ascii: "{") })
        else { return nil }
        var depth = 0
        var inString = false
        var escaped = false
        for index in (start + 1)..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return String(decoding: bytes[(start + 1)...index], as: UTF8.self) }
            default: break
            }
        }
        return nil
    }
}
