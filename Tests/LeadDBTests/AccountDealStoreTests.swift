import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// The typed API over accounts, custom fields and deals: every method reads or writes the SQL contract,
/// and a refusal arrives as a LeadError with its code.
@Suite struct AccountDealStoreTests {
    let dir = TemporaryDirectory()

    func store() throws -> LeadStore {
        let store = try LeadStore(path: dir.file("store.db"))
        try store.freezeClock(at: SQLiteDate.parse("2026-11-23T09:00:00Z")!)
        try store.write { db in try db.execute("INSERT INTO reps(id, name, capacity) VALUES (1, 'Ana', 10), (2, 'Ben', 10)") }
        return store
    }

    @Test func accountsCustomFieldsAndDealsThroughTheAPI() throws {
        let store = try store()
        let jane = try store.capture(NewLead(email: "jane@acme-robotics.com", name: "Jane Roe", company: "Acme Robotics", title: "VP Operations",
                                             custom: ["budget": "24000", "product_interest": "crm", "authority": "yes"]))
        #expect(jane.lead.accountID == 1)
        #expect(jane.lead.custom == ["budget": "24000", "product_interest": "CRM", "authority": "1"])
        #expect(jane.lead.customJSON == #"{"authority":1,"budget":24000,"product_interest":"CRM"}"#)
        let refused = try #require(throws: LeadError.self) { try store.capture(NewLead(email: "bob@acme-robotics.com", custom: ["budget": "12,000"])) }
        #expect(refused.code == "invalid_field")
        try store.capture(NewLead(email: "bob@acme-robotics.com", title: "Engineer"))

        let fields = try store.customFields()
        #expect(fields.map(\.name) == ["budget", "authority", "need", "timeline", "product_interest"])
        #expect(fields.last?.choices == ["CRM", "Analytics", "Support", "Platform"])
        #expect(fields.last?.isNamed("Product Interest") == true && fields.last?.isNamed("Product of interest") == true)

        let account = try #require(try store.account(domain: "https://www.Acme-Robotics.com/"))
        #expect(account.id == 1 && account.name == "Acme Robotics" && account.ownerName == "Ana" && account.people == 2)
        #expect(account.stages.map { "\($0.stage) \($0.leads)" } == ["new 2"])
        #expect(try store.accounts().map(\.domain) == ["acme-robotics.com"])
        #expect(try store.people(account: 1).map(\.id) == [1, 2])
        #expect(try store.buyingCommittee(account: 1).map { "\($0.role ?? "-"):\($0.leadID.map(String.init) ?? "missing")" }
            == ["decision_maker:1", "influencer:2", "champion:missing", "user:missing"])

        // A second domain of the same company, merged.
        try store.capture(NewLead(email: "kim@acme-robotics.de"))
        #expect(try store.mergeAccounts(kept: 1, merged: 2) == 1)
        #expect(try store.account(id: 2)?.id == 1)
        #expect(try store.account(id: 1)?.people == 3)

        // Deals.
        #expect(try store.deals().isEmpty)
        for stage in ["contacted", "sql"] { try store.move(1, to: Stage(stage)) }
        try store.move(1, to: .opportunity, amount: 24000)
        let deal = try #require(try store.deals(open: true).first)
        #expect(deal.kind == "new_business" && deal.leadID == 1 && deal.accountID == 1 && deal.amount == 24000 && deal.isOpen)
        let noReason = try #require(throws: LeadError.self) { try store.moveDeal(deal.id, to: "lost") }
        #expect(noReason.code == "missing_lost_reason")
        try store.write { db in try db.execute("UPDATE deals SET contract_start = '2026-12-01', contract_end = '2027-12-01' WHERE id = ?", [deal.id]) }
        let won = try store.moveDeal(deal.id, to: "won")
        #expect(won.stage == "won" && !won.isOpen)
        #expect(try store.lead(id: 1)?.stage == .customer)
        #expect(try store.account(id: 1)?.customerSince == SQLiteDate.parse("2026-11-23T09:00:00Z"))
        let upsell = try store.openDeal(NewDeal(accountID: 1, kind: "upsell", name: "Analytics add-on", amount: 6000))
        #expect(upsell.ownerID == 1 && upsell.stage == "qualification" && upsell.name == "Analytics add-on")
        let notCustomer = try #require(throws: LeadError.self) {
            try store.openDeal(NewDeal(accountID: 1, kind: "resale"))
        }
        #expect(notCustomer.code == "invalid_deal")
        try store.moveDeal(upsell.id, to: "won")
        #expect(try store.account(id: 1)?.wonRevenue == 30000)
        #expect(try store.deals(account: 1).map(\.id) == [upsell.id, deal.id])
        #expect(try store.deals(lead: 1).map(\.id) == [deal.id])

        // A year on, the subscription's renewal is due; left unanswered past its deadline, it is escalated.
        #expect(try store.renewals().isEmpty)
        try store.freezeClock(at: SQLiteDate.parse("2027-10-02T09:00:00Z")!)
        try store.tick()
        let renewal = try #require(try store.renewals().first)
        #expect(renewal.renewalOf == deal.id && renewal.accountName == "Acme Robotics" && renewal.ownerName == "Ana" && renewal.amount == 24000)
        #expect(renewal.contractEndsOn == "2027-12-01" && renewal.daysLeft == 60 && renewal.stage == "qualification")
        #expect(renewal.responseDueAt == SQLiteDate.parse("2027-10-07T09:00:00Z") && renewal.answeredAt == nil && !renewal.isOverdue)
        try store.freezeClock(at: SQLiteDate.parse("2027-10-08T09:00:00Z")!)
        try store.tick()
        let overdue = try #require(try store.renewals().first)
        #expect(overdue.isOverdue && overdue.escalatedAt == SQLiteDate.parse("2027-10-08T09:00:00Z"))
        try store.moveDeal(renewal.id, to: "proposal")
        let answered = try #require(try store.renewals().first)
        #expect(!answered.isOverdue && answered.answeredAt == SQLiteDate.parse("2027-10-08T09:00:00Z") && answered.stage == "proposal")
    }
}
