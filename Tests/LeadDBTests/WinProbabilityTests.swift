import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The win probability (Schema/97_reports.sql) against a hand-worked example: the counts kept in the
/// transaction that wins, loses or reopens a lead, the naive-Bayes estimate with Laplace smoothing, and
/// the forecast it weights.
@Suite struct WinProbabilityTests {
    /// Two won leads and one lost from ads, one lost from referral, one open deal from ads. Every other
    /// attribute is unknown for all of them. w1 won after 10 days in opportunity, w2 after 20; the open
    /// deal entered opportunity on 10-22.
    func history(_ writer: Writer) throws -> (LeadFixture, w1: Int64, w2: Int64, l2: Int64, open: Int64) {
        let f = try LeadFixture(writer, now: "2026-10-01T09:00:00.000Z")
        try f.db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (1, 'Ana', 'default', 100)")
        let w1 = try f.capture(["email": "w1@example.com", "source": "ads"])
        let w2 = try f.capture(["email": "w2@example.com", "source": "ads"])
        let l1 = try f.capture(["email": "l1@example.com", "source": "ads"])
        let l2 = try f.capture(["email": "l2@example.com", "source": "referral"])
        let open = try f.capture(["email": "open@example.com", "source": "ads"])
        for lead in [w1, w2] {
            for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, lead]) }
            try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 100 WHERE id = ?", [lead])
        }
        for lead in [l1, l2] { try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [lead]) }
        try f.setClock("2026-10-11T09:00:00.000Z")
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [w1])
        try f.setClock("2026-10-21T09:00:00.000Z")
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [w2])
        try f.setClock("2026-10-22T09:00:00.000Z")
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, open]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 1000 WHERE id = ?", [open])
        return (f, w1, w2, l2, open)
    }

    func rows(_ f: LeadFixture, _ sql: String) throws -> [String] {
        try f.db.query(sql).map { row in row.values.map { $0.isNull ? "-" : $0.description }.joined(separator: " ") }
    }

    @Test(arguments: Writer.allCases)
    func theEstimateIsWorkedOutByHandAndFollowsEveryWinLossAndReopening(writer: Writer) throws {
        let (f, w1, w2, l2, open) = try history(writer)
        #expect(try rows(f, "SELECT attribute, value, won, lost FROM win_counts WHERE won + lost > 0 AND attribute IN ('*', 'source', 'industry') ORDER BY 1, 2")
            == ["* * 2 2", "industry (none) 2 2", "source ads 2 1", "source referral 0 1"])
        // Prior odds (2 + 1) / (2 + 1) = 1. Source ads: P(ads | won) = (2 + 1) / (2 + 2) = 0.75, P(ads | lost)
        // = (1 + 1) / (2 + 2) = 0.5, a factor of 1.5 (two source values seen). Every other attribute has
        // one value, (none), seen on all four: (2 + 1) / (2 + 1) over (2 + 1) / (2 + 1) = 1. Odds 1.5: 0.6.
        #expect(try rows(f, "SELECT * FROM lead_win_probability WHERE lead_id = \(open)") == ["\(open) 0.6 1.5 1.0 1.0 1.0 1.0"])
        #expect(try rows(f, "SELECT attribute, value, won, lost FROM lead_win_factors WHERE lead_id = \(open) AND attribute = 'source'") == ["source ads 2 1"])
        // Un-winning w2 takes its counts back out: 1 won, 2 lost. Prior (1 + 1) / (2 + 1) = 2/3; ads:
        // (1 + 1) / (1 + 2) over (1 + 1) / (2 + 2) = 4/3; odds 8/9: 8/17 = 0.4706.
        try f.db.execute("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('customer', 'opportunity')")
        try f.db.execute("UPDATE leads SET stage = 'opportunity' WHERE id = ?", [w2])
        #expect(try rows(f, "SELECT won, lost FROM win_counts WHERE attribute = '*'") == ["1 2"])
        #expect(try rows(f, "SELECT lead_id, probability FROM lead_win_probability WHERE lead_id = \(open)") == ["\(open) 0.4706"])
        // Reopening a lost lead takes it out too; a closed lead's changed attribute moves its count.
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [l2])
        try f.db.execute("UPDATE leads SET industry = 'Retail' WHERE id = ?", [w1])
        #expect(try rows(f, "SELECT attribute, value, won, lost FROM win_counts WHERE won + lost > 0 AND attribute IN ('*', 'source', 'industry') ORDER BY 1, 2")
            == ["* * 1 1", "industry (none) 0 1", "industry retail 1 0", "source ads 1 1"])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        // An erased closed lead keeps its non-personal attributes; its title goes, and its count with it.
        try f.db.execute("UPDATE leads SET title = 'CTO' WHERE id = ?", [w1])
        #expect(try rows(f, "SELECT won FROM win_counts WHERE attribute = 'seniority' AND value = 'c-level'") == ["1"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [w1])
        #expect(try rows(f, "SELECT won FROM win_counts WHERE attribute = 'seniority' AND value = 'c-level'") == ["0"])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }

    @Test(arguments: Writer.allCases)
    func theForecastWeightsEachOpenDealByItsProbability(writer: Writer) throws {
        let (f, _, _, _, open) = try history(writer)
        // From opportunity to a win took 10 and 20 days: the median (lower) is 10, so the open deal,
        // in opportunity since 10-22 09:00, is expected on 11-01: 1,000, weighted by 0.6.
        #expect(try f.text("SELECT amount FROM leads WHERE id = ?", [open]) == "1000")
        #expect(try rows(f, "SELECT * FROM pipeline_forecast") == ["2026-11 1 1000.0 600.0"])
        // Past its expected day, a deal is expected now.
        try f.setClock("2026-12-05T09:00:00.000Z")
        #expect(try rows(f, "SELECT month, deals FROM pipeline_forecast") == ["2026-12 1"])
    }

    /// Counts written by hand are named by the check and put right by the repair.
    @Test(arguments: Writer.allCases)
    func countsWrittenByHandAreNamedAndRepaired(writer: Writer) throws {
        let (f, _, _, _, _) = try history(writer)
        try f.db.execute("UPDATE win_counts SET won = 7 WHERE attribute = 'source' AND value = 'ads'")
        try f.db.execute("DELETE FROM win_counts WHERE attribute = 'source' AND value = 'referral'")
        #expect(try rows(f, "SELECT invariant, subject, problem FROM invariant_problems") == [
            "win_counts source = ads counts 7 won and 1 lost; the closed leads give 2 and 1",
            "win_counts source = referral counts 0 won and 0 lost; the closed leads give 0 and 1",
        ])
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }

    /// One statement that reopens or closes a lead and changes its attributes counts it once, under the
    /// values it leaves with and those it enters with; seniority reads words, not letters.
    @Test(arguments: Writer.allCases)
    func oneStatementThatMovesAndEditsCountsOnce(writer: Writer) throws {
        let (f, w1, w2, l2, _) = try history(writer)
        try f.db.execute("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('customer', 'opportunity'), ('customer', 'disqualified')")
        try f.db.execute("UPDATE leads SET stage = 'opportunity', source = 'webinar' WHERE id = ?", [w1])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam', title = 'CTO' WHERE id = ?", [w2])
        try f.db.execute("UPDATE leads SET stage = 'nurturing', source = 'partner' WHERE id = ?", [l2])
        #expect(try rows(f, "SELECT attribute, value, won, lost FROM win_counts WHERE won + lost > 0 AND attribute IN ('*', 'source', 'seniority') ORDER BY 1, 2")
            == ["* * 0 2", "seniority (none) 0 1", "seniority c-level 0 1", "source ads 0 2"])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        for (title, seniority) in [("Vice President of Sales", "vp"), ("Customer Service Manager", "manager"), ("Services Director", "director"),
                                   ("SVP Marketing", "vp"), ("Product Owner", "other"), ("Executive Assistant to the CEO", "other"),
                                   ("Co-Founder", "c-level"), ("CEO", "c-level"), ("Head of IT", "director"), (nil, "(none)")] as [(String?, String)] {
            #expect(try f.text("SELECT value FROM win_attributes_of WHERE arg = json_array(NULL, NULL, NULL, NULL, ?) AND attribute = 'seniority'", [title]) == seniority, "\(title ?? "nil")")
        }
    }
}
