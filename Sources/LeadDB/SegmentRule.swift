import Foundation
import LeadSQLite

/// One rule of a segment or a filtered list (`segment_rules`, `lead_filter`; Schema/README.md,
/// "Segments and tags"): `attribute operator value`, read as a fit rule reads them.
public struct SegmentRule: Sendable, Hashable {
    /// A lead attribute (`stage`, `score`, `source`, ...), `owner`, `tag`, `activities` or `custom.NAME`.
    public var attribute: String
    /// `=`, `!=`, `contains`, `>=`, `<=` or `in`.
    public var op: String
    /// The value compared with; for `in`, a JSON array; nil or `none` with `=`/`!=`: empty or not.
    public var value: String?
    /// For `activities`: the activity kind counted (nil: any) and the window in days (nil: ever).
    public var kind: String?
    public var days: Double?

    public init(_ attribute: String, _ op: String, _ value: String?, kind: String? = nil, days: Double? = nil) {
        self.attribute = attribute
        self.op = op
        self.value = value
        self.kind = kind
        self.days = days
    }

    /// The rules as `lead_filter` takes them: `{"match": "all"|"any", "rules": [[attribute, operator, value, kind, days], ...]}`.
    public static func filterJSON(_ rules: [SegmentRule], matchAll: Bool = true) -> String {
        let items = rules.map { rule in
            "[" + [JSONText.quoted(rule.attribute), JSONText.quoted(rule.op), rule.value.map(JSONText.quoted) ?? "null",
                   rule.kind.map(JSONText.quoted) ?? "null", rule.days.map { String($0) } ?? "null"].joined(separator: ",") + "]"
        }
        return "{\"match\":\"\(matchAll ? "all" : "any")\",\"rules\":[\(items.joined(separator: ","))]}"
    }
}

extension LeadStore {
    /// The columns a filtered list sorts by.
    public static let sortableColumns = ["score", "fit_score", "engagement", "created_at", "updated_at", "last_activity_at", "company",
                                         "last_name", "first_name", "email", "stage", "source", "amount", "company_size", "id"]

    /// Live leads that meet the rules (all of them, or any), sorted by a column (`-score`: highest
    /// first), at most `limit`. With no rules, every live lead.
    public func leads(matching rules: [SegmentRule], matchAll: Bool = true, sort: String = "-score", limit: Int = 50) throws -> [Lead] {
        let descending = sort.hasPrefix("-")
        let column = descending ? String(sort.dropFirst()) : sort
        guard Self.sortableColumns.contains(column) else {
            throw LeadError.rule(code: "invalid_config", message: "invalid_config: a list sorts by one of \(Self.sortableColumns.joined(separator: ", ")) (- first for highest first); got \(sort)")
        }
        let order = "\(column) \(descending ? "DESC" : "ASC") NULLS LAST, id"
        try checkRules(rules)
        return try read { db in
            if rules.isEmpty {
                return try db.query("SELECT \(Lead.columns) FROM leads WHERE erased_at IS NULL ORDER BY \(order) LIMIT ?", [limit]).map(Lead.init(row:))
            }
            return try db.query("""
                SELECT \(Lead.columns) FROM leads WHERE id IN (SELECT lead_id FROM lead_filter WHERE arg = ?) ORDER BY \(order) LIMIT ?
                """, [SegmentRule.filterJSON(rules, matchAll: matchAll), limit]).map(Lead.init(row:))
        }
    }

    /// The leads of a segment now, highest score first.
    public func segmentMembers(_ segment: String, limit: Int = 50) throws -> [Lead] {
        try read { db in
            guard try db.scalar("SELECT count(*) FROM segments WHERE name = ?", [segment], as: Int.self) == 1 else {
                throw LeadError.rule(code: "unknown_segment", message: "unknown_segment: no segment is named \(segment)")
            }
            return try db.query("""
                SELECT \(Lead.columns) FROM leads WHERE id IN (SELECT lead_id FROM segment_members WHERE segment = ?)
                 ORDER BY score DESC, id LIMIT ?
                """, [segment, limit]).map(Lead.init(row:))
        }
    }

    /// Puts tags on a lead (lower-cased and trimmed); returns those it did not have.
    @discardableResult
    public func tag(_ lead: Int64, _ tags: [String], by: String?) throws -> [String] {
        try write { db in
            var added: [String] = []
            for tag in tags.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                try db.execute("INSERT INTO lead_tags(lead_id, tag, tagged_by) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM lead_tags WHERE lead_id = ?1 AND tag = ?2)", [lead, tag, by])
                if try db.scalar("SELECT changes()", as: Int.self) == 1 { added.append(tag) }
            }
            return added
        }
    }

    /// Takes tags off a lead; returns those it had.
    @discardableResult
    public func untag(_ lead: Int64, _ tags: [String]) throws -> [String] {
        try write { db in
            var removed: [String] = []
            for tag in tags.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                try db.execute("DELETE FROM lead_tags WHERE lead_id = ? AND tag = ?", [lead, tag])
                if try db.scalar("SELECT changes()", as: Int.self) == 1 { removed.append(tag) }
            }
            return removed
        }
    }

    /// A lead's tags, in order.
    public func tags(lead: Int64) throws -> [String] {
        try read { db in try db.query("SELECT tag FROM lead_tags WHERE lead_id = ? ORDER BY tag", [lead]).map { try $0.get(0, as: String.self) } }
    }

    /// Checks rules as segment_rules checks them (`_segment_rule_problem`, Schema/36_segments.sql), for
    /// a list that stores none: the first problem as `invalid_config`, naming the filter by its place.
    func checkRules(_ rules: [SegmentRule]) throws {
        try read { db in
            for (index, rule) in rules.enumerated() {
                let arg = "[" + [JSONText.quoted("filter \(index + 1)"), JSONText.quoted(rule.attribute), JSONText.quoted(rule.op),
                                 rule.value.map(JSONText.quoted) ?? "null", rule.kind.map(JSONText.quoted) ?? "null",
                                 rule.days.map { String($0) } ?? "null"].joined(separator: ",") + "]"
                if let problem = try db.scalar("SELECT problem FROM _segment_rule_problem WHERE arg = ?", [arg], as: String.self) {
                    throw LeadError.rule(code: "invalid_config", message: problem)
                }
            }
        }
    }
}
