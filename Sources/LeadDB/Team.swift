import Foundation
import LeadSQLite

/// A sales rep, with the open-lead count LeadDB keeps.
public struct Rep: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let name: String
    public let email: String?
    public let team: String
    public let active: Bool
    public let capacity: Int
    public let managerID: Int64?
    public let openLeads: Int
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
public struct Assignment: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let leadID: Int64
    /// nil: unassigned by hand.
    public let repID: Int64?
    public let previousRepID: Int64?
    public let team: String?
    public let ruleID: Int64?
    /// `round_robin`, `load_balanced` or `manual`.
    public let method: String
    public let reason: String
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
public struct SLABreach: Sendable, Hashable {
    public let leadID: Int64
    public let email: String?
    public let name: String?
    public let company: String?
    public let ownerID: Int64?
    public let ownerName: String?
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
