import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Deals (Schema/34_deals.sql): a pipeline kept as data, conversion from and to lead stages, customers,
/// upsells, renewals on a tick, churn and expansion signals.
@Suite struct DealTests {
    /// A team, and Jane of acme.com (owner Ana) moved to opportunity with an amount: her deal is open.
    func opportunity(_ writer: Writer) throws -> LeadFixture {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let jane = try f.capture(["email": "jane@acme.com", "name": "Jane Roe", "company": "Acme"])
        try f.capture(["email": "bob@acme.com", "name": "Bob Lee"])
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, jane]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 24000 WHERE id = ?", [jane])
        return f
    }

    @Test(arguments: Writer.allCases)
    func anOpportunityOpensADealAndWinningItConvertsTheLeadAndTheAccount(writer: Writer) throws {
        let f = try opportunity(writer)
        let deal = try #require(try f.db.query("SELECT * FROM deals").first)
        #expect(try deal.get("kind", as: String.self) == "new_business")
        #expect(try deal.get("stage", as: String.self) == "qualification")
        #expect(try deal.get("amount", as: Int.self) == 24000)
        #expect(try deal.get("lead_id", as: Int.self) == 1)
        #expect(try deal.get("account_id", as: Int.self) == 1)
        #expect(try deal.get("owner_id", as: Int.self) == 1)
        #expect(try deal.get("created_at", as: String.self) == "2026-11-24T09:00:00.000Z")
        // Moving the lead again opens no second deal; the amounts follow each other while both are open.
        try f.db.execute("UPDATE leads SET amount = 30000 WHERE id = 1")
        #expect(try f.int("SELECT amount FROM deals WHERE id = 1") == 30000)
        try f.db.execute("UPDATE deals SET amount = 28000, stage = 'proposal' WHERE id = 1")
        #expect(try f.int("SELECT amount FROM leads WHERE id = 1") == 28000)
        try f.db.execute("UPDATE deals SET stage = 'won', contract_start = '2026-12-01', contract_end = '2027-12-01' WHERE id = 1")
        #expect(try f.text("SELECT stage FROM leads WHERE id = 1") == "customer")
        #expect(try f.text("SELECT converted_at FROM leads WHERE id = 1") == "2026-11-24T09:00:00.000Z")
        #expect(try f.text("SELECT closed_at FROM deals WHERE id = 1") == "2026-11-24T09:00:00.000Z")
        #expect(try f.text("SELECT customer_since FROM accounts WHERE id = 1") == "2026-11-24T09:00:00.000Z")
        #expect(try f.db.query("SELECT coalesce(from_stage, '-') || '>' || to_stage || ':' || amount FROM deal_history ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["->qualification:24000", "qualification>proposal:28000", "proposal>won:28000"])
        let customer = try #require(try f.db.query("SELECT * FROM customer_accounts").first)
        #expect(try customer.get("lifetime_revenue", as: Double.self) == 28000)
        #expect(try customer.get("next_renewal", as: String.self) == "2027-12-01")
        #expect(try f.double("SELECT won_revenue FROM account_overview") == 28000)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aLeadMovedByAProgramThatKnowsOnlyLeadStagesMovesItsDeal(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = 1")
        #expect(try f.text("SELECT stage FROM deals WHERE id = 1") == "won")
        // A second lead lost from opportunity loses its deal with its reason.
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = 2")
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = 2")
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 500 WHERE id = 2")
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'competitor' WHERE id = 2")
        #expect(try f.text("SELECT stage || ':' || lost_reason FROM deals WHERE lead_id = 2") == "lost:competitor")
        #expect(try f.int("SELECT count(*) FROM deals") == 2)
    }

    @Test(arguments: Writer.allCases)
    func losingADealMovesItsLeadAsTheReasonSays(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'bad_timing' WHERE id = 1")
        #expect(try f.text("SELECT stage FROM leads WHERE id = 1") == "nurturing")
        #expect(try f.text("SELECT lost_reason FROM leads WHERE id = 1") == nil)
        // Reopened, it loses its reason (the history keeps it); lost for a competitor, the lead is disqualified.
        try f.db.execute("UPDATE deals SET stage = 'qualification' WHERE id = 1")
        #expect(try f.text("SELECT lost_reason FROM deals WHERE id = 1") == nil)
        try f.db.execute("UPDATE leads SET stage = 'mql' WHERE id = 1")
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = 1")
        try f.db.execute("UPDATE leads SET stage = 'opportunity' WHERE id = 1")
        #expect(try f.int("SELECT count(*) FROM deals WHERE closed_at IS NULL") == 1)
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'competitor' WHERE id = 1")
        #expect(try f.text("SELECT stage || ':' || lost_reason FROM leads WHERE id = 1") == "disqualified:competitor")
        #expect(try f.db.query("SELECT coalesce(lost_reason, '-') FROM deal_history ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["-", "bad_timing", "-", "competitor"])
    }

    @Test(arguments: Writer.allCases)
    func aDealIsCheckedForEveryWriter(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        let refusals: [(String, String)] = [
            ("INSERT INTO deals(account_id, kind) VALUES (1, 'resale')", "invalid_deal: kind must be new_business, upsell, cross_sell or renewal; got 'resale'"),
            ("INSERT INTO deals(kind) VALUES ('new_business')", "invalid_deal: a deal needs an account or a lead (account_id, lead_id)"),
            ("INSERT INTO deals(account_id) VALUES (9)", "unknown_account: no account has id 9"),
            ("INSERT INTO deals(lead_id) VALUES (9)", "unknown_lead: no lead has id 9"),
            ("INSERT INTO deals(account_id, owner_id) VALUES (1, 2)", "inactive_rep: rep 2 (Ben) is inactive; a deal's owner is an active rep"),
            ("INSERT INTO deals(account_id, amount) VALUES (1, '12,000')",
             "invalid_amount: deal new amount '12,000' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            ("INSERT INTO deals(account_id, amount) VALUES (1, 1e30)",
             "invalid_amount: deal new amount 1.0e+30 is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            ("INSERT INTO deals(account_id, stage) VALUES (1, 'closing')",
             "unknown_stage: 'closing' is not a deal stage (stages: qualification, proposal, negotiation, won, lost)"),
            ("INSERT INTO deals(account_id, stage) VALUES (1, 'won')", "missing_amount: deal new needs an amount above 0 to be won"),
            ("INSERT INTO deals(account_id, expected_close_on) VALUES (1, '2027-02-30')", "invalid_time: expected_close_on '2027-02-30' is not a day such as 2027-03-31"),
            ("INSERT INTO deals(account_id, contract_start, contract_end) VALUES (1, '2027-01-01', '2026-01-01')",
             "invalid_deal: a subscription has a contract_start and a contract_end after it; got 2027-01-01 and 2026-01-01"),
            ("INSERT INTO deals(account_id, kind, amount) VALUES (1, 'upsell', 100)",
             "not_customer: account 1 has no won deal yet; a upsell deal is for a customer (open a new_business deal)"),
            ("INSERT INTO deals(account_id, created_at) VALUES (1, '2020-01-01')",
             "maintained: a deal's created_at, updated_at, closed_at and response_due_at are kept by LeadDB; leave them out"),
            ("UPDATE deals SET stage = 'lost' WHERE id = 1",
             "missing_lost_reason: deal 1 needs a lost_reason to be lost (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)"),
            ("UPDATE deals SET stage = 'lost', lost_reason = 'meh' WHERE id = 1",
             "unknown_lost_reason: meh is not in lost_reasons (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)"),
            ("UPDATE deals SET kind = 'upsell' WHERE id = 1", "read_only: deal 1 keeps its kind (new_business); open another deal"),
            ("UPDATE deals SET closed_at = '2020-01-01' WHERE id = 1", "maintained: a deal's created_at, closed_at and response_due_at are kept by LeadDB (closed_at follows its stage)"),
            ("DELETE FROM deals", "read_only: deals are not deleted; lose one instead (UPDATE deals SET stage = 'lost', lost_reason = ...)"),
            ("DELETE FROM deal_history", "append_only: deal_history cannot be deleted"),
            ("INSERT INTO deal_history(deal_id, to_stage, changed_at) VALUES (1, 'won', '2026-11-24T09:00:00.000Z')",
             "append_only: deal_history is written by LeadDB as deals move; move the deal (UPDATE deals SET stage = ...)"),
            ("DELETE FROM deal_stages WHERE name = 'qualification'",
             "stage_in_use: deal stage qualification has deals or history, or is the last open stage; it is not deleted"),
            ("UPDATE deal_stages SET probability = 2 WHERE name = 'proposal'",
             "invalid_config: deal stage proposal needs a whole-number position, a probability from 0 to 1 and an outcome of won, lost or NULL; got 20, 2.0, NULL"),
            ("UPDATE lost_reasons SET lead_stage = 'limbo' WHERE reason = 'spam'",
             "unknown_stage: lost reason spam sends a lead to 'limbo', which is not an open or lost stage (stages: new, contacted, nurturing, mql, sql, opportunity, disqualified)"),
            ("UPDATE lost_reasons SET lead_stage = 'customer' WHERE reason = 'spam'",
             "unknown_stage: lost reason spam sends a lead to 'customer', which is not an open or lost stage (stages: new, contacted, nurturing, mql, sql, opportunity, disqualified)"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // Won is final: only a lost deal may be reopened.
        try f.db.execute("UPDATE deals SET stage = 'won' WHERE id = 1")
        let reopen = f.violation { try f.db.execute("UPDATE deals SET stage = 'negotiation' WHERE id = 1") }
        #expect(reopen?.code == "invalid_transition")
        #expect(reopen?.message == "invalid_transition: deal 1 cannot move from won to negotiation (allowed: none)")
        #expect(try f.int("SELECT count(*) FROM deals") == 1)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aWonSubscriptionIsRenewedOnATickForTheAccountOwnerAndALostRenewalIsChurn(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE deals SET stage = 'won', name = 'Acme CRM', contract_start = '2026-12-01', contract_end = '2027-12-01' WHERE id = 1")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM deals") == 1)
        // 60 days before the end, a tick opens the renewal.
        try f.setClock("2027-10-01T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM deals") == 1)
        try f.setClock("2027-10-02T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        let renewal = try #require(try f.db.query("SELECT * FROM deals WHERE kind = 'renewal'").first)
        #expect(try renewal.get("owner_id", as: Int.self) == 1)
        #expect(try renewal.get("amount", as: Int.self) == 24000)
        #expect(try renewal.get("name", as: String.self) == "Acme CRM")
        #expect(try renewal.get("contract_start", as: String.self) == "2027-12-01")
        #expect(try renewal.get("contract_end", as: String.self) == "2028-12-01")
        #expect(try renewal.get("response_due_at", as: String.self) == "2027-10-07T09:00:00.000Z")
        let due = try #require(try f.db.query("SELECT * FROM renewals_due").first)
        #expect(try due.get("days_left", as: Int.self) == 60)
        #expect(try due.get("response_overdue", as: Int.self) == 0)
        #expect(try f.text("SELECT payload FROM outbox WHERE kind = 'renewal_due'")
            == #"{"deal_id":2,"account_id":1,"renews":1,"amount":24000,"contract_ends_on":"2027-12-01","response_due_at":"2027-10-07T09:00:00.000Z"}"#)
        // Ticks again open nothing more.
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM deals WHERE kind = 'renewal'") == 1)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'renewal_due'") == 1)
        try f.setClock("2027-10-08T09:00:00Z")
        #expect(try f.int("SELECT response_overdue FROM renewals_due") == 1)
        // Lost: churn, and the renewal is no longer due; the customer stays a customer.
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'competitor' WHERE kind = 'renewal'")
        #expect(try f.int("SELECT count(*) FROM renewals_due") == 0)
        let churn = try #require(try f.db.query("SELECT * FROM churn").first)
        #expect(try churn.get("lost_revenue", as: Int.self) == 24000)
        #expect(try churn.get("lost_reason", as: String.self) == "competitor")
        #expect(try churn.get("contract_ended_on", as: String.self) == "2027-12-01")
        #expect(try f.text("SELECT stage FROM leads WHERE id = 1") == "customer")
        let again = f.violation { try f.db.execute("INSERT INTO deals(account_id, kind, renewal_of) VALUES (1, 'renewal', 1)") }
        #expect(again?.message == "already_exists: deal 1 has its renewal already (deal 2)")
    }

    @Test(arguments: Writer.allCases)
    func anUnansweredRenewalIsEscalatedOnceToItsOwnersManager(writer: Writer) throws {
        let f = try opportunity(writer)
        // Cleo manages Ana and Ben and takes no leads herself.
        try f.reps([(3, "Cleo", "default", 0)])
        try f.db.execute("UPDATE reps SET manager_id = 3 WHERE id IN (1, 2)")
        // Three customers, each with a subscription ending 2027-12-01.
        try f.db.execute("UPDATE deals SET stage = 'won', name = 'Acme CRM', contract_start = '2026-12-01', contract_end = '2027-12-01' WHERE id = 1")
        for (number, domain) in [(3, "globex.com"), (4, "initech.com")] {
            let lead = try f.capture(["email": "buyer@\(domain)", "name": "Buyer \(number)"])
            for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, lead]) }
            try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 1000 WHERE id = ?", [lead])
            try f.db.execute("UPDATE deals SET stage = 'won', contract_start = '2026-12-01', contract_end = '2027-12-01' WHERE lead_id = ?", [lead])
        }
        try f.setClock("2027-10-02T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        let renewals = try f.db.query("SELECT id, lead_id FROM deals WHERE kind = 'renewal' ORDER BY id").map { try ($0.get(0, as: Int64.self), $0.get(1, as: Int64.self)) }
        #expect(renewals.map(\.1) == [1, 3, 4])
        // Acme's is left alone; Globex's contact is called (a call logged with a time before the
        // renewal answers nothing); Initech's deal moves.
        try f.setClock("2027-10-04T09:00:00Z")
        try f.log(3, "call", at: "2027-10-01T09:00:00Z")
        #expect(try f.text("SELECT answered_at FROM renewals_due WHERE deal_id = ?", [renewals[1].0]) == nil)
        try f.log(3, "call")
        try f.db.execute("UPDATE deals SET stage = 'proposal' WHERE id = ?", [renewals[2].0])
        #expect(try f.db.query("SELECT coalesce(answered_at, '-') FROM renewals_due ORDER BY deal_id").map { try $0.get(0, as: String.self) }
            == ["-", "2027-10-04T09:00:00.000Z", "2027-10-04T09:00:00.000Z"])
        // Before the deadline nothing is escalated.
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM renewal_escalations") == 0)
        #expect(try f.int("SELECT sum(response_overdue) FROM renewals_due") == 0)
        // Past it, only the unanswered renewal is overdue, and a tick tells Ana's manager Cleo once.
        try f.setClock("2027-10-07T10:30:00Z")
        #expect(try f.db.query("SELECT response_overdue FROM renewals_due ORDER BY deal_id").map { try $0.get(0, as: Int.self) } == [1, 0, 0])
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.db.query("SELECT deal_id || ':' || status || ':' || coalesce(manager_id, '-') FROM renewal_escalations ORDER BY deal_id").map { try $0.get(0, as: String.self) }
            == ["\(renewals[0].0):notified:3", "\(renewals[1].0):answered:3", "\(renewals[2].0):answered:3"])
        let notice = try #require(try f.db.query("SELECT * FROM outbox WHERE kind = 'renewal_overdue'").first)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'renewal_overdue'") == 1)
        #expect(try notice.get("rep_id", as: Int.self) == 3)
        #expect(try notice.get("lead_id", as: Int.self) == 1)
        #expect(try notice.get("payload", as: String.self)
            == #"{"deal_id":\#(renewals[0].0),"account_id":1,"owner_id":1,"owner_name":"Ana","manager_id":3,"amount":24000,"contract_ends_on":"2027-12-01","response_due_at":"2027-10-07T09:00:00.000Z","minutes_overdue":90}"#)
        #expect(try f.text("SELECT escalated_at FROM renewals_due WHERE deal_id = ?", [renewals[0].0]) == "2027-10-07T10:30:00.000Z")
        // Answered late, it is no longer overdue; the escalation stays in the history.
        try f.log(1, "email_sent")
        #expect(try f.int("SELECT response_overdue FROM renewals_due WHERE deal_id = ?", [renewals[0].0]) == 0)
        // The history is the ticks': a script neither writes, changes nor deletes it.
        let refusals = [
            "INSERT INTO renewal_escalations(deal_id, tick_id, response_due_at, status, ran_at) VALUES (\(renewals[0].0), 1, '2027-10-07T09:00:00.000Z', 'notified', '2027-10-07T10:30:00.000Z')",
            "UPDATE renewal_escalations SET status = 'answered'",
            "DELETE FROM renewal_escalations",
        ]
        let messages = try refusals.map { sql in try #require(f.violation { try f.db.execute(sql) }?.message) }
        #expect(messages == [
            "append_only: renewal_escalations is written by the ticks when a renewal's response_due_at passes; run a tick (INSERT INTO ticks DEFAULT VALUES)",
            "append_only: renewal escalations cannot be changed",
            "append_only: renewal escalations cannot be deleted",
        ])
        #expect(try f.int("SELECT count(*) FROM renewal_escalations") == 3)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aCustomerBuysAgainAndReEngagingSignalsExpansion(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE settings SET value = 60 WHERE key = 'expansion.threshold'")
        try f.db.execute("UPDATE deals SET stage = 'won' WHERE id = 1")
        try f.db.execute("INSERT INTO deals(account_id, kind, name, amount) VALUES (1, 'upsell', 'Analytics add-on', 6000)")
        #expect(try f.text("SELECT owner_id || ':' || stage FROM deals WHERE kind = 'upsell'") == "1:qualification")
        #expect(try f.int("SELECT open_expansion_deals FROM expansion_signals UNION ALL SELECT -1 LIMIT 1") == -1)
        // The account's people engage again: past the customer threshold, the owner hears of it.
        try f.log(2, "demo_request")
        try f.log(2, "webinar_attended")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'expansion_signal'") == 1)
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'expansion_signal'") == 1)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'account_mql'") == 0)
        let signal = try #require(try f.db.query("SELECT * FROM expansion_signals").first)
        #expect(try signal.get("open_expansion_deals", as: Int.self) == 1)
        #expect(try signal.get("signalled_at", as: String.self) == "2026-11-24T09:00:00.000Z")
        try f.db.execute("UPDATE deals SET stage = 'won' WHERE kind = 'upsell'")
        #expect(try f.double("SELECT lifetime_revenue FROM customer_accounts") == 30000)
        // (an upsell moves no lead: Bob qualified by his own activity)
        #expect(try f.text("SELECT stage FROM leads WHERE id = 2") == "mql")
    }

    @Test(arguments: Writer.allCases)
    func mergesMoveDealsAndAnErasureForgetsTheirNames(writer: Writer) throws {
        let f = try opportunity(writer)
        try f.db.execute("UPDATE deals SET name = 'Jane Roe pilot' WHERE id = 1")
        try f.capture(["email": "kim@acme-corp.com"])
        try f.db.execute("INSERT INTO account_merges(kept_id, merged_id) VALUES (2, 1)")
        #expect(try f.int("SELECT account_id FROM deals WHERE id = 1") == 2)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        #expect(try f.text("SELECT name FROM deals WHERE id = 1") == nil)
        #expect(try f.int("SELECT amount FROM deals WHERE id = 1") == 24000)
        // An erased contact's deal stays, and can still be moved.
        try f.db.execute("UPDATE deals SET stage = 'lost', lost_reason = 'unresponsive' WHERE id = 1")
        #expect(try f.text("SELECT stage FROM deals WHERE id = 1") == "lost")
        try f.checkIntegrity()
    }
}

/// The issue's scenario, from the sqlite3 shell alone (docs/examples/accounts-and-deals.sql): its output
/// is docs/examples/accounts-and-deals.out, and the one refusal (a BANT field of the wrong type) is on
/// stderr with its rule's message, whatever words the shell's SQLite wraps around it.
@Suite struct SQLiteShellScenarioTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func accountsDealsAndCustomFieldsFromTheSQLiteShellAlone() throws {
        let f = try LeadFixture(.plain)
        let script = try String(contentsOf: Self.root.appendingPathComponent("docs/examples/accounts-and-deals.sql"), encoding: .utf8)
        let expected = try String(contentsOf: Self.root.appendingPathComponent("docs/examples/accounts-and-deals.out"), encoding: .utf8)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", f.dir.file("leads.db")]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        (shell.standardInput, shell.standardOutput, shell.standardError) = (input, output, errors)
        try shell.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(out == expected)
        #expect(err.contains("invalid_field: lead 1: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got 'about 25k'")
            || err.contains("invalid_field: lead 1: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got ''about 25k''"))
        // (one refusal: its values, as the rule gives them, appear once)
        #expect(err.components(separatedBy: #""code":"invalid_field""#).count == 2)
        #expect(err.components(separatedBy: #""code":""#).count == 2)
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }
}
