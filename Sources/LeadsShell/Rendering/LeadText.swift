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
    default: lead.phone ?? (lead.erasedAt != nil ? "(erased)" : "(no contact)")
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
    field("works as", [lead.title, lead.company].compactMap { $0 }.joined(separator: " at "))
    field("phone", lead.phone)
    field("industry", lead.industry)
    field("size", lead.companySize.map(String.init))
    field("country", lead.country)
    field("source", [lead.source, lead.campaign].compactMap { $0 }.joined(separator: " / "))
    field("stage", lead.stage.rawValue + (lead.closedAt == nil ? "" : lead.lostReason.map { " (\($0))" } ?? "") + (lead.amount.map { ", amount \($0)" } ?? ""))
    field("consent", lead.consent.map { $0 ? "given (\(lead.consentSource ?? "?"))" : "not given" })
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
    field("created", SQLiteDate.format(lead.createdAt))
    let timeline = try store.timeline(lead: lead.id)
    if !timeline.isEmpty {
        out += "  timeline\n"
        for entry in timeline.suffix(15) { out += "    \(SQLiteDate.format(entry.at))  \(escapingControls(entry.summary))\n" }
        if timeline.count > 15 { out += "    (\(timeline.count - 15) earlier; SELECT * FROM activities WHERE lead_id = \(lead.id))\n" }
    }
    return out
}
