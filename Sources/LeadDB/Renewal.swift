import Foundation
import LeadSQLite

/// An open renewal, as `renewals_due` shows it (Schema/README.md, "Deals"): when the contract it renews
/// ends, who owns it, and whether it was answered by its deadline.
public struct Renewal: Sendable, Hashable, Identifiable {
    /// The renewal deal's id.
    public let id: Int64
    public let accountID: Int64?
    public let domain: String?
    public let accountName: String?
    public let ownerID: Int64?
    public let ownerName: String?
    public let amount: Double?
    /// A row of `deal_stages`.
    public let stage: String
    /// The day the contract it renews ends (`YYYY-MM-DD`), and the days left until then.
    public let contractEndsOn: String?
    public let daysLeft: Int?
    /// The answer deadline, and when the renewal was answered (its first move, or the first outbound
    /// touch of its contact since it was opened).
    public let responseDueAt: Date?
    public let answeredAt: Date?
    /// Unanswered past its deadline.
    public let isOverdue: Bool
    /// When a tick told the owner's manager it was overdue.
    public let escalatedAt: Date?
    /// The won deal it renews (nil for a renewal opened by hand).
    public let renewalOf: Int64?

    init(row: Row) throws {
        id = try row.get("deal_id")
        accountID = try row.get("account_id")
        domain = try row.get("domain")
        accountName = try row.get("account")
        ownerID = try row.get("owner_id")
        ownerName = try row.get("owner")
        amount = try row.get("amount")
        stage = try row.get("stage")
        contractEndsOn = try row.get("contract_ends_on")
        daysLeft = try row.get("days_left")
        responseDueAt = try row.get("response_due_at")
        answeredAt = try row.get("answered_at")
        isOverdue = try row.get("response_overdue")
        escalatedAt = try row.get("escalated_at")
        renewalOf = try row.get("renewal_of")
    }
}

extension LeadStore {
    /// Open renewals, soonest contract end first.
    public func renewals(limit: Int = 100) throws -> [Renewal] {
        try read { db in
            try db.query("SELECT * FROM renewals_due ORDER BY contract_ends_on, deal_id LIMIT ?", [limit]).map(Renewal.init(row:))
        }
    }
}
