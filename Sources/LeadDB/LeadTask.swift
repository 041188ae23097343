import Foundation
import LeadSQLite

/// A rep's task about a lead, an account or a deal (`tasks`; Schema/README.md, "Tasks").
public struct LeadTask: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let leadID: Int64?
    public let accountID: Int64?
    public let dealID: Int64?
    public let ownerID: Int64?
    /// A row of `task_kinds`: `call`, `email`, `meeting` or `todo` as shipped.
    public let kind: String
    public let dueAt: Date?
    public let note: String?
    /// The task rule that made it (nil: made by hand).
    public let ruleID: Int64?
    public let createdAt: Date
    /// When it was completed and how it went (`cancelled` logs nothing).
    public let doneAt: Date?
    public let outcome: String?
    /// The activity its completion logged on the lead.
    public let activityID: Int64?

    /// True while the task is not done.
    public var isOpen: Bool { doneAt == nil }

    init(row: Row) throws {
        id = try row.get("id")
        leadID = try row.get("lead_id")
        accountID = try row.get("account_id")
        dealID = try row.get("deal_id")
        ownerID = try row.get("owner_id")
        kind = try row.get("kind")
        dueAt = try row.get("due_at")
        note = try row.get("note")
        ruleID = try row.get("rule_id")
        createdAt = try row.get("created_at")
        doneAt = try row.get("done_at")
        outcome = try row.get("outcome")
        activityID = try row.get("activity_id")
    }
}

extension LeadStore {
    /// Tasks, soonest due first (those without a due time last): a rep's, a lead's, or all; open ones
    /// only unless `open` is false.
    public func tasks(owner: Int64? = nil, lead: Int64? = nil, open: Bool = true, limit: Int = 100) throws -> [LeadTask] {
        try read { db in
            try db.query("""
                SELECT * FROM tasks
                 WHERE (?1 IS NULL OR owner_id = ?1) AND (?2 IS NULL OR lead_id = ?2) AND (NOT ?3 OR done_at IS NULL)
                 ORDER BY due_at IS NULL, due_at, id LIMIT ?4
                """, [owner, lead, open, limit]).map(LeadTask.init(row:))
        }
    }

    /// One task.
    public func task(id: Int64) throws -> LeadTask? {
        try read { db in try db.query("SELECT * FROM tasks WHERE id = ?", [id]).first.map(LeadTask.init(row:)) }
    }

    /// Adds a task and returns it as stored (its owner, left out, is the lead's).
    @discardableResult
    public func addTask(_ task: NewLeadTask) throws -> LeadTask {
        try write { db in
            try db.execute("INSERT INTO tasks(lead_id, account_id, deal_id, owner_id, kind, due_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [task.leadID, task.accountID, task.dealID, task.ownerID, task.kind, task.dueAt, task.note])
            return try Self.storedTask(db.lastInsertRowID, db)
        }
    }

    /// Completes a task now, with how it went: a call, email or meeting task logs its activity on the
    /// lead. `cancelled` logs nothing.
    @discardableResult
    public func completeTask(_ id: Int64, outcome: String? = nil) throws -> LeadTask {
        try write { db in
            let before = try Self.storedTask(id, db)
            guard before.isOpen else {
                throw LeadError.rule(code: "read_only", message: "read_only: task \(id) is done already; add another task")
            }
            try db.execute("UPDATE tasks SET outcome = ?2, done_at = coalesce(done_at, (SELECT now FROM clock)) WHERE id = ?1", [id, outcome])
            return try Self.storedTask(id, db)
        }
    }

    /// A rep's day, in the order to work it (`my_day`).
    public func myDay(rep: Int64) throws -> [DayItem] {
        try read { db in try db.query("SELECT * FROM my_day WHERE rep_id = ?", [rep]).map(DayItem.init(row:)) }
    }

    static func storedTask(_ id: Int64, _ db: Database) throws -> LeadTask {
        guard let stored = try db.query("SELECT * FROM tasks WHERE id = ?", [id]).first.map(LeadTask.init(row:)) else {
            throw LeadError.rule(code: "unknown_task", message: "unknown_task: no task has id \(id)")
        }
        return stored
    }
}
