import Foundation
import LeadSQLite

/// A pair of leads that are probably one person (`possible_duplicates`; Schema/README.md, "Duplicates
/// and merges"): why, and how sure.
public struct PossibleDuplicate: Sendable, Hashable {
    /// The older lead of the pair (the one a merge keeps unless told otherwise), and the other.
    public let leadID: Int64
    public let otherID: Int64
    /// The strongest reason: `email_alias`, `same_phone`, `same_name_at_company` or `similar_name_at_company`.
    public let reason: String
    /// Every rule that found the pair.
    public let reasons: [String]
    /// From 0 to 1: 1 minus the product of (1 minus each rule's confidence).
    public let confidence: Double

    init(row: Row) throws {
        leadID = try row.get("lead_id")
        otherID = try row.get("other_id")
        reason = try row.get("reason")
        reasons = (try row.get("reasons", as: String.self)).split(separator: ",").map(String.init)
        confidence = try row.get("confidence")
    }
}

extension LeadStore {
    /// The pairs of leads that are probably one person, surest first.
    public func possibleDuplicates(limit: Int = 100) throws -> [PossibleDuplicate] {
        try read { db in
            try db.query("""
                SELECT lead_id, other_id, reason, reasons, confidence FROM possible_duplicates
                 ORDER BY confidence DESC, lead_id, other_id LIMIT ?
                """, [limit]).map(PossibleDuplicate.init(row:))
        }
    }

    /// Notes that two leads are two people: `possibleDuplicates` leaves the pair out from now on.
    public func noteNotDuplicates(_ lead: Int64, _ other: Int64, by: String?) throws {
        try write { db in
            try db.execute("INSERT INTO not_duplicates(lead_id, other_id, noted_by, noted_at) VALUES (?, ?, ?, (SELECT now FROM clock)) ON CONFLICT DO NOTHING",
                           [min(lead, other), max(lead, other), by])
        }
    }
}
