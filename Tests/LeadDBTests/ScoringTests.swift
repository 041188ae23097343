import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct ScoringTests {
    @Test(arguments: Writer.allCases)
    func activitiesAreCheckedAndStoredWithTheirPoints(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("INSERT INTO activities(lead_id, kind, campaign, detail) VALUES (?, ' Pricing_Page_View', 'q4', '{\"url\":\"/pricing\"}')", [id])
        let row = try #require(try f.db.query("SELECT kind, occurred_at, campaign, detail, points FROM activities ORDER BY id DESC LIMIT 1").first)
        #expect(try row.get("kind", as: String.self) == "pricing_page_view")
        #expect(try row.get("occurred_at", as: String.self) == LeadFixture.start)
        #expect(try row.get("detail", as: String.self) == "{\"url\":\"/pricing\"}")
        #expect(try row.get("points", as: Double.self) == 10)
        try f.log(id, "call")
        #expect(try f.double("SELECT points FROM activities ORDER BY id DESC LIMIT 1") == 0)
        #expect(try f.lead(id).get("engagement", as: Double.self) == 20)

        #expect(f.violation { try f.log(999, "call") }?.message == "unknown_lead: no lead has id 999")
        #expect(f.violation { try f.log(id, "tweet") }?.message == "unknown_kind: tweet is not an activity kind (kinds: call, content_download, demo_request, email_bounce, email_click, email_open, email_reply, email_sent, form_submit, meeting, page_view, pricing_page_view, unsubscribe, webinar_attended)")
        #expect(f.violation { try f.log(id, "call", at: "soon") }?.message == "invalid_time: occurred_at soon is not a time such as 2026-11-24T09:30:00Z")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(kind) VALUES ('call')") }?.message == "missing_lead: an activity needs a lead_id")
        #expect(try f.int("SELECT count(*) FROM activities") == 3)
        try f.checkIntegrity()
    }

    /// A program may name its activity's id to read it back by that id (LeadStore.log does): the next
    /// id only. A gap, an id in use, or text is refused and nothing is stored; no id numbers it as before.
    @Test(arguments: Writer.allCases)
    func anActivityNamesOnlyTheNextId(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let lead = try f.capture(["email": "ids@example.com"])
        let next = try f.int("SELECT max(id) + 1 FROM activity_log")
        for (id, shown) in [(next + 5, "\(next + 5)"), (next - 1, "\(next - 1)")] {
            #expect(f.violation { try f.db.execute("INSERT INTO activities(id, lead_id, kind) VALUES (?, ?, 'call')", [id, lead]) }?.message
                == "invalid_activity_id: id \(shown) is not the next activity id (\(next)); give that, or none")
        }
        #expect(f.violation { try f.db.execute("INSERT INTO activities(id, lead_id, kind) VALUES ('\(next)', ?, 'call')", [lead]) }?.message
            == "invalid_activity_id: id '\(next)' is not the next activity id (\(next)); give that, or none")
        #expect(try f.int("SELECT count(*) FROM activity_log") == next - 1)
        try f.db.execute("INSERT INTO activities(id, lead_id, kind) VALUES (?, ?, 'email_click')", [next, lead])
        #expect(try f.text("SELECT kind FROM activities WHERE id = ?", [next]) == "email_click")
        try f.db.execute("INSERT INTO activities(lead_id, kind) VALUES (?, 'email_open')", [lead])
        #expect(try f.text("SELECT kind FROM activities WHERE id = ?", [next + 1]) == "email_open")
        #expect(try f.double("SELECT engagement FROM leads WHERE id = ?", [lead]) == 14)
    }

    @Test(arguments: Writer.allCases)
    func engagementHalvesEveryHalfLife(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])  // form_submit 10
        try f.log(id, "demo_request")  // 30
        let fit = try f.lead(id).get("fit_score", as: Double.self)
        #expect(try f.lead(id).get("engagement", as: Double.self) == 40)
        try f.setClock("2026-12-24T09:00:00Z")  // one half-life (30 days)
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 20))
        #expect(close(try f.lead(id).get("score", as: Double.self), fit + 20))
        try f.setClock("2027-01-23T09:00:00Z")  // two
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 10))
        // A new activity now adds its full points to the decayed total.
        try f.log(id, "email_click")
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 13))
        // A backfilled activity counts decayed to now.
        try f.log(id, "webinar_attended", at: "2026-12-24T09:00:00Z")
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 13 + 6))
    }

    /// The decay is written out in six places (05_score_settings.sql lists them): each gives the same
    /// engagement. Activities forwards and backfilled move the stored anchor (50_activities.sql); the
    /// `leads` view decays it to now (30_leads.sql); score_breakdown decays each activity to now
    /// (70_reads.sql); while a new half-life waits to be applied, `leads` and engagement_recomputed
    /// (15_rescoring.sql) recompute it from the activities.
    @Test(arguments: Writer.allCases)
    func theDecayIsTheSameWhereverItIsComputed(writer: Writer) throws {
        let f = try LeadFixture(writer)
        for i in 0..<2 { try f.capture(["email": "other\(i)@example.com"]) }  // (rescored first, below)
        let id = try f.capture(["email": "decay@example.com", "captured_at": "2026-11-01T09:00:00Z"])
        try f.log(id, "pricing_page_view", at: "2026-11-10T12:00:00Z")
        try f.log(id, "email_click", at: "2026-11-03T08:00:00Z")  // a backfill, before the anchor
        try f.log(id, "demo_request", at: "2026-11-20T00:00:00Z")
        try f.setClock("2026-11-24T09:00:00Z")
        // What each activity's points are worth now, computed here from the definition.
        func decayed(halfLife: Double) throws -> Double {
            try f.db.query("SELECT points, julianday('2026-11-24T09:00:00Z') - julianday(occurred_at) FROM activity_log WHERE lead_id = ?", [id])
                .reduce(0.0) { sum, row in sum + (try row.get(0, as: Double.self)) * pow(0.5, (try row.get(1, as: Double.self)) / halfLife) }
        }
        let expected = try decayed(halfLife: 30)
        #expect(expected > 10)
        #expect(close(try f.double("SELECT engagement FROM leads WHERE id = ?", [id]), expected))
        #expect(close(try f.double("SELECT total(points) FROM score_breakdown WHERE lead_id = ? AND component = 'activity'", [id]), expected))
        // A new half-life, applied to one lead at once: this one waits, and is recomputed.
        try f.db.execute("UPDATE settings SET value = '1' WHERE key = 'tick.batch'")
        try f.db.execute("UPDATE settings SET value = '10' WHERE key = 'score.half_life_days'")
        #expect(try f.int("SELECT count(*) FROM _rescoring WHERE kind = 'engagement' AND ? BETWEEN next_id AND last_id", [id]) == 1)
        let recomputed = try decayed(halfLife: 10)
        #expect(close(try f.double("SELECT engagement FROM leads WHERE id = ?", [id]), recomputed))
        #expect(close(try f.double("SELECT total(points) FROM score_breakdown WHERE lead_id = ? AND component = 'activity'", [id]), recomputed))
        let fromRecomputed = try f.double(
            "SELECT e.engagement * pow(0.5, (julianday('2026-11-24T09:00:00Z') - julianday(e.engagement_at)) / 10) FROM engagement_recomputed AS e WHERE e.lead_id = ?",
            [id])
        #expect(close(fromRecomputed, recomputed))
        // Once rescored, the stored anchor gives the same.
        try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (100)")
        #expect(try f.int("SELECT count(*) FROM _rescoring") == 0)
        #expect(close(try f.double("SELECT engagement FROM leads WHERE id = ?", [id]), recomputed))
        // A clock set back before the anchor (the rescore's time, 2026-11-24T09:00): every copy counts the
        // engagement at its anchor's value, never more.
        try f.setClock("2026-11-15T00:00:00Z")
        #expect(close(try f.double("SELECT engagement FROM leads WHERE id = ?", [id]), recomputed))
        #expect(close(try f.double("SELECT total(points) FROM score_breakdown WHERE lead_id = ? AND component = 'activity'", [id]), recomputed))
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        // And a lead whose anchor is its last activity, read before it.
        let late = try f.capture(["email": "late@example.com", "captured_at": "2026-11-10T00:00:00Z"])
        try f.log(late, "demo_request", at: "2026-11-14T00:00:00Z")
        try f.setClock("2026-11-12T00:00:00Z")
        let atLast = try f.db.query("SELECT points, julianday('2026-11-14T00:00:00Z') - julianday(occurred_at) FROM activity_log WHERE lead_id = ?", [late])
            .reduce(0.0) { sum, row in sum + (try row.get(0, as: Double.self)) * pow(0.5, (try row.get(1, as: Double.self)) / 10) }
        #expect(close(try f.double("SELECT engagement FROM leads WHERE id = ?", [late]), atLast))
        #expect(close(try f.double("SELECT total(points) FROM score_breakdown WHERE lead_id = ? AND component = 'activity'", [late]), atLast))
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }

    @Test(arguments: Writer.allCases)
    func theBreakdownExplainsAndSumsToTheScore(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "ceo@gmail.com", "title": "CEO", "company_size": 250])
        try f.log(id, "content_download", at: "2026-11-10T09:00:00Z")
        try f.log(id, "unsubscribe")
        try f.setClock("2026-12-01T09:00:00Z")
        let parts = try f.db.query("SELECT component, source_id, reason, points FROM score_breakdown WHERE lead_id = ? ORDER BY component DESC, source_id", [id])
        let reasons = try parts.map { try $0.get("reason", as: String.self) }
        #expect(reasons.contains("title word [\"ceo\",\"cto\",\"cfo\",\"coo\",\"cmo\",\"cro\",\"cio\",\"chief\",\"founder\",\"co-founder\",\"cofounder\",\"owner\"] (C-level or founder)"))
        #expect(reasons.contains("email free_email (Free-mail address)"))
        #expect(reasons.contains("unsubscribe"))
        let sum = try parts.reduce(0.0) { $0 + (try $1.get("points", as: Double.self)) }
        // The score is given to 6 decimals; the parts add up to it within that.
        #expect(close(sum, try f.lead(id).get("score", as: Double.self), within: 1e-6))
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 20 + 10 - 10)
    }

    @Test(arguments: Writer.allCases)
    func fitFollowsAttributesAndRules(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@acme.com", "title": "Engineer"])
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 0)
        try f.db.execute("UPDATE leads SET title = 'VP Engineering', industry = 'SaaS' WHERE id = ?", [id])
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 25)
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('email', 'contains', '@acme.com', 7)")
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 32)
        try f.db.execute("UPDATE fit_rules SET points = 3 WHERE value = '@acme.com'")
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 28)
        try f.db.execute("DELETE FROM fit_rules WHERE value = '@acme.com'")
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 25)
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('company_size', '<=', '10', -5), ('country', '=', 'fr', 4), ('country', '!=', 'fr', 1)")
        try f.db.execute("UPDATE leads SET company_size = 8, country = 'FR' WHERE id = ?", [id])
        // size <= 10 (-5), country = fr (+4), and the default core-market rule (+5); != fr does not match.
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 25 - 5 + 4 + 5)
        #expect(throws: SQLiteError.self) {
            try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('title', 'in', 'not json', 5)")
        }
        #expect(throws: SQLiteError.self) {
            try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('shoe_size', '=', '9', 5)")
        }
    }

    @Test(arguments: Writer.allCases)
    func aNewHalfLifeReanchorsEveryLead(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        try f.log(id, "demo_request", at: "2026-11-14T09:00:00Z")  // ten days ago
        try f.db.execute("UPDATE settings SET value = '10' WHERE key = 'score.half_life_days'")
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 10 + 15))
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = 0 WHERE key = 'score.half_life_days'") }?.message == "invalid_setting: score.half_life_days must be a number of days above 0 and at most 36500; got 0")
    }

    @Test(arguments: Writer.allCases)
    func titleRulesMatchWholeWords(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let titles: [(String, Double)] = [
            ("Director of International Sales", 10),  // a director, no intern
            ("CTO / Co-Founder", 20),  // C-level once, not twice
            ("Co-founder & CEO", 20),
            ("Sales Intern", -10),
            ("Internship (summer)", -10),
            ("SVP, Sales", 15),
            ("Vice-President Marketing", 15),
            ("Head of Growth", 12),
            ("Chief Revenue Officer", 20),
            ("President", 20),
            ("Vice President", 15),  // not also the president rule
            ("Product Manager", 5),
            ("Managing Director", 10),  // "managing" is no manager
            ("Internal Auditor", 0),
            ("Hotel Owner", 20),
            ("Intern!", -10),  // any character that is not a letter or digit ends a word
            ("CEO—Founder", 20),
            ("Vice–President", 15),
        ]
        for (index, (title, points)) in titles.enumerated() {
            let id = try f.capture(["email": "t\(index)@example.com", "title": title])
            #expect(try f.lead(id).get("fit_score", as: Double.self) == points, "\(title)")
        }
        // A rule may name one word or phrase, or a JSON array of them; punctuation and case do not matter.
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('company', 'word', 'ACME', 3)")
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('industry', 'word', '[\"health care\", \"pharma\"]', 4)")
        let acme = try f.capture(["email": "a@acme.example", "company": "Acme, Inc.", "industry": "Health-Care services"])
        #expect(try f.lead(acme).get("fit_score", as: Double.self) == 7)
        let not = try f.capture(["email": "b@acme.example", "company": "Acmeville", "industry": "Pharmaceuticals"])
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 0)
        #expect(try f.text("SELECT match_list FROM fit_rules WHERE value = 'ACME'") == "[\"acme\\u001f*[^a-z0-9]acme[^a-z0-9]*\"]")
        // A match list written by hand is derived again.
        try f.db.execute("UPDATE fit_rules SET match_list = '[\" x \"]' WHERE value = 'ACME'")
        #expect(try f.text("SELECT match_list FROM fit_rules WHERE value = 'ACME'") == "[\"acme\\u001f*[^a-z0-9]acme[^a-z0-9]*\"]")
        // The words a lead is matched against (_fit_words) follow every change of a rule: a new value, a
        // new id, a rule that is no longer a word rule, a deleted one; leads are rescored each time.
        let acmeRule = try #require(try f.int("SELECT id FROM fit_rules WHERE value = 'ACME'"))
        try f.db.execute("UPDATE fit_rules SET value = '[\"acme\", \"Acmeville\"]' WHERE id = ?", [acmeRule])
        #expect(try f.lead(acme).get("fit_score", as: Double.self) == 7)
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 3)
        #expect(try f.db.query("SELECT token, pattern FROM _fit_words WHERE rule_id = ? ORDER BY token", [acmeRule]).map { "\($0[0]) \($0[1])" }
                == ["acme *[^a-z0-9]acme[^a-z0-9]*", "acmeville *[^a-z0-9]acmeville[^a-z0-9]*"])
        try f.db.execute("UPDATE fit_rules SET id = 900 WHERE id = ?", [acmeRule])
        #expect(try f.int("SELECT count(*) FROM _fit_words WHERE rule_id = ?", [acmeRule]) == 0)
        #expect(try f.int("SELECT count(*) FROM _fit_words WHERE rule_id = 900") == 2)
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 3)
        try f.db.execute("UPDATE fit_rules SET operator = 'contains', value = 'acme' WHERE id = 900")
        #expect(try f.int("SELECT count(*) FROM _fit_words WHERE rule_id = 900") == 0)
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 3)
        try f.db.execute("UPDATE fit_rules SET operator = 'word', value = 'acmeville' WHERE id = 900")
        try f.db.execute("DELETE FROM fit_rules WHERE value = '[\"health care\", \"pharma\"]'")
        #expect(try f.lead(acme).get("fit_score", as: Double.self) == 0)
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 3)
        try f.db.execute("DELETE FROM fit_rules WHERE id = 900")
        #expect(try f.lead(not).get("fit_score", as: Double.self) == 0)
        #expect(try f.int("SELECT count(*) FROM _fit_words AS w WHERE NOT EXISTS (SELECT 1 FROM fit_rule_words AS d WHERE d.rule_id = w.rule_id AND d.token = w.token AND d.pattern = w.pattern)") == 0)
        #expect(try f.int("SELECT count(*) FROM fit_rule_words AS d WHERE NOT EXISTS (SELECT 1 FROM _fit_words AS w WHERE d.rule_id = w.rule_id AND d.token = w.token AND d.pattern = w.pattern)") == 0)
        #expect(try f.int("SELECT count(*) FROM _fit_words") == 26)  // the default rules' words and phrases
    }

    @Test(arguments: Writer.allCases)
    func thresholdsHoldOnTheRealClock(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = NULL WHERE key = 'clock.now'")
        // Fit 40 (CEO 20, mid-market 10, enterprise 10) and the capture's 10, decayed by the milliseconds
        // between statements, is 50 to 6 decimals: the lead qualifies as it would on a frozen clock.
        let id = try f.capture(["email": "ceo@bigco.example", "title": "CEO", "company_size": "5000"])
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
        #expect(close(try f.lead(id).get("score", as: Double.self), 50, within: 1e-4))
        // Read at a frozen instant a few milliseconds later, the score is 50 exactly, and hot at 50.
        try f.setClock("2026-11-24T09:00:00.000Z")
        let frozen = try f.capture(["email": "cfo@bigco.example", "title": "CFO", "company_size": "5000"])
        try f.setClock("2026-11-24T09:00:00.040Z")
        #expect(try f.lead(frozen).get("score", as: Double.self) == 50)
        try f.db.execute("UPDATE settings SET value = 50 WHERE key = 'score.hot_threshold'")
        #expect(try f.int("SELECT is_hot FROM hot_leads WHERE id = ?", [frozen]) == 1)
        // The capture's 10 decayed for a few milliseconds, then a bounce's -10: a hair below zero,
        // shown as 0.0, never -0.0.
        let cold = try f.capture(["email": "cold@example.com"])
        try f.setClock("2026-11-24T09:00:00.090Z")
        try f.log(cold, "email_bounce")
        let score = try f.lead(cold).get("score", as: Double.self)
        #expect(score == 0)
        #expect(score.sign == .plus)
        #expect(try f.text("SELECT CAST(score AS TEXT) FROM leads WHERE id = ?", [cold]) == "0.0")
    }
}
