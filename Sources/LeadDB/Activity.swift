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
