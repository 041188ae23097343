import Foundation
import LeadSQLite

/// The outbox's delivery protocol (Schema/README.md, "The outbox"): claim a batch, then mark each
/// message delivered or failed. Two senders never hold one message: a claim is taken in one write
/// transaction, and lasts `outbox.claim_seconds`.
extension LeadStore {
    /// Claims up to `limit` messages that may be sent now, oldest first, for the sender `sender` (a name
    /// no other running sender uses, such as `mailer@host-1:4242`).
    public func claimOutbox(as sender: String, limit: Int = 50) throws -> [OutboxMessage] {
        try write { db in
            try db.query("""
                UPDATE outbox SET claimed_by = ?1, claimed_at = (SELECT now FROM clock)
                 WHERE id IN (SELECT id FROM outbox_claimable LIMIT ?2)
                RETURNING *
                """, [sender, limit]).map(OutboxMessage.init(row:)).sorted { $0.id < $1.id }
        }
    }

    /// Marks messages the sender claimed as delivered, and returns the ids it marked: a message whose claim
    /// ran out and was taken by another sender is not marked (that sender delivers it).
    @discardableResult
    public func markDelivered(_ ids: [Int64], as sender: String) throws -> [Int64] {
        try write { db in
            var marked: [Int64] = []
            for id in ids {
                try db.execute("UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = ? AND claimed_by = ? AND delivered_at IS NULL", [id, sender])
                if db.changes == 1 { marked.append(id) }
            }
            return marked
        }
    }

    /// Reports that sending a claimed message failed: it is retried later, or given up after
    /// `outbox.max_attempts` failures. False when the sender no longer held the claim.
    @discardableResult
    public func reportFailure(_ id: Int64, as sender: String, error: String) throws -> Bool {
        try write { db in
            try db.execute("UPDATE outbox SET last_error = ? WHERE id = ? AND claimed_by = ? AND delivered_at IS NULL", [error, id, sender])
            return db.changes == 1
        }
    }

    /// Messages given up after `outbox.max_attempts` failures, the latest first.
    public func failedOutbox(limit: Int = 100) throws -> [OutboxMessage] {
        try read { db in
            try db.query("SELECT * FROM outbox WHERE id IN (SELECT id FROM outbox_failed LIMIT ?) ORDER BY failed_at DESC, id DESC", [limit])
                .map(OutboxMessage.init(row:))
        }
    }
}
