import Foundation
import LeadSQLite

extension LeadStore {
    // MARK: - Leads

    /// The lead with this id, or nil.
    public func lead(id: Int64) throws -> Lead? {
        try read { db in try Self.fetchLead(id: id, in: db) }
    }

    /// The lead with this email (any case, surrounding spaces ignored), or nil.
    ///
    ///     let lead = try store.lead(email: " Ada@Example.com ")
    ///
    /// The email is normalised by the database's own rule (`email_input`), so accented capitals fold as
    /// they do on capture; it only reads, so it works on a read-only store too.
    public func lead(email: String) throws -> Lead? {
        try read { db in
            try db.query(
                "SELECT \(Lead.columns) FROM leads WHERE email = (SELECT email FROM email_input WHERE arg = json_array(?))", [email]
            ).first.map(Lead.init(row:))
                // (the email of a lead merged into another finds the kept lead, as a capture of it does)
                ?? db.query(
                    "SELECT \(Lead.columns) FROM leads WHERE id = (SELECT lead_id FROM merged_emails WHERE email = (SELECT email FROM email_input WHERE arg = json_array(?)))", [email]
                ).first.map(Lead.init(row:))
        }
    }

    /// Open leads by current score, highest first; for one rep when `owner` is given.
    ///
    ///     for lead in try store.hotLeads(owner: 7, limit: 10) { print(lead.score, lead.email ?? "") }
    public func hotLeads(owner: Int64? = nil, limit: Int = 50) throws -> [HotLead] {
        try read { db in
            let rows =
                if let owner {
                    try db.query("SELECT * FROM hot_leads WHERE owner_id = ? LIMIT ?", [owner, limit])
                } else {
                    try db.query("SELECT * FROM hot_leads LIMIT ?", [limit])
                }
            return try rows.map(HotLead.init(row:))
        }
    }

    /// Leads whose name, email, company or phone contains `text`, ignoring case and accents (`jose`
    /// finds José, `muller` finds Müller; digits find a phone however it was written), highest score
    /// first. Three characters or more use the trigram index (`lead_search`), fast at any size, after
    /// indexing the leads captured or changed since the last tick; one or two read the index row by row.
    ///
    ///     let matches = try store.find("lovel")
    public func find(_ text: String, limit: Int = 50) throws -> [Lead] {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        // A phone as typed (+1 (415) 555-0101): its digits, as the index holds them.
        let phoneChars = CharacterSet(charactersIn: "0123456789+-(). ")
        let digits = needle.unicodeScalars.allSatisfy { phoneChars.contains($0) } ? needle.filter(\.isNumber) : ""
        // The index is brought up to date first (leads captured since the last tick), in one batch;
        // a read-only store searches the index as the last tick left it.
        let search = { (db: Database) throws -> [Lead] in
            // The text as the index holds it: lower case, accents removed (search_text).
            let folded = try db.scalar("SELECT folded FROM search_text WHERE arg = json_array(?)", [needle], as: String.self) ?? needle
            if folded.count >= 3 {
                // Digits are looked for in the phone too, however it was written.
                let quoted = "\"" + folded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let query = "{first_name last_name email company name} : " + quoted + (digits.count >= 3 ? " OR phone : \"" + digits + "\"" : "")
                return try db.query(
                    "SELECT \(Lead.columns) FROM leads WHERE id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH ?) ORDER BY score DESC, id LIMIT ?",
                    [query, limit]
                ).map(Lead.init(row:))
            }
            // One or two characters: the index's folded text is read row by row (a trigram needs three).
            // With no digits, the phone is not looked in (instr of NULL is NULL; a NUL as a stand-in is
            // cut to '' by a cluster's wire format, which every phone contains).
            return try db.query(
                """
                SELECT \(Lead.columns) FROM leads WHERE id IN (
                    SELECT rowid FROM lead_search
                     WHERE instr(first_name, ?1) OR instr(last_name, ?1) OR instr(email, ?1) OR instr(company, ?1)
                        OR instr(phone, ?2))
                ORDER BY score DESC, id LIMIT ?3
                """,
                [folded, digits.isEmpty ? nil : digits, limit]
            ).map(Lead.init(row:))
        }
        if isReadOnly { return try read(search) }
        // The refresh waits a quarter second at most for the write lock: a search does not wait behind
        // another program's long write, it searches the index as it is (`searchPending` then says how
        // many leads wait to be indexed).
        try withWriter { db in
            let refresh = "INSERT INTO lead_search_refresh(pending) VALUES (NULL)"
            if db.isInTransaction { return try db.savepoint { try db.execute(refresh) } }
            try db.withBusyTimeout(milliseconds: 250) {
                do {
                    try db.execute("BEGIN IMMEDIATE")
                } catch let error as SQLiteError where error.resultCode == .busy {
                    return
                }
                do {
                    try db.execute(refresh)
                    try db.execute("COMMIT")
                } catch {
                    if db.isInTransaction { try db.execute("ROLLBACK") }
                    throw error
                }
            }
        }
        return try read(search)
    }

    /// How many leads changed since the search index was last brought up to date (by a tick or a
    /// `find` that got the write lock): `find` does not see their changes yet.
    public func searchPending() throws -> Int {
        try read { db in try db.scalar("SELECT pending FROM lead_search_refresh", as: Int.self) ?? 0 }
    }

    /// Leads waiting for an owner, oldest first.
    public func unassignedLeads(limit: Int = 100) throws -> [Lead] {
        try read { db in
            try db.query(
                "SELECT \(Lead.columns) FROM leads WHERE id IN (SELECT lead_id FROM unassigned_leads LIMIT ?) ORDER BY created_at, id",
                [limit]
            ).map(Lead.init(row:))
        }
    }

    /// Why a lead has its score: each matching fit rule and each scored activity with its points now.
    public func scoreBreakdown(lead: Int64) throws -> [ScoreComponent] {
        try read { db in
            try db.query(
                "SELECT * FROM score_breakdown WHERE lead_id = ? ORDER BY component DESC, occurred_at, source_id", [lead]
            ).map(ScoreComponent.init(row:))
        }
    }

    /// A lead's activities, stage changes, assignments and field changes, in time order.
    public func timeline(lead: Int64) throws -> [TimelineEntry] {
        try read { db in
            try db.query(
                """
                SELECT occurred_at AS at, 'activity' AS kind,
                       kind || coalesce(' (' || campaign || ')', '')
                       || CASE WHEN points <> 0 THEN printf(' %+g', points) ELSE '' END
                       || coalesce(': ' || detail, '') AS summary, 1 AS ord, id
                  FROM activity_log WHERE lead_id = ?1
                UNION ALL
                SELECT h.changed_at, 'stage', coalesce(h.from_stage, '') || ' -> ' || h.to_stage
                       || CASE WHEN h.lead_id <> ?1 THEN ' (as lead ' || h.lead_id || ', merged into this one)' ELSE '' END, 2, h.id
                  FROM (SELECT ?1 AS id UNION ALL SELECT id FROM lead_records WHERE merged_into = ?1) AS x
                  JOIN stage_history AS h ON h.lead_id = x.id
                UNION ALL
                SELECT a.assigned_at, 'assignment',
                       CASE WHEN a.rep_id IS NULL THEN 'unassigned' ELSE 'assigned to ' || coalesce(r.name, 'rep ' || a.rep_id) END
                       || ' (' || a.method || '): ' || a.reason
                       || CASE WHEN a.lead_id <> ?1 THEN ' (as lead ' || a.lead_id || ', merged into this one)' ELSE '' END, 3, a.id
                  FROM (SELECT ?1 AS id UNION ALL SELECT id FROM lead_records WHERE merged_into = ?1) AS x
                  JOIN assignments a ON a.lead_id = x.id LEFT JOIN reps r ON r.id = a.rep_id
                UNION ALL
                SELECT m.merged_at, 'merge', 'lead ' || m.merged_id || ' merged into this one' || coalesce(' by ' || m.merged_by, '')
                       || coalesce('; undone ' || m.undone_at, ''), 5, m.id
                  FROM merges AS m WHERE m.kept_id = ?1 AND m.merged_at IS NOT NULL
                UNION ALL
                SELECT h.changed_at, 'field',
                       h.field || ': ' || coalesce(substr(CAST(h.old_value AS TEXT), 1, 60), '-') || ' -> ' || coalesce(substr(CAST(h.new_value AS TEXT), 1, 60), '-')
                       || coalesce(' (' || h.changed_by || ')', ''), 4, h.id
                  FROM field_history h WHERE h.lead_id = ?1
                 ORDER BY at, ord, id
                """, [lead]
            ).map { row in
                TimelineEntry(
                    at: try row.get("at"), kind: TimelineEntry.Kind(rawValue: try row.get("kind")) ?? .activity,
                    summary: try row.get("summary"))
            }
        }
    }

    /// A lead's activities, newest first.
    public func activities(lead: Int64, limit: Int = 100) throws -> [Activity] {
        try read { db in
            try db.query("SELECT * FROM activities WHERE lead_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ?", [lead, limit])
                .map(Activity.init(row:))
        }
    }

    /// Everything held about a lead, as the JSON document of `lead_export`.
    public func export(lead: Int64) throws -> String? {
        try read { db in try db.scalar("SELECT document FROM lead_export WHERE lead_id = ?", [lead], as: String.self) }
    }

    // MARK: - Team and SLA

    /// All reps with their open-lead counts.
    public func reps() throws -> [Rep] {
        try read { db in try db.query("SELECT * FROM reps ORDER BY team, name").map(Rep.init(row:)) }
    }

    /// The owner changes of a lead, oldest first.
    public func assignments(lead: Int64) throws -> [Assignment] {
        try read { db in
            try db.query("SELECT * FROM assignments WHERE lead_id = ? ORDER BY id", [lead]).map(Assignment.init(row:))
        }
    }

    /// Leads past their response deadline now, most overdue first.
    public func slaBreaches(limit: Int = 100) throws -> [SLABreach] {
        try read { db in
            try db.query("SELECT * FROM sla_breaches LIMIT ?", [limit]).map { try SLABreach(row: $0, overdue: true) }
        }
    }

    /// The lead's breach, when it is breached now (the rule is `sla_breaches`': an open, assigned lead
    /// nobody answered, past its deadline); nil otherwise.
    public func slaBreach(lead: Int64) throws -> SLABreach? {
        try read { db in
            try db.query("SELECT * FROM sla_breaches WHERE lead_id = ?", [lead]).first.map { try SLABreach(row: $0, overdue: true) }
        }
    }

    /// Leads whose deadline falls within `sla.due_soon_minutes` (minutesOverdue is minus the minutes left).
    public func slaDueSoon(limit: Int = 100) throws -> [SLABreach] {
        try read { db in
            try db.query("SELECT * FROM sla_due_soon LIMIT ?", [limit]).map { try SLABreach(row: $0, overdue: false) }
        }
    }

    // MARK: - Reports and outbox

    /// The funnel: every stage in order with its leads.
    public func funnel() throws -> [FunnelStage] {
        try read { db in try db.query("SELECT * FROM funnel").map(FunnelStage.init(row:)) }
    }

    /// Messages not delivered yet, oldest first.
    public func pendingOutbox(limit: Int = 100) throws -> [OutboxMessage] {
        try read { db in
            try db.query("SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?", [limit]).map(OutboxMessage.init(row:))
        }
    }

    // MARK: - Internals

    static func fetchLead(id: Int64, in db: Database) throws -> Lead? {
        try db.query("SELECT \(Lead.columns) FROM leads WHERE id = ?", [id]).first.map(Lead.init(row:))
    }

    @discardableResult
    static func requireLead(id: Int64, in db: Database) throws -> Lead {
        guard let lead = try fetchLead(id: id, in: db) else {
            throw LeadError.unknownLead(message: "unknown_lead: no lead has id \(id)")
        }
        return lead
    }
}
