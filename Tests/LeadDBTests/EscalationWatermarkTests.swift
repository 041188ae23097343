import Foundation
import LeadDB
import LeadSQLite
import Testing

/// A tick looks only at escalation steps that fell due since the previous tick's escalated_through, so
/// its cost follows what fell due, not how many leads are breached; what is due always runs.
@Suite struct EscalationWatermarkTests {
    /// Reps with no room left after `leads` captures (so nobody can take a reassigned lead).
    func book(_ writer: Writer, leads: Int) throws -> LeadFixture {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Maya", "default", 0), (2, "Sam", "default", 1_000)])
        try f.db.execute("UPDATE reps SET manager_id = 1 WHERE id = 2")
        for i in 0..<leads { try f.capture(["email": "l\(i)@example.com"]) }
        return f
    }

    func tick(_ f: LeadFixture) throws -> Statement.Work {
        let statement = try f.db.prepare("INSERT INTO ticks DEFAULT VALUES")
        while try statement.step() {}
        return statement.work
    }

    @Test(arguments: Writer.allCases)
    func aTickWhereNothingFellDueCostsTheSameHoweverManyLeadsAreBreached(writer: Writer) throws {
        var steady: [Int] = []
        for leads in [5, 60] {
            let f = try book(writer, leads: leads)
            try f.db.execute("UPDATE sla_escalations SET action = 'notify_manager'")
            try f.setClock("2026-11-26T09:00:00Z")  // every lead two days overdue
            _ = try tick(f)
            #expect(try f.int("SELECT count(*) FROM sla_escalation_runs") == leads * 2)
            try f.setClock("2026-11-26T09:01:00Z")
            steady.append(try tick(f).vmSteps)
            #expect(try f.int("SELECT count(*) FROM sla_escalation_runs") == leads * 2)
        }
        // (twelve times the breached leads, the same work give or take a few steps)
        #expect(abs(steady[1] - steady[0]) < 50, "\(steady)")
    }

    @Test(arguments: Writer.allCases)
    func stepsThatFallDueBetweenTicksRunAndABacklogGoesOnOverTicks(writer: Writer) throws {
        let f = try book(writer, leads: 3)
        try f.db.execute("UPDATE settings SET value = 2 WHERE key = 'tick.batch'")
        try f.setClock("2026-11-24T09:10:00Z")
        _ = try tick(f)
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == "2026-11-24T09:10:00.000Z")
        // 31 minutes past the deadline: three notify steps fall due, two per tick.
        try f.setClock("2026-11-25T09:31:00Z")
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs") == 2)
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == "2026-11-24T09:10:00.000Z")
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE escalation_id = 1") == 3)
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == "2026-11-25T09:31:00.000Z")
        // Later the reassign steps fall due (nobody can take the leads: they wait).
        try f.setClock("2026-11-25T13:01:00Z")
        _ = try tick(f)
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE escalation_id = 2") == 3)
        // A step added afterwards runs for the leads already past it, at the next tick.
        try f.db.execute("INSERT INTO sla_escalations(minutes_overdue, action) VALUES (60, 'notify_manager')")
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == nil)
        _ = try tick(f)
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE escalation_id = 3") == 3)
    }

    @Test(arguments: Writer.allCases)
    func aClockSetBackMakesTheNextTickLookAtEveryLead(writer: Writer) throws {
        let f = try book(writer, leads: 0)
        try f.setClock("2026-11-30T09:00:00Z")
        _ = try tick(f)
        // Back to a week earlier: a lead captured then is due long before the latest tick's mark.
        try f.setClock("2026-11-24T09:00:00Z")
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == nil)
        let lead = try f.capture(["email": "late@example.com"])
        try f.setClock("2026-11-25T09:31:00Z")
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE lead_id = ?", [lead]) == 1)
    }

    @Test(arguments: Writer.allCases)
    func theMarkIsTheTicksOwn(writer: Writer) throws {
        let f = try book(writer, leads: 1)
        _ = try tick(f)
        let message = "maintained: ticks.escalated_through is kept by the ticks; set it to NULL to have the next tick look at every breached lead"
        #expect(f.violation { try f.db.execute("UPDATE ticks SET escalated_through = '2099-01-01T00:00:00.000Z'") }?.message == message)
        try f.db.execute("UPDATE ticks SET escalated_through = NULL")
        #expect(try f.int("SELECT count(*) FROM ticks WHERE escalated_through IS NOT NULL") == 0)
    }

    @Test(arguments: Writer.allCases)
    func aDeadlineSetBeforeTheMarkIsLookedAt(writer: Writer) throws {
        let f = try book(writer, leads: 0)
        try f.setClock("2026-11-30T09:00:00Z")
        let lead = try f.capture(["email": "a@example.com"])
        _ = try tick(f)
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == "2026-11-30T09:00:00.000Z")
        // A program records an assignment made a week ago: its deadline passed long before the mark.
        try f.reps([(3, "Ana", "default", 10)])
        try f.db.execute("""
            INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, method, reason, assigned_at)
            VALUES (?, 3, 2, 'default', 'manual', 'entered late', '2026-11-23T09:00:00.000Z')
            """, [lead])
        #expect(try f.text("SELECT escalated_through FROM ticks ORDER BY id DESC LIMIT 1") == nil)
        _ = try tick(f)
        #expect(try f.int("SELECT count(*) FROM sla_escalation_runs WHERE lead_id = ?", [lead]) == 2)
    }
}
