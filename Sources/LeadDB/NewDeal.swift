import Foundation

/// A deal to open (`INSERT INTO deals`): the database checks it and fills in the rest.
public struct NewDeal: Sendable, Hashable {
    public var accountID: Int64?
    public var leadID: Int64?
    public var ownerID: Int64?
    public var kind: String
    public var name: String?
    public var amount: Double?
    public var expectedCloseOn: String?
    public var contractStart: String?
    public var contractEnd: String?

    public init(accountID: Int64? = nil, leadID: Int64? = nil, ownerID: Int64? = nil, kind: String = "new_business", name: String? = nil,
                amount: Double? = nil, expectedCloseOn: String? = nil, contractStart: String? = nil, contractEnd: String? = nil) {
        (self.accountID, self.leadID, self.ownerID, self.kind, self.name) = (accountID, leadID, ownerID, kind, name)
        (self.amount, self.expectedCloseOn, self.contractStart, self.contractEnd) = (amount, expectedCloseOn, contractStart, contractEnd)
    }
}
