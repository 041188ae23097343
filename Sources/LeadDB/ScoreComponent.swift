import Foundation
import LeadSQLite

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
