import LeadSQLite

extension NewLead {
    /// One field a capture takes: `lead_intake`'s column, the names a person or a file may call it by,
    /// where its value goes in a ``NewLead``, and the rule codes that refuse it. The one table of
    /// capture fields: the API writes `lead_intake`'s columns from it, and the shell's `capture` and
    /// `.import` read their keys and CSV headers through it.
    ///
    ///     NewLead.field(named: "Work E-mail")?.column   // "email"
    public struct Field: Sendable {
        /// How a value reaches the ``NewLead``.
        public enum Value: Sendable {
            /// Text, as given.
            case text(WritableKeyPath<NewLead, String?> & Sendable)
            /// Marketing consent, read as the database reads it (``LeadStore/readConsent(_:)``).
            case consent
            /// A time (``NewLead/capturedAt``), read by `SQLiteDate.parse`.
            case time
            /// The custom field values (``NewLead/custom``), as one JSON object.
            case custom
        }

        /// The column of `lead_intake` (and `lead_imports`).
        public let column: String
        /// The short name the shell shows (`capture first=Ada`).
        public let name: String
        /// Every name it is known by, folded (see ``NewLead/fold(_:)``): the shell's keys and CSV headers.
        public let names: [String]
        public let value: Value
        /// The codes that refuse a value of this field.
        public let codes: [String]
    }

    /// The capture's fields, in `lead_intake`'s column order.
    public static let fields: [Field] = [
        Field(column: "email", name: "email", names: ["email", "emailaddress", "mail", "workemail", "businessemail"],
              value: .text(\.email), codes: ["invalid_email", "suppressed", "duplicate_email", "missing_contact"]),
        Field(column: "first_name", name: "first", names: ["firstname", "first", "givenname", "forename"], value: .text(\.firstName), codes: []),
        Field(column: "last_name", name: "last", names: ["lastname", "last", "surname", "familyname"], value: .text(\.lastName), codes: []),
        Field(column: "name", name: "name", names: ["name", "fullname", "contactname", "contact"], value: .text(\.name), codes: []),
        Field(column: "phone", name: "phone", names: ["phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell"],
              value: .text(\.phone), codes: ["invalid_phone"]),
        Field(column: "company", name: "company",
              names: ["company", "companyname", "organization", "organisation", "account", "accountname", "employer"],
              value: .text(\.company), codes: []),
        Field(column: "title", name: "title", names: ["title", "jobtitle", "position", "role", "jobrole"], value: .text(\.title), codes: []),
        Field(column: "industry", name: "industry", names: ["industry", "sector", "vertical"], value: .text(\.industry), codes: []),
        Field(column: "company_size", name: "size",
              names: ["companysize", "employees", "size", "headcount", "numberofemployees", "employeecount"],
              value: .text(\.companySize), codes: ["invalid_company_size"]),
        Field(column: "country", name: "country", names: ["country", "countrycode", "countryregion"], value: .text(\.country), codes: []),
        Field(column: "source", name: "source", names: ["source", "leadsource", "channel"], value: .text(\.source), codes: []),
        Field(column: "campaign", name: "campaign", names: ["campaign", "campaignname", "utmcampaign"], value: .text(\.campaign), codes: []),
        Field(column: "consent", name: "consent", names: ["consent", "optin", "marketingconsent", "emailoptin", "gdprconsent"],
              value: .consent, codes: ["invalid_consent"]),
        Field(column: "consent_source", name: "consent_source", names: ["consentsource", "optinsource"], value: .text(\.consentSource), codes: []),
        Field(column: "captured_at", name: "captured_at", names: ["capturedat", "createdat", "created", "date", "capturedate", "timestamp"],
              value: .time, codes: ["invalid_time"]),
        Field(column: "detail", name: "detail", names: ["detail", "details", "notes", "note", "comments", "comment", "description"],
              value: .text(\.detail), codes: []),
        Field(column: "capture_key", name: "capture_key", names: ["capturekey"], value: .text(\.captureKey), codes: ["invalid_capture_key"]),
        Field(column: "custom", name: "custom", names: ["custom", "customfields"], value: .custom, codes: ["invalid_field", "missing_field"]),
    ]

    /// A name as fields are looked up by: lower case, without spaces, tabs, dashes, dots and underscores
    /// (`E-mail Address`, `email_address` and `EmailAddress` are one name).
    public static func fold(_ name: String) -> String {
        name.lowercased().filter { !" -_.\t".contains($0) }
    }

    /// The field a shell key or CSV header names, if any.
    public static func field(named name: String) -> Field? {
        let key = fold(name)
        return fields.first { $0.names.contains(key) }
    }

    /// The field a refusal is about, by its code (`invalid_text` names its field in its values).
    public static func field(refusedWith code: String?) -> Field? {
        guard let code else { return nil }
        return fields.first { $0.codes.contains(code) }
    }

    /// The intake's columns, in order.
    static let columns = fields.map(\.column).joined(separator: ", ")

    /// One placeholder per column of ``columns``.
    static let placeholders = fields.map { _ in "?" }.joined(separator: ", ")

    /// This value's arguments for ``columns``.
    var arguments: [any DatabaseValueConvertible] {
        Self.fields.map { field -> any DatabaseValueConvertible in
            switch field.value {
            case .text(let path): self[keyPath: path]
            case .consent: consent
            case .time: capturedAt
            case .custom: customJSON
            }
        }
    }
}
