import Foundation
import LeadSQLite

/// A lead as the `leads` view shows it, with its current score.
///
///     let lead = try store.lead(email: "ada@example.com")
///     print(lead?.name ?? "-", lead?.score ?? 0)
public struct Lead: Sendable, Hashable, Identifiable {
    /// Its id in the database.
    public let id: Int64
    /// The email, normalised (trimmed, lower-cased), or nil.
    public var email: String?
    /// The first name, or nil.
    public var firstName: String?
    /// The last name, or nil.
    public var lastName: String?
    /// The phone: digits with a leading + kept, or nil.
    public var phone: String?
    /// The company, or nil.
    public var company: String?
    /// The job title, or nil.
    public var title: String?
    /// The industry, or nil.
    public var industry: String?
    /// Employees, as a whole number, or nil.
    public var companySize: Int?
    /// The country, or nil.
    public var country: String?
    /// Where it came from, if known.
    public var source: String?
    /// The marketing campaign, if any.
    public var campaign: String?
    /// The lifecycle stage.
    public var stage: Stage
    /// The owning rep's id, or nil when unassigned.
    public var ownerID: Int64?
    /// The sum of the matching fit rules.
    public var fitScore: Double
    /// Inbound activity points, each decayed to the time the lead was read.
    public var engagement: Double
    /// `fitScore + engagement` when the lead was read.
    public var score: Double
    /// The deal amount, exact (never binary floating point).
    public var amount: Decimal?
    /// Why the lead was lost (a row of `lost_reasons`), or nil.
    public var lostReason: String?
    /// Marketing consent: true given, false or nil not given.
    public var consent: Bool?
    /// Where marketing consent was recorded.
    public var consentSource: String?
    /// When marketing consent was recorded.
    public var consentAt: Date?
    /// When the lead was captured.
    public var createdAt: Date
    /// When the lead last changed (attributes, stage, owner).
    public var updatedAt: Date
    /// When the latest activity happened.
    public var lastActivityAt: Date?
    /// When the current owner got the lead.
    public var assignedAt: Date?
    /// The response deadline.
    public var responseDueAt: Date?
    /// The first response (an outbound touch or a move to contacted), or nil.
    public var firstResponseAt: Date?
    /// Whether the first response met the SLA; nil until there is one.
    public var slaMet: Bool?
    /// When the lead was won, or nil.
    public var convertedAt: Date?
    /// When the lead was won or lost, or nil while open.
    public var closedAt: Date?
    /// When the person was erased, or nil.
    public var erasedAt: Date?

    /// First and last name joined, or nil when both are empty.
    public var name: String? {
        let joined = [firstName, lastName].compactMap { $0 }.joined(separator: " ")
        return joined.isEmpty ? nil : joined
    }

    /// True while the lead is neither won, lost nor erased.
    public var isOpen: Bool { closedAt == nil && erasedAt == nil }

    /// The columns this type reads, in order.
    static let columns = """
        id, email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign,
        stage, owner_id, fit_score, engagement, score, amount, lost_reason, consent, consent_source, consent_at,
        created_at, updated_at, last_activity_at, assigned_at, response_due_at, first_response_at, sla_met,
        converted_at, closed_at, erased_at
        """

    init(row: Row) throws {
        id = try row.get("id")
        email = try row.get("email")
        firstName = try row.get("first_name")
        lastName = try row.get("last_name")
        phone = try row.get("phone")
        company = try row.get("company")
        title = try row.get("title")
        industry = try row.get("industry")
        companySize = try row.get("company_size")
        country = try row.get("country")
        source = try row.get("source")
        campaign = try row.get("campaign")
        stage = Stage(try row.get("stage", as: String.self))
        ownerID = try row.get("owner_id")
        fitScore = try row.get("fit_score")
        engagement = try row.get("engagement")
        score = try row.get("score")
        amount = try row.get("amount")
        lostReason = try row.get("lost_reason")
        consent = try row.get("consent")
        consentSource = try row.get("consent_source")
        consentAt = try row.get("consent_at")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
        lastActivityAt = try row.get("last_activity_at")
        assignedAt = try row.get("assigned_at")
        responseDueAt = try row.get("response_due_at")
        firstResponseAt = try row.get("first_response_at")
        slaMet = try row.get("sla_met")
        convertedAt = try row.get("converted_at")
        closedAt = try row.get("closed_at")
        erasedAt = try row.get("erased_at")
    }
}

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

    /// Makes a lead to capture; every field is optional, but the database needs an email or a phone.
    public init(
        email: String? = nil, firstName: String? = nil, lastName: String? = nil, name: String? = nil,
        phone: String? = nil, company: String? = nil, title: String? = nil, industry: String? = nil,
        companySize: String? = nil, country: String? = nil, source: String? = nil, campaign: String? = nil,
        consent: Bool? = nil, consentSource: String? = nil, capturedAt: Date? = nil, detail: String? = nil,
        captureKey: String? = nil
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
    }

    /// A key derived from every field as given: the same row captured again (an import run twice, or
    /// resumed after an interruption) has the same key, so it changes nothing. It holds no personal data
    /// in clear: `content:` and the SHA-256 of the fields.
    public var contentKey: String {
        let fields: [String?] = [email, firstName, lastName, name, phone, company, title, industry, companySize, country,
                                 source, campaign, consent.map { $0 ? "1" : "0" }, consentSource,
                                 capturedAt.map(SQLiteDate.format), detail]
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

/// What a capture did.
///
///     if try store.capture(lead).outcome == .merged { print("known lead") }
public enum CaptureOutcome: Sendable, Hashable {
    /// A new lead.
    case created
    /// The email was known (or, without an email, the phone of a lead without one): the capture
    /// filled empty fields of that lead and counted as engagement.
    case merged
    /// The capture key was captured before: nothing changed (a retry, or a row imported before).
    case alreadyCaptured
}

/// The lead after a capture, and whether it was new.
///
///     let result = try store.capture(NewLead(email: "ada@example.com"))
///     print(result.lead.id, result.outcome)
public struct CaptureResult: Sendable, Hashable {
    /// The lead as stored after the capture.
    public let lead: Lead
    /// Whether the lead was new or merged.
    public let outcome: CaptureOutcome
}

/// The result of one row of ``LeadStore/captureMany(_:chunkSize:progress:)``.
///
///     for row in try store.captureMany(rows) { if case .failure(let error) = row.outcome { print(row.index, error.message) } }
public struct CaptureRowResult: Sendable {
    /// The row's position in the input, from 0.
    public let index: Int
    /// The lead's id, or nil when the row was rejected.
    public let leadID: Int64?
    /// Created, merged, or why it was rejected.
    public let outcome: Result<CaptureOutcome, LeadError>
}
