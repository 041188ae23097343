// libFuzzer target: the rule-error parser (RuleViolation) on any message SQLite might carry, as a
// RAISE(ABORT, ...) text and as any other error (scripts/fuzz.sh builds and runs it).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleError(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let message = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for code: Int32 in [1, 19, 1811] {  // SQLITE_ERROR, SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_TRIGGER
        guard let violation = RuleViolation(SQLiteError(code: code, message: message)) else { continue }
        // A violation always has a code of lower-case letters, digits and underscores that starts its
        // message, and details that are a JSON object; its readers never fail.
        precondition(!violation.code.isEmpty)
        precondition(violation.code.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) })
        precondition(violation.message.hasPrefix(violation.code + ":"))
        precondition(violation.detailsJSON.hasPrefix("{") && violation.detailsJSON.hasSuffix("}"))
        _ = violation.int("lead")
        _ = violation.string("to")
        _ = violation.strings("allowed")
        _ = violation.description
    }
    return 0
}
