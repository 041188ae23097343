import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Values as programs give them: times, amounts, company sizes and countries are read one way for every
/// writer (Schema/02_inputs.sql), and a value that cannot be read is refused with the field and value.
@Suite struct InputTests {
    @Test(arguments: Writer.allCases)
    func timesInTheFutureOrOffTheCalendarAreRefused(writer: Writer) throws {
        let f = try LeadFixture(writer)  // now: 2026-11-24T09:00:00.000Z
        let id = try f.capture(["email": "a@example.com"])
        let refused: [(String, String)] = [
            ("2027-11-24T09:00:00Z", "invalid_time: occurred_at 2027-11-24T09:00:00Z is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)"),
            ("9999-12-31", "invalid_time: occurred_at 9999-12-31 is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)"),
            ("2026-11-24T09:05:01Z", "invalid_time: occurred_at 2026-11-24T09:05:01Z is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)"),
            ("2026-02-30", "invalid_time: occurred_at 2026-02-30 is not a day on the calendar"),
            ("2026-11-31T10:00:00Z", "invalid_time: occurred_at 2026-11-31T10:00:00Z is not a day on the calendar"),
            ("1", "invalid_time: occurred_at 1 is not a time such as 2026-11-24T09:30:00Z"),
            ("2460000", "invalid_time: occurred_at 2460000 is not a time such as 2026-11-24T09:30:00Z"),
            ("now", "invalid_time: occurred_at now is not a time such as 2026-11-24T09:30:00Z"),
            ("2026-11-24T25:00:00Z", "invalid_time: occurred_at 2026-11-24T25:00:00Z is not a time such as 2026-11-24T09:30:00Z"),
        ]
        for (time, message) in refused {
            #expect(f.violation { try f.log(id, "demo_request", at: time) }?.message == message)
        }
        // A number is not read as a Julian day either.
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind, occurred_at) VALUES (?, 'call', 2460000)", [id]) }?.message
            == "invalid_time: occurred_at 2460000 is not a time such as 2026-11-24T09:30:00Z")
        #expect(try f.int("SELECT count(*) FROM activity_log") == 1)
        #expect(try f.lead(id).get("score", as: Double.self) == 10)
        // Up to 5 minutes ahead (clock skew), an offset, and the past are fine.
        try f.log(id, "call", at: "2026-11-24T09:05:00Z")
        try f.log(id, "email_open", at: "2026-11-24T10:30:00+02:00")
        #expect(try f.text("SELECT occurred_at FROM activity_log ORDER BY id DESC LIMIT 1") == "2026-11-24T08:30:00.000Z")
        #expect(f.violation { try f.capture(["email": "b@example.com", "captured_at": "2026-12-24"]) }?.message
            == "invalid_time: captured_at 2026-12-24 is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)")
        #expect(f.violation { try f.capture(["email": "b@example.com", "captured_at": "2026-02-29"]) }?.message
            == "invalid_time: captured_at 2026-02-29 is not a day on the calendar")
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        #expect(f.violation { try f.db.execute("UPDATE settings SET value = '2026-02-30T00:00:00Z' WHERE key = 'clock.now'") }?.code == "invalid_setting")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func anAmountIsAPositiveFiniteNumber(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com"])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        let refused: [(any DatabaseValueConvertible, String)] = [
            ("lots", "invalid_amount: lead 1 amount 'lots' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            ("12,000", "invalid_amount: lead 1 amount '12,000' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            (1e30, "invalid_amount: lead 1 amount 1.0e+30 is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            (Double.infinity, "invalid_amount: lead 1 amount Inf is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            (-5, "invalid_amount: lead 1 amount -5 is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
            (Data([1, 2]), "invalid_amount: lead 1 amount of bytes is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)"),
        ]
        for (amount, message) in refused {
            #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = ? WHERE id = ?", [amount, id]) }?.message == message)
            // The stage check's copy of the amount rule and the lead's own agree.
            #expect(f.violation { try f.db.execute("UPDATE leads SET amount = ? WHERE id = ?", [amount, id]) }?.message == message)
        }
        #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 0 WHERE id = ?", [id]) }?.code == "invalid_amount")
        #expect(f.violation { try f.db.execute("UPDATE leads SET stage = 'opportunity' WHERE id = ?", [id]) }?.message
            == "missing_amount: lead 1 needs an amount above 0 to move to opportunity (set both: UPDATE leads SET stage = ..., amount = ...)")
        #expect(try f.lead(id).get("stage", as: String.self) == "sql")
        // Text that is a number is stored as one (NUMERIC affinity), like the numbers themselves.
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = '12000.50' WHERE id = ?", [id])
        #expect(try f.lead(id).get("amount", as: Double.self) == 12000.5)
        try f.db.execute("UPDATE leads SET amount = 999999999999999 WHERE id = ?", [id])
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func companySizesAreWholeNumbersUpToTenMillion(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let read: [(any DatabaseValueConvertible, Int)] = [
            ("250", 250), (250, 250), (250.0, 250), ("1,200", 1200), ("10 000", 10000), ("1,000,000", 1_000_000),
            ("50-200", 50), ("50 – 200", 50), ("5000+", 5000), ("1,000+", 1000), ("10,000,000", 10_000_000), ("0", 0),
        ]
        for (index, (given, stored)) in read.enumerated() {
            let id = try f.capture(["email": "s\(index)@example.com", "company_size": given])
            #expect(try f.lead(id).get("company_size", as: Int.self) == stored, "\(given)")
        }
        let refused: [any DatabaseValueConvertible] = [
            "1,2,3", "12,00", "1e3", "10^30", "-5", "lots", "10,000,001", "1000000000000000000000000000000", 1e30, 250.5, "200-50", "50-",
        ]
        for given in refused {
            let message = f.violation { try f.capture(["email": "bad@example.com", "company_size": given]) }?.message
            #expect(message?.hasPrefix("invalid_company_size: ") == true, "\(given)")
            #expect(message?.hasSuffix(" is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)") == true)
        }
        #expect(f.violation { try f.capture(["email": "bad@example.com", "company_size": "1,2,3"]) }?.message
            == "invalid_company_size: 1,2,3 is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)")
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE email = 'bad@example.com'") == 0)
        // Digits then a NUL byte are not a number (GLOB and length() stop at the NUL: the capture looks at bytes).
        for given in ["12\u{0}abc", "400\u{0}-9", "7\u{0}"] {
            #expect(f.violation { try f.capture(["email": "nul@example.com", "company_size": given]) }?.message
                == "invalid_company_size: the company size contains a NUL byte", "\(given.debugDescription)")
        }
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE email = 'nul@example.com'") == 0)
        // The same reading for UPDATE leads; a stored size never exceeds the range, and never earns points it should not.
        let id = try f.capture(["email": "u@example.com"])
        try f.db.execute("UPDATE leads SET company_size = '2,500' WHERE id = ?", [id])
        #expect(try f.lead(id).get("company_size", as: Int.self) == 2500)
        #expect(try f.lead(id).get("fit_score", as: Double.self) == 20)
        #expect(f.violation { try f.db.execute("UPDATE leads SET company_size = 1e30 WHERE id = ?", [id]) }?.code == "invalid_company_size")
        #expect(f.violation { try f.db.execute("UPDATE lead_records SET company_size = 99999999999 WHERE id = ?", [id]) }?.code == "invalid_company_size")
        #expect(try f.lead(id).get("company_size", as: Int.self) == 2500)
    }

    @Test(arguments: Writer.allCases)
    func countriesAreStoredAsISOCodes(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let given = ["Germany", "DEUTSCHLAND", " de ", "DEU", "United Kingdom", "UK", "Great Britain", "usa", "United States of America",
                     "Österreich", "Türkiye", "Côte d'Ivoire", "Atlantis"]
        var stored: [String] = []
        for (index, country) in given.enumerated() {
            let id = try f.capture(["email": "c\(index)@example.com", "country": country])
            stored.append(try f.lead(id).get("country", as: String.self))
        }
        #expect(stored == ["DE", "DE", "DE", "DE", "GB", "GB", "GB", "US", "US", "AT", "TR", "CI", "Atlantis"])
        try f.db.execute("UPDATE leads SET country = 'france' WHERE id = 1")
        #expect(try f.lead(1).get("country", as: String.self) == "FR")
        #expect(try f.int("SELECT count(*) FROM countries") == 249)
        #expect(try f.text("SELECT name FROM countries WHERE code = 'GB'") == "United Kingdom")
    }

    @Test(arguments: Writer.allCases)
    func routingAndFitRulesCompareCountryCodes(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO teams(name) VALUES ('emea')")
        try f.db.execute("INSERT INTO routing_rules(priority, team, country) VALUES (10, 'emea', '[\"Germany\",\"UK\"]')")
        try f.db.execute("INSERT INTO fit_rules(attribute, operator, value, points, description) VALUES ('country', '=', 'United Kingdom', 7, 'UK')")
        try f.reps([(1, "Dana", "default", 10), (2, "Eli", "emea", 10)])
        let uk = try f.capture(["email": "a@example.com", "country": "United Kingdom"])
        let de = try f.capture(["email": "b@example.com", "country": "DE"])
        let us = try f.capture(["email": "c@example.com", "country": "US"])
        #expect(try [f.owner(uk), f.owner(de), f.owner(us)] == [2, 2, 1])
        // Core market (5) for all three; the UK rule (7) for the UK lead only.
        #expect(try [uk, de, us].map { try f.lead($0).get("fit_score", as: Double.self) } == [12, 5, 5])
    }
}
