import LeadSQLite

/// A custom field a team defined for its leads (`custom_fields`; Schema/README.md, "Custom fields").
public struct CustomField: Sendable, Hashable {
    /// The key in a lead's custom values (`budget`).
    public let name: String
    /// `text`, `number`, `date`, `choice` or `boolean`.
    public let type: String
    /// A choice's choices, as stored; empty for the other types.
    public let choices: [String]
    /// What a person calls it (`Budget`), if set.
    public let label: String?
    /// The stage from which on a lead needs a value, if any.
    public let requiredAtStage: String?

    init(row: Row) throws {
        name = try row.get("name")
        type = try row.get("type")
        label = try row.get("label")
        requiredAtStage = try row.get("required_at_stage")
        let list: String? = try row.get("choices_list")
        choices = list.map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    /// Whether a shell key or a CSV header names this field: its name or its label, folded as capture
    /// fields are (``NewLead/fold(_:)``: `Product Interest` and `product_interest` are one name).
    public func isNamed(_ name: String) -> Bool {
        let key = NewLead.fold(name)
        return key == NewLead.fold(self.name) || label.map { NewLead.fold($0) == key } == true
    }
}

extension LeadStore {
    /// The custom fields, in their order.
    public func customFields() throws -> [CustomField] {
        try read { db in
            try db.query("""
                SELECT name, type, label, required_at_stage,
                       (SELECT group_concat(c.value, char(31)) FROM json_each(CASE WHEN json_valid(f.choices) THEN f.choices END) AS c) AS choices_list
                  FROM custom_fields AS f ORDER BY position, name
                """).map(CustomField.init(row:))
        }
    }
}
