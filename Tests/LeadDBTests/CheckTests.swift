import Foundation
import LeadDB
import LeadSQLite
import Testing

/// `leads check`'s view of a file (LeadDatabase.check, invariant_problems in Schema/99_checks.sql): a
/// healthy file has no problem; every invariant a careless writer breaks is named with the statement
/// that repairs it, and the repair works; the derived values take their true value by hand and nothing
/// else; an erased lead takes no personal data back.
@Suite struct CheckTests {
    /// Two reps and eight leads worked through both connections: activities, moves, a nurture message,
    /// an erasure of a lead with messages.
    func book(_ writer: Writer) throws -> (LeadFixture, [Int64]) {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        var ids: [Int64] = []
        for i in 0..<8 {
            ids.append(try f.capture(["email": "c\(i)@example.com", "first_name": "C\(i)", "title": i % 2 == 0 ? "VP Sales" : "Intern", "consent": 1]))
        }
        try f.log(ids[0], "email_click")
        try f.log(ids[1], "demo_request")
        try f.log(ids[1], "call")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [ids[2]])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [ids[3]])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [ids[4]])
        try f.setClock("2026-11-26T09:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE lead_id = ?", [ids[4]]) > 0)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [ids[4]])
        return (f, ids)
    }

    func problems(_ f: LeadFixture) throws -> [String] { try LeadDatabase.check(f.db).map(\.description) }

    @Test(arguments: Writer.allCases)
    func aHealthyFileHasNoProblems(writer: Writer) throws {
        let (f, ids) = try book(writer)
        #expect(try problems(f) == [])
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        // A repair of a healthy file changes nothing: a lead left in contacted above the threshold (it
        // rose while the threshold was higher) stays there.
        let threshold = try f.text("SELECT value FROM settings WHERE key = 'score.mql_threshold'")
        try f.db.execute("UPDATE settings SET value = '1000' WHERE key = 'score.mql_threshold'")
        try f.log(ids[2], "demo_request")
        try f.db.execute("UPDATE settings SET value = ? WHERE key = 'score.mql_threshold'", [threshold])
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [ids[2]]) == "contacted")
        #expect(try f.double("SELECT score FROM leads WHERE id = ?", [ids[2]]) >= Double(threshold ?? "0") ?? 0)
        let before = try f.db.query("SELECT (SELECT group_concat(id || stage) FROM lead_records), (SELECT count(*) FROM stage_history), (SELECT count(*) FROM outbox), (SELECT group_concat(fit_score || '/' || engagement || '/' || engagement_at) FROM lead_scores)").first?.values
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        let after = try f.db.query("SELECT (SELECT group_concat(id || stage) FROM lead_records), (SELECT count(*) FROM stage_history), (SELECT count(*) FROM outbox), (SELECT group_concat(fit_score || '/' || engagement || '/' || engagement_at) FROM lead_scores)").first?.values
        #expect(before == after)
        #expect(try problems(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func eachBrokenInvariantIsNamedWithItsRepair(writer: Writer) throws {
        let (f, ids) = try book(writer)
        // A script drops the guards it meets and writes around the rules.
        for trigger in [
            "reps_before_update_maintained", "stage_counts_before_update_maintained", "lead_scores_before_delete",
            "lead_records_before_update_stage_check", "lead_records_after_update_stage", "lead_records_before_update_erased",
            "activity_log_before_update_erased", "lead_records_before_update_owner",
        ] {
            try f.db.execute("DROP TRIGGER \(trigger)")
        }
        try f.db.execute("UPDATE reps SET open_leads = open_leads + 5 WHERE id = 2")
        try f.db.execute("UPDATE lead_records SET stage = 'customer' WHERE id = ?", [ids[0]])
        try f.db.execute("DELETE FROM lead_scores WHERE lead_id = ?", [ids[5]])
        try f.db.execute("UPDATE lead_scores SET fit_score = fit_score + 10 WHERE lead_id = ?", [ids[6]])
        try f.db.execute("UPDATE lead_scores SET engagement = engagement + 10 WHERE lead_id = ?", [ids[1]])
        try f.db.execute("UPDATE lead_records SET first_name = 'Back' WHERE id = ?", [ids[4]])
        try f.db.execute("UPDATE activity_log SET detail = 'secret' WHERE lead_id = ?", [ids[4]])
        try f.db.execute("PRAGMA foreign_keys = OFF")
        try f.db.execute("UPDATE lead_records SET owner_id = 99 WHERE id = ?", [ids[7]])
        let drift = "(repair: leads migrate --db \(f.db.path))"
        let restore = "(repair: restore the file from a backup: leads restore BACKUP --db \(f.db.path) (docs/reliability.md))"
        let repair = "(repair: INSERT INTO lead_repair DEFAULT VALUES)"
        #expect(try problems(f) == [
            "foreign_key: lead_records row 8: refers to a row of reps that does not exist \(restore)",
            "schema: activity_log_before_update_erased: dropped or changed by hand \(drift)",
            "schema: lead_records_after_update_stage: dropped or changed by hand \(drift)",
            "schema: lead_records_before_update_erased: dropped or changed by hand \(drift)",
            "schema: lead_records_before_update_owner: dropped or changed by hand \(drift)",
            "schema: lead_records_before_update_stage_check: dropped or changed by hand \(drift)",
            "schema: lead_scores_before_delete: dropped or changed by hand \(drift)",
            "schema: reps_before_update_maintained: dropped or changed by hand \(drift)",
            "schema: stage_counts_before_update_maintained: dropped or changed by hand \(drift)",
            "stage_count: stage customer: stage_counts says 0 leads, 1 are in it \(repair)",
            "stage_count: stage new: stage_counts says 5 leads, 4 are in it \(repair)",
            "rep_open_leads: rep 1 (Ana): open_leads is 3, it owns 2 open leads \(repair)",
            "rep_open_leads: rep 2 (Ben): open_leads is 8, it owns 3 open leads \(repair)",
            "lead_scores: lead 6: has no lead_scores row \(repair)",
            "stage_history: lead 1: is in customer but its history ends in new (no moves) (repair: restore the file from a backup (moves are written with their history))",
            "owner: lead 8: is owned by rep 99, which does not exist (repair: INSERT INTO reps(id, name) VALUES (99, 'rep 99'); "
                + "INSERT INTO lead_repair DEFAULT VALUES; UPDATE reps SET active = 0 WHERE id = 99 (a rep is deactivated, never deleted: its open leads are routed again))",
            "fit: lead 7: stored fit 25.0, the rules give 15.0 \(repair)",
            "engagement: lead 2: stored engagement is 47.74208 now, its activities give 38.193664 \(repair)",
            "erased: lead 5: was erased at 2026-11-26T09:00:00.000Z but still holds personal fields, activity details (repair: INSERT INTO lead_repair DEFAULT VALUES (it erases again what an erased lead still holds))",
            // (lead 1's stay since capture is now in customer, a won stage: the reports' stays follow it)
            "stays: stage_stay_paths (2026-11, customer, later []): counts 0 stays; the leads and moves give 1 \(repair)",
            "stays: stage_stay_paths (2026-11, new, later []): counts 5 stays; the leads and moves give 4 \(repair)",
            "stays: stage_win_days (customer, 0.0 days): counts 0 stays; the leads and moves give 1 \(repair)",
        ])
        // The repairs each row names: the deploy restores the rules, the repair the derived values and
        // the erasure, the lost rep comes back to hand its lead on; only the history, which nothing can
        // rebuild, is left.
        try f.db.execute("PRAGMA foreign_keys = \(writer == .plain ? "OFF" : "ON")")
        try LeadDatabase.migrator().migrate(f.db)
        try f.db.execute("INSERT INTO reps(id, name) VALUES (99, 'rep 99')")
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 99")
        #expect(try f.owner(8) != 99)
        let left = try problems(f)
        #expect(left == [
            "stage_history: lead 1: is in customer but its history ends in new (no moves) (repair: restore the file from a backup (moves are written with their history))",
        ])
        #expect(try f.text("SELECT first_name FROM lead_records WHERE id = 5") == nil)
        #expect(try f.int("SELECT count(*) FROM activity_log WHERE lead_id = 5 AND detail IS NOT NULL") == 0)
        #expect(try f.double("SELECT fit_score FROM lead_scores WHERE lead_id = 7") == 15)
        #expect(try f.int("SELECT count(*) FROM _rescoring WHERE next_id <= last_id") == 0)
    }

    /// A row written straight into activity_log skips the activities view's checks and the scoring they
    /// set off: the check names it, and the engagement it throws off.
    @Test(arguments: Writer.allCases)
    func activitiesWrittenAroundTheViewAreNamed(writer: Writer) throws {
        let (f, ids) = try book(writer)
        try f.db.execute("PRAGMA foreign_keys = OFF")
        try f.db.execute("INSERT INTO activity_log(id, lead_id, kind, occurred_at, points) VALUES (900, ?, 'email_open', '2026-11-20 10:00', 0)", [ids[5]])
        try f.db.execute("INSERT INTO activity_log(id, lead_id, kind, occurred_at, points) VALUES (901, ?, 'call', '2026-11-20T00:00:00.000Z', 0.5)", [ids[6]])
        try f.db.execute("INSERT INTO activity_log(id, lead_id, kind, occurred_at, points) VALUES (902, ?, 'nope', 'yesterday', 0)", [ids[7]])
        try f.db.execute("INSERT INTO activity_log(id, lead_id, kind, occurred_at, points) VALUES (903, 4040, 'call', '2026-11-20T00:00:00.000Z', 0)")
        let restore = "(repair: restore the file from a backup (activities are history: write them through INSERT INTO activities))"
        let found = try problems(f).filter { !$0.hasPrefix("foreign_key") && !$0.hasPrefix("engagement") }
        #expect(found == [
            "activity: activity 900 of lead 6: has time '2026-11-20 10:00', not a stored time \(restore)",
            "activity: activity 902 of lead 8: has kind 'nope', which is not in activity_kinds \(restore)",
            "activity: activity 903 of lead 4040: names a lead that does not exist \(restore)",
        ])
        // The call's points are not compared with its kind now (a kind may turn outbound later), but the
        // engagement they throw off is named.
        #expect(try problems(f).contains { $0.hasPrefix("engagement: lead 7: ") })
    }

    @Test(arguments: Writer.allCases)
    func onlyTheTrueCountIsWrittenByHand(writer: Writer) throws {
        let (f, _) = try book(writer)
        let ana = try f.int("SELECT count(*) FROM lead_records WHERE owner_id = 1 AND closed_at IS NULL AND erased_at IS NULL")
        let new = try f.int("SELECT count(*) FROM lead_records WHERE stage = 'new'")
        for sql in [
            "UPDATE reps SET open_leads = \(ana + 2) WHERE id = 1", "UPDATE reps SET open_leads = -1 WHERE id = 1",
            "UPDATE reps SET open_leads = open_leads + 0.5 WHERE id = 1",
            "UPDATE stage_counts SET leads = \(new + 3) WHERE stage = 'new'", "UPDATE stage_counts SET leads = 0 WHERE stage = 'new'",
            "INSERT INTO stage_counts(stage, leads) VALUES ('sql', 4)",
        ] {
            #expect(f.violation { try f.db.execute(sql) }?.code == "maintained", "\(sql)")
        }
        // The true value is taken: a no-op here, and the way back from a count a script got wrong.
        try f.db.execute("UPDATE reps SET open_leads = ? WHERE id = 1", [ana])
        try f.db.execute("UPDATE stage_counts SET leads = ? WHERE stage = 'new'", [new])
        try f.db.execute("DROP TRIGGER reps_before_update_maintained")
        try f.db.execute("UPDATE reps SET open_leads = 40 WHERE id = 1")
        try LeadDatabase.migrator().migrate(f.db)
        #expect(f.violation { try f.db.execute("UPDATE reps SET open_leads = 30 WHERE id = 1") }?.code == "maintained")
        try f.db.execute("UPDATE reps SET open_leads = ? WHERE id = 1", [ana])
        #expect(try problems(f) == [])
    }

    @Test(arguments: Writer.allCases)
    func anErasedLeadTakesNothingBack(writer: Writer) throws {
        let (f, ids) = try book(writer)
        let erased = ids[4]
        let refused: [(String, String)] = [
            ("UPDATE lead_records SET first_name = 'Back' WHERE id = \(erased)", "erased_lead: lead \(erased) was erased at 2026-11-26T09:00:00.000Z; no personal data is written to it"),
            ("UPDATE lead_records SET email = 'back@example.com', consent = 1 WHERE id = \(erased)", "erased_lead: lead \(erased) was erased at 2026-11-26T09:00:00.000Z; no personal data is written to it"),
            ("UPDATE activity_log SET detail = 'secret' WHERE lead_id = \(erased)", "erased_lead: lead \(erased) was erased; its activities keep no detail"),
            ("UPDATE outbox SET payload = json_object('name', 'C4') WHERE lead_id = \(erased)", "erased_lead: lead \(erased) was erased; its messages keep no personal data"),
            ("INSERT INTO outbox(kind, lead_id, payload, created_at) VALUES ('note', \(erased), '{\"name\":\"C4\"}', '2026-11-26T09:00:00Z')",
             "erased_lead: lead \(erased) was erased; no message is written about it"),
        ]
        for (sql, message) in refused {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // What keeps it erased still goes through, and so does every other lead's data.
        try f.db.execute("UPDATE activity_log SET detail = NULL WHERE lead_id = ?", [erased])
        try f.db.execute("UPDATE lead_records SET title = 'CTO' WHERE id = ?", [ids[5]])
        try f.db.execute("INSERT INTO outbox(kind, lead_id, payload, created_at) VALUES ('note', ?, '{}', '2026-11-26T09:00:00Z')", [ids[5]])
        #expect(try problems(f) == [])
    }

    /// A country's own code, which is how its stored leads are read again, cannot be pointed at another
    /// country; a lead whose stored values the rules would refuse (written with a guard dropped) is
    /// named by the check with the statement that puts it right.
    @Test(arguments: Writer.allCases)
    func storedLeadsStayReadable(writer: Writer) throws {
        let (f, ids) = try book(writer)
        try f.db.execute("UPDATE leads SET country = 'Deutschland' WHERE id = ?", [ids[0]])
        #expect(try f.text("SELECT country FROM leads WHERE id = ?", [ids[0]]) == "DE")
        #expect(f.violation { try f.db.execute("UPDATE country_aliases SET code = 'FR' WHERE alias = 'de'") }?.message
            == "invalid_config: country_aliases: de is the code of DE (Germany); it names that country only, not 'FR'")
        try f.db.execute("DELETE FROM country_aliases WHERE alias = 'de'")
        #expect(f.violation { try f.db.execute("INSERT INTO country_aliases(alias, code) VALUES ('de', 'FR')") }?.message
            == "invalid_config: country_aliases: de is the code of DE (Germany); it names that country only, not 'FR'")
        try f.db.execute("INSERT INTO country_aliases(alias, code) VALUES ('de', 'DE')")
        try f.db.execute("UPDATE leads SET title = 'CEO' WHERE id = ?", [ids[0]])  // the lead still takes changes
        #expect(try problems(f) == [])
        // Written around the rules: named, with its repair.
        try f.db.execute("DROP TRIGGER lead_records_after_update_check")
        try f.db.execute("UPDATE lead_records SET email = 'UPPER@EXAMPLE.COM' WHERE id = ?", [ids[1]])
        let lead = try LeadDatabase.check(f.db).filter { $0.check == "lead" }
        #expect(lead.map(\.subject) == ["lead \(ids[1])"])
        #expect(lead.map(\.problem) == ["invalid_email: UPPER@EXAMPLE.COM is not stored normalised (trimmed, lower case): capture through lead_intake or update through leads"])
        #expect(lead.map(\.repair) == ["UPDATE leads SET email = ... WHERE id = \(ids[1]) (with the value as it should be)"])
    }

    /// A table changed by hand is named: a column added (a warning: it may be another program's), a column
    /// whose type or constraints changed (only a backup restores it).
    @Test func aTableChangedByHandIsNamed() throws {
        let (f, _) = try book(.plain)
        try f.db.execute("ALTER TABLE lead_records ADD COLUMN notes TEXT")
        try f.db.execute("PRAGMA writable_schema = ON")
        try f.db.execute("UPDATE sqlite_schema SET sql = replace(sql, 'TEXT NOT NULL CHECK (name', 'TEXT CHECK (name') WHERE name = 'countries'")
        try f.db.execute("PRAGMA writable_schema = OFF")
        let reopened = try Database(path: f.db.path)
        let problems = try LeadDatabase.check(reopened).map(\.description)
        let restore = "restore the file from a backup: leads restore BACKUP --db \(f.db.path) (docs/reliability.md)"
        #expect(problems == [
            "missing_column: column countries.name: the migrations made it so; it was dropped or changed by hand (repair: \(restore))",
            "added: column lead_records.notes: not made by LeadDB (repair: drop it if it is not yours)",
        ])
    }
}
