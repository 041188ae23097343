import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct StageTests {
    @Test(arguments: Writer.allCases)
    func anAllowedMoveIsRecordedInHistory(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.setClock("2026-11-24T10:00:00Z")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        let history = try f.db.query("SELECT lead_id, from_stage, to_stage, changed_at FROM stage_history")
        #expect(history.count == 1)
        #expect(try history[0].get("from_stage", as: String.self) == "new")
        #expect(try history[0].get("to_stage", as: String.self) == "contacted")
        #expect(try history[0].get("changed_at", as: String.self) == "2026-11-24T10:00:00.000Z")
        #expect(try f.lead(id).get("updated_at", as: String.self) == "2026-11-24T10:00:00.000Z")
        // Setting the same stage again is not a move.
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        #expect(try f.int("SELECT count(*) FROM stage_history") == 1)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aDisallowedMoveIsRefusedWithTheAllowedOnes(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        let violation = f.violation { try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [id]) }
        #expect(violation?.message == "invalid_transition: lead \(id) cannot move from new to customer (allowed: contacted, nurturing, mql, disqualified)")
        #expect(violation?.code == "invalid_transition")
        let unknown = f.violation { try f.db.execute("UPDATE leads SET stage = 'won' WHERE id = ?", [id]) }
        #expect(unknown?.message == "unknown_stage: lead \(id) cannot move to won: no such stage (stages: new, contacted, nurturing, mql, sql, opportunity, customer, disqualified)")
        #expect(try f.lead(id).get("stage", as: String.self) == "new")
        #expect(try f.int("SELECT count(*) FROM stage_history") == 0)
    }

    @Test(arguments: Writer.allCases)
    func stageRequirements(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id]) }?.message
                == "missing_owner: lead \(id) needs an owner to move to sql (set both: UPDATE leads SET stage = ..., owner_id = ...)")
        try f.db.execute("INSERT INTO reps(id, name) VALUES (7, 'Rita')")
        try f.db.execute("UPDATE leads SET stage = 'sql', owner_id = 7 WHERE id = ?", [id])
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'opportunity' WHERE id = ?", [id]) }?.message
                == "missing_amount: lead \(id) needs an amount above 0 to move to opportunity (set both: UPDATE leads SET stage = ..., amount = ...)")
        #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 0 WHERE id = ?", [id]) }?.code == "invalid_amount")
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = '12500.50' WHERE id = ?", [id])
        #expect(try f.lead(id).get("amount", as: Double.self) == 12500.5)
        try f.setClock("2026-12-10T12:00:00Z")
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [id])
        let won = try f.lead(id)
        #expect(try won.get("converted_at", as: String.self) == "2026-12-10T12:00:00.000Z")
        #expect(try won.get("closed_at", as: String.self) == "2026-12-10T12:00:00.000Z")
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id]) }?.message
                == "invalid_transition: lead \(id) cannot move from customer to nurturing (allowed: none)")
        #expect(try f.int("SELECT count(*) FROM stage_history WHERE lead_id = ?", [id]) == 4)
    }

    @Test(arguments: Writer.allCases)
    func disqualifyNeedsAKnownReasonAndCanBeRecycled(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'disqualified' WHERE id = ?", [id]) }?.message
                == "missing_lost_reason: lead \(id) needs a lost_reason to move to disqualified (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)")
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'too_pricey' WHERE id = ?", [id]) }?.message
                == "unknown_lost_reason: too_pricey is not in lost_reasons (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)")
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [id])
        #expect(try f.lead(id).get("closed_at", as: String?.self) == LeadFixture.start)
        #expect(try f.lead(id).get("converted_at", as: String?.self) == nil)
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
        #expect(try f.lead(id).get("closed_at", as: String?.self) == nil)
        #expect(try f.lead(id).get("stage", as: String.self) == "nurturing")
    }

    @Test(arguments: Writer.allCases)
    func aStageAUserAddsWorksWithNoCodeChange(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO stages(name, position, requires_owner) VALUES ('discovery', 55, 0)")
        try f.db.execute("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('contacted', 'discovery'), ('discovery', 'disqualified')")
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'discovery' WHERE id = ?", [id])
        #expect(try f.lead(id).get("stage", as: String.self) == "discovery")
        #expect(
            f.violation { try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id]) }?.message
                == "invalid_transition: lead \(id) cannot move from discovery to sql (allowed: disqualified)")
    }

    @Test(arguments: Writer.allCases)
    func stageHistoryIsAppendOnly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        #expect(f.violation { try f.db.execute("UPDATE stage_history SET to_stage = 'customer'") }?.message == "append_only: stage_history rows cannot be changed")
        #expect(f.violation { try f.db.execute("DELETE FROM stage_history") }?.message == "append_only: stage_history rows cannot be deleted")
        #expect(try f.int("SELECT count(*) FROM stage_history") == 1)
    }

    @Test(arguments: Writer.allCases)
    func maintainedColumnsAreReadOnlyAndLeadsAreNotInsertedOrDeletedDirectly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        #expect(f.violation { try f.db.execute("UPDATE leads SET score = 99 WHERE id = ?", [id]) }?.message == "read_only: leads.score is maintained by LeadDB and cannot be set (lead \(id))")
        #expect(f.violation { try f.db.execute("UPDATE leads SET converted_at = '2026-01-01' WHERE id = ?", [id]) }?.code == "read_only")
        #expect(f.violation { try f.db.execute("INSERT INTO leads(email) VALUES ('b@example.com')") }?.code == "use_intake")
        #expect(f.violation { try f.db.execute("DELETE FROM leads WHERE id = ?", [id]) }?.code == "use_erasure")
        #expect(try f.int("SELECT count(*) FROM leads") == 1)
    }

    @Test(arguments: Writer.allCases)
    func attributeUpdatesAreNormalisedAndChecked(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.capture(["email": "b@example.com"])
        try f.db.execute("UPDATE leads SET email = ' A.New@Example.com ', phone = '+1 (415) 555-0101' WHERE id = ?", [id])
        #expect(try f.lead(id).get("email", as: String.self) == "a.new@example.com")
        #expect(try f.lead(id).get("phone", as: String.self) == "+14155550101")
        #expect(f.violation { try f.db.execute("UPDATE leads SET email = 'B@example.com' WHERE id = ?", [id]) }?.message == "duplicate_email: b@example.com already belongs to lead \(id + 1)")
        #expect(f.violation { try f.db.execute("UPDATE leads SET email = 'nope' WHERE id = ?", [id]) }?.code == "invalid_email")
        #expect(try f.lead(id).get("email", as: String.self) == "a.new@example.com")
    }

    @Test(arguments: Writer.allCases)
    func aRecycledLeadLosesItsLostReasonWhichHistoryKeeps(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'bad_timing' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
        #expect(try f.lead(id).get("lost_reason", as: String?.self) == nil)
        #expect(try f.lead(id).get("closed_at", as: String?.self) == nil)
        #expect(try f.db.query("SELECT to_stage, lost_reason FROM stage_history WHERE lead_id = ? ORDER BY id", [id]).map {
            "\(try $0.get(0, as: String.self)) \(try $0.get(1, as: String?.self) ?? "-")"
        } == ["disqualified bad_timing", "nurturing -"])
        #expect(try f.owner(id) == 1)
        #expect(try f.openLeads(1) == 1)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func aRecycledLeadWhoseOwnerCannotTakeItIsRoutedLikeANewOne(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 1), (2, "Ben", "default", 5)])
        let old = try f.capture(["email": "old@example.com"])  // Ana
        #expect(try f.owner(old) == 1)
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [old])
        try f.db.execute("UPDATE leads SET owner_id = 1 WHERE id = ?", [try f.capture(["email": "new@example.com"])])  // Ana full again
        #expect(try f.openLeads(1) == 1)
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [old])
        #expect(try f.owner(old) == 2)  // Ana has no room: Ben takes it
        #expect(try f.openLeads(1) == 1)
        #expect(try f.db.query("SELECT rep_id, reason FROM assignments WHERE lead_id = ? ORDER BY id", [old]).suffix(2).map {
            "\(try $0.get(0, as: Int?.self).map(String.init) ?? "-"): \(try $0.get(1, as: String.self))"
        } == ["-: reopened: Ana is at capacity (1 of 1)",
              "2: reopened: no routing rule matched, team default; Ben was assigned least recently (2026-11-24T09:00:00.000Z)"])
        // An inactive owner: nobody else has room either, so the lead waits, visibly.
        try f.db.execute("UPDATE reps SET capacity = 1 WHERE id = 2")
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [old])
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [try f.capture(["email": "third@example.com"])])
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [old])
        #expect(try f.owner(old) == nil)
        #expect(try f.int("SELECT count(*) FROM unassigned_leads WHERE lead_id = ?", [old]) == 1)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_unassigned' AND lead_id = ?", [old]) == 1)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func aStageThatNeedsAnOwnerKeepsOne(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        #expect(f.violation { try f.db.execute("UPDATE leads SET owner_id = NULL WHERE id = ?", [id]) }?.message
            == "missing_owner: lead 1 is in sql, which needs an owner; assign another rep instead (UPDATE leads SET owner_id = ...)")
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [id])  // another rep is fine
        #expect(try f.owner(id) == 2)
        // Not around the rules either: lead_records.owner_id changes only through an assignment.
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET owner_id = NULL WHERE id = ?", [id]) }?.message
            == "use_assignment: the owner of lead 1 changes through UPDATE leads SET owner_id = ... (checked, logged and counted), not lead_records")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET owner_id = 1 WHERE id = ?", [id]) }?.code == "use_assignment")
        #expect(try f.owner(id) == 2)
        try f.checkCounts()
    }
}
