import Foundation
import LeadSQLite

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
