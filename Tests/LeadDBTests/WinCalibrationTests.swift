import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The calibration of the win probability, worked out by hand.
@Suite struct WinCalibrationTests {
    /// A and B won from ads, C lost from referral; nothing else is known of them. Without A: 1 won
    /// (B, ads) and 1 lost; ads (1 + 1) / (1 + 2) over (0 + 1) / (1 + 2) = 2, prior 1: odds 2, 0.6667 (B
    /// the same). Without C: 2 won, 0 lost; referral (0 + 1) / (2 + 2) over (0 + 1) / (0 + 2) = 0.5, prior
    /// 3: odds 1.5, 0.6. Three leads, three groups: C, then A, then B.
    @Test(arguments: Writer.allCases)
    func eachClosedLeadIsPredictedWithoutItself(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("INSERT INTO reps(id, name, team, capacity) VALUES (1, 'Ana', 'default', 100)")
        for (email, source) in [("a@example.com", "ads"), ("b@example.com", "ads")] {
            let id = try f.capture(["email": email, "source": source])
            for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, id]) }
            try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 100 WHERE id = ?", [id])
            try f.db.execute("UPDATE leads SET stage = 'customer' WHERE id = ?", [id])
        }
        let c = try f.capture(["email": "c@example.com", "source": "referral"])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = ?", [c])
        let rows = try f.db.query("SELECT * FROM win_calibration").map { $0.values.map(\.description).joined(separator: " ") }
        #expect(rows == ["1 1 0.6 0.0", "2 1 0.6667 1.0", "3 1 0.6667 1.0"])
    }
}
