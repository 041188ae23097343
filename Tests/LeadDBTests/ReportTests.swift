import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The reports (Schema/97_reports.sql) on a small history whose every number is worked out by hand in
/// the comments: three leads, two reps, one win, one loss, one lead left open.
@Suite struct ReportTests {
    /// Lead 1 (ads, c1): captured Thu 2026-10-01 09:00, called at 09:30, contacted 10-02, mql 10-04, sql
    /// 10-05, opportunity 10-07 (1,000), customer 10-11 (won, 10 days after capture).
    /// Lead 2 (ads, c1): captured 10-01 09:00, called at 12:00, contacted 10-03, disqualified 10-05 (lost).
    /// Lead 3 (referral): captured Sun 11-01 09:00, contacted 11-02, open since.
    /// Now: 2026-11-24 09:00. Campaign c1 cost 500.
    func history(_ writer: Writer) throws -> LeadFixture {
        let f = try LeadFixture(writer, now: "2026-10-01T09:00:00.000Z")
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        try f.db.execute("INSERT INTO campaigns(name, source, cost) VALUES ('c1', 'ads', 500)")
        let one = try f.capture(["email": "one@example.com", "source": "ads", "campaign": "c1"])
        let two = try f.capture(["email": "two@example.com", "source": "ads", "campaign": "c1"])
        try f.setClock("2026-10-01T09:30:00.000Z")
        try f.log(one, "call")
        try f.setClock("2026-10-01T12:00:00.000Z")
        try f.log(two, "call")
        for (time, lead, stage, extra) in [
            ("2026-10-02T09:00:00.000Z", one, "contacted", ""), ("2026-10-03T09:00:00.000Z", two, "contacted", ""),
            ("2026-10-04T09:00:00.000Z", one, "mql", ""), ("2026-10-05T09:00:00.000Z", one, "sql", ""),
            ("2026-10-05T09:00:00.000Z", two, "disqualified", ", lost_reason = 'spam'"),
            ("2026-10-07T09:00:00.000Z", one, "opportunity", ", amount = 1000"), ("2026-10-11T09:00:00.000Z", one, "customer", ""),
        ] {
            try f.setClock(time)
            try f.db.execute("UPDATE leads SET stage = '\(stage)'\(extra) WHERE id = ?", [lead])
        }
        try f.setClock("2026-11-01T09:00:00.000Z")
        let three = try f.capture(["email": "three@example.com", "source": "referral"])
        try f.setClock("2026-11-02T09:00:00.000Z")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [three])
        try f.setClock("2026-11-24T09:00:00.000Z")
        return f
    }

    func rows(_ f: LeadFixture, _ sql: String) throws -> [String] {
        try f.db.query(sql).map { row in row.values.map { $0.isNull ? "-" : $0.description }.joined(separator: " ") }
    }

    @Test(arguments: Writer.allCases)
    func funnelConversionCountsEntriesTheShareThatWentFurtherAndTheWins(writer: Writer) throws {
        let f = try history(writer)
        // October: both leads entered new and contacted; only lead 1 went past contacted (lead 2 was
        // lost); lead 1 went through every stage to the win. November: lead 3 entered new and contacted.
        #expect(try rows(f, "SELECT month, stage, entered, reached_next, next_percent, won, won_percent FROM funnel_conversion") == [
            "2026-10 new 2 2 100.0 1 50.0",
            "2026-10 contacted 2 1 50.0 1 50.0",
            "2026-10 mql 1 1 100.0 1 100.0",
            "2026-10 sql 1 1 100.0 1 100.0",
            "2026-10 opportunity 1 1 100.0 1 100.0",
            "2026-10 customer 1 0 0.0 1 100.0",
            "2026-10 disqualified 1 0 0.0 0 0.0",
            "2026-11 new 1 1 100.0 0 0.0",
            "2026-11 contacted 1 0 0.0 0 0.0",
        ])
    }

    @Test(arguments: Writer.allCases)
    func stageVelocityTakesTheLowerMedianAndThe90thPercentileOfStaysThatEnded(writer: Writer) throws {
        let f = try history(writer)
        // new: 1, 2 and 1 days (median of [1, 1, 2] is 1, p90 the 3rd: 2); contacted: 2 and 2; mql 1; sql 2;
        // opportunity 4. Stays still running (customer, disqualified, lead 3's contacted) do not count.
        #expect(try rows(f, "SELECT stage, stays, median_days, p90_days FROM stage_velocity") == [
            "new 3 1.0 2.0", "contacted 2 2.0 2.0", "mql 1 1.0 1.0", "sql 1 2.0 2.0", "opportunity 1 4.0 4.0",
        ])
    }

    @Test(arguments: Writer.allCases)
    func aLeadIdlePastItsStagesLimitIsStalled(writer: Writer) throws {
        let f = try history(writer)
        // Lead 3 has been in contacted (limit 7 days) since 11-02 09:00 with no activity since: 22 days.
        #expect(try rows(f, "SELECT lead_id, stage, idle_days, limit_days FROM stalled_leads") == ["3 contacted 22.0 7"])
        // An activity resets the idle time; a longer limit clears it.
        try f.log(3, "email_open", at: "2026-11-20T09:00:00.000Z")
        #expect(try rows(f, "SELECT lead_id, idle_days FROM stalled_leads") == [])
        try f.db.execute("UPDATE stall_limits SET days = 3 WHERE stage = 'contacted'")
        #expect(try rows(f, "SELECT lead_id, idle_days FROM stalled_leads") == ["3 4.0"])
    }

    @Test(arguments: Writer.allCases)
    func sourcePerformanceGivesRatesRevenueDaysToWinAndCostPerWon(writer: Writer) throws {
        let f = try history(writer)
        // ads/c1: 2 leads, one reached mql and sql (50%), 1 won for 1,000 in 10 days, cost 500 per won deal.
        // referral: 1 lead, no further than contacted.
        #expect(try rows(f, "SELECT * FROM source_performance") == [
            "ads c1 2 50.0 50.0 1 1000.0 10.0 500.0 500.0",
            "referral - 1 0.0 0.0 0 0.0 - - -",
        ])
        // By capture month, the counts that add up over a period: October's two ads leads, November's
        // referral.
        #expect(try rows(f, "SELECT * FROM source_months") == [
            "2026-10 ads c1 2 1 1 1 1000.0",
            "2026-11 referral - 1 0 0 0 0.0",
        ])
    }

    @Test(arguments: Writer.allCases)
    func cohortsShowTheShareWonOnlyOnceEveryLeadIsOldEnough(writer: Writer) throws {
        let f = try history(writer)
        // October (54 days old): lead 1 of 2 won within 30 days; 60 and 90 days have not passed for all.
        // November (23 days old): nothing yet.
        #expect(try rows(f, "SELECT * FROM cohorts") == ["2026-10 2 50.0 - -", "2026-11 1 - - -"])
    }

    @Test(arguments: Writer.allCases)
    func repPerformanceAndSLAComplianceFollowTheOwnersResponses(writer: Writer) throws {
        let f = try history(writer)
        // Round robin: lead 1 to Ana, lead 2 to Ben, lead 3 to Ana. Ana answered lead 1 with a call after
        // 30 minutes and lead 3 by moving it a day after (1,440): median 30 (the lower of two), p90 1,440.
        // Ben called lead 2 after 180 minutes.
        #expect(try rows(f, "SELECT id, owner_id FROM leads ORDER BY id") == ["1 1", "2 2", "3 1"])
        #expect(try rows(f, "SELECT lead_id, rep_id, minutes FROM assignment_responses ORDER BY lead_id") == ["1 1 30.0", "2 2 180.0", "3 1 1440.0"])
        // SLAs as each lead holds them: lead 1's mql follow-up (due 10-04 13:00, 4 hours after reaching
        // mql) was missed (it moved on at 10-05 09:00); lead 3's (24 business hours from Sunday) was met;
        // Ben met lead 2's (due 10-02 09:00, answered at 12:00 on 10-01).
        #expect(try rows(f, "SELECT id, response_due_at, sla_met FROM lead_records ORDER BY id")
            == ["1 2026-10-04T13:00:00.000Z 0", "2 2026-10-02T09:00:00.000Z 1", "3 2026-11-02T09:00:00.000Z 1"])
        #expect(try rows(f, "SELECT rep, assigned, open, response_median_minutes, response_p90_minutes, sla_met_percent, won, win_percent, revenue FROM rep_performance")
            == ["Ana 2 1 30.0 1440.0 50.0 1 100.0 1000.0", "Ben 1 0 180.0 180.0 100.0 0 0.0 0.0"])
        // By the Monday of each deadline's week: 2026-09-28 (lead 1's 10-04 and lead 2's 10-02), 2026-11-02.
        #expect(try rows(f, "SELECT week, rep, due, met, missed, met_percent FROM sla_compliance")
            == ["2026-09-28 Ana 1 0 1 0.0", "2026-09-28 Ben 1 1 0 100.0", "2026-11-02 Ana 1 1 0 100.0"])
    }

    @Test(arguments: Writer.allCases)
    func scoreOutcomesGiveTheWinRateOfClosedLeadsByBandAndRule(writer: Writer) throws {
        let f = try history(writer)
        let bands = try rows(f, "SELECT value, closed, won, win_percent FROM score_outcomes WHERE kind = 'score'")
        // Two closed leads (1 won, 2 lost), in the bands of their scores now.
        let scores = try f.db.query("SELECT id, score FROM leads WHERE id IN (1, 2) ORDER BY id").map { try $0.get(1, as: Double.self) }
        let band = { (score: Double) in Int(max(score, 0) / 10) * 10 }
        if band(scores[0]) == band(scores[1]) {
            #expect(bands == ["\(band(scores[0]))-\(band(scores[0]) + 9) 2 1 50.0"])
        } else {
            #expect(Set(bands) == ["\(band(scores[0]))-\(band(scores[0]) + 9) 1 1 100.0", "\(band(scores[1]))-\(band(scores[1]) + 9) 1 0 0.0"])
        }
        // A fit rule both closed leads match: 2 closed, 1 won.
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('source', '=', 'ads', 5)")
        #expect(try rows(f, "SELECT value, closed, won, win_percent FROM score_outcomes WHERE kind = 'fit rule'") == ["source = ads 2 1 50.0"])
    }

    /// A stall limit names a stage there is, for every writer; a stage renamed or deleted takes it along.
    @Test(arguments: Writer.allCases)
    func stallLimitsFollowTheirStage(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.db.execute("INSERT INTO stall_limits(stage, days) VALUES ('limbo', 3)") }?.message
            == "invalid_config: stall_limits: stage 'limbo' does not exist (stages lists them)")
        #expect(f.violation { try f.db.execute("UPDATE stall_limits SET stage = 'limbo' WHERE stage = 'new'") }?.message
            == "invalid_config: stall_limits: stage 'limbo' does not exist (stages lists them)")
        #expect(f.violation { try f.db.execute("UPDATE OR REPLACE stall_limits SET stage = 'new' WHERE stage = 'sql'") }?.code == "already_exists")
        try f.db.execute("INSERT INTO stages(name, position) VALUES ('demo', 55)")
        try f.db.execute("INSERT INTO stall_limits(stage, days) VALUES ('demo', 3)")
        try f.db.execute("UPDATE stages SET name = 'demo_booked' WHERE name = 'demo'")
        #expect(try rows(f, "SELECT stage, days FROM stall_limits WHERE days = 3") == ["demo_booked 3"])
        try f.db.execute("DELETE FROM stages WHERE name = 'demo_booked'")
        #expect(try f.int("SELECT count(*) FROM stall_limits WHERE days = 3") == 0)
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }
}
