import Foundation
import LeadSQLite

/// An open lead in the hot list, with its owner's name.
public struct HotLead: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let email: String?
    public let name: String?
    public let company: String?
    public let title: String?
    public let stage: Stage
    public let ownerID: Int64?
    public let ownerName: String?
    public let score: Double
    public let fitScore: Double
    public let engagement: Double
    /// At or above `score.hot_threshold`.
    public let isHot: Bool
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
public struct FunnelStage: Sendable, Hashable {
    public let stage: Stage
    public let position: Int
    /// `won`, `lost`, or nil for an open stage.
    public let outcome: String?
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
public struct OutboxMessage: Sendable, Hashable, Identifiable {
    public let id: Int64
    /// `lead_mql`, `lead_unassigned`, `sla_escalation`, `nurture_email`, ...
    public let kind: String
    public let leadID: Int64?
    public let repID: Int64?
    /// JSON text.
    public let payload: String?
    public let createdAt: Date
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
public struct TickResult: Sendable, Hashable {
    public let tickID: Int64
    public let at: Date
    /// Escalation steps run (notifications and reassignments).
    public let escalations: Int
    /// Outbox rows the tick wrote (escalation notices and nurture messages).
    public let messages: Int
}
