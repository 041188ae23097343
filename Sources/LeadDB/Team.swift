import Foundation
import LeadSQLite

/// A sales rep, with the open-lead count LeadDB keeps.
///
///     for rep in try store.reps() where rep.active { print(rep.name, rep.openLeads, "/", rep.capacity) }
public struct Rep: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// First and last name, or nil.
    public let name: String
    /// The email, normalised (trimmed, lower-cased), or nil.
    public let email: String?
    /// The team's name.
    public let team: String
    /// Whether the rep takes new leads.
    public let active: Bool
    /// The most open leads the rep holds.
    public let capacity: Int
    /// The rep's manager (a rep), or nil.
    public let managerID: Int64?
    /// Open leads the rep owns now, kept exact by LeadDB.
    public let openLeads: Int
    /// When the rep last got a lead (round-robin reads it).
    public let lastAssignedAt: Date?

    init(row: Row) throws {
        id = try row.get("id")
        name = try row.get("name")
        email = try row.get("email")
        team = try row.get("team")
        active = try row.get("active")
        capacity = try row.get("capacity")
        managerID = try row.get("manager_id")
        openLeads = try row.get("open_leads")
        lastAssignedAt = try row.get("last_assigned_at")
    }
}

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

/// An assigned, open lead nobody has answered: past its deadline (a breach) or close to it.
///
///     for breach in try store.slaBreaches() { print(breach.ownerName ?? "-", breach.minutesOverdue, "min late") }
public struct SLABreach: Sendable, Hashable {
    /// The lead it belongs to.
    public let leadID: Int64
    /// The email, normalised (trimmed, lower-cased), or nil.
    public let email: String?
    /// First and last name, or nil.
    public let name: String?
    /// The company, or nil.
    public let company: String?
    /// The owning rep's id, or nil when unassigned.
    public let ownerID: Int64?
    /// The owning rep's name, or nil.
    public let ownerName: String?
    /// The response deadline.
    public let responseDueAt: Date
    /// Minutes past the deadline; negative for a lead that is due soon (minutes left).
    public let minutesOverdue: Int

    init(row: Row, overdue: Bool) throws {
        leadID = try row.get("lead_id")
        email = try row.get("email")
        let parts = [try row.get("first_name", as: String?.self), try row.get("last_name", as: String?.self)].compactMap { $0 }
        name = parts.isEmpty ? nil : parts.joined(separator: " ")
        company = try row.get("company")
        ownerID = try row.get("owner_id")
        ownerName = try row.get("owner_name")
        responseDueAt = try row.get("response_due_at")
        minutesOverdue = overdue ? try row.get("minutes_overdue") : -(try row.get("minutes_left", as: Int.self))
    }
}
