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
    /// The lead's account (its company), or nil.
    public var accountID: Int64?
    /// For a lead merged into another (a tombstone): the kept lead's id; nil for every other lead.
    public var mergedInto: Int64?
    /// The custom field values as a JSON object (`{"budget":50000}`), or nil for none.
    public var customJSON: String?

    /// The custom field values as text, by field name (a number as JSON writes it, a boolean 1 or 0).
    public var custom: [String: String] {
        guard let customJSON, let object = (try? JSONSerialization.jsonObject(with: Data(customJSON.utf8))) as? [String: Any] else { return [:] }
        return object.mapValues { value in
            (value as? String) ?? (try? JSONSerialization.data(withJSONObject: [value])).map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\(value)"
        }
    }

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
        converted_at, closed_at, erased_at, account_id, custom, merged_into
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
        accountID = try row.get("account_id")
        mergedInto = try row.index(of: "merged_into") != nil ? row.get("merged_into") : nil
        customJSON = try row.get("custom")
    }
}
