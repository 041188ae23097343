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
