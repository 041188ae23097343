import Foundation
import LeadDB
import LeadSQLite

/// The lead commands of a rep's day: tasks, completing them, and `my day` (Schema/88_tasks.sql).
extension LeadCommand {
    static let taskCommands: [LeadCommand] = [
        LeadCommand(name: "my", arguments: "day [REP]", summary: "a rep's day in the order to work it: overdue tasks, deadlines, today's tasks, new leads, no next step", arity: 1...2) { shell, store, args in
            guard args.first?.lowercased() == "day" else { throw UsageError(argument: 0, message: "my takes day: my day Ana") }
            let rep: Rep
            if args.count == 2 {
                rep = try resolveRep(args[1], store, argument: 1)
            } else {
                let active = try store.reps().filter(\.active)
                guard active.count == 1 else {
                    throw UsageError(argument: nil, message: "whose day? my day REP (reps: \(active.isEmpty ? "none yet" : active.map(\.name).joined(separator: ", ")))")
                }
                rep = active[0]
            }
            let items = try store.myDay(rep: rep.id)
            guard !items.isEmpty else {
                shell.out.write("\(rep.name) has nothing due: no open tasks due today, no deadlines today, no new leads, every lead past mql has a next step.\n")
                return
            }
            let names = try leadNames(items.compactMap(\.leadID), store)
            shell.out.write("\(rep.name)'s day, \(items.count) item\(items.count == 1 ? "" : "s"), first things first:\n")
            shell.render(ResultSet(
                columns: ["#", "what", "lead", "name", "task", "due", "detail"],
                rows: items.enumerated().map { index, item in
                    [.integer(Int64(index + 1)), .text(dayItemText(item.item)), item.leadID.map(DatabaseValue.integer) ?? .null,
                     nullableText(item.leadID.flatMap { names[$0] }), item.taskID.map(DatabaseValue.integer) ?? .null,
                     nullableText(item.dueAt.map(SQLiteDate.format)), nullableText(item.detail.map { escapingControls($0) })]
                }))
        },
        LeadCommand(name: "tasks", arguments: "[REP|all] [overdue]", summary: "open tasks, soonest due first: a rep's or all; overdue ones only with overdue", arity: 0...2) { shell, store, args in
            var rep: Rep?
            var overdue = false
            for (index, argument) in args.enumerated() {
                if argument.lowercased() == "overdue" { overdue = true } else if argument.lowercased() != "all" { rep = try resolveRep(argument, store, argument: index) }
            }
            let now = try store.now()
            let tasks = try store.tasks(owner: rep?.id, limit: 500).filter { !overdue || ($0.dueAt.map { $0 < now } ?? false) }
            guard !tasks.isEmpty else {
                shell.out.write("No \(overdue ? "overdue" : "open") tasks\(rep.map { " for \($0.name)" } ?? ""): task LEAD KIND [due=...] [NOTE] adds one.\n")
                return
            }
            let names = try leadNames(tasks.compactMap(\.leadID), store)
            let reps = Dictionary(uniqueKeysWithValues: try store.reps().map { ($0.id, $0.name) })
            shell.render(ResultSet(
                columns: ["id", "due", "kind", "lead", "name", "owner", "note"],
                rows: tasks.map { task in
                    [.integer(task.id),
                     .text(task.dueAt.map { SQLiteDate.format($0) + ($0 < now ? " (overdue)" : "") } ?? "-"),
                     .text(task.kind), task.leadID.map(DatabaseValue.integer) ?? .null, nullableText(task.leadID.flatMap { names[$0] }),
                     nullableText(task.ownerID.flatMap { reps[$0] }), nullableText(task.note.map { escapingControls($0) })]
                }))
        },
        LeadCommand(name: "task", arguments: "ID|EMAIL KIND [due=TIME|+30m|+2h|+1d] [owner=REP] [NOTE...]", summary: "add a task about a lead (kinds: call, email, meeting, todo)", arity: 2...Int.max) { shell, store, args in
            guard args.count >= 2 else { throw UsageError(argument: nil, message: "task takes a lead and a kind") }
            let lead = try resolveLead(args[0], store, argument: 0)
            var task = NewLeadTask(leadID: lead.id, kind: args[1])
            var note: [String] = []
            for (index, argument) in args.enumerated().dropFirst(2) {
                if argument.lowercased().hasPrefix("due=") {
                    task.dueAt = try dueTime(String(argument.dropFirst(4)), now: store.now(), argument: index)
                } else if argument.lowercased().hasPrefix("owner=") {
                    task.ownerID = try resolveRep(String(argument.dropFirst(6)), store, argument: index).id
                } else {
                    note.append(argument)
                }
            }
            task.note = note.isEmpty ? nil : note.joined(separator: " ")
            let added: LeadTask
            do {
                added = try store.addTask(task)
            } catch let error as LeadError where error.code == "invalid_task" {
                throw UsageError(argument: 1, message: error.message, showsUsage: false)
            }
            let owner = try added.ownerID.flatMap { id in try store.reps().first { $0.id == id }?.name }
            shell.out.write("Added task \(added.id): \(added.kind) about lead \(lead.id)\(lead.name.map { " (\($0))" } ?? ""), "
                + "\(added.dueAt.map { "due \(SQLiteDate.format($0))" } ?? "no due time"), \(owner.map { "for \($0)" } ?? "nobody's yet")\n")
        },
        LeadCommand(name: "done", arguments: "TASK [OUTCOME...]", summary: "complete a task (a call, email or meeting logs it on the lead); cancelled logs nothing", arity: 1...Int.max) { shell, store, args in
            guard let id = Int64(args[0]) else { throw UsageError(argument: 0, message: "expected a task id, not \(args[0]) (tasks lists them)") }
            guard let before = try store.task(id: id) else { throw UsageError(argument: 0, message: "no task has id \(id)", showsUsage: false) }
            guard before.isOpen else {
                throw UsageError(argument: 0, message: "task \(id) is done already (\(before.doneAt.map(SQLiteDate.format) ?? "-")\(before.outcome.map { ", \($0)" } ?? ""))", showsUsage: false)
            }
            let outcome = args.count > 1 ? args.dropFirst().joined(separator: " ") : nil
            let lastTask = try lastTaskID(store)
            let done = try store.completeTask(id, outcome: outcome)
            var text = "Done task \(id) (\(done.kind)\(done.outcome.map { ", \($0)" } ?? ""))"
            if done.activityID != nil, let lead = done.leadID {
                text += ": logged \(try activityKind(of: done, store)) on lead \(lead)"
            }
            text += "\n"
            if let lead = done.leadID { text += try tasksMade(lead: lead, after: lastTask, store) }
            shell.out.write(text)
        },
    ]
}

/// The names of some leads, by id.
private func leadNames(_ ids: [Int64], _ store: LeadStore) throws -> [Int64: String] {
    var names: [Int64: String] = [:]
    for id in Set(ids) { if let lead = try store.lead(id: id) { names[id] = lead.name ?? lead.email } }
    return names
}

private func dayItemText(_ item: String) -> String {
    switch item {
    case "overdue_task": "overdue task"
    case "sla_breached": "answer now (late)"
    case "sla_due": "answer by"
    case "task_today": "task today"
    case "new_lead": "new lead"
    case "no_next_step": "no next step"
    default: item
    }
}

/// The activity a completed task logged, by kind (`call`, `email_sent`, `meeting`).
private func activityKind(of task: LeadTask, _ store: LeadStore) throws -> String {
    try store.read { db in try db.scalar("SELECT kind FROM activity_log WHERE id = ?", [task.activityID], as: String.self) } ?? task.kind
}

/// A due time: a time such as 2026-11-26T10:00:00Z or 2026-11-26 10:00, or from now: +30m, +2h, +1d.
private func dueTime(_ text: String, now: Date, argument: Int) throws -> Date {
    if text.hasPrefix("+"), let unit = text.last, let count = Int(text.dropFirst().dropLast()), count >= 0 {
        switch unit {
        case "m": return now.addingTimeInterval(Double(count) * 60)
        case "h": return now.addingTimeInterval(Double(count) * 3600)
        case "d": return now.addingTimeInterval(Double(count) * 86400)
        default: break
        }
    }
    guard let time = SQLiteDate.parse(text) else {
        throw UsageError(argument: argument, message: "due= takes a time such as 2026-11-26T10:00:00Z, or +30m, +2h, +1d from now; not \(text)")
    }
    return time
}
