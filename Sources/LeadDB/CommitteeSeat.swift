import LeadSQLite

/// A person of an account's buying committee, or a role nobody fills (`buying_committee`).
public struct CommitteeSeat: Sendable, Hashable {
    /// The role (decision_maker, champion, influencer, user), or nil for a person no title rule places.
    public let role: String?
    public let label: String?
    /// The person, or nil when the role is missing.
    public let leadID: Int64?
    public let name: String?
    public let title: String?
    public let stage: String?
    public let score: Double?

    init(row: Row) throws {
        role = try row.get("role")
        label = try row.get("label")
        leadID = try row.get("lead_id")
        name = try row.get("name")
        title = try row.get("title")
        stage = try row.get("stage")
        score = try row.get("score")
    }
}
