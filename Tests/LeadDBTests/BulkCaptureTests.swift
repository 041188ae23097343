import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Bulk capture (Schema/65_imports.sql): rows staged in lead_imports and captured by one
/// INSERT INTO lead_import_run give exactly what one INSERT INTO lead_intake per row gives.
@Suite struct BulkCaptureTests {
    static let columns = [
        "email", "first_name", "last_name", "name", "phone", "company", "title", "industry", "company_size", "country",
        "source", "campaign", "consent", "consent_source", "captured_at", "detail", "capture_key",
    ]

    /// A deterministic mix of what imports bring: new leads with plain values (most of them), the same
    /// person again in other spellings, people known before, phone-only rows, names in one field,
    /// letters beyond ASCII, formatted phones and sizes, country names, consents, times, repeated and
    /// known capture keys. Every row is one lead_intake accepts.
    static func rows(_ count: Int) -> [[any DatabaseValueConvertible]] {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        let titles = ["CEO", "VP Sales", "Intern", "Director of IT", "Head of Operations", "Analyst", "Chief Revenue Officer", nil]
        let industries = ["software", "retail", "fintech", nil]
        let countries = ["US", "Germany", "uk", nil, "Atlantis", "DE"]
        let sources = ["referral", "ads", "webinar", nil, "partner"]
        let sizes: [(any DatabaseValueConvertible)?] = [nil, "250", "1,200", "50-200", 5000, "5000+", "20", "1500"]
        let consents: [(any DatabaseValueConvertible)?] = [nil, "yes", "no", 1, "0", "TRUE"]
        let times = [nil, nil, nil, "2026-11-20T10:00:00Z", "2026-11-23", "2026-11-24 08:30:00"]
        var rows: [[any DatabaseValueConvertible]] = []
        for i in 0..<count {
            var email: String? = "p\(i)@acme\(i % 7).com"
            var phone: String? = next(3) == 0 ? "+1415555\(String(format: "%04d", i))" : nil
            switch next(20) {
            case 0 where i > 0: email = " P\(next(i))@ACME\(next(i) % 7).com "  // an earlier row's person, maybe
            case 1: email = "old\(next(3))@known.com"  // a lead from before the import
            case 2: email = nil; phone = "+44 (20) 7946-\(String(format: "%04d", next(30)))"  // phone only, some again
            case 3: email = "josé\(i)@exemple.fr"
            case 4: email = "MÜLLER\(next(40))@Beispiel.de"
            case 5: email = "tab\(i)@acme.com\t"
            case 6: phone = "(415) 555-\(String(format: "%04d", i))"
            default: break
            }
            let named = next(4) == 0
            let key: String? =
                switch next(10) {
                case 0: "key-\(i)"
                case 1: "key-\(next(max(i, 1)))"  // maybe a key of an earlier row
                case 2: "known-key"  // captured before the import
                default: nil
                }
            rows.append([
                email, named ? nil : ["Ada", "Bo", "Cy", "Dee", "Émile"][next(5)], named ? nil : ["Lovelace", "Li", "Ng", nil][next(4)],
                named ? ["Grace Hopper", "Cher", "  Jean  Paul Sartre ", "Zoë Kravitz"][next(4)] : nil,
                phone, next(5) == 0 ? nil : "Company \(next(30))", titles[next(titles.count)], industries[next(industries.count)],
                sizes[next(sizes.count)], countries[next(countries.count)], sources[next(sources.count)], "campaign-\(next(4))",
                consents[next(consents.count)], next(4) == 0 ? "web form" : nil, times[next(times.count)],
                next(3) == 0 ? "note \(i)" : nil, key,
            ].map { $0 ?? DatabaseValue.null })
        }
        return rows
    }

    /// Teams that route differently (round robin, and load balanced for the larger companies), reps that
    /// fill up (later leads wait unassigned), people known before, a known key and an erased person.
    func setUp(_ f: LeadFixture) throws {
        try f.db.execute("INSERT INTO teams(name, method) VALUES ('enterprise', 'load_balanced')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, min_company_size, description) VALUES (10, 'enterprise', 1000, 'large')")
        for (id, name, team, capacity) in [(1, "Ana", "default", 40), (2, "Ben", "default", 25), (3, "Cy", "default", 0),
                                           (4, "Di", "enterprise", 6), (5, "Ed", "enterprise", 9)] {
            try f.db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (?, ?, ?, ?)", [id, name, team, capacity])
        }
        for i in 0..<3 { try f.capture(["email": "old\(i)@known.com", "company_size": 2000 * i, "title": "CEO"]) }
        try f.capture(["phone": "+44 20 7946 0003", "first_name": "Phone"])
        try f.capture(["email": "keyed@known.com", "capture_key": "known-key"])
        let gone = try f.capture(["email": "gone@known.com", "phone": "+15550001111"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [gone])
    }

    /// Every table's rows, in order, as text (the staging table aside).
    func snapshot(_ db: Database) throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        for name in try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'lead_imports'") {
            let table: String = try name.get(0)
            tables[table] = try db.query("SELECT * FROM \(quoteIdentifier(table)) ORDER BY 1").map { row in
                row.values.map { "\($0)" }.joined(separator: "|")
            }
        }
        return tables
    }

    func stage(_ f: LeadFixture, _ rows: [[any DatabaseValueConvertible]]) throws {
        let sql = "INSERT INTO lead_imports(\(Self.columns.joined(separator: ", "))) VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ", ")))"
        for row in rows { try f.db.execute(sql, row) }
    }

    /// Settings under which the two ways must agree: the defaults; leads routed when they reach mql; mql
    /// made a won stage (a lead that qualifies at capture is closed, and not routed); a fit rule change
    /// still being rescored.
    enum Setting: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case defaults, routedAtMQL, mqlIsWon, rescoring
        var testDescription: String { rawValue }
        var sql: [String] {
            switch self {
            case .defaults: []
            case .routedAtMQL: ["UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at'"]
            case .mqlIsWon: ["UPDATE stages SET outcome = 'won' WHERE name = 'mql'", "UPDATE settings SET value = '30' WHERE key = 'score.mql_threshold'"]
            case .rescoring:
                ["UPDATE settings SET value = '2' WHERE key = 'tick.batch'",
                 "INSERT INTO fit_rules(attribute, operator, value, points, description) VALUES ('company', 'contains', 'company 1', 25, 'test')"]
            }
        }
    }

    @Test(arguments: Writer.allCases, Setting.allCases)
    func aRunGivesWhatOneCaptureAfterAnotherGives(writer: Writer, setting: Setting) throws {
        let rows = Self.rows(400)
        let one = try LeadFixture(writer), bulk = try LeadFixture(writer)
        for f in [one, bulk] {
            for sql in setting.sql { try f.db.execute(sql) }
            try setUp(f)
        }

        var outcomes: [String] = []
        let insert = "INSERT INTO lead_intake(\(Self.columns.joined(separator: ", "))) VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ", ")))"
        for row in rows {
            let before = try one.int("SELECT coalesce(max(id), 0) FROM captures")
            try one.db.execute(insert, row)
            outcomes.append(try one.text("SELECT outcome FROM captures WHERE id > ? ORDER BY id DESC LIMIT 1", [before]) ?? "already_captured")
        }

        try stage(bulk, rows)
        // Runs of different sizes, so stretches of new leads start and end anywhere.
        for size in [1, 37, 100, 5] { try bulk.db.execute("INSERT INTO lead_import_run(max_rows) VALUES (?)", [size]) }
        try bulk.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")

        #expect(try bulk.int("SELECT count(*) FROM lead_imports WHERE status = 'pending'") == 0)
        #expect(try bulk.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0) as String } == outcomes)
        // Both ways created, merged and skipped rows, routed, qualified and left leads waiting for a rep.
        #expect(Set(outcomes) == ["created", "merged", "already_captured"])
        #expect(try bulk.int("SELECT count(*) FROM stage_history WHERE to_stage = 'mql'") > 10)
        if setting != .mqlIsWon {
            #expect(try bulk.int("SELECT count(*) FROM outbox WHERE kind = 'lead_unassigned'") > 10)
            #expect(try bulk.int("SELECT count(DISTINCT team) FROM assignments") == 2)
        }

        let expected = try snapshot(one.db), got = try snapshot(bulk.db)
        #expect(expected.keys.sorted() == got.keys.sorted())
        for table in expected.keys.sorted() where expected[table] != got[table] {
            Issue.record("\(table) differs: one by one \(expected[table]?.count ?? 0) rows, in bulk \(got[table]?.count ?? 0)")
            for (a, b) in zip(expected[table]!, got[table]!) where a != b { print("DIFF1 \(a)"); print("DIFF2 \(b)"); break }
        }
        // A captured row keeps its outcome and lead, nothing of the person.
        #expect(try bulk.int("SELECT count(*) FROM lead_imports WHERE coalesce(\(Self.columns.joined(separator: ", "))) IS NOT NULL") == 0)
        #expect(try bulk.int("SELECT count(*) FROM lead_imports WHERE lead_id IS NULL OR processed_at IS NULL") == 0)
        try bulk.checkIntegrity()
    }

    /// New leads with plain values are written together: no row of them goes through lead_intake or the
    /// activities view (the trigger programs the run sets up are traced). Qualification and routing still
    /// go lead by lead. (What this saves in time is measured by leads-bench.)
    @Test func newLeadsWithPlainValuesAreCapturedTogether() throws {
        let rows = (0..<200).map { i -> [any DatabaseValueConvertible] in
            ["lead\(i)@acme.com", "Ada", "Lovelace", DatabaseValue.null, "+1415555\(String(format: "%04d", i))", "Acme", "VP Sales",
             "software", "250", "US", "webinar", "q4", "yes", DatabaseValue.null, DatabaseValue.null, DatabaseValue.null, DatabaseValue.null]
        }
        let one = try LeadFixture(.plain), bulk = try LeadFixture(.plain)
        for f in [one, bulk] { try f.db.execute("INSERT INTO reps(id, name, capacity) VALUES (1, 'Ana', 1000), (2, 'Ben', 1000)") }
        let insert = "INSERT INTO lead_intake(\(Self.columns.joined(separator: ", "))) VALUES (\(Self.columns.map { _ in "?" }.joined(separator: ", ")))"
        var perRow: [String: Int] = [:], inBulk: [String: Int] = [:]
        one.db.trace { if $0.hasPrefix("-- TRIGGER ") { perRow[String($0.dropFirst(11)), default: 0] += 1 } }
        for row in rows { try one.db.execute(insert, row) }
        one.db.trace(nil)
        try stage(bulk, rows)
        bulk.db.trace { if $0.hasPrefix("-- TRIGGER ") { inBulk[String($0.dropFirst(11)), default: 0] += 1 } }
        try bulk.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        bulk.db.trace(nil)
        #expect(try snapshot(one.db) == snapshot(bulk.db))
        #expect(try bulk.int("SELECT count(*) FROM stage_history WHERE to_stage = 'mql'") == 200)
        #expect(inBulk["lead_intake_instead_of_insert"] == nil && inBulk["activities_instead_of_insert"] == nil)
        #expect(inBulk["_import_batch_instead_of_insert"] == 1 && inBulk["_import_row_instead_of_insert"] == nil)
        #expect(perRow["lead_intake_instead_of_insert"] == 200)
    }

    @Test(arguments: Writer.allCases)
    func aRefusedRowStopsTheRunAndIsNamed(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try setUp(f)
        let before = try snapshot(f.db)
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('a@x.com'), ('not-an-email'), ('b@x.com')")
        let bad = try #require(f.violation { try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES") })
        #expect(bad.code == "invalid_email")
        #expect(bad.message.hasSuffix("(lead_imports row 2)"))
        #expect(bad.int("import_row") == 2)
        // Nothing of the run is stored.
        #expect(try snapshot(f.db) == before)
        #expect(try f.int("SELECT count(*) FROM lead_imports WHERE status = 'pending'") == 3)

        // A suppressed person is refused the same way, wherever the row stands.
        try f.db.execute("UPDATE lead_imports SET email = ' GONE@known.com' WHERE id = 2")
        let gone = try #require(f.violation { try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES") })
        #expect(gone.code == "suppressed")
        #expect(gone.int("import_row") == 2)

        try f.db.execute("DELETE FROM lead_imports WHERE id = 2")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0) as String } == ["created", "created"])
        // Outside a run, refusals name no row.
        let plain = try #require(f.violation { try f.db.execute("INSERT INTO lead_intake(email) VALUES ('nope')") })
        #expect(plain.message == "invalid_email: nope is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)")
        #expect(plain.int("import_row") == nil)
    }

    @Test(arguments: Writer.allCases)
    func onlyARunSetsAStagedRowsOutcome(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.db.execute("INSERT INTO lead_imports(email, status) VALUES ('a@x.com', 'created')") }?.message
            == "maintained: a staged row starts pending; its status, lead_id and processed_at are set when INSERT INTO lead_import_run captures it")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_imports(email, lead_id) VALUES ('a@x.com', 1)") }?.code == "maintained")
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('a@x.com'), ('b@x.com')")
        #expect(f.violation { try f.db.execute("UPDATE lead_imports SET status = 'created' WHERE id = 1") }?.message
            == "maintained: the status, lead_id and processed_at of lead_imports row 1 are set when INSERT INTO lead_import_run captures it")
        // A pending row can be fixed or deleted.
        try f.db.execute("UPDATE lead_imports SET email = 'c@x.com' WHERE id = 2")
        try f.db.execute("INSERT INTO lead_import_run(max_rows) VALUES (1)")
        #expect(try f.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0) as String } == ["created", "pending"])
        let captured = try #require(f.violation { try f.db.execute("UPDATE lead_imports SET email = 'a@x.com' WHERE id = 1") })
        #expect(captured.message == "captured: lead_imports row 1 was captured (created, lead 1); stage a new row to capture it again")
        #expect(captured.int("import_row") == 1)
        #expect(f.violation { try f.db.execute("UPDATE lead_imports SET status = 'pending' WHERE id = 1") }?.code == "captured")
        try f.db.execute("DELETE FROM lead_imports WHERE id = 1")
        for bad in ["0", "-3", "'2x'", "2.5", "' 2'", "x'00'"] {
            #expect(f.violation { try f.db.execute("INSERT INTO lead_import_run(max_rows) VALUES (\(bad))") }?.code == "invalid_import", "\(bad)")
        }
        #expect(f.violation { try f.db.execute("INSERT INTO lead_import_run(max_rows) VALUES ('2x')") }?.message
            == "invalid_import: max_rows is the most rows one run captures: a whole number of at least 1, or NULL for every pending row; got '2x'")
        // A whole number given as text or as a real is read as one.
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('d@x.com'), ('e@x.com')")
        try f.db.execute("INSERT INTO lead_import_run(max_rows) VALUES ('1')")
        try f.db.execute("INSERT INTO lead_import_run(max_rows) VALUES (1.0)")
        #expect(try f.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0) as String } == ["created", "created", "pending"])
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0) as String } == ["created", "created", "created"])
        // A run with nothing pending does nothing.
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 4)
    }

    /// What lead_intake refuses, a run refuses, in a stretch of new leads too, and names the row.
    @Test(arguments: Writer.allCases)
    func aRefusalOfANewLeadNamesItsRow(writer: Writer) throws {
        let f = try LeadFixture(writer)
        // A time that reads, but whose UTC form the logged activity does not accept.
        try f.db.execute("INSERT INTO lead_imports(email, captured_at) VALUES ('a@x.com', NULL), ('old@x.com', '0000-01-01T00:00:00+01:00')")
        let time = try #require(f.violation { try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES") })
        #expect(time.code == "invalid_time")
        #expect(time.int("import_row") == 2)
        try f.db.execute("DELETE FROM lead_imports")
        // A stage rule that refuses the move to mql of a new lead that qualifies at once.
        try f.db.execute("UPDATE stages SET requires_owner = 1 WHERE name = 'mql'")
        try f.db.execute("UPDATE settings SET value = '25' WHERE key = 'score.mql_threshold'")
        try f.db.execute("INSERT INTO lead_imports(email, title) VALUES ('first@x.com', 'Intern'), ('boss@x.com', 'CEO'), ('third@x.com', 'Intern')")
        let boss = try #require(f.violation { try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES") })
        #expect(boss.code == "missing_owner")
        #expect(boss.message.hasSuffix("(lead_imports row 2)"))  // (the ids start again once the table is empty)
        #expect(boss.int("import_row") == 2)
        #expect(try f.int("SELECT count(*) FROM lead_records") == 0)
    }

    /// A key given as a number matches the same key captured as text, as lead_intake compares it.
    @Test(arguments: Writer.allCases)
    func aKeyCapturedBeforeInAnotherTypeIsAlreadyCaptured(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.capture(["email": "form@x.com", "capture_key": "8812"])
        try f.db.execute("INSERT INTO lead_imports(email, capture_key) VALUES ('other@x.com', NULL), ('form@x.com', 8812)")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.db.query("SELECT status, lead_id FROM lead_imports ORDER BY id").map { "\(try $0.get(0) as String) \(try $0.get(1) as Int)" }
            == ["created 2", "already_captured 1"])
    }

    /// The run's own tables refuse other writers, and a captured row is not staged again by replacing it.
    @Test(arguments: Writer.allCases)
    func theRunsOwnTablesAreItsOwn(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('a@x.com')")
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        let replaced = try #require(f.violation { try f.db.execute("INSERT OR REPLACE INTO lead_imports(id, email) VALUES (1, 'a@x.com')") })
        #expect(replaced.message == "captured: lead_imports row 1 was captured (created, lead 1); stage a new row to capture it again")
        try f.db.execute("INSERT INTO lead_imports(email) VALUES ('b@x.com')")
        for sql in ["INSERT INTO _import_plan(seq, row, fast) VALUES (1, 1, 0)", "INSERT INTO _import_cursor(id, row, last_capture) VALUES (1, 2, 0)"] {
            #expect(throws: SQLiteError.self) { try f.db.execute(sql) }
            #expect((try? f.db.execute(sql)) == nil)
        }
        // A plan row for a pending row does not let a script set its outcome, nor write a lead directly.
        try f.db.execute("INSERT INTO _import_plan(seq, row, fast, lead_id) VALUES (1, 2, 1, 2)")
        #expect(f.violation { try f.db.execute("UPDATE lead_imports SET status = 'created', lead_id = 1 WHERE id = 2") }?.code == "maintained")
        #expect(throws: SQLiteError.self) {
            try f.db.execute("INSERT INTO lead_records(id, email, created_at, updated_at) VALUES (2, 'direct@x.com', '2026-11-24T09:00:00.000Z', '2026-11-24T09:00:00.000Z')")
        }
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        // Nor is a refusal outside a run blamed on a staged row (once what the script wrote is gone).
        try f.db.execute("DELETE FROM _import_plan")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email) VALUES ('bad@@x.com')") }?.int("import_row") == nil)
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.text("SELECT status FROM lead_imports WHERE id = 2") == "created")
        #expect(try f.int("SELECT count(*) FROM _import_plan") + f.int("SELECT count(*) FROM _import_cursor") == 0)
    }

    @Test(arguments: Writer.allCases)
    func anErasureDeletesThePersonsStagedRows(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "phone": "+44 20 7946 0001"])
        try f.db.execute("""
            INSERT INTO lead_imports(email, phone, company) VALUES
                ('ADA@example.com ', NULL, 'Engines'), (NULL, '+442079460001', 'Engines'), ('bob@example.com', NULL, 'Other'),
                (char(160) || 'ADA@EXAMPLE.COM', NULL, 'Engines'), (NULL, '+44 (20) 7946-0001', 'Engines'),
                (NULL, '+442079460001' || char(0), 'Engines')
            """)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [ada])
        #expect(try f.db.query("SELECT email FROM lead_imports").map { try $0.get(0) as String } == ["bob@example.com"])
    }
}
