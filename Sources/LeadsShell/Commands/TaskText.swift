import Foundation
import LeadDB
import LeadSQLite

/// The newest task's id (0 for none): what a command's rules made is after it.
func lastTaskID(_ store: LeadStore) throws -> Int64 {
    try store.read { db in try db.scalar("SELECT coalesce(max(id), 0) FROM tasks", as: Int64.self) } ?? 0
}

/// The tasks the rules made for a lead after `after` (a move, an activity, a completed call), one line each.
func tasksMade(lead: Int64, after: Int64, _ store: LeadStore) throws -> String {
    try store.tasks(lead: lead, open: true).filter { $0.id > after }.map { next in
        "Next: task \(next.id), \(next.kind)\(next.note.map { " (\(escapingControls($0)))" } ?? ""), due \(next.dueAt.map(SQLiteDate.format) ?? "-")\n"
    }.joined()
}
