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
}
