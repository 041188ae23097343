import Foundation
import LeadSQLite

/// A logged activity.
public struct Activity: Sendable, Hashable, Identifiable {
    public let id: Int64
    public let leadID: Int64
    public let kind: ActivityKind
    public let occurredAt: Date
    public let campaign: String?
    public let source: String?
    /// Free text or JSON.
    public let detail: String?
    /// The engagement points it added when it occurred (0 for outbound touches).
    public let points: Double

    init(row: Row) throws {
        id = try row.get("id")
        leadID = try row.get("lead_id")
        kind = ActivityKind(try row.get("kind", as: String.self))
        occurredAt = try row.get("occurred_at")
        campaign = try row.get("campaign")
        source = try row.get("source")
        detail = try row.get("detail")
        points = try row.get("points")
    }
}

/// An activity to log with ``LeadStore/logMany(_:chunkSize:progress:)``.
public struct NewActivity: Sendable, Hashable {
    public var leadID: Int64
    public var kind: ActivityKind
    /// nil means now.
    public var occurredAt: Date?
    public var campaign: String?
    public var source: String?
    public var detail: String?

    public init(
        leadID: Int64, kind: ActivityKind, occurredAt: Date? = nil, campaign: String? = nil, source: String? = nil,
        detail: String? = nil
    ) {
        self.leadID = leadID
        self.kind = kind
        self.occurredAt = occurredAt
        self.campaign = campaign
        self.source = source
        self.detail = detail
    }

    var arguments: [any DatabaseValueConvertible] { [leadID, kind.rawValue, occurredAt, campaign, source, detail] }
}

/// One line of a score's explanation: a matching fit rule, or an activity with its points now.
///
///     for part in try store.scoreBreakdown(lead: 42) { print(part.reason, part.points) }
public struct ScoreComponent: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case fit
        case activity
    }
    public let source: Source
    /// The fit rule's or the activity's id.
    public let sourceID: Int64
    public let reason: String
    /// Points now; the components of a lead add up to its score.
    public let points: Double
    /// When the activity occurred; nil for fit rules.
    public let occurredAt: Date?

    init(row: Row) throws {
        source = Source(rawValue: try row.get("component")) ?? .fit
        sourceID = try row.get("source_id")
        reason = try row.get("reason")
        points = try row.get("points")
        occurredAt = try row.get("occurred_at")
    }
}

/// One event in a lead's life: an activity, a stage change or an assignment.
public struct TimelineEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case activity
        case stageChange = "stage"
        case assignment
    }
    public let at: Date
    public let kind: Kind
    /// A one-line account, e.g. `email_click (q4-launch) +3`, `new -> contacted`, `assigned to rep 2: ...`.
    public let summary: String
}
