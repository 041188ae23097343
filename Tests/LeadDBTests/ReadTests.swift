import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct ReadTests {
    @Test(arguments: Writer.allCases)
    func hotLeadsAreOpenLeadsByCurrentScore(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at'")  // owners set by hand here
        try f.db.execute("INSERT INTO reps(id, name) VALUES (4, 'Ola')")
        let cold = try f.capture(["email": "cold@example.com"])
        let warm = try f.capture(["email": "warm@example.com"])
        let won = try f.capture(["email": "won@example.com"])
        try f.log(warm, "pricing_page_view")
        try f.db.execute("UPDATE leads SET owner_id = 4 WHERE id = ?", [warm])
        for stage in ["contacted", "sql", "opportunity", "customer"] {
            try f.db.execute("UPDATE leads SET stage = ?, owner_id = 4, amount = 100 WHERE id = ?", [stage, won])
        }
        let rows = try f.db.query("SELECT id, owner_name, score, is_hot FROM hot_leads")
        #expect(try rows.map { try $0.get("id", as: Int64.self) } == [warm, cold])
        #expect(try rows[0].get("owner_name", as: String.self) == "Ola")
        #expect(try rows[0].get("score", as: Double.self) == 20)
        #expect(try rows[0].get("is_hot", as: Int.self) == 0)
        // The order follows the current score: an old burst decays below a fresh one.
        try f.log(cold, "demo_request", at: "2026-08-01T00:00:00Z")
        try f.log(cold, "demo_request", at: "2026-08-01T00:00:00Z")
        #expect(try f.db.query("SELECT id FROM hot_leads").map { try $0.get(0, as: Int64.self) } == [warm, cold])
        #expect(try f.db.query("SELECT id FROM hot_leads WHERE owner_id = 4 LIMIT 50").map { try $0.get(0, as: Int64.self) } == [warm])
    }

    @Test func hotLeadsOfOneRepUseTheOpenLeadsIndex() throws {
        let f = try LeadFixture(.project)
        let plan = try f.db.query("EXPLAIN QUERY PLAN SELECT * FROM hot_leads WHERE owner_id = 4 LIMIT 50")
            .map { try $0.get("detail", as: String.self) }.joined(separator: "\n")
        #expect(plan.contains("lead_records_owner_open"))
        let breakdown = try f.db.query("EXPLAIN QUERY PLAN SELECT * FROM score_breakdown WHERE lead_id = 4")
            .map { try $0.get("detail", as: String.self) }.joined(separator: "\n")
        #expect(breakdown.contains("activity_log_lead"))
        #expect(!breakdown.contains("SCAN l"))
        // The breach list is a range of the unanswered-leads index bounded by now, not a walk of it.
        let breaches = try f.db.query("EXPLAIN QUERY PLAN SELECT * FROM sla_breaches LIMIT 100")
            .map { try $0.get("detail", as: String.self) }.joined(separator: "\n")
        #expect(breaches.contains("USING INDEX lead_records_response_due (response_due_at>? AND response_due_at<?)"))
    }

    @Test(arguments: Writer.allCases)
    func settingsAreValidatedAndRequiredOnesKept(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 'tomorrow' WHERE key = 'clock.now'") }?.message == "invalid_setting: clock.now must be a UTC time such as 2026-11-24T09:30:00Z, or NULL for the real time; got tomorrow")
        #expect(f.violation { try f.db.execute("DELETE FROM settings WHERE key = 'score.mql_threshold'") }?.message == "required_setting: score.mql_threshold cannot be deleted; set it to another value instead")
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 'never' WHERE key = 'routing.assign_at'") }?.code == "invalid_setting")
        try f.db.execute("UPDATE settings SET value = NULL WHERE key = 'clock.now'")
        let now = try #require(try f.text("SELECT now FROM clock"))
        #expect(now.hasPrefix("20") && now.hasSuffix("Z"))
        try f.db.execute("INSERT INTO settings(key, value) VALUES ('custom.flag', 'anything')")
        #expect(try f.int("SELECT count(*) FROM setting_problems") == 0)
    }
}

@Suite struct ClockShiftTests {
    @Test(arguments: Writer.allCases)
    func theClockCanBeShiftedFrozenOrReal(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = '+2 hours' WHERE key = 'clock.shift'")
        #expect(try f.text("SELECT now FROM clock") == "2026-11-24T11:00:00.000Z")
        let id = try f.capture(["email": "a@example.com"])
        #expect(try f.lead(id).get("created_at", as: String.self) == "2026-11-24T11:00:00.000Z")
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 'sideways' WHERE key = 'clock.shift'") }?.message
            == "invalid_setting: clock.shift must be a signed number and a unit such as +2 hours or -3 days, or NULL; got sideways")
        try f.db.execute("UPDATE settings SET value = NULL WHERE key = 'clock.now'")
        try f.db.execute("UPDATE settings SET value = '-3 days' WHERE key = 'clock.shift'")
        let shifted = try #require(SQLiteDate.parse(try f.text("SELECT now FROM clock") ?? ""))
        #expect(abs(shifted.timeIntervalSinceNow + 3 * 86_400) < 60)
    }

    @Test func convertAndDisqualifyAreMoves() throws {
        let store = try LeadStore.inMemory()
        try store.write { db in try db.execute("INSERT INTO reps(id, name) VALUES (1, 'Ana')") }
        let won = try store.capture(NewLead(email: "won@example.com")).lead
        for stage in [Stage.contacted, .sql] { try store.move(won.id, to: stage) }
        try store.move(won.id, to: .opportunity, amount: 1_000)
        #expect(try store.convert(won.id).stage == .customer)
        let lost = try store.capture(NewLead(email: "lost@example.com")).lead
        #expect(try store.disqualify(lost.id, reason: "spam").lostReason == "spam")
        try store.shiftClock("+1 day")
        #expect(try store.now() > Date().addingTimeInterval(86_000))
        try store.unfreezeClock()
        #expect(abs(try store.now().timeIntervalSinceNow) < 60)
    }
}

@Suite struct FindTests {
    @Test func findIgnoresAccentsAndCaseAndSearchesPhones() throws {
        let store = try LeadStore.inMemory()
        let jose = try store.capture(NewLead(email: "jm@example.com", firstName: "José", lastName: "Müller", phone: "+1 (415) 555-0101", company: "Straße AG")).lead
        try store.capture(NewLead(email: "other@example.com", firstName: "Joseph", company: "Acme"))
        for text in ["jose m", "JOSÉ", "muller", "MÜLLER", "strasse", "555-0101", "+1 415 555 0101", "4155550101"] {
            #expect(try store.find(text).map(\.id).contains(jose.id), "\(text)")
        }
        #expect(try store.find("joseph").map(\.email) == ["other@example.com"])
        #expect(try store.find("0101").map(\.id) == [jose.id])
        #expect(try store.find("no such text").isEmpty)
    }
}
