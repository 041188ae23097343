import Foundation
import LeadSQLite

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
