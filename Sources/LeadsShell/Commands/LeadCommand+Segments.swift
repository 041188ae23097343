import Foundation
import LeadDB
import LeadSQLite

/// Tags, segments and filtered lists (Schema/36_segments.sql): `tag`, `untag`, `segment`, `list`.
extension LeadCommand {
    static let segmentCommands: [LeadCommand] = [
        LeadCommand(name: "tag", arguments: "ID|EMAIL TAG ...", summary: "put tags on a lead (letters, digits, _ and -)", arity: 2...Int.max) { shell, store, args in
            let lead = try resolveLead(args[0], store, argument: 0)
            let added = try store.tag(lead.id, Array(args.dropFirst()), by: shellUser())
            let all = try store.tags(lead: lead.id)
            shell.out.write("Lead \(lead.id)\(lead.name.map { " (\($0))" } ?? ""): \(added.isEmpty ? "no new tag" : "tagged " + added.joined(separator: ", ")); tags: \(all.joined(separator: ", ")).\n")
        },
        LeadCommand(name: "untag", arguments: "ID|EMAIL TAG ...", summary: "take tags off a lead", arity: 2...Int.max) { shell, store, args in
            let lead = try resolveLead(args[0], store, argument: 0)
            let removed = try store.untag(lead.id, Array(args.dropFirst()))
            let all = try store.tags(lead: lead.id)
            shell.out.write("Lead \(lead.id)\(lead.name.map { " (\($0))" } ?? ""): \(removed.isEmpty ? "had none of those tags" : "untagged " + removed.joined(separator: ", ")); tags: \(all.isEmpty ? "none" : all.joined(separator: ", ")).\n")
        },
        LeadCommand(name: "segment", arguments: "[NAME [LIMIT]]", summary: "the leads of a segment now, highest score first; alone, the segments and their rules", arity: 0...2) { shell, store, args in
            guard let name = args.first else {
                let rows = try store.read { db in
                    try db.query("""
                        SELECT s.name, s.match,
                               (SELECT group_concat(r.attribute || ' ' || r.operator || ' ' || coalesce(r.value, 'none')
                                                    || coalesce(' (' || r.kind || ')', '') || coalesce(' in ' || r.days || ' days', ''), '; ')
                                  FROM segment_rules AS r WHERE r.segment = s.name) AS rules,
                               (SELECT count(*) FROM segment_members AS m WHERE m.segment = s.name) AS leads
                          FROM segments AS s ORDER BY s.name
                        """)
                }
                guard !rows.isEmpty else {
                    shell.out.write("No segments yet: INSERT INTO segments(name) VALUES ('hot-webinar'); INSERT INTO segment_rules(segment, attribute, operator, value) VALUES ('hot-webinar', 'source', '=', 'webinar'), ('hot-webinar', 'score', '>=', 40)\n")
                    return
                }
                shell.render(ResultSet(columns: ["segment", "match", "rules", "leads"], rows: rows.map { $0.values }))
                return
            }
            var limit = 50
            if args.count == 2 {
                guard let value = Int(args[1]), value > 0 else { throw UsageError(argument: 1, message: "expected a number of leads, not \(args[1])") }
                limit = value
            }
            let leads: [Lead]
            do {
                leads = try store.segmentMembers(name.lowercased(), limit: limit)
            } catch let error as LeadError where error.code == "unknown_segment" {
                throw UsageError(argument: 0, message: error.message, showsUsage: false)
            }
            guard !leads.isEmpty else { shell.out.write("Segment \(name) has no leads now.\n"); return }
            try renderLeads(leads, shell, store)
            if leads.count == limit { shell.out.write("(the first \(limit), highest score first; segment \(name) \(limit * 4) shows more)\n") }
        },
        LeadCommand(name: "list", arguments: "[FIELD=V|FIELD!=V|FIELD>=N|FIELD<=N|FIELD~TEXT ...] [match=any] [sort=-score] [limit=50]",
                    summary: "live leads that meet every filter (a=x|y: any of them; tag=vip; owner=Ana or none; activities.KIND/DAYS>=N), sorted", arity: 0...Int.max) { shell, store, args in
            var rules: [SegmentRule] = []
            var sort = "-score", limit = 50, matchAll = true
            let custom = try store.customFields()
            for (index, argument) in args.enumerated() {
                guard let (key, op, value) = splitFilter(argument) else {
                    throw UsageError(argument: index, message: "expected a filter such as stage=mql, score>=40 or company~acme, not \(argument)")
                }
                switch key.lowercased() {
                case "sort":
                    guard op == "=" else { throw UsageError(argument: index, message: "sort=COLUMN or sort=-COLUMN (highest first)") }
                    sort = value
                    continue
                case "limit":
                    guard op == "=", let number = Int(value), number > 0 else { throw UsageError(argument: index, message: "limit=N, a number of leads from 1") }
                    limit = number
                    continue
                case "match":
                    guard op == "=", ["all", "any"].contains(value.lowercased()) else { throw UsageError(argument: index, message: "match=all (every filter, the default) or match=any") }
                    matchAll = value.lowercased() == "all"
                    continue
                default: break
                }
                var rule = SegmentRule(attribute(key, custom: custom), op, value)
                if rule.attribute.hasPrefix("activities") {
                    // activities[.KIND][/DAYS]
                    var rest = String(key.dropFirst("activities".count))
                    if let slash = rest.firstIndex(of: "/") {
                        guard let days = Double(rest[rest.index(after: slash)...]), days > 0 else {
                            throw UsageError(argument: index, message: "activities/DAYS takes a number of days, as in activities.email_click/30>=2")
                        }
                        rule.days = days
                        rest = String(rest[..<slash])
                    }
                    if rest.hasPrefix(".") { rule.kind = String(rest.dropFirst()).lowercased() }
                    rule.attribute = "activities"
                }
                if op == "=" || op == "!=", value.contains("|"), rule.attribute != "activities" {
                    guard op == "=" else { throw UsageError(argument: index, message: "a choice of values goes with =: \(key)=a|b") }
                    let items = value.split(separator: "|", omittingEmptySubsequences: false).map { JSONText.quoted($0.trimmingCharacters(in: .whitespaces)) }
                    rule.op = "in"
                    rule.value = "[" + items.joined(separator: ",") + "]"
                }
                if rule.attribute == "owner", let text = rule.value, rule.op != "in", !text.isEmpty, text.lowercased() != "none" {
                    rule.value = String(try resolveRep(text, store, argument: index).id)
                }
                rules.append(rule)
            }
            let leads: [Lead]
            do {
                leads = try store.leads(matching: rules, matchAll: matchAll, sort: sort, limit: limit)
            } catch let error as LeadError where error.code == "invalid_config" {
                throw UsageError(argument: nil, message: error.message.hasPrefix("invalid_config: ") ? String(error.message.dropFirst("invalid_config: ".count)) : error.message, showsUsage: true)
            }
            guard !leads.isEmpty else { shell.out.write("No lead meets \(rules.isEmpty ? "no filter" : "those filters") now.\n"); return }
            try renderLeads(leads, shell, store)
            if leads.count == limit { shell.out.write("(the first \(limit); limit=\(limit * 4) shows more)\n") }
        },
    ]
}

/// `key>=value`, `key<=value`, `key!=value`, `key~value` (contains) or `key=value`.
private func splitFilter(_ text: String) -> (String, String, String)? {
    for (token, op) in [(">=", ">="), ("<=", "<="), ("!=", "!="), ("~", "contains"), ("=", "=")] {
        if let range = text.range(of: token) {
            let key = String(text[..<range.lowerBound])
            guard !key.isEmpty else { return nil }
            return (key, op, String(text[range.upperBound...]))
        }
    }
    return nil
}

/// The attribute a filter's key names: a lead field by any of its capture names (first, size, ...), a
/// custom field by its name, or the key as given.
private func attribute(_ key: String, custom: [CustomField]) -> String {
    let lower = key.lowercased()
    if ["score", "fit_score", "engagement", "stage", "owner", "tag", "amount", "lost_reason", "created_at"].contains(lower) || lower.hasPrefix("activities") { return lower }
    if lower == "fit" { return "fit_score" }
    if let field = custom.first(where: { $0.isNamed(key) }) { return "custom." + field.name }
    if let column = NewLead.field(named: key)?.column { return column }
    return lower
}

private func renderLeads(_ leads: [Lead], _ shell: ShellSession, _ store: LeadStore) throws {
    let reps = Dictionary(uniqueKeysWithValues: try store.reps().map { ($0.id, $0.name) })
    shell.render(ResultSet(
        columns: ["id", "name", "email", "company", "stage", "owner", "score", "source"],
        rows: leads.map { lead in
            [.integer(lead.id), nullableText(lead.name), nullableText(lead.email), nullableText(lead.company), .text(lead.stage.rawValue),
             nullableText(lead.ownerID.flatMap { reps[$0] }), .real((lead.score * 10).rounded() / 10), nullableText(lead.source)]
        }))
}
