import LeadDB
@testable import LeadsShell
import Testing

/// What `leads check` prints for many problems of one kind.
@Suite struct CheckTextTests {
    @Test func aLongRunOfOneKindShowsItsFirstThreeAndCountsTheRest() {
        let many = (1...7).map { HealthProblem(check: "engagement", subject: "lead \($0)", problem: "off", repair: "INSERT INTO lead_repair DEFAULT VALUES") }
        let few = (1...2).map { HealthProblem(check: "fit", subject: "lead \($0)", problem: "off", repair: "INSERT INTO lead_repair DEFAULT VALUES") }
        let (text, healthy) = CheckText.report(many + few, path: "x.db", leads: 9)
        #expect(!healthy)
        #expect(text == """
            problem: engagement: lead 1: off
            problem: engagement: lead 2: off
            problem: engagement: lead 3: off
            problem: engagement: and 4 more like these (SELECT * FROM invariant_problems WHERE invariant = 'engagement' lists them)
              repair: INSERT INTO lead_repair DEFAULT VALUES
            problem: fit: lead 1: off
            problem: fit: lead 2: off
              repair: INSERT INTO lead_repair DEFAULT VALUES
            x.db: 9 problems (checked integrity, foreign keys, migrations and schema, and the rules' invariants over 9 leads).

            """)
    }
}
