import Foundation

/// A task to add (`INSERT INTO tasks`): about a lead, an account or a deal; the database checks it and
/// fills in the rest (its owner, left out, is the lead's).
public struct NewLeadTask: Sendable, Hashable {
    public var leadID: Int64?
    public var accountID: Int64?
    public var dealID: Int64?
    public var ownerID: Int64?
    public var kind: String
    public var dueAt: Date?
    public var note: String?

    public init(leadID: Int64? = nil, accountID: Int64? = nil, dealID: Int64? = nil, ownerID: Int64? = nil, kind: String = "todo",
                dueAt: Date? = nil, note: String? = nil) {
        (self.leadID, self.accountID, self.dealID, self.ownerID) = (leadID, accountID, dealID, ownerID)
        (self.kind, self.dueAt, self.note) = (kind, dueAt, note)
    }
}
