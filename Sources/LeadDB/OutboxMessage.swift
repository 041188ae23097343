import Foundation
import LeadSQLite

/// A notification or message for another program to deliver.
///
///     let pending = try store.pendingOutbox()
///     // ... send them ...
///     try store.markDelivered(pending.map(\.id))
public struct OutboxMessage: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// `lead_mql`, `lead_unassigned`, `sla_escalation`, `nurture_email`, ...
    public let kind: String
    /// The lead it belongs to.
    public let leadID: Int64?
    /// The rep's id, or nil.
    public let repID: Int64?
    /// JSON text.
    public let payload: String?
    /// When it was written.
    public let createdAt: Date
    /// When a program marked it delivered, or nil while pending.
    public let deliveredAt: Date?

    init(row: Row) throws {
        id = try row.get("id")
        kind = try row.get("kind")
        leadID = try row.get("lead_id")
        repID = try row.get("rep_id")
        payload = try row.get("payload")
        createdAt = try row.get("created_at")
        deliveredAt = try row.get("delivered_at")
    }
}
