import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// The outbox protocol as another program follows it: two copies of the documented Python sender
/// (docs/examples/outbox_sender.py) deliver one outbox at once, and no message is sent twice or left out.
@Suite(.serialized) struct OutboxSenderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func twoPythonSendersDeliverEveryMessageOnce() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("leads.db")
        let store = try LeadStore(path: path)
        try store.write { db in
            try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 100000), ('Ben', 100000)")
            try db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO lead_intake(email) SELECT 'p' || i || '@co' || i || '.com' FROM n")
        }
        let total = try store.read { db in try db.scalar("SELECT count(*) FROM outbox", as: Int.self) } ?? 0
        #expect(total == 400)
        let script = Self.root.appendingPathComponent("docs/examples/outbox_sender.py").path
        let python = try ConcurrencyTests.tool("python3")
        let senders = try ["sender-a", "sender-b"].map { name in
            (name, try ConcurrencyTests.Child(python, [script, path, name, dir.file(name + ".jsonl")], input: "", in: dir))
        }
        var sent: [Int64: [String]] = [:]
        for (name, child) in senders {
            let finished = try child.wait()
            #expect(finished.status == 0, "\(name): \(finished.out)")
            let lines = try String(contentsOfFile: dir.file(name + ".jsonl"), encoding: .utf8).split(separator: "\n")
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let id = try #require(object["id"] as? Int)
                sent[Int64(id), default: []].append(name)
            }
        }
        // Every message sent once, by the sender that holds it, and marked delivered.
        #expect(sent.count == total)
        #expect(sent.values.filter { $0.count > 1 }.isEmpty)
        let rows = try store.read { db in try db.query("SELECT id, claimed_by, delivered_at IS NOT NULL FROM outbox") }
        for row in rows {
            let id: Int64 = try row.get(0)
            #expect(try row.get(2, as: Int.self) == 1, "message \(id) not delivered")
            #expect(sent[id] == [try row.get(1, as: String.self)], "message \(id)")
        }
        #expect(try store.pendingOutbox().isEmpty)
    }
}
