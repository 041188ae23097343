import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

@testable import LeadCluster

/// LeadDB's SQL on a 3-node dqlite cluster (docs/cluster.md), through this client: the same rules
/// and the same answers as a local file. Runs where Debian's go-dqlite is installed (`.ci/run` installs it).
@Suite(.enabled(if: ClusterNodes.available, "needs dqlite-demo (Debian's go-dqlite)"), .serialized)
struct ClusterTests {
    /// The same work on a file and on the cluster.
    static let scenario = [
        "UPDATE settings SET value = '2026-11-24T09:00:00.000Z' WHERE key = 'clock.now'",
        "INSERT INTO reps(name, capacity) VALUES ('Ana', 10), ('Ben', 10)",
        "INSERT INTO lead_intake(email, first_name, last_name, company, title, source, capture_key) VALUES ('ada@acme.com', 'Ada', 'Lovelace', 'Acme', 'VP Sales', 'webinar', 'k1')",
        "INSERT INTO lead_intake(email, first_name, company, source, capture_key) VALUES ('bob@globex.com', 'Bob', 'Globex', 'ads', 'k2')",
        "INSERT INTO lead_intake(email, first_name, company, source, capture_key) VALUES ('bob@globex.com', 'Bob', 'Globex', 'ads', 'k2')",
        "INSERT INTO activities(lead_id, kind) VALUES (1, 'demo_request')",
        "UPDATE leads SET stage = 'contacted' WHERE id = 2",
        "INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (1, 'call', '2026-11-25T10:00:00.000Z', 'Call Ada')",
        "INSERT INTO erasures(lead_id) VALUES (2)",
    ]
    static let reads = [
        "SELECT id, email, stage, owner_id, score, erased_at FROM leads ORDER BY id",
        "SELECT lead_id, kind, points FROM activity_log ORDER BY id",
        "SELECT kind, lead_id, rep_id FROM outbox ORDER BY id",
        "SELECT stage, leads FROM funnel",
        "SELECT count(*) FROM invariant_problems",
    ]

    @Test func leadDBsRulesGiveTheSameAnswersOnAClusterAsOnAFile() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let cluster = try Cluster(addresses: nodes.addresses.reversed(), database: "leads")
        #expect(cluster.leader == nodes.addresses[0])
        for migration in try LeadDatabase.migrations() { try cluster.executeScript(migration.sql) }
        for file in LeadDatabase.schemaFiles { try cluster.executeScript(file.sql) }
        let dir = TemporaryDirectory()
        let local = try Database(path: dir.file("local.db"), plain: true)
        for migration in try LeadDatabase.migrations() { try local.executeScript(migration.sql) }
        for file in LeadDatabase.schemaFiles { try local.executeScript(file.sql) }
        for sql in Self.scenario {
            try local.execute(sql)
            try cluster.execute(sql)
        }
        for sql in Self.reads {
            #expect(try cluster.query(sql) == local.query(sql), "\(sql)")
        }
        // A refused move arrives with its message whole; nothing is stored.
        let refusal = "UPDATE leads SET stage = 'customer' WHERE id = 1"
        #expect(throws: ClusterError.self) { try cluster.execute(refusal) }
        do { try cluster.execute(refusal) } catch ClusterError.failure(let code, let message) {
            let violation = RuleViolation(extendedResultCode: Int(code), message: message)
            let local = #expect(throws: SQLiteError.self) { try local.execute(refusal) }
            #expect(violation != nil && violation == local.flatMap { RuleViolation($0) })
            #expect(violation?.message == "invalid_transition: lead 1 cannot move from mql to customer (allowed: contacted, nurturing, sql, disqualified)")
        }
        #expect(try cluster.query("SELECT stage FROM leads WHERE id = 1") == local.query("SELECT stage FROM leads WHERE id = 1"))
        // Parameters of every type, and a result in many batches.
        try cluster.execute("CREATE TABLE t(i, r, s, b, n)")
        try cluster.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(-5), .real(2.5), .text("Zoë 'quoted'"), .blob(Data([0, 1, 255])), .null])
        #expect(try cluster.query("SELECT * FROM t").first?.values == [.integer(-5), .real(2.5), .text("Zoë 'quoted'"), .blob(Data([0, 1, 255])), .null])
        #expect(try cluster.query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) SELECT x, 'row ' || x FROM n").count == 3000)
        #expect(throws: ClusterError.self) { try cluster.execute("PRAGMA journal_mode = DELETE") }
        #expect(try cluster.query("SELECT 1").count == 1)
    }

    /// Keyed captures streamed while the leader is killed with SIGKILL, round after round (3, or
    /// $LEADS_FAILOVER_ROUNDS: `.ci/run` asks for 10; each round waits for an election, about 10 s): an
    /// answer lost in a failover is an unknown outcome, retried with the same capture key until
    /// acknowledged; every capture is then present exactly once and the rules' invariants hold.
    @Test func noAcknowledgedCaptureIsLostOrDoubledWhenTheLeaderIsKilled() throws {
        let rounds = ProcessInfo.processInfo.environment["LEADS_FAILOVER_ROUNDS"].flatMap { Int($0) } ?? 3
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let cluster = try Cluster(addresses: nodes.addresses, database: "leads", timeout: 30)
        // Set up by the migration runner, captured through the Swift API, as an application would.
        let store = try LeadStore(remote: cluster)
        try store.write { db in try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 100000), ('Ben', 100000)") }
        var next = 0, unknown = 0, refused = 0
        var stalls: [TimeInterval] = []
        func capture() throws {
            let key = "k\(next)"
            for _ in 0..<50 {
                do {
                    try store.capture(NewLead(email: "p\(next)@example.com", source: "failover", captureKey: key))
                    next += 1
                    return
                } catch LeadError.unavailable(let outcomeUnknown, _) {
                    // (unknown: it may be stored, and the key makes the retry a no-op; else nothing ran)
                    if outcomeUnknown { unknown += 1 } else { refused += 1 }
                }
            }
            throw ClusterError.unreachable("capture \(key) was not acknowledged in 50 tries")
        }
        // (two voters must remain to elect a leader)
        try nodes.waitForVoters(cluster)
        for round in 0..<rounds {
            for _ in 0..<20 { try capture() }
            let leader = try #require(nodes.addresses.firstIndex(of: cluster.leader ?? ""), "round \(round)")
            nodes.kill(leader)
            // (how long writes stall: from the kill to the first capture acknowledged after it)
            let killed = Date()
            try capture()
            stalls.append(Date().timeIntervalSince(killed))
            for _ in 0..<19 { try capture() }
            try nodes.restart(leader)
        }
        let captured = Int64(rounds * 40)
        #expect(next == rounds * 40)
        #expect(try cluster.query("SELECT count(*), count(DISTINCT email) FROM lead_records WHERE source = 'failover'").first?.values == [.integer(captured), .integer(captured)])
        #expect(try cluster.query("SELECT count(*) FROM captures WHERE capture_key LIKE 'k%' AND outcome = 'created'").first?.values == [.integer(captured)])
        #expect(try cluster.query("SELECT count(*) FROM invariant_problems").first?.values == [.integer(0)])
        #expect(try cluster.query("PRAGMA integrity_check").first?.values == [.text("ok")])
        // The connection made again after each failover is set up as the first was.
        #expect(try store.read { db in
            [try db.scalar("PRAGMA secure_delete", as: Int.self), try db.scalar("PRAGMA foreign_keys", as: Int.self), try db.scalar("PRAGMA cache_spill", as: Int.self)]
        } == [1, 1, 0])
        stalls.sort()
        print(String(
            format: "leader kills: %d rounds, %d captures, %d answers lost in a failover and %d refused by a former leader, all retried; writes stalled %.1f s (median), %.1f s to %.1f s",
            rounds, next, unknown, refused, stalls[stalls.count / 2], stalls.first ?? 0, stalls.last ?? 0))

        // Every node's own copy: each made the leader in turn (reads go to the leader) and checked as
        // `leads check` checks a file; all hold the same rows.
        var copies: Set<[DatabaseValue]> = []
        for address in nodes.addresses {
            try cluster.transferLeadership(to: address)
            let db = try Database(remote: Cluster(addresses: [address], database: "leads"), mode: .readOnly)
            #expect(try LeadDatabase.check(db).isEmpty, "\(address)")
            copies.insert(try db.query(
                """
                SELECT count(*), group_concat(id || ' ' || email || ' ' || stage || ' ' || coalesce(owner_id, '-'), ',')
                  FROM (SELECT * FROM lead_records ORDER BY id)
                """).first?.values ?? [])
            #expect(try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) == Int(captured))
        }
        #expect(copies.count == 1)
    }
}
