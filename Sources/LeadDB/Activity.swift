import Foundation
import LeadSQLite

/// A logged activity.
///
///     let click = try store.log(.emailClick, for: 42, campaign: "q4")
///     print(click.kind, click.points, click.occurredAt)
public struct Activity: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// The lead it belongs to.
    public let leadID: Int64
    /// What kind it is.
    public let kind: ActivityKind
    /// When it happened (UTC).
    public let occurredAt: Date
    /// The marketing campaign, if any.
    public let campaign: String?
    /// Where it came from, if known.
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
///
///     let opens = ids.map { NewActivity(leadID: $0, kind: .emailOpen, campaign: "newsletter") }
///     let failures = try store.logMany(opens).compactMap { $0 }
public struct NewActivity: Sendable, Hashable {
    /// The lead to log it for.
    public var leadID: Int64
    /// What happened.
    public var kind: ActivityKind
    /// nil means now.
    public var occurredAt: Date?
    /// The marketing campaign.
    public var campaign: String?
    /// Where the lead came from (webinar, referral, ...).
    public var source: String?
    /// Free text or JSON.
    public var detail: String?

    /// Makes an activity to log.
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
    /// Where a component's points come from.
    public enum Source: String, Sendable, Hashable {
        /// A matching fit rule.
        case fit
        /// An activity (for a score component) or a logged activity.
        case activity
    }
    /// Where it came from, if known.
    public let source: Source
    /// The fit rule's or the activity's id.
    public let sourceID: Int64
    /// Why, in words.
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
///
///     for entry in try store.timeline(lead: 42) { print(entry.at, entry.kind, entry.summary) }
public struct TimelineEntry: Sendable, Hashable {
    /// What kind of event it is.
    public enum Kind: String, Sendable, Hashable {
        /// An activity (for a score component) or a logged activity.
        case activity
        /// A stage change.
        case stageChange = "stage"
        /// An owner change.
        case assignment
    }
    /// When it happened (UTC).
    public let at: Date
    /// What kind it is.
    public let kind: Kind
    /// A one-line account, e.g. `email_click (q4-launch) +3`, `new -> contacted`, `assigned to rep 2: ...`.
    public let summary: String
}
