import Foundation
import LeadDB
import LeadSQLite
import Testing

/// A changed fit rule, free-mail domain or half-life rescores tick.batch leads at once and the rest on
/// ticks, so the change never holds the write lock for long; every read shows the new values at once.
@Suite struct RescoringTests {
    /// Ten leads, three of them with scored activities, in batches of three.
    func book(_ writer: Writer) throws -> (LeadFixture, [Int64]) {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 3 WHERE key = 'tick.batch'")
        var ids: [Int64] = []
        for i in 0..<10 {
            ids.append(try f.capture(["email": "p\(i)@example.com", "industry": i % 2 == 0 ? "retail" : "software", "title": "Director"]))
        }
        try f.log(ids[1], "demo_request", at: "2026-11-14T09:00:00Z")
        try f.log(ids[6], "email_click", at: "2026-11-20T09:00:00Z")
        try f.log(ids[8], "pricing_page_view", at: "2026-11-23T09:00:00Z")
        return (f, ids)
    }

    /// Each lead's score as score_breakdown adds it up (fit rules matched now, activities decayed now),
    /// against the score `leads` shows.
    func mismatches(_ f: LeadFixture) throws -> [String] {
        try f.db.query("""
            SELECT l.id, l.score, round((SELECT total(b.points) FROM score_breakdown AS b WHERE b.lead_id = l.id), 6)
              FROM leads AS l WHERE abs(l.score - (SELECT total(b.points) FROM score_breakdown AS b WHERE b.lead_id = l.id)) > 1e-6
            """).map { "lead \($0[0]): \($0[1]) shown, \($0[2]) by its breakdown" }
    }

    /// Leads whose stored scoring row differs from what `leads` shows.
    func stale(_ f: LeadFixture) throws -> [Int64] {
        try f.db.query("""
            SELECT l.id FROM leads AS l JOIN lead_scores AS s ON s.lead_id = l.id
             WHERE abs(s.fit_score - l.fit_score) > 1e-9
                OR abs(coalesce(s.engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(s.engagement_at))
                                                  / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')), 0) - l.engagement) > 1e-6
             ORDER BY l.id
            """).map { try $0.get(0) }
    }

    func tick(_ f: LeadFixture) throws -> Int {
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        return try f.int("SELECT more_due FROM ticks ORDER BY id DESC LIMIT 1")
    }

    @Test(arguments: Writer.allCases)
    func aFitRuleChangeRescoresABatchNowAndTheRestOnTicks(writer: Writer) throws {
        let (f, ids) = try book(writer)
        // Retail leads gain 40 points: with the director's 10 and the capture's 10 they pass the mql threshold (50).
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('industry', '=', 'Retail', 40)")
        #expect(try mismatches(f) == [])
        #expect(try f.db.query("SELECT kind, next_id, last_id FROM _rescoring").map { "\($0[0]) \($0[1]) \($0[2])" } == ["fit 4 10"])
        #expect(try f.int("SELECT leads FROM lead_rescore") == 7)
        #expect(try stale(f) == [ids[4], ids[6], ids[8]])
        // Rescored leads moved; the others show their score and move when their tick comes.
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [ids[2]]) == "mql")
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [ids[4]]) == "new")
        #expect(try f.double("SELECT score FROM leads WHERE id = ?", [ids[4]]) == 60)
        #expect(try f.int("SELECT count(*) FROM hot_leads WHERE score >= 50") == 6)
        #expect(try tick(f) == 1)
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [ids[4]]) == "mql")
        #expect(try stale(f) == [ids[6], ids[8]])
        #expect(try tick(f) == 1)
        #expect(try f.int("SELECT count(*) FROM _rescoring") == 1)
        while try tick(f) == 1 {}  // (the search index, three leads a tick, takes longer)
        #expect(try f.int("SELECT count(*) FROM _rescoring") == 0)
        #expect(try f.int("SELECT leads FROM lead_rescore") == 0)
        #expect(try stale(f) == [])
        #expect(try mismatches(f) == [])
        #expect(try f.int("SELECT count(*) FROM leads WHERE stage = 'mql'") == 6)
        #expect(try f.int("SELECT count(*) FROM stage_history WHERE to_stage = 'mql'") == 6)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aNewHalfLifeIsExactForEveryLeadBeforeAndAfterItsRescore(writer: Writer) throws {
        let (f, ids) = try book(writer)
        let before = try f.double("SELECT engagement FROM leads WHERE id = ?", [ids[8]])
        try f.db.execute("UPDATE settings SET value = 3 WHERE key = 'score.half_life_days'")
        #expect(try mismatches(f) == [])
        #expect(try stale(f) == [ids[6], ids[8]])
        #expect(try f.double("SELECT engagement FROM leads WHERE id = ?", [ids[8]]) < before)
        // An activity for a lead that waits is added to its exact engagement, and the lead is anchored anew.
        try f.log(ids[8], "email_click", at: "2026-11-24T08:00:00Z")
        #expect(try mismatches(f) == [])
        #expect(try stale(f) == [ids[6]])
        // A moved clock, a second change while leads wait: still exact.
        try f.setClock("2026-11-27T09:00:00.000Z")
        try f.db.execute("UPDATE settings SET value = 5 WHERE key = 'score.half_life_days'")
        #expect(try mismatches(f) == [])
        while try tick(f) == 1 {}
        #expect(try stale(f) == [])
        #expect(try mismatches(f) == [])
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aFreeMailDomainAddedOrRemovedRescores(writer: Writer) throws {
        let (f, ids) = try book(writer)
        let gmail = try f.capture(["email": "someone@gmail.com"])
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [gmail]) == -10)
        try f.db.execute("DELETE FROM free_email_domains WHERE domain = 'gmail.com'")
        try f.db.execute("INSERT INTO free_email_domains(domain) VALUES ('example.com')")
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [gmail]) == 0)
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [ids[9]]) == 10)  // software 10, director 10, free mail -10
        #expect(try mismatches(f) == [])
        try f.db.execute("UPDATE free_email_domains SET domain = 'example.org' WHERE domain = 'example.com'")
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [ids[9]]) == 20)
        while try tick(f) == 1 {}
        #expect(try stale(f) == [])
        #expect(try mismatches(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func theRangeLeftCannotBeDroppedOrSkipped(writer: Writer) throws {
        let (f, ids) = try book(writer)
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('industry', '=', 'retail', 40)")
        let message = "internal_table: _rescoring is LeadDB's own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads"
        #expect(f.violation { try f.db.execute("DELETE FROM _rescoring") }?.message == message)
        #expect(f.violation { try f.db.execute("UPDATE _rescoring SET last_id = 3") }?.message == message)
        #expect(f.violation { try f.db.execute("UPDATE _rescoring SET kind = 'engagement'") }?.message == message)
        #expect(try stale(f) == [ids[4], ids[6], ids[8]])
        // Moving the range on by hand does the work it passes over.
        try f.db.execute("UPDATE _rescoring SET next_id = 11")
        #expect(try stale(f) == [])
        try f.db.execute("DELETE FROM _rescoring")
        #expect(try f.int("SELECT count(*) FROM leads WHERE stage = 'mql'") == 6)
        // lead_rescore does a given number of leads; none, a negative or a text number do nothing.
        try f.db.execute("UPDATE settings SET value = 21 WHERE key = 'score.half_life_days'")
        for n in ["NULL", "-5", "'x'", "0"] { try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (\(n))") }
        #expect(try f.int("SELECT next_id FROM _rescoring WHERE kind = 'engagement'") == 4)
        try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (100)")
        #expect(try f.int("SELECT count(*) FROM _rescoring") == 0)
        #expect(try stale(f) == [])
        #expect(try mismatches(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func aWaitingLeadWhoseFitRisesMovesAtOnce(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 1 WHERE key = 'tick.batch'")
        try f.capture(["email": "a@acme.example", "title": "Engineer"])
        let lead = try f.capture(["email": "b@acme.example", "title": "VP Sales", "industry": "software", "country": "US"])  // 30 + 10
        try f.db.execute("UPDATE fit_rules SET points = 5 WHERE id = 3")  // the lead waits: fit 20 shown, 30 stored
        try f.log(lead, "email_reply")  // 45
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "new")
        // A director's 10 more: 55, past the threshold. The stored fit does not move (30 to 30), the lead does.
        try f.db.execute("UPDATE leads SET title = 'VP Sales Director' WHERE id = ?", [lead])
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "mql")
        #expect(try f.double("SELECT score FROM leads WHERE id = ?", [lead]) == 55)
        #expect(try f.int("SELECT count(*) FROM stage_history WHERE lead_id = ? AND to_stage = 'mql'", [lead]) == 1)
    }

    @Test(arguments: Writer.allCases)
    func aRescoredLeadThatQualifiesMovesWhenTheRescoreReachesIt(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 1 WHERE key = 'tick.batch'")
        let first = try f.capture(["email": "a@acme.example", "title": "Engineer"])
        let lead = try f.capture(["email": "b@acme.example", "title": "CEO", "industry": "software", "country": "US"])  // 35 + 10
        try f.log(lead, "demo_request", at: "2025-01-01T00:00:00Z")  // 30 points, long decayed
        // A half-life of a century: the demo request counts almost whole again, 74.6, when lead 2 is rescored.
        try f.db.execute("UPDATE settings SET value = 36500 WHERE key = 'score.half_life_days'")
        #expect(try f.db.query("SELECT kind, next_id FROM _rescoring").map { "\($0[0]) \($0[1])" } == ["engagement 2"])
        #expect(close(try f.double("SELECT score FROM leads WHERE id = ?", [lead]), 74.608129))
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "new")
        #expect(try tick(f) == 1)
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "mql")
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [first]) == "new")
        #expect(try f.int("SELECT count(*) FROM _rescoring") == 0)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_mql' AND lead_id = ?", [lead]) == 1)
    }

    @Test(arguments: Writer.allCases)
    func wordRulesChangedUnderAnyConflictClause(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ceo = try f.capture(["email": "a@acme.example", "title": "CEO"])
        let hacker = try f.capture(["email": "h@acme.example", "title": "Growth Hacker"])
        // A trigger's OR IGNORE would give way to the statement's OR ABORT or OR FAIL: _fit_words takes an upsert.
        try f.db.execute("UPDATE OR ABORT fit_rules SET points = 30 WHERE id = 1")
        try f.db.execute("UPDATE OR FAIL fit_rules SET points = 25 WHERE id = 1")
        try f.db.execute("INSERT OR FAIL INTO fit_rules(id, attribute, operator, value, points) VALUES (50, 'title', 'word', '[\"hacker\",\"Hacker\"]', 25)")
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [ceo]) == 25)
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [hacker]) == 25)
        #expect(try f.int("SELECT count(*) FROM _fit_words WHERE rule_id = 50") == 1)
        #expect(try mismatches(f) == [])
        #expect(try stale(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func aRangeIsStartedOnlyByAChange(writer: Writer) throws {
        let (f, ids) = try book(writer)
        let message = "internal_table: _rescoring is LeadDB's own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads"
        // An engagement "change" nobody made, a future anchor: refused.
        #expect(f.violation { try f.db.execute("INSERT INTO _rescoring VALUES ('engagement', 1, 10, '2027-11-24T09:00:00.000Z')") }?.message == message)
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('industry', '=', 'retail', 40)")
        // A shorter range, by REPLACE or by hand; another anchor time: refused.
        #expect(f.violation { try f.db.execute("INSERT OR REPLACE INTO _rescoring VALUES ('fit', 11, 10, '2026-11-24T09:00:00.000Z')") }?.message == message)
        #expect(f.violation { try f.db.execute("UPDATE _rescoring SET since = '2027-01-01T00:00:00.000Z'") }?.message == message)
        #expect(f.violation { try f.db.execute("UPDATE _rescoring SET last_id = 12") }?.message == message)
        #expect(try stale(f) == [ids[4], ids[6], ids[8]])
        #expect(try mismatches(f) == [])
        // Past the last lead by hand: the work is done, and what is left is never below 0.
        try f.db.execute("UPDATE _rescoring SET next_id = 100")
        #expect(try f.int("SELECT leads FROM lead_rescore") == 0)
        #expect(try stale(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func anErasedLeadIsRescoredAndNeverMoved(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let lead = try f.capture(["email": "a@acme.example", "industry": "software", "title": "CEO"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [lead])
        try f.db.execute("UPDATE fit_rules SET points = 60 WHERE id = 12")
        #expect(try mismatches(f) == [])
        #expect(try stale(f) == [])
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "new")
        #expect(try f.int("SELECT count(*) FROM mql_ready") == 0)
    }

    @Test(arguments: Writer.allCases)
    func aLeadWaitingForItsEngagementIsCheckedWhenAWriteChangesItsFit(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = 1 WHERE key = 'tick.batch'")
        try f.db.execute("UPDATE settings SET value = 60 WHERE key = 'score.mql_threshold'")
        try f.capture(["email": "a@acme.example"])
        let lead = try f.capture(["email": "b@acme.example", "title": "Director", "industry": "software", "country": "US"])  // 25 + 10
        try f.log(lead, "demo_request", at: "2026-11-14T09:00:00Z")
        try f.db.execute("UPDATE settings SET value = 3650 WHERE key = 'score.half_life_days'")  // the lead waits, above 60
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "new")
        try f.db.execute("UPDATE leads SET title = 'Director of Sales' WHERE id = ?", [lead])
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [lead]) == "mql")
    }

    @Test(arguments: Writer.allCases)
    func theRangeMovesOnlyByWholeLeads(writer: Writer) throws {
        let (f, _) = try book(writer)
        try f.db.execute("UPDATE settings SET value = 21 WHERE key = 'score.half_life_days'")
        let message = "internal_table: _rescoring is LeadDB's own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads"
        for value in ["2.5", "'x'", "x'01'", "NULL"] {
            #expect(f.violation { try f.db.execute("UPDATE _rescoring SET next_id = \(value)") }?.message == message, "\(value)")
        }
        while try tick(f) == 1 {}
        #expect(try stale(f) == [])
        #expect(try mismatches(f) == [])
    }

    /// A deploy whose rules derive a match list differently (here: one written while its trigger was
    /// gone) starts a rescore of every lead, done by ticks, rather than rescoring them all in the deploy.
    @Test func aDeployThatDerivesAMatchListAnewRescoresThroughTicks() throws {
        let (f, ids) = try book(.project)
        try f.db.execute("DROP TRIGGER fit_rules_after_update_rescore")
        try f.db.execute("UPDATE fit_rules SET match_list = '[\"director\\u001f*[^a-z0-9]nobody[^a-z0-9]*\"]' WHERE id = 6")
        try f.db.execute("DELETE FROM _fit_words WHERE rule_id = 6")
        #expect(try f.double("SELECT total(points) FROM fit_matches WHERE lead_id = ?", [ids[0]]) == 0)  // the director rule matches nobody now
        let report = try LeadDatabase.migrator().migrate(f.db, thorough: true)
        #expect(report.repairedObjects.contains("fit_rules_after_update_rescore"))
        #expect(try f.db.query("SELECT kind, next_id FROM _rescoring").map { "\($0[0]) \($0[1])" } == ["fit 1"])
        #expect(try f.double("SELECT total(points) FROM fit_matches WHERE lead_id = ?", [ids[0]]) == 10)  // derived again
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [ids[0]]) == 10)
        #expect(try mismatches(f) == [])
        while try tick(f) == 1 {}
        #expect(try stale(f) == [])
        #expect(try f.int("SELECT count(*) FROM _fit_words WHERE rule_id = 6") == 2)
    }
}
