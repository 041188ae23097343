import LeadSQLite

/// Everything that can go wrong when using a ``LeadStore``. Rule violations come from the stable codes
/// the database raises; `message` is always the text the database wrote.
///
///     do { try store.move(42, to: .customer) }
///     catch LeadError.invalidTransition(_, let from, _, let allowed, _) { print(from, allowed) }
public enum LeadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `invalid_transition`: the move is not in stage_transitions.
    case invalidTransition(lead: Int64, from: Stage, to: Stage, allowed: [Stage], message: String)
    /// `unknown_stage`.
    case unknownStage(message: String)
    /// `invalid_email`, with the value as normalised.
    case invalidEmail(value: String, message: String)
    /// `invalid_phone`, with the value as normalised.
    case invalidPhone(value: String, message: String)
    /// `invalid_company_size`.
    case invalidCompanySize(value: String, message: String)
    /// `invalid_text`: a text field too long, holding a NUL byte, or not valid UTF-8; `field` names it.
    case invalidText(field: String, message: String)
    /// `missing_contact`: a lead needs an email or a phone.
    case missingContact(message: String)
    /// `missing_amount`: the stage needs an amount above 0.
    case missingAmount(lead: Int64, message: String)
    /// `missing_lost_reason`: the stage needs a lost reason.
    case missingLostReason(lead: Int64, message: String)
    /// `unknown_lost_reason`.
    case unknownLostReason(value: String, message: String)
    /// `missing_owner`: the stage needs an owner.
    case missingOwner(lead: Int64, message: String)
    /// `unknown_lead`, or a lead the API looked for and did not find.
    case unknownLead(message: String)
    /// `erased_lead`: the lead was erased.
    case erasedLead(message: String)
    /// `unknown_kind`: not in activity_kinds.
    case unknownKind(kind: String, message: String)
    /// `unknown_rep`.
    case unknownRep(message: String)
    /// `inactive_rep`.
    case inactiveRep(message: String)
    /// `capacity`: the rep holds as many open leads as their capacity.
    case capacity(message: String)
    /// `suppressed`: the email belongs to an erased person.
    case suppressed(email: String, message: String)
    /// `duplicate_email`.
    case duplicateEmail(email: String, message: String)
    /// `read_only`: a column LeadDB maintains.
    case readOnly(column: String, message: String)
    /// `invalid_setting` or `required_setting`.
    case invalidSetting(message: String)
    /// Any other rule, by its code.
    case rule(code: String, message: String)
    /// A bulk write stopped part-way (interrupted, the disk full, an I/O error): the first `committed`
    /// rows are stored, the rest are not. Running the same rows again resumes: rows already captured
    /// are recognised by their capture key and skipped.
    case stopped(committed: Int, total: Int, reason: String)
    /// The database could not be migrated, or belongs to another program, or is newer than this binary.
    case migration(MigrationError)
    /// Any other SQLite error.
    case database(SQLiteError)
    /// A database on a cluster could not be reached, or its answer was lost. With `outcomeUnknown`, the
    /// write may have been committed: retry only what is safe twice (a capture with its capture key).
    case unavailable(outcomeUnknown: Bool, message: String)

    /// Every code the database raises (Schema/README.md, "Errors"; Schema/RULES.md says which rule owns
    /// each). A code with a case of its own arrives as that case; the others arrive as
    /// ``rule(code:message:)``. A new code in the schema fails a test until it is listed here.
    public static let ruleCodes: Set<String> = [
        "account_in_use", "already_exists", "append_only", "capacity", "captured", "country_in_use", "duplicate_email",
        "erased_account", "erased_lead", "field_in_use",
        "inactive_rep", "internal", "internal_table", "invalid_activity_id", "invalid_amount", "invalid_capture_key",
        "invalid_company_size", "invalid_config", "invalid_consent", "invalid_country", "invalid_domain", "invalid_email",
        "invalid_deal", "invalid_field", "invalid_import", "invalid_merge", "invalid_phone", "invalid_setting", "invalid_task", "invalid_text", "invalid_time",
        "invalid_transition", "kind_in_use", "maintained", "merged_account", "merged_lead", "missing_amount", "missing_contact", "missing_field",
        "missing_lead", "missing_lost_reason", "missing_owner", "not_customer", "not_undoable", "read_only", "reason_in_use", "rep_in_use", "restoring",
        "required_kind", "required_sequence", "required_setting", "required_stage", "required_team", "rule_in_use",
        "sequence_in_use", "stage_in_use", "suppressed", "team_in_use", "unknown_account", "unknown_kind", "unknown_lead",
        "unknown_lost_reason", "unknown_merge", "unknown_rep", "unknown_stage", "unknown_team", "use_assignment",
        "use_erasure", "use_intake",
    ]

    /// The rule's stable code, e.g. `invalid_transition`; nil for migration and database errors.
    public var code: String? {
        switch self {
        case .invalidTransition: "invalid_transition"
        case .unknownStage: "unknown_stage"
        case .invalidEmail: "invalid_email"
        case .invalidPhone: "invalid_phone"
        case .invalidCompanySize: "invalid_company_size"
        case .invalidText: "invalid_text"
        case .missingContact: "missing_contact"
        case .missingAmount: "missing_amount"
        case .missingLostReason: "missing_lost_reason"
        case .unknownLostReason: "unknown_lost_reason"
        case .missingOwner: "missing_owner"
        case .unknownLead: "unknown_lead"
        case .erasedLead: "erased_lead"
        case .unknownKind: "unknown_kind"
        case .unknownRep: "unknown_rep"
        case .inactiveRep: "inactive_rep"
        case .capacity: "capacity"
        case .suppressed: "suppressed"
        case .duplicateEmail: "duplicate_email"
        case .readOnly: "read_only"
        case .invalidSetting(let m): m.hasPrefix("required_setting") ? "required_setting" : "invalid_setting"
        case .rule(let code, _): code
        case .stopped: "stopped"
        case .migration, .database, .unavailable: nil
        }
    }

    /// The message as the database wrote it (for rules), or a description of the failure.
    public var message: String {
        switch self {
        case .invalidTransition(_, _, _, _, let m), .unknownStage(let m), .invalidEmail(_, let m), .invalidPhone(_, let m),
            .invalidCompanySize(_, let m), .invalidText(_, let m), .missingContact(let m), .missingAmount(_, let m), .missingLostReason(_, let m),
            .unknownLostReason(_, let m), .missingOwner(_, let m), .unknownLead(let m), .erasedLead(let m),
            .unknownKind(_, let m), .unknownRep(let m), .inactiveRep(let m), .capacity(let m), .suppressed(_, let m),
            .duplicateEmail(_, let m), .readOnly(_, let m), .invalidSetting(let m), .rule(_, let m):
            m
        case .stopped(let committed, let total, let reason):
            "stopped: \(reason) after \(committed) of \(total) rows; those \(committed) are stored, the rest are not. Run the same rows again to resume: rows already captured are skipped."
        case .migration(let error): error.description
        case .database(let error): error.message
        case .unavailable(_, let message): message
        }
    }

    /// The text, as the database wrote it.
    public var description: String { message }

    /// Maps any error thrown while using the database to a LeadError.
    public init(_ error: any Error) {
        if let error = error as? LeadError {
            self = error
        } else if let error = error as? MigrationError {
            self = .migration(error)
        } else if let error = error as? SQLiteError {
            self = RuleViolation(error).map(LeadError.init(violation:)) ?? .database(error)
        } else if let error = error as? any RemoteFailure {
            self = .unavailable(outcomeUnknown: error.outcomeUnknown, message: error.description)
        } else {
            self = .database(SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// The typed case for a rule violation, with the values the rule passed along with its message
    /// (never read back from the English text).
    public init(violation: RuleViolation) {
        let m = violation.message
        let lead = violation.int("lead") ?? 0
        let value = violation.string("value") ?? ""
        switch violation.code {
        case "invalid_transition":
            self = .invalidTransition(
                lead: lead, from: Stage(violation.string("from") ?? ""), to: Stage(violation.string("to") ?? ""),
                allowed: (violation.strings("allowed") ?? []).map { Stage($0) }, message: m)
        case "unknown_stage": self = .unknownStage(message: m)
        case "invalid_email": self = .invalidEmail(value: value, message: m)
        case "invalid_phone": self = .invalidPhone(value: value, message: m)
        case "invalid_company_size": self = .invalidCompanySize(value: value, message: m)
        case "invalid_text": self = .invalidText(field: violation.string("field") ?? "", message: m)
        case "missing_contact": self = .missingContact(message: m)
        case "missing_amount": self = .missingAmount(lead: lead, message: m)
        case "missing_lost_reason": self = .missingLostReason(lead: lead, message: m)
        case "unknown_lost_reason": self = .unknownLostReason(value: value, message: m)
        case "missing_owner": self = .missingOwner(lead: lead, message: m)
        case "unknown_lead", "missing_lead": self = .unknownLead(message: m)
        case "erased_lead": self = .erasedLead(message: m)
        case "unknown_kind": self = .unknownKind(kind: value, message: m)
        case "unknown_rep": self = .unknownRep(message: m)
        case "inactive_rep": self = .inactiveRep(message: m)
        case "capacity": self = .capacity(message: m)
        case "suppressed": self = .suppressed(email: value, message: m)
        case "duplicate_email": self = .duplicateEmail(email: value, message: m)
        case "read_only": self = .readOnly(column: violation.string("column") ?? "", message: m)
        case "invalid_setting", "required_setting": self = .invalidSetting(message: m)
        default: self = .rule(code: violation.code, message: m)
        }
    }
}
