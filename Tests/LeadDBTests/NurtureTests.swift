import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct NurtureTests {
    @Test(arguments: Writer.allCases)
    func dueStepsBecomeOneMessageEachOnTicks(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com", "first_name": "Ann", "consent": 1])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
        let enrollment = try #require(try f.db.query("SELECT sequence_id, next_step, next_due_at, status FROM nurture_enrollments").first)
        #expect(try enrollment.get("status", as: String.self) == "active")
        #expect(try enrollment.get("next_due_at", as: String.self) == "2026-11-25T09:00:00.000Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 0)
        try f.setClock("2026-11-25T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.text("SELECT json_extract(payload, '$.subject') FROM outbox WHERE kind = 'nurture_email'") == "Getting the most out of your trial")
        #expect(try f.text("SELECT next_due_at FROM nurture_enrollments") == "2026-11-29T09:00:00.000Z")
        // Ticks that stopped for weeks resume one step at a time: the next step falls due its delay
        // after the previous one was sent, never in a burst.
        try f.setClock("2026-12-20T00:00:00Z")
        for _ in 0..<3 { try f.db.execute("INSERT INTO ticks DEFAULT VALUES") }
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 2)
        #expect(try f.text("SELECT next_due_at FROM nurture_enrollments") == "2026-12-27T00:00:00.000Z")
        try f.setClock("2026-12-26T23:59:59Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 2)
        try f.setClock("2026-12-27T00:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 3)
        #expect(try f.db.query("SELECT created_at FROM outbox WHERE kind = 'nurture_email' ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["2026-11-25T09:00:00.000Z", "2026-12-20T00:00:00.000Z", "2026-12-27T00:00:00.000Z"])
        #expect(try f.text("SELECT status || ':' || end_reason FROM nurture_enrollments") == "completed:completed")
    }

    /// Every event that ends an enrollment ends it the one way (_nurture_end): status, reason, time, and
    /// nothing left due; an erasure and a tick too.
    @Test(arguments: Writer.allCases)
    func everyWayAnEnrollmentEndsIsTheSame(writer: Writer) throws {
        let f = try LeadFixture(writer)
        var leads: [Int64] = []
        for i in 0..<4 {
            let id = try f.capture(["email": "n\(i)@example.com", "consent": 1])
            try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
            leads.append(id)
        }
        try f.setClock("2026-11-24T10:00:00Z")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [leads[0]])
        try f.log(leads[1], "demo_request")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [leads[2]])
        try f.db.execute("INSERT INTO _nurture_end(lead_id, reason, applies) VALUES (?, 'not applied', 0)", [leads[3]])
        let rows = try f.db.query("SELECT status, end_reason, ended_at, next_due_at FROM nurture_enrollments ORDER BY lead_id").map { row in
            [try row.get(0, as: String.self), try row.get(1, as: String?.self) ?? "-", try row.get(2, as: String?.self) ?? "-",
             try row.get(3, as: String?.self) ?? "-"].joined(separator: " ")
        }
        #expect(rows == [
            "ended erased 2026-11-24T10:00:00.000Z -", "ended demo_request 2026-11-24T10:00:00.000Z -",
            "ended moved to contacted 2026-11-24T10:00:00.000Z -", "active - - 2026-11-25T09:00:00.000Z",
        ])
        // Consent withdrawn ends it at once; an enrollment a script made active again for a lead without
        // consent is ended by the tick it falls due on, and nothing is sent.
        try f.db.execute("UPDATE lead_records SET consent = NULL WHERE id = ?", [leads[3]])
        #expect(try f.text("SELECT status || ' ' || end_reason || ' ' || ended_at FROM nurture_enrollments WHERE lead_id = ?", [leads[3]])
            == "ended no_consent 2026-11-24T10:00:00.000Z")
        try f.db.execute("UPDATE nurture_enrollments SET status = 'active', end_reason = NULL, ended_at = NULL, next_due_at = '2026-11-25T09:00:00.000Z' WHERE lead_id = ?", [leads[3]])
        try f.setClock("2026-11-25T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.text("SELECT status || ' ' || end_reason || ' ' || ended_at FROM nurture_enrollments WHERE lead_id = ?", [leads[3]])
            == "ended no_consent 2026-11-25T09:00:00.000Z")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 0)
    }

    @Test(arguments: Writer.allCases)
    func noMessageIsEverQueuedWithoutConsent(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let none = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [none])
        #expect(try f.text("SELECT status || ':' || end_reason FROM nurture_enrollments WHERE lead_id = ?", [none]) == "ended:no_consent")
        let withdrawn = try f.capture(["email": "b@example.com", "consent": 1])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [withdrawn])
        try f.db.execute("UPDATE leads SET consent = 0 WHERE id = ?", [withdrawn])
        #expect(try f.text("SELECT end_reason FROM nurture_enrollments WHERE lead_id = ?", [withdrawn]) == "no_consent")
        try f.setClock("2026-12-24T00:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'nurture_email'") == 0)
    }

    @Test(arguments: Writer.allCases)
    func repliesUnsubscribesAndMovesEndTheEnrollment(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ids = try ["r", "u", "m"].map { try f.capture(["email": "\($0)@example.com", "consent": 1]) }
        for id in ids { try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id]) }
        try f.log(ids[0], "email_reply")
        try f.log(ids[1], "unsubscribe")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [ids[2]])
        let reasons = try f.db.query("SELECT end_reason FROM nurture_enrollments ORDER BY lead_id").map { try $0.get(0, as: String.self) }
        #expect(reasons == ["email_reply", "unsubscribe", "moved to contacted"])
        #expect(try f.lead(ids[1]).get("consent", as: Int.self) == 0)
        #expect(try f.lead(ids[1]).get("consent_source", as: String.self) == "unsubscribe")
        try f.log(ids[0], "email_open")  // a kind that does not end nurture: nothing to end anyway
        #expect(try f.int("SELECT count(*) FROM nurture_enrollments WHERE status = 'active'") == 0)
    }

    @Test(arguments: Writer.allCases)
    func theSequenceIsPickedBySourceElseTheDefault(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO nurture_sequences(id, name, priority, source) VALUES (2, 'webinar follow-up', 10, 'webinar')")
        try f.db.execute("INSERT INTO nurture_steps(sequence_id, position, delay_days, subject) VALUES (2, 1, 0.5, 'Thanks for joining')")
        let webinar = try f.capture(["email": "w@example.com", "source": "webinar", "consent": 1])
        let other = try f.capture(["email": "o@example.com", "source": "ads", "consent": 1])
        for id in [webinar, other] { try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id]) }
        #expect(try f.int("SELECT sequence_id FROM nurture_enrollments WHERE lead_id = ?", [webinar]) == 2)
        #expect(try f.text("SELECT next_due_at FROM nurture_enrollments WHERE lead_id = ?", [webinar]) == "2026-11-24T21:00:00.000Z")
        #expect(try f.int("SELECT sequence_id FROM nurture_enrollments WHERE lead_id = ?", [other]) == 1)
    }
}
