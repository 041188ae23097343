import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct QualificationTests {
    @Test(arguments: Writer.allCases)
    func reachingTheThresholdMovesToMQLAndNotifiesTheOwner(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO reps(id, name) VALUES (3, 'Sam')")
        // (the assignments' own notices aside: 94_outbox.sql)
        try f.db.execute("UPDATE outbox_kinds SET enabled = 0 WHERE kind = 'lead_assigned'")
        let id = try f.capture(["email": "a@example.com", "first_name": "Ann", "company": "Acme"])  // 10
        try f.db.execute("UPDATE leads SET owner_id = 3 WHERE id = ?", [id])
        try f.log(id, "pricing_page_view")  // 20
        try f.log(id, "webinar_attended")  // 32
        #expect(try f.lead(id).get("stage", as: String.self) == "new")
        try f.log(id, "email_reply")  // 47
        #expect(try f.lead(id).get("stage", as: String.self) == "new")
        try f.log(id, "email_click")  // 50: at the threshold
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        let history = try #require(try f.db.query("SELECT from_stage, to_stage, changed_at FROM stage_history WHERE lead_id = ?", [id]).first)
        #expect(try history.get("from_stage", as: String.self) == "new")
        #expect(try history.get("changed_at", as: String.self) == LeadFixture.start)
        let note = try #require(try f.db.query("SELECT kind, lead_id, rep_id, payload, created_at, delivered_at FROM outbox").first)
        #expect(try note.get("kind", as: String.self) == "lead_mql")
        #expect(try note.get("rep_id", as: Int.self) == 3)
        #expect(try note.get("delivered_at", as: String?.self) == nil)
        #expect(try f.text("SELECT json_extract(payload, '$.name') FROM outbox") == "Ann")
        #expect(try f.double("SELECT json_extract(payload, '$.score') FROM outbox") > 49.99)
        // Time passing alone never moves a lead; further activity does not move or notify again.
        try f.setClock("2026-11-24T11:00:00Z")
        try f.log(id, "demo_request")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_mql'") == 1)
        // (at 80 Ann is hot now: her owner hears that once, 94_outbox.sql)
        #expect(try f.db.query("SELECT kind FROM outbox ORDER BY id").map { try $0.get(0, as: String.self) } == ["lead_mql", "lead_hot"])
        #expect(try f.int("SELECT count(*) FROM stage_history") == 1)
    }

    @Test(arguments: Writer.allCases)
    func thresholdsWrittenAsTextAreReadAsNumbers(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = '25' WHERE key = 'score.mql_threshold'")
        #expect(try f.text("SELECT typeof(value) FROM settings WHERE key = 'score.mql_threshold'") == "integer")
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "pricing_page_view")
        #expect(try f.lead(id).get("stage", as: String.self) == "new")  // 20 < 25
        try f.log(id, "page_view")
        try f.log(id, "page_view")
        try f.log(id, "email_click")  // 25
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 'high' WHERE key = 'score.mql_threshold'") }?.message == "invalid_setting: score.mql_threshold must be a number from -1000000 to 1000000; got high")
    }

    @Test(arguments: Writer.allCases)
    func onlyEarlyStagesQualifyAndOnlyWhenTheScoreRises(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO reps(id, name) VALUES (1, 'Sam')")
        let later = try f.capture(["email": "sql@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [later])
        try f.db.execute("UPDATE leads SET stage = 'sql', owner_id = 1 WHERE id = ?", [later])
        try f.log(later, "demo_request")
        try f.log(later, "demo_request")
        #expect(try f.lead(later).get("stage", as: String.self) == "sql")

        // A nurturing lead above the threshold is not moved by an unsubscribe (the score falls).
        let nurtured = try f.capture(["email": "n@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [nurtured])
        try f.db.execute("UPDATE settings SET value = 1000 WHERE key = 'score.mql_threshold'")
        try f.log(nurtured, "demo_request")
        try f.log(nurtured, "demo_request")  // 70
        try f.db.execute("UPDATE settings SET value = 50 WHERE key = 'score.mql_threshold'")
        try f.log(nurtured, "unsubscribe")  // 45... below anyway
        try f.log(nurtured, "call")  // outbound: no change in score
        #expect(try f.lead(nurtured).get("stage", as: String.self) == "nurturing")
        try f.log(nurtured, "email_open")  // rises: 46 < 50
        #expect(try f.lead(nurtured).get("stage", as: String.self) == "nurturing")
        try f.log(nurtured, "content_download")  // 54
        #expect(try f.lead(nurtured).get("stage", as: String.self) == "mql")
    }

    @Test(arguments: Writer.allCases)
    func aFitChangeCanQualify(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])  // 10
        try f.log(id, "demo_request")  // 40
        #expect(try f.lead(id).get("stage", as: String.self) == "new")
        try f.db.execute("UPDATE leads SET title = 'Chief Revenue Officer' WHERE id = ?", [id])  // +20
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [id]) == 1)
    }

    @Test(arguments: Writer.allCases)
    func noMoveWhenTheUserRemovedTheTransition(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("DELETE FROM stage_transitions WHERE from_stage = 'new' AND to_stage = 'mql'")
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "demo_request")
        try f.log(id, "demo_request")
        #expect(try f.lead(id).get("stage", as: String.self) == "new")
        #expect(try f.int("SELECT count(*) FROM activities WHERE lead_id = ?", [id]) == 3)
    }
}
