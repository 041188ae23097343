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
