import Foundation
import LeadSQLite

/// One thing on a rep's day (`my_day`), in the order to work it.
public struct DayItem: Sendable, Hashable {
    /// 1 overdue tasks, 2 first responses due today or late, 3 tasks due later today, 4 new leads not
    /// yet answered, 5 leads with no next step.
    public let rank: Int
    /// `overdue_task`, `sla_breached`, `sla_due`, `task_today`, `new_lead` or `no_next_step`.
    public let item: String
    public let leadID: Int64?
    public let taskID: Int64?
    public let dueAt: Date?
    public let detail: String?

    init(row: Row) throws {
        rank = try row.get("rank")
        item = try row.get("item")
        leadID = try row.get("lead_id")
        taskID = try row.get("task_id")
        dueAt = try row.get("due_at")
        detail = try row.get("detail")
    }
}
