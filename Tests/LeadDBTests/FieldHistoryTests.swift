import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// A lead's field history (Schema/31_field_history.sql): every writer's change of a field people edit,
/// with who or what made it; append-only; an erasure keeps none of the person's values.
@Suite struct FieldHistoryTests {
    func history(_ f: LeadFixture) throws -> [String] {
        try f.db.query("SELECT field || ': ' || coalesce(CAST(old_value AS TEXT), '-') || ' -> ' || coalesce(CAST(new_value AS TEXT), '-') || ' by ' || coalesce(changed_by, '-') FROM field_history ORDER BY id")
            .map { try $0.get(0, as: String.self) }
    }

    @Test(arguments: Writer.allCases)
    func everyWritersChangeIsKeptWithWhoMadeIt(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        try f.capture(["email": "jane@acme.com", "first_name": "Jane", "company": "Acme"])
        // A capture that fills what the lead lacks; an edit naming its author; one naming nobody; a
        // program writing the storage table; a value written as it already was.
        try f.capture(["email": "jane@acme.com", "last_name": "Roe", "company": "Acme Inc"])
        try f.db.execute("UPDATE leads SET title = 'CTO', company_size = '1,200', changed_by = 'Ana' WHERE id = 1")
        try f.db.execute("UPDATE leads SET phone = '+1 415 555 0100', custom = '{\"budget\": 5000}' WHERE id = 1")
        try f.db.execute("UPDATE lead_records SET campaign = 'q4' WHERE id = 1")
        try f.db.execute("UPDATE leads SET title = 'CTO', changed_by = 'Ben' WHERE id = 1")
        #expect(try history(f) == [
            "last_name: - -> Roe by capture",
            "title: - -> CTO by Ana",
            "company_size: - -> 1200 by Ana",
            "phone: - -> +14155550100 by sql",
            "custom: - -> {\"budget\":5000} by sql",
            "campaign: - -> q4 by -",
        ])
        #expect(try f.int("SELECT count(*) FROM _field_history_actor") == 0)
        let refusals: [(String, String)] = [
            ("UPDATE leads SET title = 'CEO', changed_by = 'Ana' || char(27) || '[2J' WHERE id = 1",
             "invalid_text: changed_by names who made a change in 1 to 100 printable characters (a person or a program); got 'Ana\u{1B}[2J'"),
            ("UPDATE leads SET title = 'CEO', changed_by = '' WHERE id = 1",
             "invalid_text: changed_by names who made a change in 1 to 100 printable characters (a person or a program); got ''"),
            ("UPDATE field_history SET changed_by = 'Eve' WHERE id = 1", "append_only: field_history cannot be changed"),
            ("UPDATE field_history SET new_value = 'Doe' WHERE id = 1", "append_only: field_history cannot be changed"),
            ("DELETE FROM field_history", "append_only: field_history cannot be deleted"),
            ("INSERT INTO field_history(lead_id, field, old_value, new_value, changed_at) VALUES (1, 'title', 'x', 'y', '2026-11-24T09:00:00.000Z')",
             "append_only: field_history is written by LeadDB as a lead's fields change; change the lead (UPDATE leads SET ...)"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        #expect(try f.text("SELECT title FROM leads WHERE id = 1") == "CTO")
        // Erased: the history keeps the facts that stay with the lead, none of the person's values.
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        #expect(try history(f) == [
            "last_name: - -> - by capture",
            "title: - -> - by Ana",
            "company_size: - -> 1200 by Ana",
            "phone: - -> - by sql",
            "custom: - -> - by sql",
            "campaign: - -> q4 by -",
        ])
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aDealsAmountKeptOnItsLeadIsNamedInTheHistory(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let lead = try f.capture(["email": "jane@acme.com"])
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, lead]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 9000, changed_by = 'Ana' WHERE id = ?", [lead])
        try f.db.execute("UPDATE deals SET amount = 12000 WHERE lead_id = ?", [lead])
        #expect(try history(f).suffix(2) == ["amount: - -> 9000 by Ana", "amount: 9000 -> 12000 by deal 1"])
        #expect(try f.int("SELECT count(*) FROM _field_history_actor") == 0)
    }

    @Test func anEditThroughTheAPIIsCheckedKeptAndOnTheTimeline() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("edit.db"))
        try store.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
        let jane = try store.capture(NewLead(email: "jane@acme.com", name: "Jane Roe")).lead
        let made = try store.edit(jane.id, [("title", "VP Sales"), ("company_size", "1,200"), ("phone", nil)], by: "Ana")
        #expect(made.map { "\($0.field) \($0.oldValue ?? "-") \($0.newValue ?? "-") \($0.changedBy ?? "-")" } == ["title - VP Sales Ana", "company_size - 1200 Ana"])
        #expect(try store.edit(jane.id, [("title", "VP Sales")], by: "Ana").isEmpty)
        let bad = try #require(throws: LeadError.self) { try store.edit(jane.id, [("email", "bad@@x")], by: "Ana") }
        #expect(bad.code == "invalid_email")
        let stage = try #require(throws: LeadError.self) { try store.edit(jane.id, [("stage", "mql")], by: "Ana") }
        #expect(stage.code == "read_only")
        let missing = try #require(throws: LeadError.self) { try store.edit(99, [("title", "x")], by: "Ana") }
        #expect(missing.code == "unknown_lead")
        #expect(try store.fieldHistory(lead: jane.id).count == 2)
        #expect(try store.timeline(lead: jane.id).filter { $0.kind == .fieldChange }.map(\.summary)
            == ["title: - -> VP Sales (Ana)", "company_size: - -> 1200 (Ana)"])
    }
}
