import Foundation
import LeadSQLite

/// A company and its people, as `account_overview` shows it (Schema/README.md, "Accounts").
public struct Account: Sendable, Hashable, Identifiable {
    public let id: Int64
    /// The web domain that keys it (`acme.com`).
    public let domain: String
    public let name: String?
    public let industry: String?
    public let companySize: Int?
    public let country: String?
    /// The owning rep, if any, and their name.
    public let ownerID: Int64?
    public let ownerName: String?
    /// Its people who are not erased, and how many of them are in each stage (in stage order).
    public let people: Int
    public let stages: [(stage: String, leads: Int)]
    /// The account's score: its best fit plus its people's current engagement.
    public let fit: Double
    public let engagement: Double
    public let score: Double
    public let openLeads: Int
    public let wonLeads: Int
    /// Its won deals' amounts, its open deals and their amounts, and since when it is a customer.
    public let wonRevenue: Double
    public let openDeals: Int
    public let pipeline: Double
    public let customerSince: Date?
    public let lastActivityAt: Date?
    public let createdAt: Date

    init(row: Row) throws {
        id = try row.get("account_id")
        domain = try row.get("domain")
        name = try row.get("name")
        industry = try row.get("industry")
        companySize = try row.get("company_size")
        country = try row.get("country")
        ownerID = try row.get("owner_id")
        ownerName = try row.get("owner")
        people = try row.get("people")
        fit = try row.get("fit")
        engagement = try row.get("engagement")
        score = try row.get("score")
        openLeads = try row.get("open_leads")
        wonLeads = try row.get("won_leads")
        wonRevenue = try row.get("won_revenue")
        openDeals = try row.get("open_deals")
        pipeline = try row.get("pipeline")
        customerSince = try row.get("customer_since")
        lastActivityAt = try row.get("last_activity_at")
        createdAt = try row.get("created_at")
        let list: String? = try row.get("stage_list")
        stages = (list ?? "").split(separator: "\u{1F}").compactMap { pair in
            let parts = pair.split(separator: "\u{1E}")
            guard parts.count == 2, let count = Int(parts[1]) else { return nil }
            return (String(parts[0]), count)
        }
    }

    public static func == (a: Account, b: Account) -> Bool { a.id == b.id && a.score == b.score && a.people == b.people }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    static let select = """
        SELECT o.*, (SELECT group_concat(j.key || char(30) || j.value, char(31)) FROM json_each(o.stages) AS j) AS stage_list
          FROM account_overview AS o
        """
}

extension LeadStore {
    /// The accounts (neither merged nor erased), highest score first.
    public func accounts(limit: Int = 100) throws -> [Account] {
        try read { db in try db.query(Account.select + " ORDER BY o.score DESC, o.account_id LIMIT ?", [limit]).map(Account.init(row:)) }
    }

    /// One account by id; a merged account's id gives the account it was merged into.
    public func account(id: Int64) throws -> Account? {
        try read { db in
            try db.query(Account.select + " WHERE o.account_id = (SELECT coalesce(merged_into, id) FROM accounts WHERE id = ?)", [id])
                .first.map(Account.init(row:))
        }
    }

    /// One account by domain, read as `domain_input` reads one (`https://www.Acme.com/` is acme.com).
    public func account(domain: String) throws -> Account? {
        try read { db in
            try db.query(Account.select + """
                 WHERE o.account_id = (SELECT coalesce(a.merged_into, a.id) FROM accounts AS a, domain_input AS d
                                        WHERE d.arg = json_array(?) AND a.domain = d.domain)
                """, [domain]).first.map(Account.init(row:))
        }
    }

    /// The account's people, best score first.
    public func people(account: Int64) throws -> [Lead] {
        try read { db in
            try db.query("SELECT \(Lead.columns) FROM leads WHERE account_id = ? AND erased_at IS NULL ORDER BY score DESC, id", [account]).map(Lead.init(row:))
        }
    }

    /// The account's buying committee: its people by role, then the roles nobody fills.
    public func buyingCommittee(account: Int64) throws -> [CommitteeSeat] {
        try read { db in
            try db.query("SELECT * FROM buying_committee WHERE account_id = ? ORDER BY missing, coalesce(position, 1000), score DESC, lead_id", [account])
                .map(CommitteeSeat.init(row:))
        }
    }

    /// Merges `merged` into `kept` (`INSERT INTO account_merges`) and returns the number of leads moved.
    @discardableResult
    public func mergeAccounts(kept: Int64, merged: Int64) throws -> Int {
        try write { db in
            try db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
            return try db.scalar("SELECT leads FROM account_merges WHERE id = (SELECT max(id) FROM account_merges)", as: Int.self) ?? 0
        }
    }
}
