import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct SLATests {
    @Test(arguments: Writer.allCases)
    func policiesByPriorityGiveTheDeadline(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 50)])
        try f.db.execute("INSERT INTO sla_policies(priority, name, source, response_minutes) VALUES (5, 'referrals: 2 hours', 'referral', 120)")
        let standard = try f.capture(["email": "a@example.com"])
        #expect(try f.lead(standard).get("response_due_at", as: String.self) == "2026-11-25T09:00:00.000Z")
        let referral = try f.capture(["email": "b@example.com", "source": "Referral"])
        #expect(try f.lead(referral).get("response_due_at", as: String.self) == "2026-11-24T11:00:00.000Z")
        // Hot at assignment (score >= 70): one hour. Routing waits for mql, which waits for a score of 80.
        try f.db.execute("UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at'")
        try f.db.execute("UPDATE settings SET value = 80 WHERE key = 'score.mql_threshold'")
        let hot = try f.capture(["email": "ceo@bigco.com", "title": "CEO", "company_size": 5000, "source": "partner"])
        try f.log(hot, "demo_request")
        #expect(try f.lead(hot).get("score", as: Double.self) >= 80)
        #expect(try f.lead(hot).get("stage", as: String.self) == "mql")
        #expect(try f.lead(hot).get("response_due_at", as: String.self) == "2026-11-24T10:00:00.000Z")
    }

    @Test(arguments: Writer.allCases)
    func businessHoursSkipNightsWeekendsAndHolidays(writer: Writer) throws {
        // Friday 2026-11-27, 15:00; the following Monday is a holiday.
        let f = try LeadFixture(writer, now: "2026-11-27T15:00:00Z")
        try f.reps([(1, "Ana", "default", 50)])
        try f.db.execute("INSERT INTO holidays(day, name) VALUES ('2026-11-30', 'Company day')")
        try f.db.execute("UPDATE sla_policies SET business_hours = 1, response_minutes = 480 WHERE name LIKE 'standard%'")
        let id = try f.capture(["email": "a@example.com"])
        // Friday 15:00-17:00 is 2 hours; Monday is closed; Tuesday 09:00 + 6 hours = 15:00.
        #expect(try f.lead(id).get("response_due_at", as: String.self) == "2026-12-01T15:00:00.000Z")
        // Assigned at night: the clock starts when the office opens.
        try f.setClock("2026-12-01T22:30:00Z")
        let night = try f.capture(["email": "b@example.com"])
        #expect(try f.lead(night).get("response_due_at", as: String.self) == "2026-12-02T17:00:00.000Z")
    }

    @Test(arguments: Writer.allCases)
    func theFirstOutboundTouchOrContactRecordsTheResponse(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 50)])
        let fast = try f.capture(["email": "a@example.com"])
        let slow = try f.capture(["email": "b@example.com"])
        let contacted = try f.capture(["email": "c@example.com"])
        try f.setClock("2026-11-24T10:00:00Z")
        try f.log(fast, "email_open")  // inbound: not a response
        #expect(try f.lead(fast).get("first_response_at", as: String?.self) == nil)
        try f.log(fast, "call")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [contacted])
        try f.setClock("2026-11-26T10:00:00Z")
        try f.log(slow, "email_sent")
        try f.log(fast, "meeting")  // only the first response counts
        #expect(try f.lead(fast).get("first_response_at", as: String.self) == "2026-11-24T10:00:00.000Z")
        #expect(try f.lead(fast).get("sla_met", as: Int.self) == 1)
        #expect(try f.lead(contacted).get("sla_met", as: Int.self) == 1)
        #expect(try f.lead(slow).get("sla_met", as: Int.self) == 0)
        #expect(try f.int("SELECT sla_met FROM rep_workload WHERE rep_id = 1") == 2)
        #expect(try f.int("SELECT sla_missed FROM rep_workload WHERE rep_id = 1") == 1)
    }

    @Test(arguments: Writer.allCases)
    func breachesAreComputedAgainstNow(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 50)])
        let quiet = try f.capture(["email": "a@example.com"])
        let answered = try f.capture(["email": "b@example.com"])
        try f.setClock("2026-11-25T08:30:00Z")
        #expect(try f.db.query("SELECT lead_id, minutes_left FROM sla_due_soon").map { try $0.get(0, as: Int64.self) } == [quiet, answered])
        #expect(try f.int("SELECT minutes_left FROM sla_due_soon LIMIT 1") == 30)
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == 0)
        try f.log(answered, "call")
        try f.setClock("2026-11-25T09:45:00Z")  // nobody touched `quiet`: it breaches
        let breaches = try f.db.query("SELECT lead_id, owner_id, owner_name, response_due_at, minutes_overdue FROM sla_breaches")
        #expect(breaches.count == 1)
        #expect(try breaches[0].get("lead_id", as: Int64.self) == quiet)
        #expect(try breaches[0].get("owner_name", as: String.self) == "Ana")
        #expect(try breaches[0].get("minutes_overdue", as: Int.self) == 45)
        #expect(try f.int("SELECT breaches FROM rep_workload WHERE rep_id = 1") == 1)
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'unresponsive' WHERE id = ?", [quiet])
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == 0)
    }

    /// A tick does at most tick.batch items of each kind, oldest lead first, and says when it left work;
    /// every item is done exactly once over the ticks that follow.
    @Test(arguments: Writer.allCases)
    func aTickDoesABoundedBatchAndSaysWhatItLeft(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Maya", "default", 0), (2, "Sam", "default", 100)])
        try f.db.execute("UPDATE reps SET manager_id = 1 WHERE id = 2")
        for i in 1...5 { try f.capture(["email": "late\(i)@example.com", "first_name": "Late"]) }
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 0 WHERE key = 'tick.batch'") }?.message
            == "invalid_setting: tick.batch must be a whole number from 1 to 100000; got 0")
        #expect(f.violation { try f.db.execute("DELETE FROM settings WHERE key = 'tick.batch'") }?.code == "required_setting")
        try f.db.execute("UPDATE settings SET value = 2 WHERE key = 'tick.batch'")
        try f.setClock("2026-11-25T09:31:00Z")  // every lead's deadline passed: one notify step each
        var perTick: [Int] = []
        var moreDue: [Int] = []
        for _ in 1...4 {
            try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
            perTick.append(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE tick_id = (SELECT max(id) FROM ticks)"))
            moreDue.append(try f.int("SELECT more_due FROM ticks ORDER BY id DESC LIMIT 1"))
        }
        #expect(perTick == [2, 2, 1, 0])
        #expect(moreDue == [1, 1, 0, 0])
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_escalation'") == 5)
        #expect(try f.int("SELECT count(DISTINCT lead_id) FROM sla_escalation_runs") == 5)
        #expect(try f.int("SELECT min(lead_id) FROM sla_escalation_runs WHERE tick_id = (SELECT min(tick_id) FROM sla_escalation_runs)") == 1)
        // The search index catches up in batches too.
        #expect(try f.int("SELECT pending FROM lead_search_refresh") == 0)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func escalationsRunOncePerLeadAndStepOnTicks(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Maya", "default", 0), (2, "Sam", "default", 10), (3, "Ana", "default", 10)])
        try f.db.execute("UPDATE reps SET manager_id = 1 WHERE id IN (2, 3)")
        let lead = try f.capture(["email": "a@example.com"])
        #expect(try f.owner(lead) == 2)
        try f.setClock("2026-11-25T09:10:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_escalation'") == 0)  // 10 minutes: not yet
        try f.setClock("2026-11-25T09:31:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        let notes = try f.db.query("SELECT rep_id, payload FROM outbox WHERE kind = 'sla_escalation'")
        #expect(notes.count == 1)
        #expect(try notes[0].get("rep_id", as: Int.self) == 1)
        #expect(try f.int("SELECT json_extract(payload, '$.minutes_overdue') FROM outbox WHERE kind = 'sla_escalation'") == 31)
        try f.setClock("2026-11-25T13:01:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.owner(lead) == 3)  // reassigned, excluding the current owner
        #expect(try f.text("SELECT reason FROM assignments ORDER BY id DESC LIMIT 1")?.hasPrefix("SLA escalation 2 (reassign): ") == true)
        #expect(try f.lead(lead).get("response_due_at", as: String.self) == "2026-11-26T13:01:00.000Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs") == 2)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func workingALeadThroughItsStagesIsAResponse(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let id = try f.capture(["email": "deal@example.com"])
        #expect(try f.owner(id) == 1)
        try f.setClock("2026-11-24T09:10:00Z")
        // The move answers the assignment's deadline (on time); reaching mql starts a follow-up.
        try f.db.execute("UPDATE leads SET stage = 'mql' WHERE id = ?", [id])
        #expect(try f.lead(id).get("response_due_at", as: String.self) == "2026-11-24T13:10:00.000Z")
        #expect(try f.lead(id).get("first_response_at", as: String?.self) == nil)
        try f.setClock("2026-11-24T09:20:00Z")
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        #expect(try f.lead(id).get("first_response_at", as: String.self) == "2026-11-24T09:20:00.000Z")
        #expect(try f.lead(id).get("sla_met", as: Int.self) == 1)
        try f.setClock("2026-11-24T09:30:00Z")
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 50000 WHERE id = ?", [id])
        // Days later, ticks find nothing to escalate: the $50k opportunity stays with Ana.
        try f.setClock("2026-11-28T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == 0)
        #expect(try f.owner(id) == 1)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs") == 0)
    }

    @Test(arguments: Writer.allCases)
    func anAutomaticMoveToMQLIsNoResponse(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "demo_request")
        try f.log(id, "pricing_page_view")
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        #expect(try f.lead(id).get("first_response_at", as: String?.self) == nil)
    }

    @Test(arguments: Writer.allCases)
    func escalationNeverTakesALeadPastMQL(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10), (3, "Cy", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        // A manager hands it to Ben: a new assignment, a new deadline, not answered yet.
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [id])
        try f.setClock("2026-11-26T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_escalation'") == 1)  // the manager hears of it
        #expect(try f.owner(id) == 2)  // but the sql lead stays with Ben
        #expect(try f.text("SELECT status FROM sla_escalation_runs WHERE action = 'reassign'") == "dropped")
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func reachingMQLStartsAFollowUpDeadlineForTheOwner(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "call")  // answered
        try f.setClock("2026-12-15T09:00:00Z")
        try f.log(id, "demo_request")
        try f.log(id, "webinar_attended")
        try f.log(id, "pricing_page_view")
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        // The default mql policy: 4 hours.
        #expect(try f.lead(id).get("response_due_at", as: String.self) == "2026-12-15T13:00:00.000Z")
        #expect(try f.lead(id).get("first_response_at", as: String?.self) == nil)
        #expect(try f.text("SELECT policy FROM mql_follow_up WHERE lead_id = ?", [id]) == "mql follow-up: 4 hours")
        try f.setClock("2026-12-15T13:31:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT minutes_overdue FROM sla_breaches WHERE lead_id = ?", [id]) == 31)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_escalation'") == 1)
        try f.log(id, "email_sent")
        #expect(try f.lead(id).get("sla_met", as: Int.self) == 0)
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == 0)
    }

    @Test(arguments: Writer.allCases)
    func aFollowUpIsMetByTheNextMoveAndNoPolicyMeansNoDeadline(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "call")
        try f.log(id, "demo_request")
        try f.log(id, "webinar_attended")
        try f.setClock("2026-11-24T10:00:00Z")
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        #expect(try f.lead(id).get("sla_met", as: Int.self) == 1)
        // Without an mql policy a qualifying lead keeps the deadline it had.
        try f.db.execute("DELETE FROM sla_policies WHERE applies_at = 'mql'")
        let other = try f.capture(["email": "b@example.com"])
        let due = try f.lead(other).get("response_due_at", as: String.self)
        try f.log(other, "demo_request")
        try f.log(other, "webinar_attended")
        #expect(try f.lead(other).get("stage", as: String.self) == "mql")
        #expect(try f.lead(other).get("response_due_at", as: String.self) == due)
    }

    @Test(arguments: Writer.allCases)
    func escalationsReachTheTeamManagerWhenARepHasNone(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Maya", "default", 0), (2, "Sam", "default", 10)])
        #expect(try f.text("SELECT problem FROM rep_problems WHERE id = 2 AND severity = 'warning'")
            == "no_manager: escalations for rep 2 (Sam) reach nobody: set reps.manager_id or teams.manager_id for team default to an active rep")
        try f.db.execute("UPDATE teams SET manager_id = 1 WHERE name = 'default'")
        #expect(try f.int("SELECT count(*) FROM rep_problems") == 0)
        #expect(f.violation { try f.db.execute("UPDATE teams SET manager_id = 9 WHERE name = 'default'") }?.message
            == "unknown_rep: manager 9 of team default is not a rep")
        let id = try f.capture(["email": "a@example.com"])
        try f.setClock("2026-11-25T09:40:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        let note = try #require(try f.db.query("SELECT rep_id, lead_id FROM outbox WHERE kind = 'sla_escalation'").first)
        #expect(try note.get("rep_id", as: Int.self) == 1)
        #expect(try note.get("lead_id", as: Int64.self) == id)
        // A rep's own manager comes first.
        try f.db.execute("INSERT INTO reps(id, name, capacity) VALUES (3, 'Lee', 0)")
        try f.db.execute("UPDATE reps SET manager_id = 3 WHERE id = 2")
        let other = try f.capture(["email": "b@example.com"])
        try f.setClock("2026-11-26T10:20:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'sla_escalation' AND lead_id = ?", [other]) == 3)
    }

    @Test(arguments: Writer.allCases)
    func aReassignmentWithNobodyFreeWaitsAndIsRetried(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Maya", "default", 0), (2, "Sam", "default", 10), (3, "Ana", "default", 1)])
        try f.db.execute("UPDATE teams SET manager_id = 1 WHERE name = 'default'")
        let held = try f.capture(["email": "held@example.com"])  // Sam
        let full = try f.capture(["email": "full@example.com"])  // Ana, now at capacity
        try f.log(full, "call")
        #expect(try [f.owner(held), f.owner(full)] == [2, 3])
        try f.setClock("2026-11-25T13:30:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.owner(held) == 2)  // nobody free: Sam keeps it for now
        #expect(try f.text("SELECT status FROM sla_escalation_runs WHERE action = 'reassign'") == "waiting")
        let notice = try #require(try f.db.query("SELECT rep_id, payload FROM outbox WHERE kind = 'sla_reassign_waiting'").first)
        #expect(try notice.get("rep_id", as: Int.self) == 1)
        for minute in 31..<34 {
            try f.setClock("2026-11-25T13:\(minute):00Z")
            try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        }
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_reassign_waiting'") == 1)  // told once
        // Ana's lead closes: she has room, and the next tick hands her Sam's overdue lead.
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [full])
        try f.setClock("2026-11-25T14:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.owner(held) == 3)
        #expect(try f.text("SELECT status || ' ' || finished_at FROM sla_escalation_runs WHERE action = 'reassign'") == "done 2026-11-25T14:00:00.000Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM assignments WHERE lead_id = ?", [held]) == 2)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func aWaitingReassignmentIsDroppedOnceTheLeadIsAnswered(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(2, "Sam", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.setClock("2026-11-25T13:30:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.text("SELECT status FROM sla_escalation_runs WHERE action = 'reassign'") == "waiting")
        try f.log(id, "call")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.text("SELECT status FROM sla_escalation_runs WHERE action = 'reassign'") == "dropped")
        #expect(f.violation { try f.db.execute("UPDATE sla_escalation_runs SET status = 'waiting'") }?.code == "append_only")
        #expect(f.violation { try f.db.execute("DELETE FROM sla_escalation_runs") }?.code == "append_only")
    }

    @Test(arguments: Writer.allCases)
    func anMQLNoticeNamesTheOwnerTheLeadEndsWith(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        // Qualifies while it is captured (fit 20 + 10 + 10 + 10, and the capture's 10): routed after.
        let hot = try f.capture(["email": "ceo@bigco.com", "title": "CEO", "company_size": "1,500", "source": "referral"])
        #expect(try f.lead(hot).get("stage", as: String.self) == "mql")
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [hot]) == 1)
        // Routed when it reaches mql: the notice goes to the rep it was routed to.
        try f.db.execute("UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at'")
        let later = try f.capture(["email": "b@example.com"])
        try f.log(later, "demo_request")
        try f.log(later, "webinar_attended")
        #expect(try f.owner(later) == 2)
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [later]) == 2)
        // An undelivered notice follows a reassignment; a delivered one stays as it was.
        try f.db.execute("UPDATE outbox SET delivered_at = '2026-11-24T09:00:00Z' WHERE lead_id = ?", [hot])
        try f.db.execute("UPDATE leads SET owner_id = 1 WHERE id = ?", [later])
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [hot])
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [later]) == 1)
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [hot]) == 1)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_mql' AND rep_id IS NULL") == 0)
    }
}
