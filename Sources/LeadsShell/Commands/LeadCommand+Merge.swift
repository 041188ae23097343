import Foundation
import LeadDB
import LeadSQLite

/// Duplicates and merges (Schema/89_merges.sql): `dups`, `merge`, `unmerge`, `notdup`.
extension LeadCommand {
    static let mergeCommands: [LeadCommand] = [
        LeadCommand(name: "dups", arguments: "[LIMIT]", summary: "pairs of leads that are probably one person, surest first, with the reasons", arity: 0...1) { shell, store, args in
            var limit = 50
            if let text = args.first {
                guard let value = Int(text), value > 0 else { throw UsageError(argument: 0, message: "expected a number of pairs, not \(text)") }
                limit = value
            }
            let pairs = try store.possibleDuplicates(limit: limit)
            guard !pairs.isEmpty else {
                shell.out.write("No possible duplicates: no two live leads share a mailbox, a phone, or a name at one company.\n")
                return
            }
            var leads: [Int64: Lead] = [:]
            for id in Set(pairs.flatMap { [$0.leadID, $0.otherID] }) { leads[id] = try store.lead(id: id) }
            func who(_ id: Int64) -> String {
                guard let lead = leads[id] else { return "-" }
                return [lead.name, lead.email ?? lead.phone, lead.company].compactMap { $0 }.joined(separator: ", ")
            }
            shell.render(ResultSet(
                columns: ["lead", "other", "sure", "why", "lead is", "other is"],
                rows: pairs.map { pair in
                    [.integer(pair.leadID), .integer(pair.otherID), .text(String(format: "%.0f%%", pair.confidence * 100)),
                     .text(pair.reasons.map(reasonText).joined(separator: ", ")), .text(who(pair.leadID)), .text(who(pair.otherID))]
                }))
            let first = pairs[0]
            shell.out.write("merge \(first.leadID) \(first.otherID) keeps lead \(first.leadID) and folds lead \(first.otherID) into it; notdup \(first.leadID) \(first.otherID) says they are two people.\n")
        },
        LeadCommand(name: "merge", arguments: "KEPT MERGED", summary: "merge the second lead into the first: fields filled, activities, tasks and deals moved, score recomputed", arity: 2...2) { shell, store, args in
            let kept = try resolveLead(args[0], store, argument: 0)
            let merged = try resolveLead(args[1], store, argument: 1)
            let before = kept.score
            let result: (merge: LeadMerge, filled: [FieldChange])
            do {
                result = try store.merge(kept: kept.id, merged: merged.id, by: shellUser())
            } catch let error as LeadError where ["invalid_merge", "merged_lead", "erased_lead"].contains(error.code ?? "") {
                throw UsageError(argument: nil, message: error.message, showsUsage: false)
            }
            let after = try store.lead(id: kept.id)
            let merge = result.merge
            var text = "Merged lead \(merged.id)\(merged.name.map { " (\($0))" } ?? "") into lead \(kept.id)\(kept.name.map { " (\($0))" } ?? "") as merge \(merge.id): "
            text += "\(merge.activities) activit\(merge.activities == 1 ? "y" : "ies"), \(merge.tasks) task\(merge.tasks == 1 ? "" : "s"), \(merge.deals) deal\(merge.deals == 1 ? "" : "s") moved.\n"
            for change in result.filled { text += "  \(change.field): \(change.oldValue ?? "-") -> \(change.newValue ?? "-")\n" }
            if let after {
                text += "  score: \(String(format: "%.1f", before)) -> \(String(format: "%.1f", after.score))"
                text += after.stage != kept.stage ? "; stage: \(kept.stage.rawValue) -> \(after.stage.rawValue)\n" : "\n"
            }
            text += after?.stage != kept.stage
                ? "A merge that moved the kept lead is not undone.\n"
                : "unmerge \(merged.id) undoes it while lead \(kept.id) is untouched.\n"
            shell.out.write(text)
        },
        LeadCommand(name: "unmerge", arguments: "LEAD", summary: "undo the merge of a lead into another, while the kept lead is untouched since", arity: 1...1) { shell, store, args in
            guard let id = Int64(args[0]) else { throw UsageError(argument: 0, message: "expected the id of a merged lead, not \(args[0])") }
            let merges = try store.merges(lead: id)
            guard let merge = merges.first(where: { $0.mergedID == id && $0.undoneAt == nil }) else {
                let into = merges.filter { $0.keptID == id && $0.undoneAt == nil }.map { String($0.mergedID) }
                throw UsageError(argument: 0, message: "lead \(id) is not merged into another lead"
                    + (into.isEmpty ? " (merge KEPT MERGED merges two)" : "; lead\(into.count == 1 ? "" : "s") \(into.joined(separator: ", ")) \(into.count == 1 ? "was" : "were") merged into it: unmerge \(into[0])"),
                    showsUsage: false)
            }
            do {
                try store.undoMerge(merge.id, by: shellUser())
            } catch let error as LeadError where error.code == "not_undoable" {
                throw UsageError(argument: 0, message: error.message, showsUsage: false)
            }
            shell.out.write("Undid merge \(merge.id): lead \(id) is its own lead again, and lead \(merge.keptID) is as it was before the merge.\n")
        },
        LeadCommand(name: "notdup", arguments: "LEAD OTHER", summary: "say two leads dups lists are two people; dups leaves the pair out", arity: 2...2) { shell, store, args in
            let lead = try resolveLead(args[0], store, argument: 0)
            let other = try resolveLead(args[1], store, argument: 1)
            guard lead.id != other.id else { throw UsageError(argument: 1, message: "a lead is not a duplicate of itself") }
            try store.noteNotDuplicates(lead.id, other.id, by: shellUser())
            shell.out.write("Noted: leads \(min(lead.id, other.id)) and \(max(lead.id, other.id)) are two people; dups leaves them out.\n")
        },
    ]
}

private func reasonText(_ reason: String) -> String {
    switch reason {
    case "email_alias": "one mailbox"
    case "same_phone": "same phone"
    case "same_name_at_company": "same name and company"
    case "similar_name_at_company": "similar name, same company"
    default: reason
    }
}
