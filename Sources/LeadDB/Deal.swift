import Foundation
import LeadSQLite

/// A deal (`deals`; Schema/README.md, "Deals").
public struct Deal: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let accountID: Int64?
    /// The primary contact.
    public let leadID: Int64?
    public let ownerID: Int64?
    /// `new_business`, `upsell`, `cross_sell` or `renewal`.
    public let kind: String
    public let name: String?
    public let amount: Double?
    /// A row of `deal_stages`.
    public let stage: String
    public let lostReason: String?
    /// Days, as `YYYY-MM-DD`.
    public let expectedCloseOn: String?
    public let contractStart: String?
    public let contractEnd: String?
    /// The won deal a renewal renews.
    public let renewalOf: Int64?
    /// A renewal's answer deadline.
    public let responseDueAt: Date?
    public let createdAt: Date
    public let closedAt: Date?

    /// True while the deal is neither won nor lost.
    public var isOpen: Bool { closedAt == nil }

    init(row: Row) throws {
        id = try row.get("id")
        accountID = try row.get("account_id")
        leadID = try row.get("lead_id")
        ownerID = try row.get("owner_id")
        kind = try row.get("kind")
        name = try row.get("name")
        amount = try row.get("amount")
        stage = try row.get("stage")
        lostReason = try row.get("lost_reason")
        expectedCloseOn = try row.get("expected_close_on")
        contractStart = try row.get("contract_start")
        contractEnd = try row.get("contract_end")
        renewalOf = try row.get("renewal_of")
        responseDueAt = try row.get("response_due_at")
        createdAt = try row.get("created_at")
        closedAt = try row.get("closed_at")
    }
}

extension LeadStore {
    /// One deal.
    public func deal(id: Int64) throws -> Deal? {
        try read { db in try db.query("SELECT * FROM deals WHERE id = ?", [id]).first.map(Deal.init(row:)) }
    }

    /// Deals, newest first: an account's, a lead's, or all; open ones only when `open` is true.
    public func deals(account: Int64? = nil, lead: Int64? = nil, open: Bool = false, limit: Int = 100) throws -> [Deal] {
        try read { db in
            try db.query("""
                SELECT * FROM deals
                 WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR lead_id = ?2) AND (NOT ?3 OR closed_at IS NULL)
                 ORDER BY id DESC LIMIT ?4
                """, [account, lead, open, limit]).map(Deal.init(row:))
        }
    }

    /// Opens a deal and returns it as stored.
    @discardableResult
    public func openDeal(_ deal: NewDeal) throws -> Deal {
        try write { db in
            try db.execute("""
                INSERT INTO deals(account_id, lead_id, owner_id, kind, name, amount, expected_close_on, contract_start, contract_end)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [deal.accountID, deal.leadID, deal.ownerID, deal.kind, deal.name, deal.amount, deal.expectedCloseOn, deal.contractStart, deal.contractEnd])
            let id = db.lastInsertRowID
            guard let stored = try db.query("SELECT * FROM deals WHERE id = ?", [id]).first.map(Deal.init(row:)) else {
                throw LeadError.rule(code: "unknown_deal", message: "unknown_deal: deal \(id) vanished after it was opened")
            }
            return stored
        }
    }

    /// Moves a deal (won needs an amount, lost a reason) and returns it as stored.
    @discardableResult
    public func moveDeal(_ id: Int64, to stage: String, amount: Double? = nil, lostReason: String? = nil) throws -> Deal {
        try write { db in
            try db.execute("""
                UPDATE deals SET stage = ?2, amount = coalesce(?3, amount), lost_reason = coalesce(?4, lost_reason) WHERE id = ?1
                """, [id, stage, amount, lostReason])
            guard let stored = try db.query("SELECT * FROM deals WHERE id = ?", [id]).first.map(Deal.init(row:)) else {
                throw LeadError.rule(code: "unknown_deal", message: "unknown_deal: no deal has id \(id)")
            }
            return stored
        }
    }
}
