import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// The typed API over tasks and a rep's day: every method reads or writes the SQL contract, and a
/// refusal arrives as a LeadError with its code.
@Suite struct TaskStoreTests {
    let dir = TemporaryDirectory()

    @Test func tasksAndARepsDayThroughTheAPI() throws {
        let store = try LeadStore(path: dir.file("tasks.db"))
        try store.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
        try store.write { db in try db.execute("INSERT INTO reps(id, name, capacity) VALUES (1, 'Ana', 10), (2, 'Ben', 10)") }
        let jane = try store.capture(NewLead(email: "jane@acme.com", name: "Jane Roe")).lead
        try store.log(ActivityKind("demo_request"), for: jane.id)
        // The rule's call, for Jane's owner, within a business hour.
        let call = try #require(try store.tasks(owner: 1).first)
        #expect(call.kind == "call" && call.leadID == jane.id && call.ruleID == 2 && call.isOpen)
        #expect(call.dueAt == SQLiteDate.parse("2026-11-24T10:00:00Z") && call.note == "Call about the demo request")
        let deck = try store.addTask(NewLeadTask(leadID: jane.id, kind: "email", dueAt: SQLiteDate.parse("2026-11-24T08:00:00Z"), note: "Send the deck"))
        #expect(deck.ownerID == 1 && deck.accountID == jane.accountID && deck.createdAt == SQLiteDate.parse("2026-11-24T09:00:00Z"))
        let refused = try #require(throws: LeadError.self) { try store.addTask(NewLeadTask(leadID: jane.id, kind: "fax")) }
        #expect(refused.code == "invalid_task")
        #expect(try store.myDay(rep: 1).map { "\($0.rank) \($0.item) \($0.taskID.map(String.init) ?? "-")" }
            == ["1 overdue_task \(deck.id)", "3 task_today \(call.id)", "4 new_lead -"])
        // Completing the call logs it and schedules the next; a done task cannot be completed again.
        let done = try store.completeTask(call.id, outcome: "connected")
        #expect(!done.isOpen && done.outcome == "connected" && done.activityID != nil)
        #expect(try store.lead(id: jane.id)?.firstResponseAt == SQLiteDate.parse("2026-11-24T09:00:00Z"))
        #expect(try store.tasks(lead: jane.id).map(\.kind) == ["email", "call"])
        let again = try #require(throws: LeadError.self) { try store.completeTask(call.id) }
        #expect(again.code == "read_only")
        #expect(try store.tasks(lead: jane.id, open: false).count == 3)
        #expect(try store.task(id: 99) == nil)
    }
}
