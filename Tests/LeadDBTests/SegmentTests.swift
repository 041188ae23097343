import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// Tags and segments (Schema/36_segments.sql): rules as data read as fit rules read them, the members
/// now, every writer checked, sequences and routing rules that target a segment, and filtered lists.
@Suite struct SegmentTests {
    func members(_ f: LeadFixture, _ segment: String) throws -> [Int64] {
        try f.db.query("SELECT lead_id FROM segment_members WHERE segment = ? ORDER BY lead_id", [segment]).map { try $0.get(0, as: Int64.self) }
    }

    func rules(_ f: LeadFixture, _ segment: String, match: String = "all", _ rows: [(String, String, String?)]) throws {
        try f.db.execute("INSERT INTO segments(name, match) VALUES (?, ?)", [segment, match])
        for (attribute, op, value) in rows {
            try f.db.execute("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES (?, ?, ?, ?)", [segment, attribute, op, value])
        }
    }

    @Test(arguments: Writer.allCases)
    func aSegmentsMembersAreTheLeadsThatMeetItsRulesNow(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let de = try f.capture(["email": "kai@acme.de", "first_name": "Kai", "country": "DEU", "title": "VP Sales", "company_size": 1200,
                                "source": "webinar", "custom": "{\"budget\": 50000}"])
        let gb = try f.capture(["email": "amy@acme.co.uk", "first_name": "Amy", "country": "UK", "title": "Intern", "company_size": 40, "source": "ads"])
        let none = try f.capture(["email": "zed@example.org", "source": "Webinar"])
        try f.db.execute("UPDATE leads SET owner_id = NULL WHERE id = ?", [none])
        try f.db.execute("INSERT INTO lead_tags(lead_id, tag, tagged_by) VALUES (?, 'vip', 'Ana')", [gb])
        try rules(f, "big-de", [("country", "=", "Germany"), ("company_size", ">=", "1000"), ("title", "contains", "vp"), ("custom.budget", ">=", "10000")])
        try rules(f, "webinar-or-vip", match: "any", [("source", "=", "WEBINAR"), ("tag", "=", "vip")])
        try rules(f, "not-uk", [("country", "!=", "United Kingdom"), ("source", "in", "[\"ads\", \"webinar\"]")])
        try rules(f, "unowned", [("owner", "=", "none")])
        try rules(f, "anas", [("owner", "=", "ana")])
        try rules(f, "untagged", [("tag", "!=", "vip"), ("country", "=", "none")])
        #expect(try members(f, "big-de") == [de])
        #expect(try members(f, "webinar-or-vip") == [de, gb, none])
        #expect(try members(f, "not-uk") == [de])
        #expect(try members(f, "unowned") == [none])
        #expect(try members(f, "anas") == [de, gb])
        #expect(try members(f, "untagged") == [none])
        // Activities in a window, read at now: two clicks this week make Amy a member, and she leaves
        // when the clock moves on.
        try f.db.execute("INSERT INTO segments(name) VALUES ('clicking')")
        try f.db.execute("INSERT INTO segment_rules(segment, attribute, operator, value, kind, days) VALUES ('clicking', 'activities', '>=', 2, 'email_click', 7)")
        try f.log(gb, "email_click", at: "2026-11-23T09:00:00.000Z")
        #expect(try members(f, "clicking") == [])
        try f.log(gb, "email_click")
        #expect(try members(f, "clicking") == [gb])
        try f.setClock("2026-12-01T10:00:00.000Z")
        #expect(try members(f, "clicking") == [])
        // A score rule reads the score as leads.score gives it now; an erased lead is nobody's member.
        try rules(f, "warm", [("score", ">=", "5")])
        #expect(try members(f, "warm") == [de, gb, none])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [gb])
        #expect(try members(f, "warm") == [de, none])
        #expect(try f.int("SELECT count(*) FROM lead_tags") == 0)
        // The same rules, one-off, as JSON.
        #expect(try f.db.query("SELECT lead_id FROM lead_filter WHERE arg = ?", ["{\"match\":\"all\",\"rules\":[[\"stage\",\"!=\",\"customer\"],[\"source\",\"=\",\"webinar\"]]}"])
            .map { try $0.get(0, as: Int64.self) } == [de, none])
    }

    @Test(arguments: Writer.allCases)
    func segmentsRulesAndTagsAreCheckedForEveryWriter(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let lead = try f.capture(["email": "kai@acme.de"])
        try rules(f, "ok", [("stage", "=", "mql")])
        let refusals: [(String, String)] = [
            ("INSERT INTO segments(name) VALUES ('Big Deals')", "invalid_config: a segment is named with 1 to 40 lower-case letters, digits, _ or -; got 'Big Deals'"),
            ("INSERT INTO segments(name, match) VALUES ('x', 'most')", "invalid_config: segment x matches all of its rules or any; got 'most'"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('nope', 'stage', '=', 'mql')",
             "invalid_config: segment rule 2 names segment 'nope', which does not exist"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('ok', 'salary', '=', '1')",
             "invalid_config: segment rule 2 reads 'salary', which is not an attribute a segment reads (email, first_name, last_name, phone, company, title, industry, country, source, campaign, stage, lost_reason, created_at, company_size, score, fit_score, engagement, amount, consent, owner, tag, activities, custom.NAME)"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('ok', 'tag', 'contains', 'v')",
             "invalid_config: segment rule 2 compares tag with 'contains' (operators: =, != and in)"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('ok', 'source', 'in', 'webinar')",
             "invalid_config: segment rule 2: in takes a JSON array of accepted values such as [\"webinar\", \"ads\"]; got 'webinar'"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('ok', 'score', '>=', 'high')",
             "invalid_config: segment rule 2: score >= takes a number; got 'high'"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value, kind) VALUES ('ok', 'stage', '=', 'mql', 'call')",
             "invalid_config: segment rule 2: kind 'call' is for an activities rule and names an activity kind"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value, days) VALUES ('ok', 'activities', '>=', 1, -3)",
             "invalid_config: segment rule 2: days is for an activities rule and is a number of days above 0; got -3.0"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('ok', 'title', 'contains', 'a' || char(27) || '[2J')",
             "invalid_config: segment rule 2: a value is one line of at most 500 printable characters"),
            ("UPDATE segment_rules SET operator = 'like'", "invalid_config: segment rule 1 compares stage with 'like' (operators: =, !=, contains, >=, <= and in)"),
            ("UPDATE nurture_sequences SET segment = 'nope' WHERE id = 1", "invalid_config: nurture sequence default targets segment 'nope', which does not exist"),
            ("INSERT INTO lead_tags(lead_id, tag) VALUES (\(lead), 'VIP')", "invalid_text: a tag is 1 to 40 lower-case letters, digits, _ or -; got 'VIP'"),
            ("INSERT INTO lead_tags(lead_id, tag) VALUES (99, 'vip')", "unknown_lead: no lead has id 99"),
            ("INSERT INTO lead_tags(lead_id, tag, tagged_at) VALUES (\(lead), 'vip', '2020-01-01T00:00:00.000Z')",
             "maintained: tagged_at is when the tag was put on, written by LeadDB; give none"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        try f.db.execute("INSERT INTO lead_tags(lead_id, tag) VALUES (?, 'vip')", [lead])
        #expect(try f.text("SELECT tagged_at FROM lead_tags") == LeadFixture.start)
        #expect(f.violation { try f.db.execute("UPDATE lead_tags SET tag = 'gold'") }?.message == "read_only: a tag is put on or taken off (INSERT or DELETE), not changed")
        // A segment a sequence targets stays; renamed, its rules and the sequence follow it; deleted, its rules go.
        try f.db.execute("UPDATE nurture_sequences SET segment = 'ok' WHERE id = 1")
        #expect(f.violation { try f.db.execute("DELETE FROM segments WHERE name = 'ok'") }?.message
            == "rule_in_use: segment ok is targeted by nurture sequence default; point that elsewhere first")
        try rules(f, "other", [("stage", "=", "new")])
        #expect(f.violation { try f.db.execute("UPDATE OR REPLACE segments SET name = 'other' WHERE name = 'ok'") }?.message
            == "already_exists: segment other exists; rename to a name not in use")
        try f.db.execute("UPDATE segments SET name = 'mqls' WHERE name = 'ok'")
        #expect(try f.text("SELECT segment FROM segment_rules WHERE id = 1") == "mqls")
        #expect(try f.text("SELECT segment FROM nurture_sequences WHERE id = 1") == "mqls")
        try f.db.execute("UPDATE nurture_sequences SET segment = NULL WHERE id = 1")
        try f.db.execute("DELETE FROM segments WHERE name = 'mqls'")
        #expect(try f.int("SELECT count(*) FROM segment_rules") == 1)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aSequenceAndARoutingRuleTakeTheirSegmentsLeadsOnly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO teams(name, method) VALUES ('vip', 'round_robin')")
        try f.reps([(1, "Ana", "default", 10), (2, "Vic", "vip", 10)])
        try rules(f, "big", [("company_size", ">=", "1000")])
        try f.db.execute("INSERT INTO routing_rules(priority, team, segment) VALUES (1, 'vip', 'big')")
        try f.db.execute("INSERT INTO nurture_sequences(name, priority, segment) VALUES ('enterprise', 1, 'big')")
        try f.db.execute("INSERT INTO nurture_steps(sequence_id, position, delay_days, subject) VALUES ((SELECT id FROM nurture_sequences WHERE name = 'enterprise'), 1, 1, 'For teams your size')")
        let big = try f.capture(["email": "cio@bigco.com", "company_size": 5000, "consent": 1])
        let small = try f.capture(["email": "owner@tiny.com", "company_size": 5, "consent": 1])
        #expect(try f.int("SELECT owner_id FROM leads WHERE id = ?", [big]) == 2)
        #expect(try f.int("SELECT owner_id FROM leads WHERE id = ?", [small]) == 1)
        for lead in [big, small] { try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [lead]) }
        #expect(try f.db.query("SELECT e.lead_id || ' ' || q.name FROM nurture_enrollments AS e JOIN nurture_sequences AS q ON q.id = e.sequence_id ORDER BY e.lead_id")
            .map { try $0.get(0, as: String.self) } == ["\(big) enterprise", "\(small) default"])
    }

    @Test(arguments: Writer.allCases)
    func aMergeMovesTheTagsTheKeptLeadLacksAndAnUndoTakesThemBack(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let kept = try f.capture(["email": "jo@acme.com"])
        let merged = try f.capture(["email": "jo+x@acme.com"])
        try f.db.execute("INSERT INTO lead_tags(lead_id, tag) VALUES (?, 'vip'), (?, 'vip'), (?, 'expo')", [kept, merged, merged])
        try f.db.execute("INSERT INTO merges(kept_id, merged_id) VALUES (?, ?)", [kept, merged])
        #expect(try f.db.query("SELECT lead_id || ' ' || tag FROM lead_tags ORDER BY lead_id, tag").map { try $0.get(0, as: String.self) }
            == ["\(kept) expo", "\(kept) vip", "\(merged) vip"])
        try f.db.execute("INSERT INTO merge_undos(merge_id) VALUES (1)")
        #expect(try f.db.query("SELECT lead_id || ' ' || tag FROM lead_tags ORDER BY lead_id, tag").map { try $0.get(0, as: String.self) }
            == ["\(kept) vip", "\(merged) expo", "\(merged) vip"])
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
    }

    @Test(arguments: Writer.allCases)
    func valuesAreReadAsAPersonMeansThemAndWhatARuleNamesStays(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let a = try f.capture(["email": "a@a1.com", "first_name": "Émile", "company": "Acme, Inc.", "consent": 1])
        let b = try f.capture(["email": "b@b2.com", "first_name": "émile", "company": "Nonesuch", "consent": 0])
        let c = try f.capture(["email": "c@c3.com", "first_name": "ÉMILE"])
        func filter(_ rules: String, match: String = "all") throws -> [Int64] {
            try f.db.query("SELECT lead_id FROM lead_filter WHERE arg = ? ORDER BY lead_id", ["{\"match\":\"\(match)\",\"rules\":\(rules)}"])
                .map { try $0.get(0, as: Int64.self) }
        }
        #expect(try filter(#"[["consent","=","yes"]]"#) == [a])
        #expect(try filter(#"[["consent","=","no"]]"#) == [b])
        #expect(try filter(#"[["first_name","=","EMILE"]]"#) == [a, b, c])
        #expect(try filter(#"[["first_name","contains","mil"]]"#) == [a, b, c])
        #expect(try filter(#"[["company","contains","none"]]"#) == [b])
        #expect(try filter(#"[["company","in",["none","acme, inc."]]]"#) == [a, c])
        #expect(try filter(#"[["created_at",">=","2026-11-24T09:00:00Z"]]"#) == [a, b, c])
        #expect(try filter(#"[["created_at","<=","2026-11-24"]]"#) == [a, b, c])
        #expect(try filter(#"[["created_at","<=","2026-11-23"]]"#) == [])
        // A segment with no rules has nobody in it.
        try f.db.execute("INSERT INTO segments(name) VALUES ('empty')")
        #expect(try members(f, "empty") == [])
        let refusals: [(String, String)] = [
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('empty', 'consent', '=', 'maybe')",
             "invalid_config: segment rule 1: consent = takes yes or no; got 'maybe'"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('empty', 'company_size', '=', '15abc')",
             "invalid_config: segment rule 1: company_size = takes a number; got '15abc'"),
            ("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('empty', 'owner', '=', 'Nobody')",
             "invalid_config: segment rule 1 names a rep there is not: 'Nobody'"),
            ("INSERT INTO segments(name) VALUES ('empty')", "already_exists: segment empty exists; change it with UPDATE segments"),
            ("INSERT OR REPLACE INTO lead_tags(lead_id, tag) VALUES (\(a), 'vip')", "already_exists: lead \(a) has tag vip"),
        ]
        try f.db.execute("INSERT INTO lead_tags(lead_id, tag) VALUES (?, 'vip')", [a])
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // What a rule names stays, or follows: a kind, a custom field, a rep's name.
        try f.db.execute("""
            INSERT INTO segment_rules(segment, attribute, operator, value, kind) VALUES
                ('empty', 'activities', '>=', 1, 'page_view'), ('empty', 'custom.need', '=', 'none', NULL), ('empty', 'owner', 'in', '["ana", "Ben"]', NULL)
            """)
        #expect(f.violation { try f.db.execute("DELETE FROM activity_kinds WHERE kind = 'page_view'") }?.message
            == "kind_in_use: activity kind page_view is counted by segment rule 1; change that rule first")
        #expect(f.violation { try f.db.execute("DELETE FROM custom_fields WHERE name = 'need'") }?.message
            == "field_in_use: custom field need is read by segment rule 2; change that rule first")
        try f.db.execute("UPDATE reps SET name = 'Anna' WHERE id = 1")
        #expect(try f.text("SELECT value FROM segment_rules WHERE id = 3") == #"["Anna","Ben"]"#)
        // A rule naming a person's email names nobody once they are erased.
        try f.db.execute("INSERT INTO segments(name) VALUES ('people')")
        try f.db.execute("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('people', 'email', 'in', '[\"a@a1.com\", \"b@b2.com\"]'), ('people', 'email', '!=', 'A@A1.com')")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [a])
        #expect(try f.db.query("SELECT value FROM segment_rules WHERE segment = 'people' ORDER BY id").map { try $0.get(0, as: String.self) }
            == [#"["b@b2.com"]"#, "(erased)"])
        #expect(try f.db.query("SELECT * FROM invariant_problems").isEmpty)
        // A rule a later change left naming nothing is named by the check.
        try f.db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (3, 'Cy', 'default', 10)")
        try f.db.execute("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('people', 'owner', '=', 'Cy')")
        try f.db.execute("DELETE FROM reps WHERE id = 3")
        #expect(try f.db.query("SELECT invariant || ': ' || subject || ': ' || problem FROM invariant_problems").map { try $0.get(0, as: String.self) }
            == ["segment: segment rule 6: invalid_config: segment rule 6 names a rep there is not: 'Cy'"])
    }

    @Test(arguments: Writer.allCases)
    func aTargetedSequenceWithNoStepsLetsItsLeadsGoOnToTheNext(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let lead = try f.capture(["email": "vip@acme.com", "consent": 1])
        try f.db.execute("INSERT INTO lead_tags(lead_id, tag) VALUES (?, 'vip')", [lead])
        try rules(f, "vips", [("tag", "=", "vip")])
        try f.db.execute("INSERT INTO nurture_sequences(name, priority, segment) VALUES ('vip-seq', 1, 'vips')")
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [lead])
        #expect(try f.text("SELECT q.name FROM nurture_enrollments AS e JOIN nurture_sequences AS q ON q.id = e.sequence_id") == "default")
    }

    @Test func theAPIListsTagsAndReadsSegments() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("segments.db"))
        try store.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
        let kai = try store.capture(NewLead(email: "kai@acme.de", name: "Kai Roe", country: "Germany", source: "webinar")).lead
        let amy = try store.capture(NewLead(email: "amy@acme.co.uk", name: "Amy Poe", country: "UK", source: "webinar")).lead
        #expect(try store.tag(kai.id, [" VIP ", "expo", "vip"], by: "Ana") == ["vip", "expo"])
        #expect(try store.tags(lead: kai.id) == ["expo", "vip"])
        #expect(try store.untag(kai.id, ["expo", "gold"]) == ["expo"])
        #expect(try store.leads(matching: [SegmentRule("source", "=", "webinar")], sort: "email").map(\.id) == [amy.id, kai.id])
        #expect(try store.leads(matching: [SegmentRule("country", "=", "de"), SegmentRule("tag", "=", "vip")]).map(\.id) == [kai.id])
        #expect(try store.leads(matching: [SegmentRule("tag", "=", "vip"), SegmentRule("country", "=", "GB")], matchAll: false).map(\.id).sorted() == [kai.id, amy.id])
        let bad = try #require(throws: LeadError.self) { try store.leads(matching: [SegmentRule("salary", ">=", "1")]) }
        #expect(bad.code == "invalid_config")
        let sort = try #require(throws: LeadError.self) { try store.leads(matching: [], sort: "-password") }
        #expect(sort.code == "invalid_config")
        let unknown = try #require(throws: LeadError.self) { try store.segmentMembers("nope") }
        #expect(unknown.message == "unknown_segment: no segment is named nope")
        try store.write { db in
            try db.execute("INSERT INTO segments(name) VALUES ('uk')")
            try db.execute("INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('uk', 'country', '=', 'United Kingdom')")
        }
        #expect(try store.segmentMembers("uk").map(\.id) == [amy.id])
    }
}
