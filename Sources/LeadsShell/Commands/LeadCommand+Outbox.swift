import Foundation
import LeadDB
import LeadSQLite

/// The lead commands over the outbox: what waits to be delivered, and delivering it by printing.
extension LeadCommand {
    static let outboxCommands: [LeadCommand] = [
        LeadCommand(name: "outbox", arguments: "[pending|failed|all] [LIMIT]", summary: "notifications for other programs to deliver: pending (default, with where each stands), given up, or all", arity: 0...2) { shell, store, args in
            var which = "pending"
            var limit = 50
            for (index, argument) in args.enumerated() {
                if let number = Int(argument) {
                    guard number > 0 else { throw UsageError(argument: index, message: "the limit is 1 or more") }
                    limit = number
                } else if ["pending", "failed", "all"].contains(argument.lowercased()) {
                    which = argument.lowercased()
                } else {
                    throw UsageError(argument: index, message: "expected pending, failed, all or a limit, not \(argument)")
                }
            }
            let sql = switch which {
            case "failed": "SELECT id, kind, rep, lead_id AS lead, created_at, attempts, last_error, payload FROM (SELECT f.*, r.name AS rep FROM outbox_failed AS f LEFT JOIN reps AS r ON r.id = f.rep_id) LIMIT ?"
            case "all": "SELECT o.id, o.kind, r.name AS rep, o.lead_id AS lead, o.created_at, coalesce(o.delivered_at, s.status) AS status, o.payload FROM outbox AS o LEFT JOIN reps AS r ON r.id = o.rep_id LEFT JOIN outbox_status AS s ON s.id = o.id ORDER BY o.id DESC LIMIT ?"
            default: "SELECT id, kind, rep, lead_id AS lead, created_at, CASE status WHEN 'claimed' THEN 'claimed by ' || claimed_by WHEN 'retrying' THEN 'retrying at ' || retry_at ELSE status END AS status, attempts, last_error, payload FROM outbox_status LIMIT ?"
            }
            let rows = try store.read { db in try db.query(sql, [limit]) }
            guard let first = rows.first else {
                shell.out.write(which == "failed" ? "No messages given up.\n" : which == "all" ? "The outbox is empty.\n" : "Nothing waits to be delivered.\n")
                return
            }
            shell.render(ResultSet(columns: first.columns, rows: rows.map(\.values)))
        },
        LeadCommand(name: "deliver", arguments: "--print [LIMIT]", summary: "deliver pending notifications by printing them here (claimed, then marked delivered)", arity: 0...2) { shell, store, args in
            guard args.first == "--print" else {
                throw UsageError(argument: 0, message: "deliver takes --print: the shell delivers by printing; other programs claim and deliver with the outbox protocol (Schema/README.md, The outbox)")
            }
            var limit = 50
            if args.count == 2 {
                guard let number = Int(args[1]), number > 0 else { throw UsageError(argument: 1, message: "the limit is a number, 1 or more; not \(args[1])") }
                limit = number
            }
            let sender = "leads-shell@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
            let batch = try store.claimOutbox(as: sender, limit: limit)
            guard !batch.isEmpty else { shell.out.write("Nothing to deliver.\n"); return }
            let reps = Dictionary(uniqueKeysWithValues: try store.reps().map { ($0.id, $0.name) })
            // (each marked delivered once printed: output that stops half-way leaves the rest claimed, to be claimed again)
            var marked = 0, lost = 0
            for message in batch {
                let to = message.repID.map { id in reps[id].map { "\($0) (rep \(id))" } ?? "rep \(id)" }
                    ?? (message.kind == "nurture_email" ? "the lead" : message.kind == "lead_unassigned" ? "the team (no rep could take it)" : "no rep in particular")
                shell.out.write("#\(message.id) \(message.kind) to \(to)\(message.leadID.map { ", lead \($0)" } ?? ""), \(SQLiteDate.format(message.createdAt)): \(message.payload ?? "{}")\n")
                if try store.markDelivered([message.id], as: sender).isEmpty { lost += 1 } else { marked += 1 }
            }
            shell.out.write("Delivered \(marked) message\(marked == 1 ? "" : "s")\(lost > 0 ? " (\(lost) claimed meanwhile by another sender)" : "").\n")
        },
    ]
}
