import Foundation
import LeadSQLite

/// One change of a lead's field (`field_history`; Schema/README.md, "Field history"): its old and new
/// values as stored, when, and who or what made it.
public struct FieldChange: Sendable, Hashable {
    /// The column: `title`, `company_size`, `custom`, ...
    public let field: String
    /// The values as stored (numbers as their text), nil for none.
    public let oldValue: String?
    public let newValue: String?
    public let changedAt: Date
    /// A name given with the change, `capture`, `sql`, or nil for a change written to `lead_records` directly.
    public let changedBy: String?

    init(row: Row) throws {
        field = try row.get("field")
        oldValue = try row.get("old_text")
        newValue = try row.get("new_text")
        changedAt = try row.get("changed_at")
        changedBy = try row.get("changed_by")
    }
}

extension LeadStore {
    /// The lead columns an edit may set (stage and owner have moves and assignments of their own).
    public static let editableFields = ["email", "first_name", "last_name", "phone", "company", "title", "industry", "company_size",
                                        "country", "source", "campaign", "consent", "amount", "custom"]

    /// Changes a lead's fields, checked as `UPDATE leads` is, named `by` in their history; returns the
    /// changes made (a value given as it already was is none). A value of nil clears the field;
    /// `custom` is a JSON object merged into the lead's custom values.
    @discardableResult
    public func edit(_ lead: Int64, _ changes: [(field: String, value: String?)], by: String?) throws -> [FieldChange] {
        for change in changes where !Self.editableFields.contains(change.field) {
            throw LeadError.rule(code: "read_only", message: "read_only: \(change.field) is not a field an edit sets (fields: \(Self.editableFields.joined(separator: ", ")); move and assign change the stage and owner)")
        }
        return try write { db in
            guard try db.scalar("SELECT count(*) FROM lead_records WHERE id = ?", [lead], as: Int.self) == 1 else {
                throw LeadError.unknownLead(message: "unknown_lead: no lead has id \(lead)")
            }
            let before = try db.scalar("SELECT coalesce(max(id), 0) FROM field_history", as: Int64.self) ?? 0
            let sets = changes.map { "\($0.field) = ?" } + ["changed_by = ?"]
            try db.execute("UPDATE leads SET \(sets.joined(separator: ", ")) WHERE id = ?",
                           changes.map { $0.value as any DatabaseValueConvertible } + [by as any DatabaseValueConvertible, lead])
            return try db.query("""
                SELECT field, CAST(old_value AS TEXT) AS old_text, CAST(new_value AS TEXT) AS new_text, changed_at, changed_by
                  FROM field_history WHERE lead_id = ? AND id > ? ORDER BY id
                """, [lead, before]).map(FieldChange.init(row:))
        }
    }

    /// A lead's field changes, oldest first.
    public func fieldHistory(lead: Int64) throws -> [FieldChange] {
        try read { db in
            try db.query("""
                SELECT field, CAST(old_value AS TEXT) AS old_text, CAST(new_value AS TEXT) AS new_text, changed_at, changed_by
                  FROM field_history WHERE lead_id = ? ORDER BY id
                """, [lead]).map(FieldChange.init(row:))
        }
    }
}
