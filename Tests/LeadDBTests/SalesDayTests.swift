import Foundation
import LeadDB
import LeadSQLite
import Testing

/// A day of a sales team, replayed with clock.now and ticks through a plain connection (as the
/// sqlite3 shell would): leads arrive and are routed fairly, breach or meet their SLA, escalate, get
/// nurtured, convert or are lost, one is erased, and every number in the views adds up.
@Suite struct SalesDayTests {
    @Test(arguments: Writer.allCases)
    func aDayOfASalesTeamAddsUp(writer: Writer) throws {
        let f = try LeadFixture(writer, now: "2026-11-23T08:00:00Z")  // a Monday
        let db = f.db
        try db.executeScript(
            """
            INSERT INTO teams(name, method) VALUES ('emea', 'load_balanced');
            INSERT INTO reps(id, name, team, capacity) VALUES (1, 'Maya', 'default', 0);
            INSERT INTO reps(id, name, team, capacity, manager_id) VALUES
                (2, 'Sam', 'default', 20, 1), (3, 'Ana', 'default', 20, 1), (4, 'Lars', 'emea', 20, 1), (5, 'Eva', 'emea', 20, 1);
            INSERT INTO routing_rules(priority, team, country, description) VALUES (10, 'emea', '["DE","FR","UK"]', 'Europe');
            """)
        let countries = ["US", "DE", "US", "FR", "US", "UK", "US", "DE", "US", "US", "FR", "US"]
        var leads: [Int64] = []
        for (i, country) in countries.enumerated() {
            try f.setClock(String(format: "2026-11-23T09:%02d:00Z", i * 4))
            leads.append(try f.capture(["email": "lead\(i)@example.com", "country": country, "consent": i % 2, "source": "webinar"]))
        }
        // Fair routing: US leads alternate between Sam and Ana, Europe balances Lars and Eva.
        let owners = try leads.map { try f.owner($0) ?? 0 }
        #expect(owners.filter { $0 == 2 }.count == 4 && owners.filter { $0 == 3 }.count == 3)
        #expect(owners.filter { $0 == 4 }.count == 3 && owners.filter { $0 == 5 }.count == 2)

        // Morning: some answered in time, the rest wait.
        try f.setClock("2026-11-23T11:00:00Z")
        for id in leads.prefix(4) { try f.log(id, "call") }
        try db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [leads[4]])
        // Next day, 11:00: the others are over an hour overdue.
        try f.setClock("2026-11-24T11:00:00Z")
        try db.execute("INSERT INTO ticks DEFAULT VALUES")
        let unanswered = leads.count - 5
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == unanswered)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'sla_escalation' AND rep_id = 1") == unanswered)
        // Afternoon: four hours overdue, the escalation reassigns them to someone else in the team.
        try f.setClock("2026-11-24T14:00:00Z")
        try db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM assignments WHERE reason LIKE 'SLA escalation%'") == unanswered)
        #expect(try f.int("SELECT count(*) FROM sla_breaches") == 0)

        // Outcomes: two deals won, one lost, two nurtured, one erased.
        for stage in ["contacted", "sql", "opportunity", "customer"] {
            for id in leads.prefix(2) { try db.execute("UPDATE leads SET stage = ?, amount = 1000 WHERE id = ?", [stage, id]) }
        }
        try db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [leads[2]])
        for id in [leads[3], leads[5]] { try db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id]) }
        try db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [leads[6]])
        try f.setClock("2026-11-26T00:00:00Z")
        try db.execute("INSERT INTO ticks DEFAULT VALUES")

        // Every number adds up.
        let total = try f.int("SELECT count(*) FROM leads")
        #expect(try f.int("SELECT sum(leads) FROM funnel") == total)
        #expect(try f.int("SELECT leads FROM funnel WHERE stage = 'customer'") == 2)
        #expect(try f.int("SELECT leads FROM funnel WHERE stage = 'disqualified'") == 1)
        #expect(try f.int("SELECT leads FROM funnel WHERE stage = 'nurturing'") == 2)
        let open = try f.int("SELECT count(*) FROM leads WHERE closed_at IS NULL AND erased_at IS NULL")
        #expect(open == total - 3 - 1)
        #expect(try f.int("SELECT sum(open_leads) FROM rep_workload") == open)
        #expect(try f.int("SELECT count(*) FROM hot_leads") == open)
        let responded = try f.int("SELECT count(*) FROM leads WHERE first_response_at IS NOT NULL AND owner_id IS NOT NULL")
        #expect(try f.int("SELECT sum(sla_met) + sum(sla_missed) FROM rep_workload") == responded)
        // Lead 3 has no consent (odd index 3 has consent 1; index 5 too): both nurtured leads got their first message.
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 2)
        // One assignment per capture, plus one per reassigning escalation (the reassigned leads breached
        // their new deadlines too by the last tick, and escalated again).
        let reassigned = try f.int("SELECT count(*) FROM sla_escalation_runs WHERE action = 'reassign'")
        #expect(reassigned > unanswered)
        #expect(try f.int("SELECT count(*) FROM assignments") == leads.count + reassigned)
        try f.checkCounts()
        try f.checkIntegrity()
    }
}
