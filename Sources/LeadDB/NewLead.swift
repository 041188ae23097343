import Foundation
import LeadSQLite

/// A lead to capture: any of the intake's fields, as given. The database normalises and checks them
/// (see Schema/README.md, "Capture").
///
///     let ada = NewLead(email: "Ada@Example.com", name: "Ada Lovelace", company: "Analytical", source: "webinar")
///     let result = try store.capture(ada)
public struct NewLead: Sendable, Hashable {
    /// The email as given (the database trims and lower-cases it).
    public var email: String?
    /// The first name as given.
    public var firstName: String?
    /// The last name as given.
    public var lastName: String?
    /// A full name, split into first and last when those are absent.
    public var name: String?
    /// The phone as given (the database keeps digits and a leading +).
    public var phone: String?
    /// The company.
    public var company: String?
    /// The job title.
    public var title: String?
    /// The industry.
    public var industry: String?
    /// As given: `250`, `1,200`, `50-200` and `5000+` are read as whole numbers.
    public var companySize: String?
    /// The country.
    public var country: String?
    /// Where the lead came from (webinar, referral, ...).
    public var source: String?
    /// The marketing campaign.
    public var campaign: String?
    /// Marketing consent: true given, false not given, nil unknown.
    public var consent: Bool?
    /// Where consent was given; defaults to `source`.
    public var consentSource: String?
    /// When the lead was really captured (imports); nil means now.
    public var capturedAt: Date?
    /// Free text or JSON kept with the capture's activity.
    public var detail: String?
    /// Makes the capture idempotent: a capture whose key was captured before changes nothing (a retry
    /// after a lost acknowledgement, an import run twice). At most 200 characters; nil for none
    /// (``LeadStore/captureMany(_:chunkSize:progress:)`` then derives one from the row's content).
    public var captureKey: String?
    /// Custom field values by field name (`["budget": "50000", "product_interest": "Analytics"]`), as
    /// given: the database reads each as its field's type says (Schema/README.md, "Custom fields").
    public var custom: [String: String] = [:]

    /// Makes a lead to capture; every field is optional, but the database needs an email or a phone.
    public init(
        email: String? = nil, firstName: String? = nil, lastName: String? = nil, name: String? = nil,
        phone: String? = nil, company: String? = nil, title: String? = nil, industry: String? = nil,
        companySize: String? = nil, country: String? = nil, source: String? = nil, campaign: String? = nil,
        consent: Bool? = nil, consentSource: String? = nil, capturedAt: Date? = nil, detail: String? = nil,
        captureKey: String? = nil, custom: [String: String] = [:]
    ) {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.name = name
        self.phone = phone
        self.company = company
        self.title = title
        self.industry = industry
        self.companySize = companySize
        self.country = country
        self.source = source
        self.campaign = campaign
        self.consent = consent
        self.consentSource = consentSource
        self.capturedAt = capturedAt
        self.detail = detail
        self.captureKey = captureKey
        self.custom = custom
    }

    /// The custom values as `lead_intake.custom` takes them: a JSON object with the keys in order, or nil.
    public var customJSON: String? {
        guard !custom.isEmpty else { return nil }
        return "{" + custom.keys.sorted().map { "\(JSONText.quoted($0)): \(JSONText.quoted(custom[$0]!))" }.joined(separator: ", ") + "}"
    }

    /// A key derived from every field as given: the same row captured again (an import run twice, or
    /// resumed after an interruption) has the same key, so it changes nothing. It holds no personal data
    /// in clear: `content:` and the SHA-256 of the fields.
    public var contentKey: String {
        let fields: [String?] = [email, firstName, lastName, name, phone, company, title, industry, companySize, country,
                                 source, campaign, consent.map { $0 ? "1" : "0" }, consentSource,
                                 capturedAt.map(SQLiteDate.format), detail] + (custom.isEmpty ? [] : [customJSON])
        // Each field is marked present or absent, then its bytes, then a separator that text cannot hold.
        var bytes: [UInt8] = []
        for field in fields {
            if let field {
                bytes.append(1)
                bytes += Array(field.utf8)
            } else {
                bytes.append(0)
            }
            bytes.append(0xFF)
        }
        return "content:" + SHA256.hex(bytes)
    }
}
