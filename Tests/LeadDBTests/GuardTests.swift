import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Configuration and internal tables under careless hands: a script with foreign keys off that renames,
/// deletes and overwrites what the rules depend on is refused with a code, or the change is carried
/// through; either way every rule still gives the right answer afterwards.
@Suite struct GuardTests {
    /// A small book of business: two reps, an open lead, a disqualified one, a nurtured one.
    func book(_ writer: Writer) throws -> LeadFixture {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let a = try f.capture(["email": "a@example.com", "consent": 1])
        let b = try f.capture(["email": "b@example.com"])
        try f.capture(["email": "c@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [b])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [a])
        try f.log(a, "email_click")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [try f.capture(["email": "gone@example.com"])])
        return f
    }

    @Test(arguments: Writer.allCases)
    func carelessEditsAreRefusedWithACode(writer: Writer) throws {
        let f = try book(writer)
        let refused: [(String, String)] = [
            ("UPDATE stages SET name = 'fresh' WHERE name = 'new'", "required_stage"),
            ("UPDATE stages SET name = 'lost' WHERE name = 'disqualified'", "stage_in_use"),
            ("UPDATE stages SET outcome = 'lost' WHERE name = 'new'", "stage_in_use"),
            ("DELETE FROM stages WHERE name = 'disqualified'", "stage_in_use"),
            ("DELETE FROM stages WHERE name = 'mql'", "required_stage"),
            ("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('new', 'closed')", "unknown_stage"),
            ("UPDATE stage_transitions SET to_stage = 'nowhere' WHERE from_stage = 'new' AND to_stage = 'mql'", "unknown_stage"),
            ("DELETE FROM activity_kinds WHERE kind = 'form_submit'", "required_kind"),
            ("UPDATE activity_kinds SET kind = 'form' WHERE kind = 'form_submit'", "required_kind"),
            ("UPDATE activity_kinds SET direction = 'outbound' WHERE kind = 'unsubscribe'", "required_kind"),
            ("DELETE FROM activity_kinds WHERE kind = 'email_click'", "kind_in_use"),
            ("UPDATE activity_kinds SET kind = 'click' WHERE kind = 'email_click'", "kind_in_use"),
            ("DELETE FROM lost_reasons WHERE reason = 'spam'", "reason_in_use"),
            ("UPDATE lost_reasons SET reason = 'junk' WHERE reason = 'spam'", "reason_in_use"),
            ("DELETE FROM reps WHERE id = 1", "rep_in_use"),
            ("UPDATE reps SET open_leads = 0 WHERE id = 1", "maintained"),
            ("UPDATE reps SET open_leads = 50 WHERE id = 2", "maintained"),
            ("UPDATE reps SET last_assignment_id = 999 WHERE id = 1", "maintained"),
            ("UPDATE reps SET id = 7 WHERE id = 1", "maintained"),
            ("DELETE FROM teams WHERE name = 'default'", "required_team"),
            ("UPDATE teams SET name = 'main' WHERE name = 'default'", "required_team"),
            ("INSERT INTO routing_rules(team) VALUES ('mars')", "unknown_team"),
            ("UPDATE settings SET key = 'mql' WHERE key = 'score.mql_threshold'", "required_setting"),
            ("DELETE FROM settings WHERE key = 'routing.assign_at'", "required_setting"),
            ("UPDATE settings SET value = 1e999 WHERE key = 'score.mql_threshold'", "invalid_setting"),
            ("UPDATE settings SET value = 'soon' WHERE key = 'sla.due_soon_minutes'", "invalid_setting"),
            ("DELETE FROM nurture_sequences WHERE id = 1", "sequence_in_use"),
            ("DELETE FROM _days WHERE n = 3", "internal_table"),
            ("UPDATE _case_fold SET lower = 'x' WHERE upper = 'Ü'", "internal_table"),
            ("INSERT INTO _hash_powers(n, p1, p2) VALUES (999, 1, 1)", "internal_table"),
            ("DELETE FROM _hash_powers", "internal_table"),
            ("UPDATE _search_queue SET lead_id = 99", "internal_table"),
            ("DELETE FROM _search_queue", "internal_table"),
            ("INSERT INTO _search_purge_step(id, structure) VALUES (1, x'00')", "internal_table"),
            ("INSERT INTO _fit_queue(lead_id) VALUES (1)", "internal_table"),
            ("INSERT INTO _fit_words(rule_id, token, pattern) VALUES (1, 'boss', '*boss*')", "internal_table"),
            ("UPDATE _fit_words SET pattern = '*'", "internal_table"),
            ("DELETE FROM _fit_words WHERE rule_id = 1", "internal_table"),
            ("UPDATE stage_counts SET leads = 0", "maintained"),
            ("DELETE FROM stage_counts WHERE stage = 'new'", "maintained"),
            ("DELETE FROM stage_history", "append_only"),
            ("UPDATE assignments SET rep_id = 2", "append_only"),
            ("DELETE FROM assignments", "append_only"),
            ("DELETE FROM activity_log WHERE kind = 'form_submit'", "append_only"),
            ("UPDATE activity_log SET points = 1000", "append_only"),
            ("UPDATE activity_log SET occurred_at = '2030-01-01'", "append_only"),
            ("DELETE FROM lead_records WHERE id = 3", "use_erasure"),
            ("UPDATE lead_records SET id = 30 WHERE id = 3", "read_only"),
            ("UPDATE lead_records SET owner_id = 2 WHERE id = 3", "use_assignment"),
            ("DELETE FROM lead_scores", "maintained"),
            ("DELETE FROM captures", "append_only"),
            // (the intake finds the capture it wrote as the newest: no row may jump ahead of the next one)
            ("INSERT INTO captures(id, lead_id, outcome, captured_at) VALUES (9223372036854775807, 1, 'merged', '2026-11-24T09:00:00.000Z')", "append_only"),
            ("INSERT INTO _raise(arg) VALUES ('{}')", "internal"),
            ("INSERT INTO _raise(arg) VALUES (json_array('$.not_a_message'))", "internal"),
            ("DELETE FROM suppressed_emails", "append_only"),
            ("DELETE FROM erasures", "append_only"),
            ("DELETE FROM countries WHERE code = 'DE'", "country_in_use"),
            ("UPDATE countries SET code = 'XX' WHERE code = 'DE'", "country_in_use"),
            ("UPDATE country_aliases SET code = 'QQ' WHERE alias = 'germany'", "invalid_config"),
            ("UPDATE nurture_steps SET sequence_id = 99", "invalid_config"),
            ("UPDATE nurture_enrollments SET sequence_id = 99", "append_only"),
        ]
        let counts = try f.db.query("SELECT stage, leads FROM stage_counts ORDER BY stage").map { "\($0[0]) \($0[1])" }
        for (sql, code) in refused {
            #expect(f.violation { try f.db.execute(sql) }?.code == code, "\(sql)")
        }
        #expect(try f.db.query("SELECT stage, leads FROM stage_counts ORDER BY stage").map { "\($0[0]) \($0[1])" } == counts)
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func editsThatAreSafeAreCarriedThrough(writer: Writer) throws {
        let f = try book(writer)
        // A new, unused stage can be renamed and deleted; its transitions follow.
        try f.db.execute("INSERT INTO stages(name, position) VALUES ('demo', 45)")
        try f.db.execute("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('mql', 'demo'), ('demo', 'sql')")
        try f.db.execute("UPDATE stages SET name = 'demo_booked' WHERE name = 'demo'")
        #expect(try f.int("SELECT count(*) FROM stage_transitions WHERE 'demo_booked' IN (from_stage, to_stage)") == 2)
        try f.db.execute("DELETE FROM stages WHERE name = 'demo_booked'")
        #expect(try f.int("SELECT count(*) FROM stage_transitions WHERE 'demo_booked' IN (from_stage, to_stage)") == 0)
        // A team rename follows into reps and routing rules.
        try f.db.execute("INSERT INTO teams(name) VALUES ('emea')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, country) VALUES (5, 'emea', 'DE')")
        try f.db.execute("UPDATE reps SET team = 'emea' WHERE id = 2")
        try f.db.execute("UPDATE teams SET name = 'europe' WHERE name = 'emea'")
        #expect(try f.text("SELECT team FROM reps WHERE id = 2") == "europe")
        #expect(try f.text("SELECT team FROM routing_rules") == "europe")
        #expect(f.violation { try f.db.execute("DELETE FROM teams WHERE name = 'europe'") }?.code == "team_in_use")
        // An unused kind, reason and rep can go; capacity and activity are the rep's to set.
        try f.db.execute("DELETE FROM activity_kinds WHERE kind = 'page_view'")
        try f.db.execute("DELETE FROM lost_reasons WHERE reason = 'duplicate'")
        try f.db.execute("INSERT INTO reps(id, name) VALUES (9, 'Temp')")
        try f.db.execute("DELETE FROM reps WHERE id = 9")
        try f.db.execute("UPDATE reps SET capacity = 20, active = 1 WHERE id = 1")
        // The only default nurture sequence stays until another is the default; then an unused one can go.
        try f.db.execute("INSERT INTO nurture_sequences(id, name) VALUES (5, 'spring')")
        try f.db.execute("UPDATE nurture_sequences SET is_default = (id = 5)")
        #expect(f.violation { try f.db.execute("DELETE FROM nurture_sequences WHERE id = 5") }?.message
            == "required_sequence: nurture sequence 5 (spring) is the default one; mark another as default first")
        try f.db.execute("UPDATE nurture_sequences SET is_default = 1 WHERE id = 1")
        try f.db.execute("DELETE FROM nurture_sequences WHERE id = 5")
        // Delivered messages may be cleaned up 30 days on (94_outbox.sql).
        try f.db.execute("UPDATE outbox SET delivered_at = '2026-11-24T09:00:00Z'")
        try f.setClock("2026-12-24T09:00:01Z")
        try f.db.execute("DELETE FROM outbox WHERE delivered_at IS NOT NULL")
        #expect(try f.int("SELECT count(*) FROM outbox") == 0)
        try f.setClock("2026-11-24T09:00:00Z")
        // The rules still work: capture, move, tick, erase.
        try f.setClock("2026-11-24T10:00:00Z")
        let d = try f.capture(["email": "d@example.com", "country": "Germany"])
        #expect(try f.owner(d) == 2)
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [d])
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [d])
        #expect(try f.int("SELECT sum(leads) FROM funnel") == 5)
        try f.checkCounts()
        try f.checkIntegrity()
    }
}
