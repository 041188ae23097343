import Foundation
import LeadSQLite

/// A notification or message for another program to deliver.
///
///     let batch = try store.claimOutbox(as: "mailer@host-1")
///     // ... send each; then, for the ones sent ...
///     try store.markDelivered(sent.map(\.id), as: "mailer@host-1")
///     // ... and for one that failed:
///     try store.reportFailure(message.id, as: "mailer@host-1", error: "smtp 550")
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
    /// The sender holding a claim on it, and since when (a claim lasts `outbox.claim_seconds`).
    public let claimedBy: String?
    public let claimedAt: Date?
    /// Failed deliveries so far, the latest error, when it is tried again, and when it was given up.
    public let attempts: Int
    public let lastError: String?
    public let retryAt: Date?
    public let failedAt: Date?

    init(row: Row) throws {
        id = try row.get("id")
        kind = try row.get("kind")
        leadID = try row.get("lead_id")
        repID = try row.get("rep_id")
        payload = try row.get("payload")
        createdAt = try row.get("created_at")
        deliveredAt = try row.get("delivered_at")
        claimedBy = try row.get("claimed_by")
        claimedAt = try row.get("claimed_at")
        attempts = try row.get("attempts")
        lastError = try row.get("last_error")
        retryAt = try row.get("retry_at")
        failedAt = try row.get("failed_at")
    }
}
