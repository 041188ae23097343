import Foundation
import LeadSQLite

/// One change of a lead's owner, with why.
///
///     for change in try store.assignments(lead: 42) { print(change.assignedAt, change.repID ?? 0, change.reason) }
public struct Assignment: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// The lead it belongs to.
    public let leadID: Int64
    /// nil: unassigned by hand.
    public let repID: Int64?
    /// The owner before, or nil.
    public let previousRepID: Int64?
    /// The team's name.
    public let team: String?
    /// The routing rule that picked the team, or nil.
    public let ruleID: Int64?
    /// `round_robin`, `load_balanced` or `manual`.
    public let method: String
    /// Why, in words.
    public let reason: String
    /// When the assignment was made.
    public let assignedAt: Date

    init(row: Row) throws {
        id = try row.get("id")
        leadID = try row.get("lead_id")
        repID = try row.get("rep_id")
        previousRepID = try row.get("previous_rep_id")
        team = try row.get("team")
        ruleID = try row.get("rule_id")
        method = try row.get("method")
        reason = try row.get("reason")
        assignedAt = try row.get("assigned_at")
    }
}
