import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// Duplicates and merges (Schema/89_merges.sql): possible_duplicates' rules, a merge's moves and exact
/// score, the tombstone and its email, the undo, and every writer's refusals.
@Suite struct MergeTests {
    /// Everything a lead is and holds, to compare before and after.
    func state(_ f: LeadFixture, _ ids: [Int64]) throws -> [String] {
        let list = ids.map(String.init).joined(separator: ", ")
        return try [
            "SELECT * FROM leads WHERE id IN (\(list)) ORDER BY id",
            "SELECT * FROM lead_scores WHERE lead_id IN (\(list)) ORDER BY lead_id",
            "SELECT * FROM activity_log WHERE lead_id IN (\(list)) ORDER BY id",
            "SELECT * FROM tasks WHERE lead_id IN (\(list)) ORDER BY id",
            "SELECT * FROM deals WHERE lead_id IN (\(list)) ORDER BY id",
            "SELECT * FROM captures WHERE lead_id IN (\(list)) ORDER BY id",
            "SELECT * FROM outbox WHERE lead_id IN (\(list)) ORDER BY id",
            "SELECT id, open_leads FROM reps ORDER BY id",
        ].flatMap { sql in try f.db.query(sql).map(\.description) }
    }

    @Test(arguments: Writer.allCases)
    func aMergeMovesTheHistoryFillsTheFieldsAndScoresExactly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let kept = try f.capture(["email": "ana.schmidt@gmail.com", "first_name": "Ana", "last_name": "Schmidt", "company": "Vandelay"])
        // The same activities on one lead from the start: what the kept lead's score must be.
        let control = try f.capture(["email": "control@example.org", "first_name": "C"])
        try f.setClock("2026-11-25T09:00:00.000Z")
        let merged = try f.capture(["email": "a.na.schmidt+expo@gmail.com", "first_name": "Ana", "last_name": "Schmidt",
                                    "phone": "+1 (415) 555-0100", "title": "VP Sales", "company": "Vandelay", "consent": 1])
        try f.log(merged, "webinar_attended", at: "2026-11-25T08:00:00.000Z")
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (?, 'call', '2026-11-27T10:00:00.000Z', 'ask about Q3')", [merged])
        try f.log(control, "webinar_attended", at: "2026-11-25T08:00:00.000Z")
        try f.log(control, "form_submit", at: "2026-11-25T09:00:00.000Z")
        try f.setClock("2026-11-26T12:00:00.000Z")
        #expect(try f.int("SELECT open_leads FROM reps WHERE id = 1") == 3)

        try f.db.execute("INSERT INTO merges(kept_id, merged_id, merged_by) VALUES (?, ?, 'Ana')", [kept, merged])
        let engagement = try f.double("SELECT engagement FROM leads WHERE id = ?", [kept])
        let controlEngagement = try f.double("SELECT engagement FROM leads WHERE id = ?", [control])
        #expect(close(engagement, controlEngagement), "\(engagement) vs \(controlEngagement)")
        #expect(try f.int("SELECT count(*) FROM activity_log WHERE lead_id = ?", [kept]) == 3)
        #expect(try f.int("SELECT count(*) FROM tasks WHERE lead_id = ? AND note = 'ask about Q3'", [kept]) == 1)
        #expect(try f.int("SELECT count(*) FROM captures WHERE lead_id = ?", [kept]) == 2)
        // Empty fields filled, named in the history; the kept lead's own values stay.
        #expect(try f.db.query("SELECT field, new_value, changed_by FROM field_history WHERE lead_id = ? AND changed_by = 'Ana' ORDER BY id", [kept])
            .map { "\(try $0.get(0, as: String.self))=\(try $0.get(1, as: String.self)) by \(try $0.get(2, as: String.self))" }
            == ["phone=+14155550100 by Ana", "title=VP Sales by Ana", "consent=1 by Ana"])
        #expect(try f.text("SELECT email FROM leads WHERE id = ?", [kept]) == "ana.schmidt@gmail.com")
        // The tombstone: no personal value, out of every count, pointing at the kept lead.
        let tomb = try f.lead(merged)
        #expect(try tomb.get("merged_into", as: Int64.self) == kept)
        #expect(try tomb.get("email", as: String?.self) == nil && tomb.get("first_name", as: String?.self) == nil)
        #expect(try tomb.get("erased_at", as: String.self) == "2026-11-26T12:00:00.000Z")
        #expect(try f.int("SELECT open_leads FROM reps WHERE id = 1") == 2)
        #expect(try f.int("SELECT count(*) FROM possible_duplicates") == 0)
        // One person: the funnel counts the kept lead only.
        #expect(try f.int("SELECT leads FROM funnel WHERE stage = 'new'") == 2)
        // A capture of the merged email lands on the kept lead.
        try f.db.execute("INSERT INTO lead_intake(email, source) VALUES ('A.Na.Schmidt+Expo@gmail.com', 'webinar')")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 3)
        #expect(try f.double("SELECT score FROM leads WHERE id = ?", [kept]) == (try f.double("SELECT round(fit_score + ?, 6) FROM leads WHERE id = ?", [controlEngagement + 10, kept])))
        #expect(try f.int("SELECT count(*) FROM activity_log WHERE lead_id = ?", [kept]) == 4)
        #expect(f.violation { try f.db.execute("UPDATE leads SET email = 'a.na.schmidt+expo@gmail.com' WHERE id = ?", [control]) }?.message
            == "duplicate_email: a.na.schmidt+expo@gmail.com belongs to lead \(kept) (a lead merged into it had it)")
        #expect(f.violation { try f.log(merged, "email_click") }?.message
            == "merged_lead: lead \(merged) was merged into lead \(kept); record it on lead \(kept)")
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func anUndoPutsBothLeadsBackAsTheyWere(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let kept = try f.capture(["phone": "030 4347196", "first_name": "Sean", "last_name": "Ferreira", "company": "Hooli"])
        let merged = try f.capture(["email": "sean@hooli.com", "phone": "+49 30 4347196", "first_name": "Sean", "title": "CTO"])
        try f.log(merged, "page_view")
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at) VALUES (?, 'todo', '2026-11-27T10:00:00.000Z')", [merged])
        #expect(try f.text("SELECT reason || ' ' || confidence FROM possible_duplicates WHERE lead_id = ? AND other_id = ?", [kept, merged]) == "same_phone 0.9")
        let before = try state(f, [kept, merged])
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
        // The kept lead had no email: it takes the merged one's as its own.
        #expect(try f.text("SELECT email FROM leads WHERE id = ?", [kept]) == "sean@hooli.com")
        #expect(try f.int("SELECT count(*) FROM merged_emails") == 0)
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        try f.db.execute("INSERT INTO merge_undos(merge_id, undone_by) VALUES (1, 'Ana')")
        #expect(try state(f, [kept, merged]) == before)
        #expect(try f.int("SELECT sum(leads) FROM funnel") == 2)
        #expect(try f.text("SELECT undone_at FROM merges WHERE id = 1") == LeadFixture.start)
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        #expect(f.violation { try f.db.execute("INSERT INTO merge_undos(merge_id) VALUES (1)") }?.message
            == "not_undoable: merge 1 was undone at \(LeadFixture.start)")
        // Touched since: not undone.
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
        try f.log(kept, "page_view")
        #expect(f.violation { try f.db.execute("INSERT INTO merge_undos(merge_id) VALUES (2)") }?.message
            == "not_undoable: lead \(kept) has changed since merge 2 (its fields, owner, activities, tasks, deals, tags or merges); a merge is undone only while nothing else has touched the kept lead")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func everyWriterIsRefusedWhatAMergeDoesNotAllow(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let a = try f.capture(["email": "a@acme.com", "first_name": "Al", "last_name": "Ames", "company": "Acme"])
        let b = try f.capture(["email": "b@acme.com", "first_name": "Al", "last_name": "Ames", "company": "Acme"])
        let c = try f.capture(["email": "c@acme.com"])
        let d = try f.capture(["email": "d@acme.com"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [c])
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [a, b])
        let refusals: [(String, String)] = [
            ("INSERT INTO merges(kept_id, merged_id) VALUES (\(a), \(a))", "invalid_merge: lead \(a) cannot be merged into itself"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES (\(a), 99)", "unknown_lead: no lead has id 99"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES (\(b), \(c))", "merged_lead: lead \(b) was merged into lead \(a); merge into lead \(a)"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES (\(c), \(b))", "merged_lead: lead \(b) was already merged into lead \(a)"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES (\(a), \(c))", "erased_lead: lead \(c) was erased at \(LeadFixture.start)"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES (NULL, \(c))", "missing_lead: a merge needs kept_id and merged_id"),
            ("INSERT INTO merges(kept_id, merged_id, merged_at) VALUES (\(a), \(c), 'x')",
             "maintained: a merge is asked for with INSERT INTO merges(kept_id, merged_id[, merged_by]); LeadDB writes the rest"),
            ("INSERT INTO merges(kept_id, merged_id, merged_by) VALUES (\(c), \(a), char(27) || '[2J')",
             "erased_lead: lead \(c) was erased at \(LeadFixture.start)"),
            ("INSERT INTO erasures(lead_id) VALUES (\(b))", "merged_lead: lead \(b) was merged into lead \(a); erase lead \(a), which holds the person now"),
            ("INSERT INTO merge_undos(merge_id) VALUES (7)", "unknown_merge: no merge has id 7"),
            ("INSERT INTO not_duplicates(lead_id, other_id, noted_at) VALUES (\(b), \(d), '2026-11-24T09:00:00.000Z')",
             "erased_lead: lead \(b) was merged into another or erased; it is no one's duplicate now"),
            ("INSERT INTO merges(kept_id, merged_id) VALUES ('one', \(d))", "invalid_merge: kept_id and merged_id are lead ids; got 'one' and \(d)"),
            ("INSERT OR REPLACE INTO merges(id, kept_id, merged_id) VALUES (1, \(a), \(c))", "append_only: merges are numbered in order by SQLite; give no id"),
            ("INSERT INTO merges(id, kept_id, merged_id) VALUES (9223372036854775807, \(a), \(c))", "append_only: merges are numbered in order by SQLite; give no id"),
            ("INSERT INTO merge_undos(id, merge_id) VALUES (5, 1)", "append_only: merge undos are numbered in order by SQLite; give no id"),
            ("INSERT INTO not_duplicates(lead_id, other_id, noted_by, noted_at) VALUES (\(a), \(d), x'00ff', '2026-11-24T09:00:00.000Z')",
             "invalid_text: noted_by names who noted the pair in 1 to 100 printable characters; got X'00FF'"),
            ("UPDATE merges SET undone_at = '2026-11-24T09:00:00.000Z'", "append_only: merges cannot be changed; INSERT INTO merge_undos(merge_id) undoes one"),
            ("UPDATE merges SET kept_id = \(c)", "append_only: merges cannot be changed; INSERT INTO merge_undos(merge_id) undoes one"),
            ("DELETE FROM merges", "append_only: merges cannot be deleted; INSERT INTO merge_undos(merge_id) undoes one"),
            ("UPDATE lead_records SET merged_into = NULL WHERE id = \(b)", "maintained: merged_into follows merges; INSERT INTO merges(kept_id, merged_id) merges two leads"),
            ("UPDATE lead_records SET merged_into = \(a) WHERE id = \(c)", "maintained: merged_into follows merges; INSERT INTO merges(kept_id, merged_id) merges two leads"),
            ("UPDATE lead_records SET erased_at = NULL WHERE id = \(b)",
             "maintained: closed_at follows the stage and erased_at follows erasures; move the lead, or INSERT INTO erasures(lead_id)"),
            ("INSERT INTO merged_emails(email, lead_id, merge_id) VALUES ('x@acme.com', \(a), 1)",
             "maintained: merged_emails is kept by merges; INSERT INTO merges(kept_id, merged_id) merges two leads"),
            ("UPDATE merged_emails SET lead_id = \(c)", "maintained: merged_emails is kept by merges"),
            ("DELETE FROM merged_emails", "maintained: merged_emails is kept by merges; INSERT INTO merge_undos(merge_id) undoes one"),
            ("UPDATE activity_log SET lead_id = \(c) WHERE lead_id = \(a)",
             "append_only: an activity's lead, kind, time and points cannot be changed; log a new activity instead"),
            ("INSERT INTO not_duplicates(lead_id, other_id, noted_at) VALUES (\(a), \(d), 'yesterday')",
             "invalid_time: noted_at 'yesterday' is not a time as LeadDB writes them (YYYY-MM-DDTHH:MM:SS.SSSZ)"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        #expect(try f.int("SELECT count(*) FROM merges") == 1)
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func erasingTheKeptLeadForgetsTheMergedEmailsAndWhatTheMergeKept(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let kept = try f.capture(["email": "jo@acme.com", "first_name": "Jo"])
        let merged = try f.capture(["email": "jo+events@acme.com", "first_name": "Joanna", "last_name": "Quill"])
        #expect(try f.text("SELECT reasons FROM possible_duplicates") == "email_alias")
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
        #expect(try f.text("SELECT json_extract(merged_before, '$.last_name') FROM merges") == "Quill")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [kept])
        #expect(try f.int("SELECT count(*) FROM merged_emails") == 0)
        #expect(try f.int("SELECT count(*) FROM merges WHERE kept_before IS NULL AND merged_before IS NULL AND kept_after IS NULL") == 1)
        #expect(f.violation { try f.capture(["email": "jo+events@acme.com"]) }?.code == "suppressed")
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE 'Quill' IN (first_name, last_name)") == 0)
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        // A chain: Zoe into Bert, Bert into Carl; erasing Carl leaves nothing of either in the merges.
        let zoe = try f.capture(["email": "zoe@beta.io", "first_name": "Zoe", "phone": "+44 20 7123 4567"])
        let bert = try f.capture(["email": "bert@beta.io", "first_name": "Bert"])
        let carl = try f.capture(["email": "carl@gamma.io", "first_name": "Carl"])
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [bert, zoe])
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [carl, bert])
        #expect(try f.int("SELECT count(*) FROM merged_emails WHERE lead_id = ?", [carl]) == 2)
        #expect(try f.int("SELECT merged_into FROM lead_records WHERE id = ?", [zoe]) == Int(carl))
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [carl])
        #expect(try f.int("SELECT count(*) FROM merges WHERE coalesce(kept_before, merged_before, kept_after) IS NOT NULL") == 0)
        #expect(try f.int("SELECT count(*) FROM merged_emails") == 0)
        #expect(f.violation { try f.capture(["email": "zoe@beta.io"]) }?.code == "suppressed")
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
    }

    @Test func possibleDuplicatesFindEachRuleAndLeaveOutWhatWasNoted() throws {
        let f = try LeadFixture(.plain)
        let rows: [KeyValuePairs<String, any DatabaseValueConvertible>] = [
            ["email": "ana.schmidt@gmail.com", "first_name": "Ana", "last_name": "Schmidt"],
            ["email": "anaschmidt+expo@googlemail.com", "first_name": "Ana"],
            ["email": "lu@initech.com", "phone": "+1 (415) 555-1186", "last_name": "Ng"],
            ["email": "lu.ng@yahoo.com", "phone": "415.555.1186", "last_name": "Ng"],
            ["email": "front.desk@initech.com", "phone": "4155551186", "last_name": "Desk"],
            ["email": "jon.smith@umbrella.com", "first_name": "Jon", "last_name": "Smith", "company": "Umbrella"],
            ["email": "john.s@gmail.com", "first_name": "John", "last_name": "Smith", "company": " umbrella "],
            ["email": "jon@other.com", "first_name": "Jon", "last_name": "Smith", "company": "Other"],
            ["email": "k.mueller@wonka.com", "first_name": "Karl", "last_name": "Mueller", "company": "Wonka"],
            ["email": "karl@wonka.com", "first_name": "Karl", "last_name": "Muller", "company": "Wonka"],
            ["email": "al@wonka.com", "first_name": "Al", "last_name": "Li", "company": "Wonka"],
            ["email": "al2@wonka.com", "first_name": "Al", "last_name": "Lu", "company": "Wonka"],
            ["email": "+a@y.com"], ["email": "+b@y.com"],
        ]
        for row in rows { try f.capture(row) }
        let pairs = { try f.db.query("SELECT lead_id, other_id, reason, reasons, confidence FROM possible_duplicates ORDER BY lead_id, other_id").map(\.description) }
        #expect(try pairs() == [
            "[lead_id: 1, other_id: 2, reason: email_alias, reasons: email_alias, confidence: 0.95]",
            "[lead_id: 3, other_id: 4, reason: same_phone, reasons: same_phone, confidence: 0.9]",
            "[lead_id: 3, other_id: 5, reason: same_phone, reasons: same_phone, confidence: 0.5]",
            "[lead_id: 4, other_id: 5, reason: same_phone, reasons: same_phone, confidence: 0.5]",
            "[lead_id: 6, other_id: 7, reason: similar_name_at_company, reasons: similar_name_at_company, confidence: 0.6]",
            "[lead_id: 9, other_id: 10, reason: similar_name_at_company, reasons: similar_name_at_company, confidence: 0.6]",
        ])
        try f.db.execute("INSERT INTO not_duplicates(lead_id, other_id, noted_by, noted_at) VALUES (3, 5, 'Ana', '2026-11-24T09:00:00.000Z')")
        #expect(try f.int("SELECT count(*) FROM possible_duplicates WHERE lead_id = 3 AND other_id = 5") == 0)
        #expect(try f.int("SELECT count(*) FROM possible_duplicates") == 5)
    }

    /// No rule reads every lead for every lead: each looks the other lead up by an index.
    @Test func possibleDuplicatesLookPairsUpByIndex() throws {
        let f = try LeadFixture(.project)
        let plan = try f.db.query("EXPLAIN QUERY PLAN SELECT * FROM possible_duplicates").map { try $0.get("detail", as: String.self) }
        let scans = plan.filter { $0.hasPrefix("SCAN b") }
        #expect(scans.isEmpty, "\(plan)")
        #expect(plan.filter { $0.hasPrefix("SEARCH b USING") }.count == 6, "\(plan)")
    }

    @Test(arguments: Writer.allCases)
    func theLeadFurtherAlongIsKeptTasksFollowItsOwnerAndAnUndoRoutesAwayFromAnInactiveRep(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Sam", "default", 10)])
        let kept = try f.capture(["email": "rita@acme.com", "first_name": "Rita"])
        let merged = try f.capture(["email": "rita+x@acme.com", "first_name": "Rita", "phone": "+33612345678", "title": "Grand Vizier"])
        try f.db.execute("UPDATE leads SET owner_id = 2 WHERE id = ?", [merged])
        #expect(try f.int("SELECT owner_id FROM leads WHERE id = ?", [kept]) == 1)
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [merged])
        #expect(f.violation { try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged]) }?.message
            == "invalid_merge: lead \(merged) is contacted, further along than lead \(kept) (new); keep the lead further along: merge \(merged) into it (kept_id \(merged), merged_id \(kept))")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [kept])
        // (contacted made each a follow-up call task; the merged lead's goes to the kept lead's owner)
        let task = try #require(try f.db.scalar("SELECT id FROM tasks WHERE lead_id = ? AND done_at IS NULL", [merged], as: Int64.self))
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
        #expect(try f.text("SELECT lead_id || ' ' || owner_id FROM tasks WHERE id = ?", [task]) == "\(kept) 1")
        #expect(try f.int("SELECT open_leads FROM reps WHERE id = 2") == 0)
        // The kept lead's timeline shows the merged lead's moves and owner as its own history.
        let store = try LeadStore(path: f.dir.file("leads.db"))
        let timeline = try store.timeline(lead: kept).map(\.summary)
        #expect(timeline.contains("new -> contacted (as lead \(merged), merged into this one)"))
        #expect(timeline.contains { $0.hasPrefix("lead \(merged) merged into this one") })
        // Sam leaves; the undo gives the lead back, routed away from the inactive rep, and the task to Sam no more.
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        try f.db.execute("INSERT INTO merge_undos(merge_id) VALUES (1)")
        #expect(try f.int("SELECT owner_id FROM leads WHERE id = ?", [merged]) == 1)
        #expect(try f.text("SELECT lead_id || ' ' || owner_id FROM tasks WHERE id = ?", [task]) == "\(merged) 1")
        #expect(try f.int("SELECT open_leads FROM reps WHERE id = 1") == 2)
        #expect(try f.int("SELECT open_leads FROM reps WHERE id = 2") == 0)
        // Erased since, the merged person leaves nothing in the kept lead's history (the merge filled
        // the phone and title there, and the undo took them back).
        #expect(try f.int("SELECT count(*) FROM field_history WHERE lead_id = ? AND '+33612345678' IN (old_value, new_value)", [kept]) == 2)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [merged])
        #expect(try f.int("SELECT count(*) FROM field_history WHERE 'Grand Vizier' IN (old_value, new_value) OR '+33612345678' IN (old_value, new_value)") == 0)
        #expect(try f.int("SELECT count(*) FROM merges WHERE coalesce(kept_before, merged_before, kept_after) IS NOT NULL") == 0)
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
    }

    @Test func theAPIMergesUndoesAndListsPairs() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("merge.db"))
        try store.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
        let jane = try store.capture(NewLead(email: "jane.roe@gmail.com", name: "Jane Roe")).lead
        let alias = try store.capture(NewLead(email: "janeroe+news@gmail.com", name: "Jane Roe", phone: "+1 415 555 0100")).lead
        let pairs = try store.possibleDuplicates()
        #expect(pairs.map { "\($0.leadID)-\($0.otherID) \($0.reason) \($0.reasons) \($0.confidence)" } == ["1-2 email_alias [\"email_alias\"] 0.95"])
        let (merge, filled) = try store.merge(kept: jane.id, merged: alias.id, by: "Ana")
        #expect(merge.activities == 1 && merge.tasks == 0 && merge.deals == 0)
        #expect(filled.map { "\($0.field) \($0.newValue ?? "-") \($0.changedBy ?? "-")" } == ["phone +14155550100 Ana"])
        #expect(try store.lead(id: alias.id)?.mergedInto == jane.id)
        #expect(try store.possibleDuplicates().isEmpty)
        let again = try #require(throws: LeadError.self) { try store.merge(kept: jane.id, merged: alias.id, by: nil) }
        #expect(again.code == "merged_lead")
        let undone = try store.undoMerge(merge.id, by: "Ana")
        #expect(undone.undoneAt != nil)
        #expect(try store.lead(id: alias.id)?.email == "janeroe+news@gmail.com")
        #expect(try store.merges(lead: jane.id).map(\.id) == [merge.id])
        try store.noteNotDuplicates(alias.id, jane.id, by: "Ana")
        #expect(try store.possibleDuplicates().isEmpty)
    }
}
