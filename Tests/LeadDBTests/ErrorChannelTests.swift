import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The rules' error channel: a code and values a program reads without parsing English, whatever
/// words the SQLite version wraps around them.
@Suite struct ErrorChannelTests {
    @Test(arguments: Writer.allCases)
    func valuesComeFromTheRuleNotFromItsWording(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO stages(name, position, outcome) VALUES ('closed won', 75, 'won')")
        try f.db.execute("INSERT INTO stage_transitions(from_stage, to_stage) VALUES ('opportunity', 'closed won')")
        let id = try f.capture(["email": "o'brien@example.com", "last_name": "O'Brien"])
        let violation = try #require(f.violation { try f.db.execute("UPDATE leads SET stage = 'closed won' WHERE id = ?", [id]) })
        #expect(violation.code == "invalid_transition")
        #expect(violation.int("lead") == id)
        #expect(violation.string("from") == "new")
        #expect(violation.string("to") == "closed won")
        #expect(violation.strings("allowed") == ["contacted", "nurturing", "mql", "disqualified"])
        #expect(LeadError(violation: violation)
            == .invalidTransition(lead: id, from: .new, to: Stage("closed won"), allowed: [.contacted, .nurturing, .mql, .disqualified], message: violation.message))
        // A quote in a value comes through whole.
        let duplicate = try #require(f.violation { try f.capture(["email": "x@example.com"]); try f.db.execute("UPDATE leads SET email = 'O''Brien@example.com' WHERE id = 2") })
        #expect(duplicate.code == "duplicate_email")
        #expect(duplicate.string("value") == "o'brien@example.com")
        #expect(duplicate.message == "duplicate_email: o'brien@example.com already belongs to lead 1")
    }

    @Test func bothWrappingsOfSQLiteAndNoneAreRead() throws {
        let payload = "invalid_transition: lead 42 cannot move from new to closed won (allowed: contacted)\t"
            + #"{"lead":42,"from":"new","to":"closed won","allowed":["contacted"],"code":"invalid_transition","message":"invalid_transition: lead 42 cannot move from new to closed won (allowed: contacted)"}"#
        let forms = [
            "JSON path error near '\(payload)'",  // SQLite 3.40 to 3.44
            "bad JSON path: '\(payload)'",  // SQLite 3.45 and later
            payload,  // any other wording, or none
        ]
        for form in forms {
            let violation = try #require(RuleViolation(SQLiteError(code: 1, message: form)))
            #expect(violation.code == "invalid_transition")
            #expect(violation.message == "invalid_transition: lead 42 cannot move from new to closed won (allowed: contacted)")
            #expect(violation.string("to") == "closed won")
            #expect(violation.int("lead") == 42)
        }
        // A fixed message raised with RAISE(ABORT) arrives as it is.
        let fixed = try #require(RuleViolation(SQLiteError(code: 1811, message: "append_only: stage_history rows cannot be deleted")))
        #expect(fixed.code == "append_only")
        // Anything else is not a rule's.
        #expect(RuleViolation(SQLiteError(code: 1, message: "no such table: nope")) == nil)
        #expect(RuleViolation(SQLiteError(code: 1, message: "bad JSON path: 'x\t{\"code\":\"a\",\"message\":\"b: c\"}'")) == nil)
    }
}
