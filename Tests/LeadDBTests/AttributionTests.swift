import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Attribution of won revenue to campaigns, worked out by hand.
@Suite struct AttributionTests {
    /// W (1,000) was captured from campaign a, clicked b, opened c, was won, then opened d; V (500) was
    /// captured from b and won. W's three touches: first a, last c; linear a third each; U-shaped 40% a,
    /// 20% b, 40% c. V's one touch takes all of its 500 in every model. d came after the win: no credit.
    @Test(arguments: Writer.allCases)
    func eachModelCreditsTheTouchesBeforeTheWin(writer: Writer) throws {
        let f = try LeadFixture(writer, now: "2026-10-01T09:00:00.000Z")
        try f.db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (1, 'Ana', 'default', 100)")
        let w = try f.capture(["email": "w@example.com", "campaign": "a"])
        try f.setClock("2026-10-02T09:00:00.000Z")
        try f.db.execute("INSERT INTO activities(lead_id, kind, campaign) VALUES (?, 'email_click', 'b')", [w])
        try f.setClock("2026-10-03T09:00:00.000Z")
        try f.db.execute("INSERT INTO activities(lead_id, kind, campaign) VALUES (?, 'email_open', 'c')", [w])
        let v = try f.capture(["email": "v@example.com", "campaign": "b"])
        for (lead, amount) in [(w, 1000), (v, 500)] {
            for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, lead]) }
            try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = ? WHERE id = ?", [amount, lead])
            try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [lead])
        }
        try f.setClock("2026-10-04T09:00:00.000Z")
        try f.db.execute("INSERT INTO activities(lead_id, kind, campaign) VALUES (?, 'email_open', 'd')", [w])
        let rows = try f.db.query("SELECT * FROM attribution").map { row in row.values.map(\.description).joined(separator: " ") }
        #expect(rows == [
            "b 500.0 500.0 833.33 700.0 2",
            "a 1000.0 0.0 333.33 400.0 1",
            "c 0.0 1000.0 333.33 400.0 1",
        ])
    }
}
