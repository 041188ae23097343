import Foundation
import LeadDB
import LeadSQLite
import Testing

/// What a careless or clever writer tried after the first round of guards: replaces, direct writes to
/// the storage tables, odd numbers and bytes, an erased person coming back. Each must be refused with a
/// code, or carried through so that every rule still holds.
@Suite struct HardeningTests {
    func book(_ writer: Writer) throws -> LeadFixture {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let a = try f.capture(["email": "a@example.com"])
        try f.capture(["email": "b@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [a])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [a])
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 5000 WHERE id = ?", [a])
        return f
    }

    @Test(arguments: Writer.allCases)
    func noRowIsReplacedAroundTheGuards(writer: Writer) throws {
        let f = try book(writer)
        let refused: [(String, String)] = [
            ("UPDATE OR REPLACE reps SET email = 'x@example.com' WHERE id = 2", ""),  // set up below
            ("INSERT OR REPLACE INTO reps(id, name) VALUES (1, 'Ana again')", "already_exists"),
            ("REPLACE INTO stages(name, position) VALUES ('sql', 5)", "already_exists"),
            ("INSERT OR REPLACE INTO stages(name, position, outcome) VALUES ('customer', 7, NULL)", "already_exists"),
            ("INSERT OR REPLACE INTO activity_kinds(kind, points, direction) VALUES ('form_submit', 0, 'outbound')", "already_exists"),
            ("INSERT OR REPLACE INTO lost_reasons(reason) VALUES ('spam')", "already_exists"),
            ("INSERT OR REPLACE INTO teams(name, method) VALUES ('default', 'load_balanced')", "already_exists"),
            ("INSERT OR REPLACE INTO nurture_sequences(id, name) VALUES (1, 'x')", "already_exists"),
            ("INSERT OR REPLACE INTO settings(key, value) VALUES ('score.half_life_days', 7)", "already_exists"),
            ("REPLACE INTO settings(key, value) VALUES ('clock.now', NULL)", "already_exists"),
            ("INSERT OR REPLACE INTO countries(code, alpha3, name) VALUES ('DE', 'DEU', 'Deutschland')", "already_exists"),
            ("INSERT OR REPLACE INTO countries(code, alpha3, name) VALUES ('QQ', 'DEU', 'Elsewhere')", "already_exists"),
            ("INSERT OR REPLACE INTO nurture_enrollments(id, lead_id, sequence_id, next_step, status, enrolled_at) VALUES (900, 1, 1, 1, 'active', '2026-11-24')", "already_exists"),
            ("UPDATE OR REPLACE settings SET key = 'score.half_life_days' WHERE key = 'custom.spare'", "already_exists"),
            ("UPDATE OR REPLACE countries SET alpha3 = 'DEU' WHERE code = 'FR'", "already_exists"),
            ("UPDATE OR REPLACE countries SET code = 'FR' WHERE code = 'DE'", "already_exists"),
            ("UPDATE OR REPLACE nurture_enrollments SET id = 900 WHERE id = 901", "already_exists"),
            ("UPDATE OR REPLACE stages SET name = 'new' WHERE name = 'contacted'", "already_exists"),
            ("INSERT OR REPLACE INTO lead_records(id, email, created_at, updated_at) VALUES (1, 'someone@else.com', '2026-11-01', '2026-11-01')", "use_intake"),
            ("INSERT OR REPLACE INTO lead_scores(lead_id, fit_score) VALUES (1, 999)", "maintained"),
            ("INSERT OR REPLACE INTO assignments(id, lead_id, rep_id, method, reason, assigned_at) VALUES (1, 1, 2, 'manual', 'x', '2026-11-24')", "append_only"),
            ("INSERT OR REPLACE INTO stage_history(id, lead_id, to_stage, changed_at) VALUES (1, 1, 'new', '2026-11-24')", "append_only"),
            ("INSERT OR REPLACE INTO activity_log(id, lead_id, kind, occurred_at) VALUES (1, 1, 'call', '2026-11-24')", "append_only"),
            ("INSERT OR REPLACE INTO captures(id, lead_id, outcome, captured_at) VALUES (1, 2, 'created', '2026-11-24')", "append_only"),
            ("INSERT INTO lead_records(email, created_at, updated_at) VALUES ('direct@example.com', '2026-11-24', '2026-11-24')", "use_intake"),
            ("INSERT INTO reps(name, open_leads) VALUES ('Ghost', 50)", "maintained"),
            ("INSERT INTO stage_counts(stage, leads) VALUES ('customer2', 5)", "maintained"),
            ("UPDATE lead_records SET closed_at = NULL WHERE id = 1", ""),
            ("UPDATE lead_records SET closed_at = '2026-11-24' WHERE id = 1", "maintained"),
            ("UPDATE lead_records SET erased_at = '2026-11-24' WHERE id = 2", "maintained"),
            ("UPDATE lead_records SET email = 'UPPER@CASE.COM' WHERE id = 2", "invalid_email"),
            ("UPDATE lead_records SET country = 'Germany' WHERE id = 2", "invalid_country"),
            ("UPDATE leads SET amount = NULL WHERE id = 1", "missing_amount"),
            ("UPDATE stages SET requires_amount = 1 WHERE name = 'new'", "stage_in_use"),
            ("UPDATE activity_kinds SET points = 1e308 WHERE kind = 'email_open'", "invalid_config"),
            ("UPDATE activity_kinds SET points = 'lots' WHERE kind = 'email_open'", "invalid_config"),
            ("UPDATE reps SET capacity = 'lots' WHERE id = 1", "invalid_config"),
            ("UPDATE reps SET manager_id = 1 WHERE id = 1", "invalid_config"),
            ("UPDATE sla_policies SET response_minutes = 'soon'", "invalid_config"),
            ("UPDATE sla_escalations SET minutes_overdue = 'x'", "invalid_config"),
            ("UPDATE nurture_steps SET delay_days = 'soon'", "invalid_config"),
            ("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('company_size', '>=', 'lots', 7)", "invalid_config"),
            ("INSERT INTO routing_rules(team, min_company_size) VALUES ('default', 'big')", "invalid_config"),
            ("UPDATE settings SET value = 'start of month' WHERE key = 'clock.shift'", "invalid_setting"),
        ]
        try f.db.execute("INSERT INTO settings(key, value) VALUES ('custom.spare', 7)")
        // (an enrollment for the replace to meet)
        try f.db.execute("INSERT INTO nurture_enrollments(id, lead_id, sequence_id, next_step, status, enrolled_at) VALUES (900, 2, 1, 1, 'active', '2026-11-24')")
        try f.db.execute("INSERT INTO nurture_enrollments(id, lead_id, sequence_id, next_step, status, enrolled_at) VALUES (901, 1, 1, 1, 'ended', '2026-11-24')")
        for (sql, code) in refused where !code.isEmpty {
            #expect(f.violation { try f.db.execute(sql) }?.code == code, "\(sql)")
        }
        #expect(f.violation { try f.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('tick.batch', 5)") }?.message
            == "already_exists: setting tick.batch exists; UPDATE settings SET value = ... WHERE key = 'tick.batch' changes it")
        // A new setting is still inserted, and an upsert still changes an existing one through its update.
        try f.db.execute("INSERT INTO settings(key, value) VALUES ('custom.flag', 'on')")
        // A NUL byte in a size or a country written through leads is named, not read as nothing.
        #expect(f.violation { try f.db.execute("UPDATE leads SET company_size = char(0) || '5' WHERE id = 2") }?.message
            == "invalid_company_size: the company size of lead 2 contains a NUL byte")
        #expect(f.violation { try f.db.execute("UPDATE leads SET country = char(0) || 'FR' WHERE id = 2") }?.message
            == "invalid_text: country contains a NUL byte")
        // A country that reads as nothing is stored as NULL, not as punctuation or spaces.
        for country in ["''", "' '", "'.'", "'()'"] {
            #expect(f.violation { try f.db.execute("UPDATE lead_records SET country = \(country) WHERE id = 2") }?.message
                == "invalid_country: \(try f.text("SELECT \(country)") ?? "") is not stored as its ISO code (none: store NULL): update through leads")
        }
        // A tab is a control character, refused in every text of a lead.
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET country = char(9) WHERE id = 2") }?.message
            == "invalid_text: country contains a control character (U+0009) at character 1; text is one line of printable characters")
        // A program that writes the capture's internal step directly cannot choose the lead it merges into.
        let before = try f.int("SELECT count(*) FROM captures")
        #expect(throws: SQLiteError.self) {
            try f.db.execute("INSERT INTO _intake_values(match_id, email, captured_at) VALUES (1, 'someone@else.com', '2026-11-24T09:00:00.000Z')")
        }
        try f.db.execute("INSERT INTO _intake_values(email, last_name, captured_at) VALUES ('other@example.com', 'Other', '2026-11-24T09:00:00.000Z')")
        #expect(try f.db.query("SELECT outcome, lead_id = (SELECT id FROM lead_records WHERE email = 'other@example.com') FROM captures WHERE id > ?", [before])
            .map { "\($0[0]) \($0[1])" } == ["created 1"])
        // An email another rep has cannot be taken by a replace (which would delete that rep).
        try f.db.execute("UPDATE reps SET email = 'ana@example.com' WHERE id = 1")
        #expect(f.violation { try f.db.execute("UPDATE OR REPLACE reps SET email = 'ana@example.com' WHERE id = 2") } != nil)
        #expect(try f.int("SELECT count(*) FROM reps") == 2)
        // A won lead's closed_at cannot be cleared by hand either.
        try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = 1")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET closed_at = NULL WHERE id = 1") }?.code == "maintained")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 3)  // the two leads and the one written through _intake_values
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func anErasedPersonDoesNotComeBack(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let gone = try f.capture(["email": "gone@example.com", "phone": "+49 30 1234567"])
        let phoneOnly = try f.capture(["phone": "+44 20 7946 0000", "first_name": "Aoife"])
        let other = try f.capture(["email": "other@example.com"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?), (?)", [gone, phoneOnly])
        #expect(f.violation { try f.db.execute("UPDATE leads SET email = 'Gone@Example.com' WHERE id = ?", [other]) }?.message
            == "suppressed: gone@example.com belongs to a person who was erased on request; it cannot be stored again")
        #expect(f.violation { try f.db.execute("UPDATE leads SET phone = '+4930 1234567' WHERE id = ?", [other]) }?.code == "suppressed")
        #expect(f.violation { try f.capture(["phone": "+44 (20) 7946-0000", "first_name": "Aoife"]) }?.message
            == "suppressed: +442079460000 belongs to a person who was erased on request; it cannot be captured again")
        #expect(f.violation { try f.db.execute("UPDATE leads SET email = 'new@example.com', first_name = 'Back' WHERE id = ?", [gone]) }?.message
            == "erased_lead: lead 1 was erased at 2026-11-24T09:00:00.000Z; it cannot be changed")
        #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [gone]) }?.code == "erased_lead")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET erased_at = NULL WHERE id = ?", [gone]) }?.code == "maintained")
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE erased_at IS NULL") == 1)
        // Suppression is a record of the request: a replace or a repeat changes nothing.
        let hashes = try f.int("SELECT count(*) FROM suppressed_emails")
        #expect(hashes == 3)
        try f.db.execute("INSERT OR REPLACE INTO suppressed_emails(email_hash, suppressed_at) SELECT email_hash, '2030-01-01' FROM suppressed_emails")
        #expect(try f.int("SELECT count(*) FROM suppressed_emails WHERE suppressed_at = '2030-01-01'") == 0)
    }

    /// Bytes bound as text are not checked by SQLite. A value that is not UTF-8 is refused, and the
    /// message that names it is itself valid UTF-8 (Python could not decode the raw byte in an error).
    @Test(arguments: Writer.allCases)
    func textIsValidUTF8(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email, first_name) VALUES ('a@example.com', CAST(x'4aff' AS TEXT))") }?.message
            == "invalid_text: first_name is not valid UTF-8 at byte 2 (0xFF): J\u{FFFD}")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email) VALUES (CAST(x'6140622e6465e4b8' AS TEXT))") }?.message
            == "invalid_text: email is not valid UTF-8 at byte 7 (0xE4): a@b.de\u{FFFD}")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 0)
        let typed = LeadError(violation: try #require(f.violation { try f.db.execute("INSERT INTO lead_intake(email, title) VALUES ('a@example.com', CAST(x'c0af' AS TEXT))") }))
        #expect(typed == .invalidText(field: "title", message: "invalid_text: title is not valid UTF-8 at byte 1 (0xC0): \u{FFFD}"))

        // Accents, symbols, emoji and U+FFFD itself are valid.
        let id = try f.capture(["email": "jose@example.com", "first_name": "José", "last_name": "Müller-Łukasz °", "company": "Grüße 😀 \u{FFFD}"])
        #expect(try f.lead(id).get("company", as: String.self) == "Grüße 😀 \u{FFFD}")
        // A truncated character at the end, through UPDATE leads and straight into the table.
        #expect(f.violation { try f.db.execute("UPDATE leads SET company = CAST(x'4163c3' AS TEXT) WHERE id = ?", [id]) }?.message
            == "invalid_text: company is not valid UTF-8 at byte 3 (0xC3): Ac\u{FFFD}")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET title = CAST(x'80' AS TEXT) WHERE id = ?", [id]) }?.code == "invalid_text")
        // Activities: the detail, campaign and source; the message shows the text around the bad byte.
        let long = String(repeating: "é", count: 40)
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'email_open', ? || CAST(x'ff' AS TEXT) || 'end')", [id, long]) }?.message
            == "invalid_text: an activity for lead 1: detail is not valid UTF-8 at byte 81 (0xFF): …\(String(repeating: "é", count: 30))\u{FFFD}end")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, campaign) VALUES (?, 'email_open', CAST(x'eda080' AS TEXT))", [id]) }?.message
            == "invalid_text: an activity for lead 1: campaign is not valid UTF-8 at byte 1 (0xED): \u{FFFD}")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'email_open', ?)", [id, String(repeating: "a", count: 10_001)]) }?.message
            == "invalid_text: an activity for lead 1: detail has 10001 characters (at most 10000)")
        try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'email_open', ?)", [id, String(repeating: "é", count: 10_000)])
        // Any rule that echoes a value echoes it cleaned.
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind) VALUES (?, 'email_' || CAST(x'ff' AS TEXT))", [id]) }?.message
            .hasPrefix("unknown_kind: email_\u{FFFD} is not an activity kind") == true)
        #expect(try f.int("SELECT count(*) FROM activity_log WHERE lead_id = ?", [id]) == 2)  // the capture's form_submit and one open
    }

    /// The second round of attacks on text: merges, every intake field, NUL anywhere, noncharacters, and
    /// error text that must stay parseable JSON.
    @Test(arguments: Writer.allCases)
    func everyTextOfACaptureOrActivityIsChecked(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        // A merge is checked like a new lead, before anything is written.
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email, first_name) VALUES ('ada@example.com', CAST(x'4164E9' AS TEXT))") }?.message
            == "invalid_text: first_name is not valid UTF-8 at byte 3 (0xE9): Ad\u{FFFD}")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email, consent, consent_source) VALUES ('x@example.com', 1, CAST(x'776562FF' AS TEXT))") }?.code == "invalid_text")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email, capture_key) VALUES ('x@example.com', CAST(x'6B6579FF' AS TEXT))") }?.code == "invalid_text")
        #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(email, title) VALUES ('x@example.com', ?)", [String(repeating: "é", count: 100_000)]) }?.message
            == "invalid_text: title has 100000 characters (at most 500)")
        #expect(try f.int("SELECT count(*) FROM captures") == 1)
        // NUL in any text, also where a later field holds a bad byte (GLOB stops at a NUL).
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET phone = '+4420' || char(0) || '7946' WHERE id = ?", [ada]) }?.message
            == "invalid_text: phone contains a NUL byte")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'page_view', 'note' || char(0) || CAST(x'FF' AS TEXT))", [ada]) }?.message
            == "invalid_text: an activity for lead 1: detail contains a NUL byte")
        #expect(f.violation { try f.db.execute("INSERT INTO activity_log(lead_id, kind, occurred_at, detail, points) VALUES (?, 'page_view', '2026-11-24T08:00:00.000Z', ?, 0)", [ada, String(repeating: "a", count: 10_001)]) }?.message
            == "invalid_text: an activity for lead 1: detail has 10001 characters (at most 10000)")
        // U+FFFE and U+FFFF are characters like any other.
        let odd = try f.capture(["email": "odd@example.com", "first_name": "A\u{FFFE}B\u{FFFF}"])
        #expect(try f.lead(odd).get("first_name", as: String.self) == "A\u{FFFE}B\u{FFFF}")
        // The error's JSON stays whole however the text is escaped.
        let error = try #require(throws: SQLiteError.self) {
            try f.db.execute("INSERT INTO activities(lead_id, kind) VALUES (?, ?)", [ada, String(repeating: "\u{1}", count: 330) + "\u{E9}"])
        }
        #expect(RuleViolation(error)?.code == "unknown_kind")
    }

    /// utf8_input finds the classic bad forms (RFC 3629), naming the first byte of the first broken
    /// character (SQLite reads c3 a9 a9 as one character, so that is byte 1).
    @Test func utf8InputFindsTheFirstBadByte() throws {
        let f = try LeadFixture(.plain)
        let cases: [(hex: String, bad: Int?)] = [
            ("41", nil), ("c3a9", nil), ("e282ac", nil), ("f09f9880", nil), ("f48fbfbf", nil), ("efbfbd", nil),
            ("c0af", 1), ("c1bf", 1), ("e09f80", 1), ("eda080", 1), ("f08fbfbf", 1), ("f4908080", 1), ("f5", 1), ("ff", 1),
            ("80", 1), ("41bf", 2), ("c3a9a9", 1), ("41e282", 2), ("c3", 1), ("4142c3a941f0", 6),
        ]
        for (hex, bad) in cases {
            let got: Int? = try f.db.scalar("SELECT bad_byte FROM utf8_input WHERE arg = json_array(CAST(x'\(hex)' AS TEXT))", as: Int?.self) ?? nil
            #expect(got == bad, "\(hex)")
        }
        #expect(try f.db.scalar("SELECT count(*) FROM utf8_input WHERE arg = json_array(NULL) AND bad_byte IS NULL", as: Int.self) == 1)
    }

    @Test(arguments: Writer.allCases)
    func textIsOneLineOfReadableSize(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.capture(["email": "a@example.com", "title": "CEO\u{0}"]) }?.message
            == "invalid_text: title contains a NUL byte")
        #expect(f.violation { try f.capture(["email": "a@example.com", "first_name": String(repeating: "x", count: 501)]) }?.message
            == "invalid_text: first_name has 501 characters (at most 500)")
        #expect(f.violation { try f.capture(["phone": "+14155550101\u{0}"]) }?.message == "invalid_text: phone contains a NUL byte")
        // Control characters (what moves a terminal's cursor or starts an escape sequence) are refused
        // inside a value; line breaks and tabs around one, as messy exports have them, are trimmed.
        #expect(f.violation { try f.capture(["email": "a@example.com", "first_name": "Eve\u{1B}[31mRED"]) }?.message
            == "invalid_text: first_name contains a control character (U+001B) at character 4; text is one line of printable characters")
        #expect(f.violation { try f.capture(["email": "a@example.com", "company": "Multi\nLine"]) }?.message
            == "invalid_text: company contains a control character (U+000A) at character 6; text is one line of printable characters")
        #expect(f.violation { try f.capture(["email": "a@example.com", "title": "x\u{9B}y"]) }?.message
            == "invalid_text: title contains a control character (U+009B) at character 2; text is one line of printable characters")
        #expect(f.violation { try f.capture(["email": "a@example.com", "detail": "ring\u{7}"]) }?.message
            == "invalid_text: detail contains a control character (U+0007) at character 5; text is printable characters, tabs and line breaks")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 0)
        let trimmed = try f.capture(["email": "\ttrim@example.com\r\n", "first_name": " Ada\t", "company": "\nAcme Inc\r\n", "detail": "line one\n\tline two"])
        #expect(try f.text("SELECT first_name || '|' || company FROM leads WHERE id = ?", [trimmed]) == "Ada|Acme Inc")
        #expect(try f.text("SELECT detail FROM activities WHERE lead_id = ?", [trimmed]) == "line one\n\tline two")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET title = 'CEO' || char(27) WHERE id = ?", [trimmed]) }?.message
            == "invalid_text: title contains a control character (U+001B) at character 4; text is one line of printable characters")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'call', 'a' || char(27) || '[2J')", [trimmed]) }?.message
            == "invalid_text: an activity for lead \(trimmed): detail contains a control character (U+001B) at character 2; text is printable characters, tabs and line breaks")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        // Empty text is no value; consent words are read the same way everywhere.
        let id = try f.capture(["email": "b@example.com", "company_size": "", "consent": ""])
        #expect(try f.lead(id).get("company_size", as: Int?.self) == nil)
        try f.db.execute("UPDATE leads SET company_size = '' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET consent = 'yes' WHERE id = ?", [id])
        #expect(try f.lead(id).get("consent", as: Int.self) == 1)
        #expect(f.violation { try f.db.execute("UPDATE leads SET consent = 'perhaps' WHERE id = ?", [id]) }?.code == "invalid_consent")
        try f.db.execute("UPDATE leads SET country = 'U.K.' WHERE id = ?", [id])
        #expect(try f.lead(id).get("country", as: String.self) == "GB")
    }

    @Test(arguments: Writer.allCases)
    func hour24AndTheClockGoingBackAreHandled(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "a@example.com"])
        #expect(f.violation { try f.log(id, "call", at: "2026-11-23T24:30:00Z") }?.message
            == "invalid_time: occurred_at 2026-11-23T24:30:00Z is not a time such as 2026-11-24T09:30:00Z")
        // An activity logged while the clock was shifted ahead does not make the score grow as the
        // clock comes back: read before its anchor, engagement counts at its anchor's value.
        try f.db.execute("UPDATE settings SET value = '+300 days' WHERE key = 'clock.shift'")
        try f.log(id, "demo_request")
        try f.db.execute("UPDATE settings SET value = NULL WHERE key = 'clock.shift'")
        #expect(try f.lead(id).get("score", as: Double.self) <= 40)
        // Ticks may be pruned, but the latest stays (its id numbers escalation runs).
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("DELETE FROM ticks WHERE id < (SELECT max(id) FROM ticks)")
        #expect(f.violation { try f.db.execute("DELETE FROM ticks") }?.code == "maintained")
    }

    @Test(arguments: Writer.allCases)
    func aBackfillThatLiftsANegativeScoreQualifies(writer: Writer) throws {
        let f = try LeadFixture(writer, now: "2026-11-20T09:00:00Z")
        try f.db.execute("DELETE FROM fit_rules")
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('title', 'word', 'ceo', 55)")
        let id = try f.capture(["email": "a@example.com", "title": "CEO", "captured_at": "2026-09-01T09:00:00Z"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.log(id, "unsubscribe", at: "2026-09-21T09:00:00Z")
        try f.log(id, "email_bounce", at: "2026-09-21T09:00:00Z")
        #expect(try f.lead(id).get("score", as: Double.self) < 50)
        try f.log(id, "pricing_page_view", at: "2026-09-20T09:00:00Z")
        #expect(try f.lead(id).get("score", as: Double.self) >= 50)
        #expect(try f.lead(id).get("stage", as: String.self) == "mql")
    }

    @Test(arguments: Writer.allCases)
    func escalationsSkipInactiveManagers(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(9, "Boss", "default", 0), (1, "Ana", "default", 10), (2, "Lee", "default", 0)])
        try f.db.execute("UPDATE reps SET manager_id = 9 WHERE id = 1")
        try f.db.execute("UPDATE teams SET manager_id = 2 WHERE name = 'default'")
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 9")
        #expect(try f.int("SELECT manager_id FROM rep_escalation_managers WHERE rep_id = 1") == 2)
        let id = try f.capture(["email": "a@example.com"])
        try f.setClock("2026-11-25T09:40:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT rep_id FROM outbox WHERE kind = 'sla_escalation' AND lead_id = ?", [id]) == 2)
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        #expect(try f.text("SELECT problem FROM rep_problems WHERE id = 1")
            == "no_manager: escalations for rep 1 (Ana) reach nobody: set reps.manager_id or teams.manager_id for team default to an active rep")
    }

    /// ALTER TABLE checks every trigger of the schema again: one that named a column its table does not
    /// have (an UPDATE OF id on routing_requests) made every rename fail, on any table.
    @Test(arguments: Writer.allCases)
    func alterTableWorksOnEveryLeadDBDatabase(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("CREATE TABLE call_notes(lead_id INTEGER, note TEXT)")
        try f.db.execute("ALTER TABLE call_notes RENAME TO rep_notes")
        try f.db.execute("ALTER TABLE rep_notes RENAME COLUMN note TO body")
        try f.db.execute("ALTER TABLE rep_notes ADD COLUMN written_at TEXT")
        try f.db.execute("ALTER TABLE rep_notes DROP COLUMN written_at")
        #expect(try f.int("SELECT count(*) FROM pragma_table_info('rep_notes') WHERE name IN ('lead_id', 'body')") == 2)
        // Every column a trigger names in UPDATE OF is its table's.
        let strays = try f.db.query("""
            SELECT t.name FROM sqlite_schema AS t
             WHERE t.type = 'trigger' AND t.sql LIKE '% UPDATE OF id ON %'
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info(t.tbl_name) WHERE name = 'id')
            """)
        #expect(strays.isEmpty, "\(strays)")
        try f.checkIntegrity()
    }
}
