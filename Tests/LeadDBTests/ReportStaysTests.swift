import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The stays the funnel, velocity and forecast reports read (stage_stay_paths, stage_stay_days and
/// stage_win_days, kept by the rules in Schema/97_reports.sql): every number worked out by hand on one
/// lead that is lost, reopened, goes back to a stage it was in and is won, and one the clock moved back
/// under; after each move the kept rows are the ones the whole history gives.
@Suite struct ReportStaysTests {
    /// Lead 1, owned by Ana: captured Sun 2026-11-01 09:00 (new); contacted 11-02 09:00; disqualified 11-03 09:00 (spam);
    /// nurturing 11-05 09:00 (reopened); contacted 11-06 09:00 (again); sql 11-08 09:00; opportunity
    /// 11-09 09:00 (500); customer 11-12 21:00 (won).
    func history(_ writer: Writer) throws -> (LeadFixture, Int64) {
        let f = try LeadFixture(writer, now: "2026-11-01T09:00:00.000Z")
        try f.reps([(1, "Ana", "default", 10)])
        let one = try f.capture(["email": "one@example.com", "source": "ads"])
        for (time, stage, extra) in [
            ("2026-11-02T09:00:00.000Z", "contacted", ""), ("2026-11-03T09:00:00.000Z", "disqualified", ", lost_reason = 'spam'"),
            ("2026-11-05T09:00:00.000Z", "nurturing", ""), ("2026-11-06T09:00:00.000Z", "contacted", ""),
            ("2026-11-08T09:00:00.000Z", "sql", ""), ("2026-11-09T09:00:00.000Z", "opportunity", ", amount = 500"),
            ("2026-11-12T21:00:00.000Z", "customer", ""),
        ] {
            try f.setClock(time)
            try f.db.execute("UPDATE leads SET stage = '\(stage)'\(extra) WHERE id = ?", [one])
            #expect(try f.int("SELECT count(*) FROM invariant_problems WHERE invariant = 'stays'") == 0, "after \(stage)")
        }
        return (f, one)
    }

    func rows(_ f: LeadFixture, _ sql: String) throws -> [String] {
        try f.db.query(sql).map { row in row.values.map { $0.isNull ? "-" : $0.description }.joined(separator: " ") }
    }

    @Test(arguments: Writer.allCases)
    func eachStayKeepsTheStagesEnteredAfterIt(writer: Writer) throws {
        let (f, _) = try history(writer)
        // Each stay and the stages entered after it, by name: new and the first contacted saw all six
        // others; the reopened lead's later stays see fewer; the win sees none. (A row a move emptied is
        // left at 0.)
        #expect(try rows(f, "SELECT month, stage, later, stays FROM stage_stay_paths WHERE stays <> 0 ORDER BY stage, later") == [
            #"2026-11 contacted ["contacted","customer","disqualified","nurturing","opportunity","sql"] 1"#,
            #"2026-11 contacted ["customer","opportunity","sql"] 1"#,
            #"2026-11 customer [] 1"#,
            #"2026-11 disqualified ["contacted","customer","nurturing","opportunity","sql"] 1"#,
            #"2026-11 new ["contacted","customer","disqualified","nurturing","opportunity","sql"] 1"#,
            #"2026-11 nurturing ["contacted","customer","opportunity","sql"] 1"#,
            #"2026-11 opportunity ["customer"] 1"#,
            #"2026-11 sql ["customer","opportunity"] 1"#,
        ])
        // Both stays in contacted went on to a later stage and to the win; the stay in disqualified went
        // on to no higher position (customer is 70, disqualified 80) but was followed by the win.
        #expect(try rows(f, "SELECT month, stage, entered, reached_next, won FROM funnel_conversion") == [
            "2026-11 new 1 1 1", "2026-11 contacted 2 2 2", "2026-11 nurturing 1 1 1", "2026-11 sql 1 1 1",
            "2026-11 opportunity 1 1 1", "2026-11 customer 1 0 1", "2026-11 disqualified 1 0 1",
        ])
    }

    @Test(arguments: Writer.allCases)
    func eachEndedStayHasItsLengthAndEachStayTheDaysToTheWin(writer: Writer) throws {
        let (f, _) = try history(writer)
        // new 1 day, contacted 1 and 2, disqualified 2, nurturing 1, sql 1, opportunity 3.5.
        #expect(try rows(f, "SELECT stage, days, stays FROM stage_stay_days WHERE stays <> 0 ORDER BY stage, days") == [
            "contacted 1.0 1", "contacted 2.0 1", "disqualified 2.0 1", "new 1.0 1", "nurturing 1.0 1", "opportunity 3.5 1", "sql 1.0 1",
        ])
        // The win at 11-12 21:00 is the first after every stay: 11.5 days after capture, 10.5 after the
        // first contact, 6.5 after the second...
        #expect(try rows(f, "SELECT stage, days, stays FROM stage_win_days WHERE stays <> 0 ORDER BY stage, days") == [
            "contacted 6.5 1", "contacted 10.5 1", "customer 0.0 1", "disqualified 9.5 1", "new 11.5 1", "nurturing 7.5 1",
            "opportunity 3.5 1", "sql 4.5 1",
        ])
        // contacted: two stays of 1 and 2 days, the lower middle is 1; the 90th percentile the 2nd.
        #expect(try rows(f, "SELECT stage, stays, median_days, p90_days FROM stage_velocity") == [
            "new 1 1.0 1.0", "contacted 2 1.0 2.0", "nurturing 1 1.0 1.0", "sql 1 1.0 1.0", "opportunity 1 3.5 3.5", "disqualified 1 2.0 2.0",
        ])
    }

    @Test(arguments: Writer.allCases)
    func aClockMovedBackGivesAStayOfNoDaysNotANegativeOne(writer: Writer) throws {
        let (f, _) = try history(writer)
        try f.setClock("2026-11-20T09:00:00.000Z")
        let two = try f.capture(["email": "two@example.com", "source": "ads"])
        try f.setClock("2026-11-19T09:00:00.000Z")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [two])
        #expect(try rows(f, "SELECT stage, days, stays FROM stage_stay_days WHERE stage = 'new' AND stays <> 0 ORDER BY days") == [
            "new 0.0 1", "new 1.0 1",
        ])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }

    @Test(arguments: Writer.allCases)
    func theCaptureTimeNeverChanges(writer: Writer) throws {
        let (f, one) = try history(writer)
        let violation = f.violation { try f.db.execute("UPDATE lead_records SET created_at = '2026-01-01T00:00:00.000Z' WHERE id = ?", [one]) }
        #expect(violation?.code == "maintained")
        #expect(violation?.message == "maintained: created_at is when the lead was captured and never changes (its first stay in the reports begins then)")
        // The same value written again changes nothing and is let through.
        try f.db.execute("UPDATE lead_records SET created_at = created_at WHERE id = ?", [one])
        #expect(try f.text("SELECT created_at FROM lead_records WHERE id = ?", [one]) == "2026-11-01T09:00:00.000Z")
    }

    @Test(arguments: Writer.allCases)
    func staysWrittenByHandAreNamedAndRepaired(writer: Writer) throws {
        let (f, _) = try history(writer)
        try f.db.execute("UPDATE stage_stay_days SET stays = stays + 2 WHERE stage = 'opportunity'")
        try f.db.execute("DELETE FROM stage_win_days WHERE stage = 'new'")
        try f.db.execute(#"UPDATE stage_stay_paths SET later = '["sql"]' WHERE stage = 'sql' AND stays = 1"#)
        #expect(try rows(f, "SELECT subject, problem FROM invariant_problems WHERE invariant = 'stays' ORDER BY 1") == [
            #"stage_stay_days (opportunity, 3.5 days) counts 3 stays; the leads and moves give 1"#,
            #"stage_stay_paths (2026-11, sql, later ["customer","opportunity"]) counts 0 stays; the leads and moves give 1"#,
            #"stage_stay_paths (2026-11, sql, later ["sql"]) counts 1 stays; the leads and moves give 0"#,
            #"stage_win_days (new, 11.5 days) counts 0 stays; the leads and moves give 1"#,
        ])
        #expect(try f.int("SELECT count(*) FROM invariant_problems WHERE invariant = 'stays' AND repair <> 'INSERT INTO lead_repair DEFAULT VALUES'") == 0)
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        #expect(try rows(f, "SELECT stage, median_days FROM stage_velocity WHERE stage = 'opportunity'") == ["opportunity 3.5"])
    }

    /// A move written straight into stage_history comes at the end and names stages there are: the stays
    /// follow the moves in the order of their ids. A refused row blocks nothing after it.
    @Test(arguments: Writer.allCases)
    func aMoveWrittenByHandComesAtTheEndAndNamesStagesThereAre(writer: Writer) throws {
        let (f, one) = try history(writer)
        let last = try f.int("SELECT max(id) FROM stage_history")
        for (sql, message) in [
            ("INSERT INTO stage_history(id, lead_id, from_stage, to_stage, changed_at) VALUES (0, \(one), 'new', 'contacted', '2026-11-13T09:00:00.000Z')",
             "append_only: stage_history rows are added at the end: id 0 is below the last one; give none"),
            ("INSERT INTO stage_history(id, lead_id, from_stage, to_stage, changed_at) VALUES (-1, \(one), 'customer', 'customer', '2026-11-13T09:00:00.000Z')",
             "append_only: stage_history rows are added at the end: id -1 is below the last one; give none"),
            ("INSERT INTO stage_history(lead_id, from_stage, to_stage, changed_at) VALUES (\(one), 'customer', 'demo', '2026-11-13T09:00:00.000Z')",
             "unknown_stage: stage_history: a move from customer to demo names a stage that does not exist (stages lists them)"),
            ("INSERT INTO stage_history(lead_id, from_stage, to_stage, changed_at) VALUES (\(one), NULL, 'customer', '2026-11-13T09:00:00.000Z')",
             "unknown_stage: stage_history: a move from NULL to customer names a stage that does not exist (stages lists them)"),
            ("INSERT INTO stage_history(lead_id, from_stage, to_stage, changed_at) VALUES (\(one), 'customer', 'customer', '2026-13-01')",
             "invalid_time: stage_history: changed_at '2026-13-01' of lead \(one) is not a time SQLite can read (write it as 2026-11-24T09:00:00.000Z)"),
        ] {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        #expect(try f.int("SELECT max(id) FROM stage_history") == last)
        // A stage that leads were in keeps its outcome: it says which of their moves were wins.
        #expect(f.violation { try f.db.execute("UPDATE stages SET outcome = 'won' WHERE name = 'nurturing'") }?.message
            == "stage_in_use: stage nurturing holds 0 leads or appears in their history; its outcome decides whether they are open and which of their moves were wins, so it cannot change while leads are or were in it (add a stage with the outcome instead)")
        let two = try f.capture(["email": "two@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [two])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }

    /// A lead's first move into a stage looks each configured stage up once for every stay since: it
    /// costs about the same after 20 moves as after 400 (it read every later move of every stay, which
    /// grew with the square of the history).
    @Test(arguments: Writer.allCases)
    func aFirstMoveIntoAStageCostsNoMoreForALongHistory(writer: Writer) throws {
        let f = try LeadFixture(writer, now: "2026-11-01T09:00:00.000Z")
        try f.reps([(1, "Ana", "default", 10)])
        var steps: [Int] = []
        for bounces in [10, 200] {
            let id = try f.capture(["email": "b\(bounces)@example.com"])
            try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
            for _ in 0..<bounces {
                try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
                try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
            }
            let statement = try f.db.prepare("UPDATE leads SET stage = 'sql' WHERE id = ?")
            try statement.bind([id])
            while try statement.step() {}
            steps.append(Int(statement.work.vmSteps))
        }
        // (the stays since the lead last entered sql are all of them: 22 and 402, each looked up by stage)
        #expect(steps[1] < 25 * steps[0], "\(steps)")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
    }
}
