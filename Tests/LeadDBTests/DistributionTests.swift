import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Fair distribution: round robin and load balancing give the answer a person would compute, however
/// many leads arrive in one statement, one transaction or one millisecond.
@Suite struct DistributionTests {
    func owners(_ f: LeadFixture) throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for row in try f.db.query("SELECT owner_id, count(*) FROM lead_records WHERE owner_id IS NOT NULL GROUP BY owner_id") {
            counts[try row.get(0, as: Int.self)] = try row.get(1, as: Int.self)
        }
        return counts
    }

    @Test(arguments: Writer.allCases)
    func roundRobinIsExactForCapturesInOneTransactionAtOneInstant(writer: Writer) throws {
        let f = try LeadFixture(writer)  // the clock is frozen: every capture has the same time
        try f.reps([(1, "Ana", "default", 100), (2, "Ben", "default", 100), (3, "Cy", "default", 100), (4, "Di", "default", 100)])
        try f.db.transaction {
            for i in 0..<20 { try f.capture(["email": "l\(i)@example.com"]) }
        }
        #expect(try owners(f) == [1: 5, 2: 5, 3: 5, 4: 5])
        let sequence = try f.db.query("SELECT owner_id FROM lead_records ORDER BY id LIMIT 8").map { try $0.get(0, as: Int.self) }
        #expect(sequence == [1, 2, 3, 4, 1, 2, 3, 4])
        // The logged reason is true: the rep chosen was assigned least recently.
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = 5")
            == "captured: no routing rule matched, team default; Ana was assigned least recently (2026-11-24T09:00:00.000Z)")
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func roundRobinIsExactForOneMultiRowStatement(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 100), (2, "Ben", "default", 100), (3, "Cy", "default", 100)])
        let values = (0..<9).map { "('m\($0)@example.com')" }.joined(separator: ", ")
        try f.db.execute("INSERT INTO lead_intake(email) VALUES \(values)")
        #expect(try owners(f) == [1: 3, 2: 3, 3: 3])
    }

    @Test(arguments: Writer.allCases)
    func roundRobinIsExactOnTheRealClock(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE settings SET value = NULL WHERE key = 'clock.now'")
        try f.reps([(1, "Ana", "default", 100), (2, "Ben", "default", 100), (3, "Cy", "default", 100), (4, "Di", "default", 100)])
        try f.db.transaction {
            for i in 0..<283 { try f.capture(["email": "r\(i)@example.com"]) }
        }
        #expect(try owners(f) == [1: 71, 2: 71, 3: 71, 4: 70])
    }

    @Test(arguments: Writer.allCases)
    func deactivatingARepSpreadsHerLeadsEvenly(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 200), (2, "Ben", "default", 200), (3, "Cy", "default", 200), (4, "Di", "default", 200)])
        try f.db.transaction {
            for i in 0..<400 { try f.capture(["email": "d\(i)@example.com"]) }
        }
        #expect(try owners(f) == [1: 100, 2: 100, 3: 100, 4: 100])
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        #expect(try owners(f) == [2: 134, 3: 133, 4: 133])
        #expect(try f.int("SELECT count(*) FROM assignments WHERE reason LIKE 'rep 1 (Ana) deactivated: %'") == 100)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func deactivatingARepWithNobodyToTakeOverReleasesHerLeadsToWait(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 1)])
        let a = try f.capture(["email": "a@example.com"])  // Ana
        let b = try f.capture(["email": "b@example.com"])  // Ben (now full)
        let c = try f.capture(["email": "c@example.com"])  // Ana
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [c])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [c])  // needs an owner
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        #expect(try f.owner(a) == nil)  // released: nobody has room
        #expect(try f.owner(b) == 2)
        #expect(try f.owner(c) == 1)  // an sql lead keeps its (inactive) owner rather than having none
        let waiting = try f.db.query("SELECT lead_id, inactive_owner_id FROM unassigned_leads ORDER BY lead_id")
        #expect(try waiting.map { try $0.get(0, as: Int64.self) } == [a, c])
        #expect(try waiting.map { try $0.get(1, as: Int?.self) } == [nil, 1])
        #expect(try f.text("SELECT reason FROM assignments WHERE lead_id = ? ORDER BY id DESC LIMIT 1", [a])
            == "rep 1 (Ana) deactivated: no routing rule matched, team default; no active rep below capacity; released to wait for a rep")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_unassigned' AND lead_id = ?", [a]) == 1)
        #expect(try f.openLeads(1) == 1)
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func loadBalancingIsExactWithinOneStatement(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.execute("UPDATE teams SET method = 'load_balanced' WHERE name = 'default'")
        try f.reps([(1, "Ana", "default", 100), (2, "Ben", "default", 100), (3, "Cy", "default", 100)])
        // Ana starts with 4 open leads (assigned by hand), the others with none.
        for i in 0..<4 {
            let id = try f.capture(["email": "pre\(i)@example.com"])
            if try f.owner(id) != 1 { try f.db.execute("UPDATE leads SET owner_id = 1 WHERE id = ?", [id]) }
        }
        #expect(try owners(f) == [1: 4])
        let values = (0..<11).map { "('b\($0)@example.com')" }.joined(separator: ", ")
        try f.db.execute("INSERT INTO lead_intake(email) VALUES \(values)")
        // 11 new leads fill Ben and Cy up to Ana's 4 first, then go round: 5, 5, 5.
        #expect(try owners(f) == [1: 5, 2: 5, 3: 5])
        try f.checkCounts()
    }

    @Test(arguments: Writer.allCases)
    func theReassignTickIsRoundRobinToo(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 100), (2, "Ben", "default", 100), (3, "Cy", "default", 100), (4, "Di", "default", 100)])
        try f.db.transaction {
            for i in 0..<40 { try f.capture(["email": "t\(i)@example.com"]) }
        }
        // Everyone misses the deadline by more than the reassign step (240 minutes).
        try f.setClock("2026-11-25T14:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM assignments WHERE reason LIKE 'SLA escalation % (reassign): %'") == 40)
        #expect(try owners(f) == [1: 10, 2: 10, 3: 10, 4: 10])
        // Nobody kept the lead they had.
        #expect(try f.int("SELECT count(*) FROM assignments a WHERE a.reason LIKE 'SLA escalation%' AND a.rep_id = a.previous_rep_id") == 0)
        try f.checkCounts()
    }
}
