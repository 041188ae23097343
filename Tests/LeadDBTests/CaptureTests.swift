import Foundation
import LeadDB
import LeadSQLite
import Testing

@Suite struct CaptureTests {
    @Test(arguments: Writer.allCases)
    func aNewLeadIsNormalisedScoredAndLogged(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture([
            "email": "  Ada@Example.COM ", "name": "Ada Lovelace", "phone": "+44 (20) 7946-0000",
            "company": " Analytical Engines ", "title": "Head of Research", "company_size": "1,200",
            "country": "", "source": "webinar", "campaign": "autumn-launch", "consent": "yes",
        ])
        let lead = try f.lead(id)
        #expect(try lead.get("email", as: String.self) == "ada@example.com")
        #expect(try lead.get("first_name", as: String.self) == "Ada")
        #expect(try lead.get("last_name", as: String.self) == "Lovelace")
        #expect(try lead.get("phone", as: String.self) == "+442079460000")
        #expect(try lead.get("company", as: String.self) == "Analytical Engines")
        #expect(try lead.get("company_size", as: Int.self) == 1200)
        #expect(try lead.get("country", as: String?.self) == nil)
        #expect(try lead.get("stage", as: String.self) == "new")
        #expect(try lead.get("created_at", as: String.self) == LeadFixture.start)
        #expect(try lead.get("updated_at", as: String.self) == LeadFixture.start)
        #expect(try lead.get("consent", as: Int.self) == 1)
        #expect(try lead.get("consent_source", as: String.self) == "webinar")
        #expect(try lead.get("consent_at", as: String.self) == LeadFixture.start)
        // Head of (12) + size >= 200 (10) + size >= 1000 (10)
        #expect(try lead.get("fit_score", as: Double.self) == 32)
        #expect(try lead.get("engagement", as: Double.self) == 10)
        #expect(try lead.get("score", as: Double.self) == 42)
        let activity = try #require(try f.db.query("SELECT kind, source, campaign, occurred_at, points FROM activities WHERE lead_id = ?", [id]).first)
        #expect(try activity.get("kind", as: String.self) == "form_submit")
        #expect(try activity.get("source", as: String.self) == "webinar")
        #expect(try activity.get("campaign", as: String.self) == "autumn-launch")
        #expect(try activity.get("occurred_at", as: String.self) == LeadFixture.start)
        #expect(try activity.get("points", as: Double.self) == 10)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func theSameEmailInAnotherCaseMergesFillingOnlyEmptyFields(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "grace@navy.mil", "first_name": "Grace", "title": "Rear Admiral", "source": "referral"])
        try f.setClock("2026-11-25T09:00:00Z")
        let again = try f.capture([
            "email": " GRACE@Navy.MIL", "first_name": "G.", "last_name": "Hopper", "title": "Intern",
            "company": "US Navy", "source": "tradeshow", "campaign": "expo",
        ])
        #expect(again == id)
        #expect(try f.int("SELECT count(*) FROM leads") == 1)
        let lead = try f.lead(id)
        #expect(try lead.get("first_name", as: String.self) == "Grace")  // kept
        #expect(try lead.get("title", as: String.self) == "Rear Admiral")  // kept
        #expect(try lead.get("source", as: String.self) == "referral")  // kept
        #expect(try lead.get("last_name", as: String.self) == "Hopper")  // filled
        #expect(try lead.get("company", as: String.self) == "US Navy")  // filled
        #expect(try lead.get("created_at", as: String.self) == LeadFixture.start)
        #expect(try lead.get("updated_at", as: String.self) == "2026-11-25T09:00:00.000Z")
        let captures = try f.db.query("SELECT source, campaign FROM activities WHERE lead_id = ? ORDER BY id", [id])
        #expect(captures.count == 2)
        #expect(try captures[1].get("source", as: String.self) == "tradeshow")
        #expect(try captures[1].get("campaign", as: String.self) == "expo")
        // Repeat interest raises engagement: 10 decayed by one day, plus 10.
        let expected = 10 * pow(0.5, 1.0 / 30) + 10
        #expect(close(try lead.get("engagement", as: Double.self), expected))
        // A capture never erases: empty values leave the stored ones alone.
        try f.capture(["email": "grace@navy.mil", "first_name": "", "company": nil as String?])
        #expect(try f.lead(id).get("company", as: String.self) == "US Navy")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func consentGivenLaterIsRecordedWithItsSource(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "kim@example.org", "consent": 0, "source": "ads"])
        #expect(try f.lead(id).get("consent", as: Int.self) == 0)
        try f.setClock("2026-12-01T10:00:00Z")
        try f.capture(["email": "kim@example.org", "consent": 1, "consent_source": "newsletter_form"])
        let lead = try f.lead(id)
        #expect(try lead.get("consent", as: Int.self) == 1)
        #expect(try lead.get("consent_source", as: String.self) == "newsletter_form")
        #expect(try lead.get("consent_at", as: String.self) == "2026-12-01T10:00:00.000Z")
        // A later capture without consent does not withdraw it.
        try f.capture(["email": "kim@example.org", "consent": 0])
        #expect(try f.lead(id).get("consent", as: Int.self) == 1)
    }

    @Test(arguments: Writer.allCases)
    func aPhoneAloneIsEnough(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["phone": "030 6967519", "company": "Wonka GmbH"])
        #expect(try f.lead(id).get("phone", as: String.self) == "0306967519")
        #expect(try f.lead(id).get("email", as: String?.self) == nil)
        #expect(try f.int("SELECT count(*) FROM activities WHERE lead_id = ?", [id]) == 1)
    }

    @Test(arguments: Writer.allCases)
    func invalidInputIsRefusedNamingTheFieldAndValueAndNothingIsStored(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.capture(["email": "kept@example.com"])
        let cases: [(KeyValuePairs<String, any DatabaseValueConvertible>, String)] = [
            (["email": "ada@@example.com"], "invalid_email: ada@@example.com is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"),
            (["email": "@example.com"], "invalid_email: @example.com is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"),
            (["email": "ada@localhost"], "invalid_email: ada@localhost is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"),
            (["email": "ada lovelace@example.com"], "invalid_email: ada lovelace@example.com is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"),
            (["email": "ada@example."], "invalid_email: ada@example. is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"),
            (["email": "ada@example.com", "phone": "555-CALL"], "invalid_phone: 555CALL is not a valid phone number (7 to 15 digits, optionally after a +)"),
            (["phone": "+12 34"], "invalid_phone: +1234 is not a valid phone number (7 to 15 digits, optionally after a +)"),
            (["phone": "1234567890123456"], "invalid_phone: 1234567890123456 is not a valid phone number (7 to 15 digits, optionally after a +)"),
            (["first_name": "Nobody", "company": "Nowhere"], "missing_contact: a lead needs an email or a phone"),
            (["email": "", "phone": "  "], "missing_contact: a lead needs an email or a phone"),
            (["email": "big@example.com", "company_size": "large"], "invalid_company_size: large is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)"),
            (["email": "c@example.com", "consent": "maybe"], "invalid_consent: consent maybe is not 1 (given) or 0 (not given); yes, no, true, false, y and n are read too"),
            (["email": "t@example.com", "captured_at": "last tuesday"], "invalid_time: captured_at last tuesday is not a time such as 2026-11-24T09:30:00Z"),
        ]
        for (values, message) in cases {
            let violation = f.violation { try f.capture(values) }
            #expect(violation?.message == message)
            #expect(violation?.code == String(message.prefix { $0 != ":" }))
        }
        let long = String(repeating: "a", count: 250) + "@example.com"
        #expect(f.violation { try f.capture(["email": long]) }?.code == "invalid_email")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        #expect(try f.int("SELECT count(*) FROM activity_log") == 1)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aMergeThatWouldStoreABadValueIsRefusedAndKeepsTheLead(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "x@example.com"])
        #expect(f.violation { try f.capture(["email": "x@example.com", "phone": "12"]) }?.code == "invalid_phone")
        #expect(try f.lead(id).get("phone", as: String?.self) == nil)
        #expect(try f.int("SELECT count(*) FROM activity_log") == 1)
    }

    @Test(arguments: Writer.allCases)
    func companySizesFromRealExports(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let sizes: [(String, Int)] = [("50-200", 50), ("1,200", 1200), ("5000+", 5000), (" 12 ", 12), ("10 000", 10000)]
        for (index, (given, stored)) in sizes.enumerated() {
            let id = try f.capture(["email": "s\(index)@example.com", "company_size": given])
            #expect(try f.lead(id).get("company_size", as: Int.self) == stored)
        }
    }

    @Test(arguments: Writer.allCases)
    func captureTimeCanBeGivenForImports(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "old@example.com", "captured_at": "2026-10-25 09:00"])
        #expect(try f.lead(id).get("created_at", as: String.self) == "2026-10-25T09:00:00.000Z")
        // Captured 30 days before now: the capture's 10 points have halved.
        #expect(close(try f.lead(id).get("engagement", as: Double.self), 5))
    }
}

@Suite struct StatementRollbackTests {
    /// A refused statement inside a larger transaction is undone entirely (the lead row its trigger
    /// had already written, the scoring row, the activity), and the transaction goes on.
    @Test(arguments: Writer.allCases)
    func aRefusedStatementLeavesNothingBehindInsideATransaction(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("BEGIN IMMEDIATE")
        try f.capture(["email": "kept@example.com"])
        #expect(f.violation { try f.capture(["email": "bad@example.com", "phone": "12"]) }?.code == "invalid_phone")
        #expect(f.violation { try f.capture(["email": "worse@example.com", "company_size": "lots"]) }?.code == "invalid_company_size")
        #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'customer' WHERE email = 'kept@example.com'") }?.code == "invalid_transition")
        #expect(f.db.isInTransaction)
        try f.db.execute("COMMIT")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        #expect(try f.int("SELECT count(*) FROM lead_scores") == 1)
        #expect(try f.int("SELECT count(*) FROM activity_log") == 1)
        #expect(try f.int("SELECT count(*) FROM stage_history") == 0)
        try f.checkIntegrity()
    }
}

@Suite struct UnicodeEmailTests {
    @Test(arguments: Writer.allCases)
    func emailsWithAccentsInAnyCaseAreTheSameLead(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["email": "yuki.müller7@globexinc.com", "first_name": "Yuki"])
        #expect(try f.capture(["email": "  YUKI.MÜLLER7@GLOBEXINC.COM ", "company": "Globex"]) == id)
        #expect(try f.capture(["email": "\u{A0}ÉLODIE.GARCÍA114@INITECH.COM"]) != id)
        #expect(try f.capture(["email": "élodie.garcía114@initech.com"]) == id + 1)
        #expect(try f.capture(["email": "ПЁТР@пример.рф"]) == id + 2)
        #expect(try f.text("SELECT email FROM leads WHERE id = ?", [id + 2]) == "пётр@пример.рф")
        #expect(try f.int("SELECT count(*) FROM leads") == 3)
        #expect(try f.text("SELECT company FROM leads WHERE id = ?", [id]) == "Globex")
        try f.db.execute("UPDATE leads SET email = 'ÉLODIE.NEW@INITECH.COM' WHERE id = ?", [id + 1])
        #expect(try f.text("SELECT email FROM leads WHERE id = ?", [id + 1]) == "élodie.new@initech.com")
    }
}
