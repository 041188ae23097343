import Foundation
import LeadDB
import LeadSQLite
import Testing

extension LeadFixture {
    /// Adds reps: (id, name, team, capacity).
    func reps(_ rows: [(Int, String, String, Int)]) throws {
        for (id, name, team, capacity) in rows {
            try db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (?, ?, ?, ?)", [id, name, team, capacity])
        }
    }

    func owner(_ lead: Int64) throws -> Int? { try db.scalar("SELECT owner_id FROM leads WHERE id = ?", [lead], as: Int.self) }

    func openLeads(_ rep: Int) throws -> Int { try int("SELECT open_leads FROM reps WHERE id = ?", [rep]) }

    /// The open-lead counts LeadDB keeps agree with a count from scratch.
    func checkCounts(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let wrong = try int(
            """
            SELECT count(*) FROM reps r
             WHERE r.open_leads <> (SELECT count(*) FROM lead_records l
                                     WHERE l.owner_id = r.id AND l.closed_at IS NULL AND l.erased_at IS NULL)
            """)
        #expect(wrong == 0, "open_leads drifted from the leads", sourceLocation: sourceLocation)
    }
}

@Suite struct RoutingTests {
    @Test(arguments: Writer.allCases)
    func roundRobinGoesToTheRepAssignedLeastRecently(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10), (3, "Cy", "default", 10)])
        var owners: [Int?] = []
        for i in 0..<6 {
            try f.setClock("2026-11-24T09:0\(i):00Z")
            owners.append(try f.owner(try f.capture(["email": "l\(i)@example.com"])))
        }
        #expect(owners == [1, 2, 3, 1, 2, 3])
        let log = try #require(try f.db.query("SELECT rep_id, team, rule_id, method, reason, assigned_at FROM assignments ORDER BY id").last)
        #expect(try log.get("method", as: String.self) == "round_robin")
        #expect(try log.get("team", as: String.self) == "default")
        #expect(try log.get("reason", as: String.self) == "captured: no routing rule matched, team default; Cy was assigned least recently (2026-11-24T09:02:00.000Z)")
        #expect(try f.openLeads(1) == 2)
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func loadBalancingGoesToTheFewestOpenLeads(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO teams(name, method) VALUES ('field', 'load_balanced')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, source) VALUES (1, 'field', 'tradeshow')")
        try f.reps([(1, "Ana", "field", 10), (2, "Ben", "field", 10)])
        let a = try f.capture(["email": "a@example.com", "source": "tradeshow"])
        let b = try f.capture(["email": "b@example.com", "source": "tradeshow"])
        #expect(try [f.owner(a), f.owner(b)] == [1, 2])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [a])  // Ana: 0 open
        try f.capture(["email": "c@example.com", "source": "tradeshow"])
        let d = try f.capture(["email": "d@example.com", "source": "TRADESHOW"])
        #expect(try f.owner(3) == 1)
        #expect(try f.owner(d) == 2)  // Ana 1 open vs Ben 1: tie, Ben assigned least recently (lead b, before c)
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = 3") == "captured: routing rule 1, team field; Ana has the fewest open leads (0)")
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func rulesPickTheTeamByPriorityWithJSONArraysAndRanges(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO teams(name) VALUES ('emea'), ('enterprise')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, country, description) VALUES (20, 'emea', '[\"DE\",\"fr\",\"UK\"]', 'Europe')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, min_company_size, description) VALUES (10, 'enterprise', 1000, 'Large')")
        try f.reps([(1, "Dana", "default", 10), (2, "Eli", "emea", 10), (3, "Flo", "enterprise", 10)])
        #expect(try f.owner(try f.capture(["email": "a@example.com", "country": "FR"])) == 2)
        #expect(try f.owner(try f.capture(["email": "b@example.com", "country": "de", "company_size": 5000])) == 3)
        #expect(try f.owner(try f.capture(["email": "c@example.com", "country": "US"])) == 1)
        #expect(try f.text("SELECT reason FROM assignments WHERE rep_id = 2") == "captured: routing rule 1 (Europe), team emea; Eli was assigned least recently (never)")
    }

    @Test(arguments: Writer.allCases)
    func withNoEligibleRepTheLeadWaitsWithOneNotification(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 1), (2, "Ben", "default", 5)])
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        let first = try f.capture(["email": "a@example.com"])
        #expect(try f.owner(first) == 1)
        let waiting = try f.capture(["email": "b@example.com"])
        #expect(try f.owner(waiting) == nil)
        try f.capture(["email": "b@example.com", "first_name": "Bea"])  // captured again: still one notification
        #expect(try f.db.query("SELECT lead_id FROM unassigned_leads").map { try $0.get(0, as: Int64.self) } == [waiting])
        let notes = try f.db.query("SELECT lead_id, rep_id, payload FROM outbox WHERE kind = 'lead_unassigned'")
        #expect(notes.count == 1)
        #expect(try f.text("SELECT json_extract(payload, '$.reason') FROM outbox WHERE kind = 'lead_unassigned'") == "captured: no routing rule matched, team default; no active rep below capacity")
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func manualAssignmentIsCheckedLoggedAndCounted(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 1), (3, "Cy", "default", 10)])
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 3")
        let lead = try f.capture(["email": "a@example.com"])
        #expect(try f.owner(lead) == 1)
        try f.setClock("2026-11-24T12:00:00Z")
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [lead])
        #expect(try f.owner(lead) == 2)
        let log = try #require(try f.db.query("SELECT rep_id, previous_rep_id, method, reason FROM assignments ORDER BY id DESC LIMIT 1").first)
        #expect(try log.get("previous_rep_id", as: Int.self) == 1)
        #expect(try log.get("method", as: String.self) == "manual")
        #expect(try log.get("reason", as: String.self) == "assigned by hand")
        // The SLA clock restarts for the new owner.
        #expect(try f.lead(lead).get("assigned_at", as: String.self) == "2026-11-24T12:00:00.000Z")
        #expect(try f.lead(lead).get("response_due_at", as: String.self) == "2026-11-25T12:00:00.000Z")
        #expect(try [f.openLeads(1), f.openLeads(2)] == [0, 1])

        let other = try f.capture(["email": "b@example.com"])
        #expect(f.violation { try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [other]) }?.message == "capacity: rep 2 (Ben) already holds 1 open leads (capacity 1)")
        #expect(f.violation { try f.db.execute("UPDATE leads SET owner_id = 3 WHERE id = ?", [other]) }?.message == "inactive_rep: rep 3 (Cy) is inactive; assign an active rep")
        #expect(f.violation { try f.db.execute("UPDATE leads SET owner_id = 99 WHERE id = ?", [other]) }?.message == "unknown_rep: no rep has id 99")
        #expect(try f.owner(other) == 1)
        try f.db.execute("UPDATE leads SET owner_id = NULL WHERE id = ?", [other])
        #expect(try f.owner(other) == nil)
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func deactivatingARepRedistributesTheirOpenLeads(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10), (3, "Cy", "default", 10)])
        let leads = try (0..<6).map { try f.capture(["email": "l\($0)@example.com"]) }
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [leads[3]])  // Ana's second, closed
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        #expect(try f.owner(leads[0]) != 1)
        #expect(try f.owner(leads[3]) == 1)  // closed leads stay where they were
        #expect(try f.openLeads(1) == 0)
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ? ORDER BY id DESC LIMIT 1", [leads[0]])?.hasPrefix("rep 1 (Ana) deactivated: no routing rule matched") == true)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func openLeadCountsStayExactThroughWonLostRecycledAndErased(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let won = try f.capture(["email": "won@example.com"])
        let lost = try f.capture(["email": "lost@example.com"])
        let erased = try f.capture(["email": "gone@example.com"])
        #expect(try f.openLeads(1) == 3)
        for stage in ["contacted", "sql", "opportunity", "customer"] {
            try f.db.execute("UPDATE leads SET stage = ?, amount = 900 WHERE id = ?", [stage, won])
        }
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_need' WHERE id = ?", [lost])
        #expect(try f.openLeads(1) == 1)
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [lost])  // recycled
        #expect(try f.openLeads(1) == 2)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [erased])
        #expect(try f.openLeads(1) == 1)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func routingCanWaitForMQL(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at'")
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        #expect(try f.owner(id) == nil)
        try f.log(id, "demo_request")
        try f.log(id, "pricing_page_view")
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        #expect(try f.owner(id) == 1)
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ?", [id])?.hasPrefix("reached mql: ") == true)
    }

    @Test(arguments: Writer.allCases)
    func repsNeedAKnownTeamAndManagerAndTheDefaultTeamStays(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.db.execute("INSERT INTO reps(name, team) VALUES ('Zed', 'mars')") }?.message == "unknown_team: team mars does not exist (teams: default)")
        try f.db.execute("INSERT INTO reps(id, name) VALUES (1, 'Ana')")
        #expect(f.violation { try f.db.execute("UPDATE reps SET manager_id = 9 WHERE id = 1") }?.message == "unknown_rep: manager 9 is not a rep")
        #expect(f.violation { try f.db.execute("UPDATE reps SET team = 'mars' WHERE id = 1") }?.code == "unknown_team")
        #expect(f.violation { try f.db.execute("DELETE FROM teams WHERE name = 'default'") }?.code == "required_team")
        #expect(try f.int("SELECT count(*) FROM reps") == 1)
        #expect(try f.int("SELECT count(*) FROM rep_problems WHERE severity = 'error'") == 0)
        #expect(try f.text("SELECT problem FROM rep_problems WHERE id = 1")
            == "no_manager: escalations for rep 1 (Ana) reach nobody: set reps.manager_id or teams.manager_id for team default to an active rep")
    }

    /// A rep's open-lead count has one rule (`_rep_load`, 80_routing.sql) and every event that changes
    /// a lead's owner or whether it is open goes through it: routing at capture, a manual reassignment,
    /// closing won or lost, reopening (taken back, or released when the owner is full), a deactivated
    /// rep's leads released, and an erasure of an open and of a closed lead.
    @Test(arguments: Writer.allCases)
    func theLoadHasOneRule(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 2), (2, "Ben", "default", 10), (3, "Cy", "default", 10)])
        func loads() throws -> [Int] { try [1, 2, 3].map(f.openLeads) }
        var leads: [Int64] = []
        for i in 0..<6 {
            try f.setClock("2026-11-24T09:0\(i):00Z")
            leads.append(try f.capture(["email": "load\(i)@example.com"]))
        }
        #expect(try leads.map(f.owner) == [1, 2, 3, 1, 2, 3])
        #expect(try loads() == [2, 2, 2])
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [leads[0]])          // Ana -> Ben
        #expect(try loads() == [1, 3, 2])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [leads[1]])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [leads[2]])
        try f.db.execute("UPDATE leads SET stage = 'mql' WHERE id = ?", [leads[2]])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [leads[2]])
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 1200 WHERE id = ?", [leads[2]])
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [leads[2]])  // Cy wins one
        #expect(try loads() == [1, 2, 1])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [leads[1]]) // Ben takes it back
        #expect(try loads() == [1, 3, 1])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [leads[1]])
        try f.db.execute("UPDATE reps SET capacity = 2 WHERE id = 2")                        // Ben is full (2 of 2)
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [leads[1]]) // released, rerouted
        #expect(try f.owner(leads[1]) == 1)                                                  // Ana: least recent
        #expect(try loads() == [2, 2, 1])
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 3")                          // Cy's open lead waits:
        #expect(try f.owner(leads[5]) == nil)                                                // Ana and Ben are full
        #expect(try loads() == [2, 2, 0])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [leads[3]])            // an open lead of Ana
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [leads[2]])            // a won lead
        #expect(try loads() == [1, 2, 0])
        try f.checkCounts()
        try f.checkIntegrity()
    }
}
