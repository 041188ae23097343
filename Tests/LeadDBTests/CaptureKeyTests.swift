import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// Retries and re-runs are safe: a keyed capture happens once, every capture is recorded in `captures`,
/// and a phone-only capture finds the phone-only lead it belongs to.
@Suite struct CaptureKeyTests {
    @Test(arguments: Writer.allCases)
    func aRetriedKeyChangesNothing(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        try f.capture(["email": "ada@example.com", "capture_key": "form-17"])
        let before = try f.db.query("SELECT id, stage, score, owner_id FROM leads").map { try $0.get(2, as: Double.self) }
        for _ in 0..<3 {
            try f.db.execute("INSERT INTO lead_intake(email, company, capture_key) VALUES ('ada@example.com', 'Changed', 'form-17')")
        }
        #expect(try f.db.query("SELECT id, stage, score, owner_id FROM leads").map { try $0.get(2, as: Double.self) } == before)
        #expect(try f.lead(1).get("company", as: String?.self) == nil)
        #expect(try f.int("SELECT count(*) FROM activity_log") == 1)
        #expect(try f.int("SELECT count(*) FROM assignments") == 1)
        let capture = try #require(try f.db.query("SELECT capture_key, lead_id, outcome, captured_at FROM captures").first)
        #expect(try capture.get("capture_key", as: String.self) == "form-17")
        #expect(try capture.get("lead_id", as: Int64.self) == 1)
        #expect(try capture.get("outcome", as: String.self) == "created")
        #expect(try capture.get("captured_at", as: String.self) == LeadFixture.start)
        // Another key for the same person is a merge, and says so.
        try f.capture(["email": "ADA@example.com", "capture_key": "form-18"])
        #expect(try f.text("SELECT outcome || ' ' || lead_id FROM captures WHERE capture_key = 'form-18'") == "merged 1")
        // Unkeyed captures are recorded too, and each counts as engagement.
        try f.capture(["email": "grace@example.com"])
        try f.capture(["email": "grace@example.com"])
        #expect(try f.db.query("SELECT outcome FROM captures WHERE capture_key IS NULL ORDER BY id").map { try $0.get(0, as: String.self) } == ["created", "merged"])
        // Within one multi-row statement a repeated key is one capture.
        try f.db.execute("INSERT INTO lead_intake(email, capture_key) VALUES ('x@example.com', 'k'), ('x@example.com', 'k'), ('y@example.com', 'k2')")
        #expect(try f.int("SELECT count(*) FROM captures WHERE capture_key IN ('k', 'k2')") == 2)
        #expect(try f.int("SELECT count(*) FROM activity_log WHERE lead_id = (SELECT id FROM lead_records WHERE email = 'x@example.com')") == 1)
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func aBadKeyIsRefusedAndCapturesAreALog(writer: Writer) throws {
        let f = try LeadFixture(writer)
        #expect(f.violation { try f.capture(["email": "a@example.com", "capture_key": 42]) }?.message
            == "invalid_capture_key: capture_key must be text of 1 to 200 characters; got 42")
        #expect(f.violation { try f.capture(["email": "a@example.com", "capture_key": ""]) }?.code == "invalid_capture_key")
        #expect(f.violation { try f.capture(["email": "a@example.com", "capture_key": String(repeating: "k", count: 201)]) }?.message
            == "invalid_capture_key: capture_key must be text of 1 to 200 characters; got text of 201 characters")  // described, not echoed
        #expect(try f.int("SELECT count(*) FROM lead_records") == 0)
        try f.capture(["email": "a@example.com", "capture_key": "k"])
        #expect(f.violation { try f.db.execute("UPDATE captures SET lead_id = 9") }?.code == "append_only")
        #expect(f.violation { try f.db.execute("UPDATE captures SET capture_key = 'other'") }?.code == "append_only")
        #expect(f.violation { try f.db.execute("DELETE FROM captures") }?.code == "append_only")
        // A refused capture leaves no capture behind.
        #expect(f.violation { try f.capture(["email": "bad@", "capture_key": "k3"]) }?.code == "invalid_email")
        #expect(try f.int("SELECT count(*) FROM captures") == 1)
    }

    @Test(arguments: Writer.allCases)
    func aPhoneOnlyCaptureIsThePhoneOnlyLeadWithThatPhone(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let id = try f.capture(["phone": "+49 (30) 1234-5678", "first_name": "Jo"])
        try f.capture(["phone": "+49 30 12345678", "company": "Acme"])
        #expect(try f.int("SELECT count(*) FROM lead_records") == 1)
        #expect(try f.lead(id).get("company", as: String.self) == "Acme")
        #expect(try f.lead(id).get("first_name", as: String.self) == "Jo")
        #expect(try f.db.query("SELECT outcome FROM captures ORDER BY id").map { try $0.get(0, as: String.self) } == ["created", "merged"])
        // With an email the phone is just a field: a different person may share an office line.
        let other = try f.capture(["email": "jo@example.com", "phone": "+4930 12345678"])
        #expect(other != id)
        // A lead that has an email is not a phone-only lead.
        try f.capture(["phone": "+4930 12345678"])
        #expect(try f.int("SELECT count(*) FROM lead_records") == 2)
    }

    @Test func importingTheSameRowsTwiceOrResumingChangesNothing() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("leads.db"))
        try store.write { db in try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 500), ('Ben', 500)") }
        let rows = (0..<50).map { i in
            NewLead(email: i % 10 == 0 ? nil : "p\(i)@example.com", name: "Person \(i)", phone: i % 10 == 0 ? "+1 415 555 \(1000 + i)" : nil,
                    company: "Co \(i % 7)", source: "tradeshow")
        }
        // Interrupted after 20 rows, then resumed with all 50, then run again.
        let first = try store.captureMany(Array(rows.prefix(20)), chunkSize: 7)
        #expect(first.allSatisfy { if case .success(.created) = $0.outcome { true } else { false } })
        let snapshot = { () throws -> [String] in
            try store.read { db in
                try db.query("SELECT id, stage, score, owner_id FROM leads ORDER BY id").map { "\($0[0]) \($0[1]) \($0[2]) \($0[3])" }
            }
        }
        let resumed = try store.captureMany(rows, chunkSize: 7)
        #expect(resumed.prefix(20).allSatisfy { if case .success(.alreadyCaptured) = $0.outcome { true } else { false } })
        #expect(resumed.dropFirst(20).allSatisfy { if case .success(.created) = $0.outcome { true } else { false } })
        let after = try snapshot()
        let again = try store.captureMany(rows, chunkSize: 7)
        #expect(again.allSatisfy { if case .success(.alreadyCaptured) = $0.outcome { true } else { false } })
        #expect(again.map(\.leadID) == resumed.map(\.leadID))
        #expect(try snapshot() == after)
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) } == 50)
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM activity_log", as: Int.self) } == 50)
        // The key holds no personal data in clear.
        #expect(rows[1].contentKey.hasPrefix("content:"))
        #expect(!rows[1].contentKey.contains("p1@example.com"))
        #expect(rows[1].contentKey != rows[2].contentKey)
    }

    @Test func anInterruptedBulkCaptureStopsCleanlyAndResumes() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("leads.db"))
        try LeadDatabase.migrator().migrate(db)
        let store = try LeadStore(adopting: db)
        let rows = (0..<3_000).map { NewLead(email: "bulk\($0)@example.com") }
        // Ctrl-C (or a full disk) half-way through a chunk: interrupts keep coming until one lands
        // while a statement runs (between two statements an interrupt does nothing).
        // They start after the second chunk, from a thread of their own (a busy dispatch queue could
        // start them too late).
        let handle = db.interruptHandle
        let finished = Flag()
        let started = Flag()
        var caught: LeadError?
        do {
            _ = try store.captureMany(rows, chunkSize: 50) { done, _ in
                guard done >= 100, !started.value else { return }
                started.set()
                Thread {
                    while !finished.value {
                        handle.interrupt()
                        usleep(200)
                    }
                }.start()
            }
        } catch let error as LeadError {
            caught = error
        }
        finished.set()
        guard let error = caught, case .stopped(let committed, let total, let reason) = error else {
            Issue.record("expected the bulk capture to stop, got \(caught.map { "\($0)" } ?? "no error")")
            return
        }
        #expect(total == 3_000)
        #expect(reason == "interrupted")
        #expect(committed % 50 == 0 && committed < 3_000)
        #expect(error.message.hasPrefix("stopped: interrupted after \(committed) of 3000 rows; those \(committed) are stored"))
        // Whole chunks only: what was committed is there, nothing of the interrupted chunk.
        #expect(try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) == committed)
        #expect(!db.isInTransaction)
        // The same rows again resume where it stopped.
        let resumed = try store.captureMany(rows, chunkSize: 50)
        #expect(resumed.prefix(committed).allSatisfy { if case .success(.alreadyCaptured) = $0.outcome { true } else { false } })
        #expect(resumed.dropFirst(committed).allSatisfy { if case .success(.created) = $0.outcome { true } else { false } })
        #expect(try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) == 3_000)
    }
}

/// A flag set on one thread and read on another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}

/// A bulk capture on a remote database whose COMMIT's answer is lost: the chunk may be stored, and the
/// stop says so; running the rows again finishes without doubling any.
@Suite struct LostAnswerTests {
    @Test func aChunkWhoseCommitWasNotAnsweredIsSaidToBeMaybeStored() throws {
        let dir = TemporaryDirectory()
        let node = try NodeStandIn(path: dir.file("node.db"))
        let store = try LeadStore(remote: node)
        let rows = (0..<1_200).map { NewLead(email: "p\($0)@example.com", source: "import") }
        node.commitsBeforeALostAnswer = 1
        let stop = #expect(throws: LeadError.self) { try store.captureMany(rows, chunkSize: 500) }
        guard case .stopped(let committed, let total, let reason)? = stop else {
            Issue.record("expected the bulk capture to stop, got \(stop.map { "\($0)" } ?? "no error")")
            return
        }
        #expect(committed == 500 && total == 1_200)
        #expect(reason == "the connection to the node was lost; the answer for rows 501 to 1000 was lost: they may be stored too")
        #expect(try node.node.scalar("SELECT count(*) FROM lead_records", as: Int.self) == 1_000)
        let again = try store.captureMany(rows, chunkSize: 500)
        #expect(again.filter { if case .success(.alreadyCaptured) = $0.outcome { true } else { false } }.count == 1_000)
        #expect(try node.node.scalar("SELECT count(*) FROM lead_records", as: Int.self) == 1_200)
    }
}
