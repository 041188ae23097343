import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Custom fields (Schema/33_custom_fields.sql): defined as data, read and checked on every write by every
/// writer, given at capture and import, required at a stage, and read by fit and routing rules.
@Suite struct CustomFieldTests {
    static let bant = #"{"budget": "50000", "authority": "Yes", "need": " CRM for 40 reps ", "timeline": "2027-03-31", "product_interest": "analytics"}"#

    @Test(arguments: Writer.allCases)
    func aCaptureGivesValuesReadAsTheirFieldsSay(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "ada@example.com", "custom": Self.bant])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id])
            == #"{"budget":50000,"authority":1,"need":"CRM for 40 reps","timeline":"2027-03-31","product_interest":"Analytics"}"#)
        #expect(try f.double("SELECT json_extract(custom, '$.budget') FROM leads") == 50000)
        // A merge fills only the fields the lead has no value for.
        try f.capture(["email": "ADA@example.com", "custom": #"{"budget": 1, "product_interest": "CRM", "need": null}"#])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id])
            == #"{"budget":50000,"authority":1,"need":"CRM for 40 reps","timeline":"2027-03-31","product_interest":"Analytics"}"#)
        // No values: NULL, not an empty object.
        let plain = try f.capture(["email": "bob@example.com", "custom": #"{"need": "  ", "budget": null}"#])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [plain]) == nil)
        // The capture's export holds them.
        #expect(try f.text("SELECT json_extract(document, '$.lead.custom.need') FROM lead_export WHERE lead_id = ?", [id]) == "CRM for 40 reps")
    }

    @Test(arguments: Writer.allCases)
    func aValueThatCannotBeReadIsRefusedNamingTheFieldAndNothingIsStored(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let cases: [(String, String, String?)] = [
            (#"{"budget": "lots"}"#, "invalid_field: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got 'lots'", "budget"),
            (#"{"budget": "12,000"}"#, "invalid_field: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got '12,000'", "budget"),
            (#"{"budget": 1e30}"#, "invalid_field: budget must be below 1e15 in size (numbers keep 15 significant digits); got 1.0e+30", "budget"),
            (#"{"budget": true}"#, "invalid_field: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got 1", "budget"),
            (#"{"timeline": "2027-02-30"}"#, "invalid_field: timeline must be a day such as 2027-03-31; got '2027-02-30'", "timeline"),
            (#"{"timeline": "next spring"}"#, "invalid_field: timeline must be a day such as 2027-03-31; got 'next spring'", "timeline"),
            (#"{"product_interest": "Toaster"}"#, "invalid_field: product_interest must be one of CRM, Analytics, Support, Platform; got 'Toaster'", "product_interest"),
            (#"{"authority": "maybe"}"#, "invalid_field: authority must be true or false (or yes, no, 1, 0); got 'maybe'", "authority"),
            (#"{"need": ["a", "b"]}"#, #"invalid_field: need must be text; got ["a","b"]"#, "need"),
            (#"{"need": "line\u001b[2J"}"#, "invalid_field: need contains a control character; text is one line of printable characters", "need"),
            (#"{"colour": "red"}"#, "invalid_field: no custom field is named colour (fields: budget, authority, need, timeline, product_interest)", "colour"),
            ("[1, 2]", #"invalid_field: custom must be a JSON object of field values such as {"budget": 50000}; got [1, 2]"#, nil),
            ("budget=5", #"invalid_field: custom must be a JSON object of field values such as {"budget": 50000}; got budget=5"#, nil),
        ]
        for (custom, message, field) in cases {
            let v = f.violation { try f.db.execute("INSERT INTO lead_intake(email, custom) VALUES ('x@example.com', ?)", [custom]) }
            #expect(v?.code == "invalid_field", "\(custom)")
            #expect(v?.message == message, "\(custom)")
            #expect(v?.string("field") == field, "\(custom)")
        }
        #expect(try f.int("SELECT count(*) FROM lead_records") == 0)
        #expect(try f.int("SELECT count(*) FROM captures") == 0)
    }

    @Test(arguments: Writer.allCases)
    func anUpdateIsAMergePatchAndADirectWriteMustBeStoredAsRead(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "ada@example.com", "custom": Self.bant])
        try f.db.execute(#"UPDATE leads SET custom = '{"budget": "75000.5", "need": null}' WHERE id = ?"#, [id])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id])
            == #"{"budget":75000.5,"authority":1,"timeline":"2027-03-31","product_interest":"Analytics"}"#)
        let bad = f.violation { try f.db.execute(#"UPDATE leads SET custom = '{"authority": "perhaps"}' WHERE id = ?"#, [id]) }
        #expect(bad?.message == "invalid_field: lead 1: authority must be true or false (or yes, no, 1, 0); got 'perhaps'")
        #expect(bad?.int("lead") == 1)
        // Written directly: as stored, or refused.
        let loose = f.violation { try f.db.execute(#"UPDATE lead_records SET custom = '{ "budget": 1 }' WHERE id = ?"#, [id]) }
        #expect(loose?.message == #"invalid_field: the custom values of lead 1 are not stored as read ({"budget":1}): write them through UPDATE leads SET custom = ... or lead_intake"#)
        let number = f.violation { try f.db.execute("UPDATE lead_records SET custom = 5 WHERE id = ?", [id]) }
        #expect(number?.message == #"invalid_field: lead 1: custom must be a JSON object of field values such as {"budget": 50000}; got 5"#)
        try f.db.execute(#"UPDATE lead_records SET custom = '{"budget":1}' WHERE id = ?"#, [id])
        #expect(try f.double("SELECT json_extract(custom, '$.budget') FROM leads") == 1)
        // NULL clears every value.
        try f.db.execute("UPDATE leads SET custom = NULL WHERE id = ?", [id])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id]) == nil)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aRequiredFieldIsNeededToEnterItsStageAndStaysThere(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "ada@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.db.execute("UPDATE custom_fields SET required_at_stage = 'sql' WHERE name IN ('budget', 'need')")
        let move = f.violation { try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id]) }
        #expect(move?.code == "missing_field")
        #expect(move?.message == #"missing_field: lead 1 needs budget (Budget) to be in sql: UPDATE leads SET custom = '{"budget": ...}', stage = 'sql'"#)
        #expect(move?.string("field") == "budget")
        try f.db.execute(#"UPDATE leads SET stage = 'sql', custom = '{"budget": 20000, "need": "CRM"}' WHERE id = ?"#, [id])
        #expect(try f.text("SELECT stage FROM leads WHERE id = ?", [id]) == "sql")
        let removed = f.violation { try f.db.execute(#"UPDATE leads SET custom = '{"need": null}' WHERE id = ?"#, [id]) }
        #expect(removed?.message == #"missing_field: lead 1 needs need (Need) to be in sql: UPDATE leads SET custom = '{"need": ...}'"#)
        // A later stage needs it too; a lost one does not.
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 5000 WHERE id = ?", [id])
        let cleared = f.violation { try f.db.execute("UPDATE lead_records SET custom = NULL WHERE id = ?", [id]) }
        #expect(cleared?.message == #"missing_field: lead 1 needs budget (Budget) to be in opportunity (required from sql on): UPDATE leads SET custom = '{"budget": ...}'"#)
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET custom = NULL WHERE id = ?", [id])
        // Requiring a field that leads in the stage lack is refused, counting them.
        try f.db.execute("UPDATE custom_fields SET required_at_stage = NULL")
        let other = try f.capture(["email": "bob@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [other])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [other])
        let late = f.violation { try f.db.execute("UPDATE custom_fields SET required_at_stage = 'sql' WHERE name = 'timeline'") }
        #expect(late?.message == "missing_field: 1 leads in sql or a later stage have no timeline (lead 2 first); give them one before requiring it")
        let automatic = f.violation { try f.db.execute("UPDATE custom_fields SET required_at_stage = 'mql' WHERE name = 'timeline'") }
        #expect(automatic?.message == "invalid_config: custom field timeline cannot be required at mql (leads reach mql and the stages before it by themselves, and a lost lead needs no more facts: require it after mql)")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func fitAndRoutingRulesReadCustomFields(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO teams(name) VALUES ('analytics')")
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "analytics", 10)])
        try f.db.execute(#"INSERT INTO routing_rules(priority, team, custom, description) VALUES (1, 'analytics', '{"product_interest": ["analytics", "platform"]}', 'Analytics buyers')"#)
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points, description) VALUES ('custom.budget', '>=', '50000', 25, 'Budget of 50k or more')")
        let a = try f.capture(["email": "a@example.com", "custom": #"{"product_interest": "Analytics", "budget": 60000}"#])
        let b = try f.capture(["email": "b@example.com", "custom": #"{"product_interest": "CRM", "budget": 100}"#])
        let c = try f.capture(["email": "c@example.com"])
        #expect(try [f.owner(a), f.owner(b), f.owner(c)] == [2, 1, 1])
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ?", [a])
            == "captured: routing rule 1 (Analytics buyers), team analytics; Ben was assigned least recently (never)")
        #expect(try [f.double("SELECT fit_score FROM leads WHERE id = ?", [a]), f.double("SELECT fit_score FROM leads WHERE id = ?", [b])] == [25, 0])
        // A changed value rescoring the lead at once.
        try f.db.execute(#"UPDATE leads SET custom = '{"budget": 50000}' WHERE id = ?"#, [b])
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [b]) == 25)
        let refusals: [(String, String)] = [
            ("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('custom.colour', '=', 'red', 5)",
             "invalid_config: fit rule 18 reads custom.colour, which is not a custom field (fields: budget, authority, need, timeline, product_interest)"),
            (#"INSERT INTO routing_rules(team, custom) VALUES ('default', '{"colour": "red"}')"#,
             #"invalid_config: routing_rules.custom of rule 2 must be a JSON object of custom fields and accepted values such as {"product_interest": ["CRM", "Analytics"]}; no custom field is named colour; got '{"colour": "red"}'"#),
            ("INSERT INTO routing_rules(team, custom) VALUES ('default', 'analytics')",
             #"invalid_config: routing_rules.custom of rule 2 must be a JSON object of custom fields and accepted values such as {"product_interest": ["CRM", "Analytics"]}; got 'analytics'"#),
            ("DELETE FROM custom_fields WHERE name = 'budget'", "field_in_use: custom field budget has values on leads or is read by a fit or routing rule; it is not deleted"),
            ("UPDATE custom_fields SET type = 'text' WHERE name = 'budget'", "field_in_use: custom field budget has values on 2 leads; its name and type stay (add a new field instead)"),
            ("UPDATE custom_fields SET name = 'interest' WHERE name = 'product_interest'", "field_in_use: custom field product_interest has values on 2 leads; its name and type stay (add a new field instead)"),
            (#"UPDATE custom_fields SET choices = '["CRM", "Support"]' WHERE name = 'product_interest'"#,
             "field_in_use: custom field product_interest has leads with a choice the new choices leave out; keep every choice in use"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func fieldsAreDefinedAsData(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute(#"INSERT INTO custom_fields(name, type, choices, label) VALUES ('tier', 'choice', '["Gold", "Silver"]', 'Customer tier')"#)
        let id = try f.capture(["email": "a@example.com", "custom": #"{"tier": "gold"}"#])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id]) == #"{"tier":"Gold"}"#)
        // A choice added keeps the others; the field's new choice is read at once.
        try f.db.execute(#"UPDATE custom_fields SET choices = '["Gold", "Silver", "Bronze"]' WHERE name = 'tier'"#)
        try f.db.execute(#"UPDATE leads SET custom = '{"tier": "BRONZE"}' WHERE id = ?"#, [id])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id]) == #"{"tier":"Bronze"}"#)
        let refusals: [(String, String)] = [
            ("INSERT INTO custom_fields(name, type) VALUES ('Bad Name', 'text')",
             "invalid_config: a custom field's name is lower-case letters, digits and _ (starting with a letter, at most 64); got 'Bad Name'"),
            ("INSERT INTO custom_fields(name, type) VALUES ('size', 'integer')",
             "invalid_config: custom field size has type 'integer' (types: text, number, date, choice, boolean)"),
            ("INSERT INTO custom_fields(name, type, choices) VALUES ('plan', 'choice', '[\"A\", \"a\"]')",
             #"invalid_config: custom field plan is a choice: choices must be a JSON array of distinct texts such as ["CRM", "Analytics"]; got '["A", "a"]'"#),
            ("INSERT INTO custom_fields(name, type, choices) VALUES ('note', 'text', '[\"x\"]')", "invalid_config: custom field note is a text: only a choice has choices"),
            ("INSERT INTO custom_fields(name, type, required_at_stage) VALUES ('region', 'text', 'nowhere')", "unknown_stage: custom field region is required at nowhere, which is not a stage"),
            ("INSERT OR REPLACE INTO custom_fields(name, type) VALUES ('tier', 'text')", "already_exists: custom field tier exists; update it instead"),
            ("INSERT INTO custom_fields(name, type, position) VALUES ('rank', 'number', 'first')", "invalid_config: custom_fields.position of rank must be a whole number; got 'first'"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // A field without values is removed.
        try f.db.execute("DELETE FROM custom_fields WHERE name = 'need'")
        #expect(try f.int("SELECT count(*) FROM custom_fields") == 5)
    }

    @Test(arguments: Writer.allCases)
    func anImportGivesValuesAndAnErasureRemovesThem(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO lead_imports(email, custom) VALUES ('a@example.com', ?), ('b@example.com', NULL)", [#"{"need": "Jo's private need"}"#])
        try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        #expect(try f.db.query("SELECT status FROM lead_imports ORDER BY id").map { try $0.get(0, as: String.self) } == ["created", "created"])
        #expect(try f.text("SELECT custom FROM leads WHERE email = 'a@example.com'") == #"{"need":"Jo's private need"}"#)
        #expect(try f.int("SELECT count(*) FROM lead_imports WHERE custom IS NOT NULL") == 0)
        try f.db.execute("INSERT INTO lead_imports(email, custom) VALUES ('c@example.com', '{\"budget\": \"x\"}')")
        let refused = f.violation { try f.db.execute("INSERT INTO lead_import_run DEFAULT VALUES") }
        #expect(refused?.message == "invalid_field: budget must be a number such as 50000 or 12500.50 (no separators, units or currency); got 'x' (lead_imports row 3)")
        try f.db.execute("DELETE FROM lead_imports WHERE status = 'pending'")

        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        #expect(try f.text("SELECT custom FROM lead_records WHERE id = 1") == nil)
        let back = f.violation { try f.db.execute(#"UPDATE lead_records SET custom = '{"need":"x"}' WHERE id = 1"#) }
        #expect(back?.code == "erased_lead")
        try f.checkIntegrity()
    }

    /// From the attack on custom fields: what slipped past the rules before, refused or read as stored.
    @Test(arguments: Writer.allCases)
    func customFieldGuardsHoldAgainstWhatTheAttackTried(writer: Writer) throws {
        let f = try LeadFixture(writer)
        // A field required before mql would have failed the automatic move to mql (an activity, a fit
        // rule change, the tick): refused.
        #expect(f.violation { try f.db.execute("UPDATE custom_fields SET required_at_stage = 'contacted' WHERE name = 'need'") }?.message
            == "invalid_config: custom field need cannot be required at contacted (leads reach mql and the stages before it by themselves, and a lost lead needs no more facts: require it after mql)")
        // A key given twice is refused; numbers are stored in one form.
        #expect(f.violation { try f.db.execute(#"INSERT INTO lead_intake(email, custom) VALUES ('a@example.com', '{"budget": 1, "budget": 2}')"#) }?.message
            == "invalid_field: custom names budget more than once")
        let id = try f.capture(["email": "a@example.com", "custom": #"{"budget": 50000.00, "authority": true}"#])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id]) == #"{"budget":50000,"authority":1}"#)
        #expect(f.violation { try f.db.execute(#"INSERT INTO lead_intake(email, custom) VALUES ('b@example.com', '{"budget": "999999999999999.9"}')"#) }?.message
            == "invalid_field: budget must be below 1e15 in size (numbers keep 15 significant digits); got 999999999999999.9")
        // A merge adds what is new and keeps the order of what was there.
        try f.capture(["email": "a@example.com", "custom": #"{"need": "x", "budget": 7}"#])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [id]) == #"{"budget":50000,"authority":1,"need":"x"}"#)
        // Rules compare values as stored.
        let refusals: [(String, String)] = [
            ("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('custom.need', '>=', '5', 5)",
             "invalid_config: fit rule 17 on custom.need: >= compares numbers and days, and need is a text"),
            ("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('custom.authority', '=', 'yes', 5)",
             "invalid_config: fit rule 17 on custom.authority: write the value as authority stores it: '1'"),
            (#"INSERT INTO routing_rules(team, custom) VALUES ('default', '{"product_interest": "Nope"}')"#,
             "invalid_config: routing_rules.custom of rule 1: product_interest is compared as stored; write 'Nope' as a value it accepts (product_interest must be one of CRM, Analytics, Support, Platform; got 'Nope')"),
            ("UPDATE custom_fields SET name = 'email' WHERE name = 'timeline'", "invalid_config: custom field email would be read as the lead's own email; name it otherwise"),
            ("UPDATE custom_fields SET label = 'Budget' WHERE name = 'need'", "invalid_config: the label 'Budget' of custom field need names another field too"),
            ("UPDATE custom_fields SET label = 'Red' || char(27) || '[31m' WHERE name = 'need'", "invalid_config: the label of custom field need is one line of at most 100 printable characters"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('custom.authority', '=', '1', 5)")
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('custom.budget', '=', '50000', 5)")
        try f.db.execute("INSERT INTO lead_rescore(leads) VALUES (100)")
        #expect(try f.double("SELECT fit_score FROM leads WHERE id = ?", [id]) == 10)
        // A stage renamed keeps its requirement; a stage moved before mql cannot keep one.
        try f.db.execute("UPDATE custom_fields SET required_at_stage = 'sql' WHERE name = 'need'")
        try f.db.execute("UPDATE stages SET name = 'qualified' WHERE name = 'sql'")
        #expect(try f.text("SELECT required_at_stage FROM custom_fields WHERE name = 'need'") == "qualified")
        #expect(f.violation { try f.db.execute("UPDATE stages SET position = 15 WHERE name = 'qualified'") }?.code == "invalid_config")
        // Empty custom text is none.
        let none = try f.capture(["email": "c@example.com", "custom": "  "])
        #expect(try f.text("SELECT custom FROM leads WHERE id = ?", [none]) == nil)
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }
}
