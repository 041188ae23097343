import LeadSQLite

extension Shell {
    /// Whether Enter finishes this entry: a dot-command or a lead command always, SQL when SQLite says
    /// the statement is complete.
    public func entryIsComplete(_ entry: String) -> Bool {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix(".") || leadCommand(in: trimmed) != nil { return true }
        return Database.isComplete(entry)
    }

    static let statementKeywords = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "VALUES"]

    static let sqlKeywords = [
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "GROUP", "HAVING", "LIMIT", "INSERT", "INTO", "VALUES", "UPDATE", "SET",
        "DELETE", "JOIN", "LEFT", "ON", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE", "AS", "DESC", "ASC", "COUNT",
        "DISTINCT", "WITH", "CREATE", "DROP", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK",
    ]

    /// Completions for the word before the cursor: commands at the start of an entry, dot-commands,
    /// then tables, views, columns, stages, activity kinds and rep names from the database.
    public func completionCandidates(word: String, line: String) -> [String] {
        if word.hasPrefix(".") && line.trimmingCharacters(in: .whitespaces).hasPrefix(word) {
            return DotCommand.all.map { "." + $0.name }
        }
        let before = line.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }
        // An entry starts with a command or a statement: nothing else completes there.
        if before.count <= 1 && !line.hasSuffix(" ") {
            return LeadCommand.all.map(\.name)
                + Self.statementKeywords.map { word.first?.isLowercase == true ? $0.lowercased() : $0 }
        }
        var candidates = Self.sqlKeywords.map { word.first?.isLowercase == true ? $0.lowercased() : $0 }
        func names(_ sql: String) -> [String] {
            (try? db.query(sql).compactMap { String.fromDatabaseValue($0[0]) }) ?? []
        }
        candidates += names("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
        candidates += names(
            "SELECT DISTINCT p.name FROM sqlite_schema s, pragma_table_info(s.name) p WHERE s.type IN ('table', 'view') AND s.name NOT LIKE 'sqlite_%'")
        if store != nil {
            candidates += names("SELECT name FROM stages")
            candidates += names("SELECT kind FROM activity_kinds")
            candidates += names("SELECT name FROM reps WHERE name NOT LIKE '% %'")
        }
        return Array(Set(candidates))
    }
}
