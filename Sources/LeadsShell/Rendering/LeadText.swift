import Foundation
import LeadDB
import LeadSQLite

// How the lead commands show leads: values, scores, durations, a contact line, an owner, and `show`'s card.

/// A text value, or NULL for nil.
func nullableText(_ value: String?) -> DatabaseValue { value.map(DatabaseValue.text) ?? .null }

/// A score to one decimal; a value that rounds to zero shows as 0.0, never -0.0.
func score(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return String(format: "%.1f", rounded == 0 ? 0 : rounded)
}

func duration(_ minutes: Int) -> String {
    minutes < 60 ? "\(minutes) min" : minutes < 1440 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes / 1440) d \(minutes % 1440 / 60) h"
}

func describe(_ lead: Lead) -> String {
    let text = switch (lead.name, lead.email) {
    case let (name?, email?): "\(name) <\(email)>"
    case let (nil, email?): email
    case let (name?, nil): "\(name) (\(lead.phone ?? "no email"))"
    default: lead.phone ?? (lead.mergedInto.map { "(merged into lead \($0))" } ?? (lead.erasedAt != nil ? "(erased)" : "(no contact)"))
    }
    return escapingControls(text)
}

func ownerText(_ lead: Lead, _ store: LeadStore) throws -> String {
    guard let owner = lead.ownerID else {
        if try store.reps().filter(\.active).isEmpty {
            return ", unassigned (no reps yet: INSERT INTO reps(name, team, capacity) VALUES ('Ana', 'default', 50) routes new leads)"
        }
        return ", unassigned (see: SELECT * FROM unassigned_leads)"
    }
    let name = try store.reps().first { $0.id == owner }?.name ?? "rep \(owner)"
    return ", owner \(name)"
}

/// The card `show` prints.
func card(_ lead: Lead, _ store: LeadStore) throws -> String {
    var out = "Lead \(lead.id): \(escapingControls(describe(lead)))\n"
    func field(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { out += "  " + pad(name, 12) + escapingControls(value) + "\n" }
    }
    if let kept = lead.mergedInto, let erased = lead.erasedAt {
        // A tombstone: the person, their activities and score live on in the kept lead.
        field("merged", "into lead \(kept) at \(SQLiteDate.format(erased)) (show \(kept); unmerge \(lead.id) undoes it if lead \(kept) is untouched since)")
        field("created", SQLiteDate.format(lead.createdAt))
        return out
    }
    field("works as", [lead.title, lead.company].compactMap { $0 }.joined(separator: " at "))
    field("phone", lead.phone)
    field("industry", lead.industry)
    field("size", lead.companySize.map(String.init))
    field("country", lead.country)
    field("source", [lead.source, lead.campaign].compactMap { $0 }.joined(separator: " / "))
    field("stage", lead.stage.rawValue + (lead.closedAt == nil ? "" : lead.lostReason.map { " (\($0))" } ?? "") + (lead.amount.map { ", amount \($0)" } ?? ""))
    field("consent", lead.consent.map { $0 ? "given (\(lead.consentSource ?? "?"))" : "not given" })
    field("tags", try store.tags(lead: lead.id).joined(separator: ", "))
    if let id = lead.accountID {
        field("account", try store.account(id: id).map { "\($0.domain) (account \($0.id)\($0.name.map { ", " + $0 } ?? ""))" } ?? "account \(id)")
    }
    // (custom values in the fields' order; a long name gets a space of its own)
    let values = lead.custom
    for deal in try store.deals(lead: lead.id, limit: 5) {
        field("deal", "\(deal.id): \(deal.kind) \(deal.stage)" + (deal.amount.map { ", \(formatAmount($0))" } ?? "") + (deal.name.map { ", " + $0 } ?? ""))
    }
    for custom in try store.customFields() where values[custom.name] != nil {
        let value = custom.type == "boolean" ? (values[custom.name] == "1" ? "yes" : "no") : values[custom.name]
        field(custom.name.count >= 12 ? custom.name + " " : custom.name, value)
    }
    out += "  " + pad("score", 12) + "\(score(lead.score)) = fit \(score(lead.fitScore)) + engagement \(score(lead.engagement))\n"
    for part in try store.scoreBreakdown(lead: lead.id) where abs(part.points) >= 0.05 {
        let points = String(format: "%+.1f", part.points)
        out += "      " + pad(points, 7) + (points.count >= 7 ? " " : "") + escapingControls(part.reason) + (part.occurredAt.map { "  " + SQLiteDate.format($0) } ?? "") + "\n"
    }
    if let erased = lead.erasedAt {
        // The facts that stay for reports; no owner's work or deadline is left.
        field("erased", "\(SQLiteDate.format(erased)): personal data removed, facts kept for reports")
        field("created", SQLiteDate.format(lead.createdAt))
        return out
    }
    field("owner", try lead.ownerID.map { id in try store.reps().first { $0.id == id }.map { "\($0.name) (rep \($0.id))" } ?? "rep \(id)" } ?? "unassigned")
    if let due = lead.responseDueAt {
        let status: String
        if let answered = lead.firstResponseAt {
            status = "answered \(SQLiteDate.format(answered)) (\(lead.slaMet == true ? "on time" : "late"))"
        } else if try store.slaBreach(lead: lead.id) != nil {
            // (the database's rule, sla_breaches: open, assigned, unanswered and past the deadline)
            status = "BREACHED: due \(SQLiteDate.format(due))"
        } else {
            status = "due \(SQLiteDate.format(due))" + (lead.closedAt != nil ? " (closed before an answer: no longer counted)" : "")
        }
        field("sla", status)
    }
    // Its open tasks, soonest due first (88_tasks.sql).
    let now = try store.now()
    for task in try store.tasks(lead: lead.id, limit: 5) {
        field("task", "\(task.id): \(task.kind)" + (task.dueAt.map { " due \(SQLiteDate.format($0))" + ($0 < now ? " (overdue)" : "") } ?? "")
            + (task.note.map { ", " + escapingControls($0) } ?? ""))
    }
    field("created", SQLiteDate.format(lead.createdAt))
    let timeline = try store.timeline(lead: lead.id)
    if !timeline.isEmpty {
        out += "  timeline\n"
        for entry in timeline.suffix(15) { out += "    \(SQLiteDate.format(entry.at))  \(escapingControls(entry.summary))\n" }
        if timeline.count > 15 { out += "    (\(timeline.count - 15) earlier; SELECT * FROM activities WHERE lead_id = \(lead.id))\n" }
    }
    return out
}

/// The card `account` prints.
func accountCard(_ account: Account, _ store: LeadStore) throws -> String {
    var out = "Account \(account.id): \(escapingControls(account.domain))" + (account.name.map { " (\(escapingControls($0)))" } ?? "") + "\n"
    func field(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { out += "  " + pad(name, 12) + escapingControls(value) + "\n" }
    }
    field("industry", account.industry)
    field("size", account.companySize.map(String.init))
    field("country", account.country)
    field("owner", account.ownerID.map { id in "\(account.ownerName ?? "rep \(id)") (rep \(id))" } ?? "none (its first assigned lead's owner takes it)")
    out += "  " + pad("score", 12) + "\(score(account.score)) = best fit \(score(account.fit)) + engagement \(score(account.engagement)) of \(account.people) \(account.people == 1 ? "person" : "people")\n"
    field("stages", account.stages.map { "\($0.stage) \($0.leads)" }.joined(separator: ", "))
    field("customer", account.customerSince.map { "since \(SQLiteDate.format($0)), revenue \(formatAmount(account.wonRevenue))" })
    if account.openDeals > 0 { field("open deals", "\(account.openDeals), \(formatAmount(account.pipeline)) in the pipeline (deals account=\(account.id))") }
    field("last active", account.lastActivityAt.map(SQLiteDate.format))
    field("created", SQLiteDate.format(account.createdAt))
    let people = try store.people(account: account.id)
    if !people.isEmpty {
        out += "  people\n"
        for lead in people.prefix(25) {
            out += "    \(lead.id)  \(escapingControls(describe(lead)))" + (lead.title.map { ", \(escapingControls($0))" } ?? "") + ", \(lead.stage.rawValue), score \(score(lead.score))\n"
        }
        if people.count > 25 { out += "    (\(people.count - 25) more: SELECT * FROM leads WHERE account_id = \(account.id))\n" }
    }
    let seats = try store.buyingCommittee(account: account.id)
    if !seats.isEmpty {
        out += "  buying committee\n"
        for seat in seats where seat.leadID != nil && seat.role != nil {
            out += "    " + pad(seat.label ?? seat.role ?? "", 16) + escapingControls(seat.name ?? "lead \(seat.leadID!)") + (seat.title.map { " (\(escapingControls($0)))" } ?? "") + "\n"
        }
        let missing = seats.filter { $0.leadID == nil }.map { $0.label ?? $0.role ?? "" }
        if !missing.isEmpty { out += "    missing: \(missing.joined(separator: ", "))\n" }
    }
    return out
}

/// An amount as the shell prints it: whole numbers without decimals.
func formatAmount(_ amount: Double) -> String {
    amount == amount.rounded() && abs(amount) < 1e15 ? String(Int64(amount)) : String(amount)
}

/// The card `deal` prints.
func dealCard(_ deal: Deal, _ store: LeadStore) throws -> String {
    var out = "Deal \(deal.id): \(deal.kind)" + (deal.name.map { " \(escapingControls($0))" } ?? "") + "\n"
    func field(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { out += "  " + pad(name, 12) + escapingControls(value) + "\n" }
    }
    field("stage", deal.stage + (deal.lostReason.map { " (\($0))" } ?? ""))
    field("amount", deal.amount.map(formatAmount))
    if let id = deal.accountID { field("account", try store.account(id: id).map { "\($0.domain) (account \($0.id))" } ?? "account \(id)") }
    if let id = deal.leadID { field("contact", try store.lead(id: id).map { "\(describe($0)) (lead \($0.id))" } ?? "lead \(id)") }
    field("owner", try deal.ownerID.map { id in try store.reps().first { $0.id == id }.map { "\($0.name) (rep \($0.id))" } ?? "rep \(id)" } ?? "none")
    field("closes", deal.expectedCloseOn)
    if let start = deal.contractStart, let end = deal.contractEnd { field("contract", "\(start) to \(end)") }
    field("renews", deal.renewalOf.map { "deal \($0)" })
    field("answer by", deal.responseDueAt.map(SQLiteDate.format))
    field("created", SQLiteDate.format(deal.createdAt))
    field("closed", deal.closedAt.map(SQLiteDate.format))
    return out
}
