import Foundation
import LeadSQLite

/// A marketing consent as the database reads it (`consent_input`, Schema/02_inputs.sql): the one
/// vocabulary, for the shell and the importer as for every program that writes `lead_intake`.
public enum ConsentReading: Sendable, Equatable {
    /// 1, yes, true, y (any case).
    case given
    /// 0, no, false, n.
    case notGiven
    /// Empty: nothing was said.
    case notSaid
    /// Anything else, with what the database says of it.
    case invalid(String)

    /// The consent a ``NewLead`` carries: nil when nothing was said.
    public var consent: Bool? {
        switch self {
        case .given: true
        case .notGiven: false
        case .notSaid, .invalid: nil
        }
    }
}

extension LeadStore {
    /// Reads `text` as a consent, as a capture would (no lead is written).
    ///
    ///     if case .invalid(let problem) = try store.readConsent("perhaps") { print(problem) }
    public func readConsent(_ text: String) throws -> ConsentReading {
        try read { db in
            guard let row = try db.query("SELECT consent, problem FROM consent_input WHERE arg = json_array(?)", [text]).first else {
                return .notSaid
            }
            if let problem: String = try row.get("problem") { return .invalid("consent \(text) \(problem)") }
            switch try row.get("consent", as: Int?.self) {
            case 1: return .given
            case 0: return .notGiven
            default: return .notSaid
            }
        }
    }
}
