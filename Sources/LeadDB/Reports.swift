import Foundation
import LeadSQLite

/// An open lead in the hot list, with its owner's name.
///
///     for lead in try store.hotLeads(owner: 7, limit: 10) where lead.isHot { print(lead.name ?? "-", lead.score) }
public struct HotLead: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// The email, normalised (trimmed, lower-cased), or nil.
    public let email: String?
    /// First and last name, or nil.
    public let name: String?
    /// The company, or nil.
    public let company: String?
    /// The job title, or nil.
    public let title: String?
    /// The lifecycle stage.
    public let stage: Stage
    /// The owning rep's id, or nil when unassigned.
    public let ownerID: Int64?
    /// The owning rep's name, or nil.
    public let ownerName: String?
    /// The current score: fit plus decayed engagement.
    public let score: Double
    /// The sum of the matching fit rules.
    public let fitScore: Double
    /// Inbound activity points, each decayed to now.
    public let engagement: Double
    /// At or above `score.hot_threshold`.
    public let isHot: Bool
    /// When the latest activity happened.
    public let lastActivityAt: Date?

    init(row: Row) throws {
        id = try row.get("id")
        email = try row.get("email")
        let parts = [try row.get("first_name", as: String?.self), try row.get("last_name", as: String?.self)].compactMap { $0 }
        name = parts.isEmpty ? nil : parts.joined(separator: " ")
        company = try row.get("company")
        title = try row.get("title")
        stage = Stage(try row.get("stage", as: String.self))
        ownerID = try row.get("owner_id")
        ownerName = try row.get("owner_name")
        score = try row.get("score")
        fitScore = try row.get("fit_score")
        engagement = try row.get("engagement")
        isHot = try row.get("is_hot")
        lastActivityAt = try row.get("last_activity_at")
    }
}

/// One stage of the funnel.
///
///     for stage in try store.funnel() { print(stage.stage, stage.leads, stage.percent) }
public struct FunnelStage: Sendable, Hashable {
    /// The lifecycle stage.
    public let stage: Stage
    /// Its place in the funnel (lower first).
    public let position: Int
    /// `won`, `lost`, or nil for an open stage.
    public let outcome: String?
    /// How many leads are in it now.
    public let leads: Int
    /// Share of all leads, 0 to 100.
    public let percent: Double

    init(row: Row) throws {
        stage = Stage(try row.get("stage", as: String.self))
        position = try row.get("position")
        outcome = try row.get("outcome")
        leads = try row.get("leads")
        percent = try row.get("percent", as: Double?.self) ?? 0
    }
}

/// A notification or message for another program to deliver.
///
///     let pending = try store.pendingOutbox()
///     // ... send them ...
///     try store.markDelivered(pending.map(\.id))
public struct OutboxMessage: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// `lead_mql`, `lead_unassigned`, `sla_escalation`, `nurture_email`, ...
    public let kind: String
    /// The lead it belongs to.
    public let leadID: Int64?
    /// The rep's id, or nil.
    public let repID: Int64?
    /// JSON text.
    public let payload: String?
    /// When it was written.
    public let createdAt: Date
    /// When a program marked it delivered, or nil while pending.
    public let deliveredAt: Date?

    init(row: Row) throws {
        id = try row.get("id")
        kind = try row.get("kind")
        leadID = try row.get("lead_id")
        repID = try row.get("rep_id")
        payload = try row.get("payload")
        createdAt = try row.get("created_at")
        deliveredAt = try row.get("delivered_at")
    }
}

/// What one tick did.
///
///     let tick = try store.tick()
///     print(tick.escalations, tick.messages)
public struct TickResult: Sendable, Hashable {
    /// The tick's id (a row of `ticks`).
    public let tickID: Int64
    /// When it happened (UTC).
    public let at: Date
    /// Escalation steps run (notifications and reassignments).
    public let escalations: Int
    /// Outbox rows the tick wrote (escalation notices and nurture messages).
    public let messages: Int
    /// How many ticks ran, each in its own transaction: one unless a tick left work for the next
    /// (more than `tick.batch` items of one kind were due).
    public let ticks: Int

    public init(tickID: Int64, at: Date, escalations: Int, messages: Int, ticks: Int = 1) {
        self.tickID = tickID
        self.at = at
        self.escalations = escalations
        self.messages = messages
        self.ticks = ticks
    }
}
