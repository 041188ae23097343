import Foundation
import LeadDB
import LeadSQLite
import Testing

/// From the attack on deals: the states it reached, refused or kept consistent.
@Suite struct DealGuardTests {
    func opportunity(_ writer: Writer) throws -> LeadFixture { try DealTests().opportunity(writer) }

    @Test(arguments: Writer.allCases)
    func aLeadAndItsDealNeverDisagree(writer: Writer) throws {
        let f = try opportunity(writer)
        // A deal is not won while its lead cannot be won.
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = 1")
        #expect(f.violation { try f.db.execute("UPDATE deals SET stage = 'won' WHERE id = 1") }?.message
            == "invalid_transition: deal 1 cannot be won while its lead 1 is in nurturing (a lead is won from: opportunity; move it there first)")
        // One open new-business deal per lead: a second, or a lost one reopened beside a new one, is refused.
        #expect(f.violation { try f.db.execute("INSERT INTO deals(lead_id, amount) VALUES (1, 7000)") }?.message
            == "already_exists: lead 1 has an open new-business deal (deal 1); work that one")
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'bad_timing' WHERE id = 1")
        for stage in ["mql", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = 1", [stage]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 1500 WHERE id = 1")
        #expect(f.violation { try f.db.execute("UPDATE deals SET stage = 'qualification' WHERE id = 1") }?.message
            == "already_exists: lead 1 has an open new-business deal (deal 2); work that one")
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = 1")
        #expect(try f.double("SELECT lifetime_revenue FROM customer_accounts") == 1500)
        // A closed deal keeps its facts.
        #expect(f.violation { try f.db.execute("UPDATE deals SET amount = 1 WHERE id = 2") }?.message
            == "read_only: deal 2 is won; its amount, account, contact and days stay (open another deal)")
        #expect(f.violation { try f.db.execute("UPDATE deals SET account_id = NULL WHERE id = 1") }?.message
            == "read_only: deal 1 is lost; its amount, account, contact and days stay (open another deal, or reopen it)")
        // Its history is only what it did.
        #expect(f.violation { try f.db.execute("INSERT INTO deal_history(deal_id, from_stage, to_stage, changed_at) VALUES (2, 'lost', 'won', (SELECT now FROM clock))") }?.code
            == "append_only")
        #expect(f.violation { try f.db.execute("INSERT INTO deals(id, account_id) VALUES (1000000000000, 1)") }?.message
            == "maintained: deals are numbered in order by SQLite; leave out the id")
        #expect(f.violation { try f.db.execute("INSERT INTO deals(account_id, name) VALUES (1, CAST(x'41ff42' AS TEXT))") }?.message
            == "invalid_text: a deal's name is one line of at most 500 printable characters in UTF-8")
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }

    @Test(arguments: Writer.allCases)
    func theTickRenewsWhatFellDueWhateverHappenedToTheContact(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE deals SET stage = 'won', contract_start = '2027-01-31', contract_end = '2027-02-28' WHERE id = 1")
        // The contact erased and the owner gone: the renewal still opens, for whoever is active.
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        try f.setClock("2027-02-01T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        let renewal = try #require(try f.db.query("SELECT * FROM deals WHERE kind = 'renewal'").first)
        #expect(try renewal.get("lead_id", as: Int64?.self) == nil)
        #expect(try renewal.get("owner_id", as: Int64?.self) == 2)
        // A month's end renews to the next month's end.
        #expect(try renewal.get("contract_end", as: String.self) == "2027-03-31")
        // A reason a deal records stays.
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'no_budget' WHERE kind = 'renewal'")
        #expect(f.violation { try f.db.execute("UPDATE lost_reasons SET reason = 'budget_frozen' WHERE reason = 'no_budget'") }?.code == "reason_in_use")
        #expect(try f.int("SELECT count(*) FROM customer_accounts WHERE next_renewal IS NULL") == 1)
        #expect(try f.int("SELECT count(*) FROM churn") == 1)
    }

    @Test(arguments: Writer.allCases)
    func thePipelineKeepsAStartAWinAndALoss(writer: Writer) throws {
        let f = try opportunity(writer)
        let refusals: [(String, String)] = [
            ("UPDATE deal_stages SET outcome = NULL WHERE name = 'won'", "stage_in_use: deal stage won is the last won stage; it keeps its outcome"),
            ("UPDATE deal_stages SET name = 'discovery' WHERE name = 'qualification'", "stage_in_use: deal stage qualification has deals or history; its name and outcome stay"),
            ("UPDATE OR REPLACE deal_stages SET name = 'won' WHERE name = 'negotiation'",
             "already_exists: deal stage won exists; a key is not moved onto another row (a replace would delete it)"),
            ("UPDATE OR REPLACE deal_transitions SET to_stage = 'won' WHERE from_stage = 'qualification' AND to_stage = 'lost'",
             "already_exists: the deal transition from qualification to won exists; a key is not moved onto another row (a replace would delete it)"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // A stage without deals is deleted with its transitions.
        try f.db.execute("DELETE FROM deal_stages WHERE name = 'negotiation'")
        #expect(try f.int("SELECT count(*) FROM deal_transitions WHERE 'negotiation' IN (from_stage, to_stage)") == 0)
        // A second won stage the deal cannot reach does not stop a lead's win.
        try f.db.execute("INSERT INTO deal_stages(name, position, outcome, probability) VALUES ('signed_partner', 35, 'won', 1)")
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = 1")
        #expect(try f.text("SELECT stage FROM deals WHERE id = 1") == "won")
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }
}
