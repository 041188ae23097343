import Foundation
import LeadSQLite

extension Shell {
    /// Whether Enter finishes this entry: a dot-command or a lead command always, SQL when SQLite says
    /// the statement is complete.
    public func entryIsComplete(_ entry: String) -> Bool {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix(".") || leadCommand(in: trimmed) != nil { return true }
        return Database.isComplete(entry)
    }

    /// Completions for the word before the cursor, by context: commands at the start of an entry;
    /// stages after `move ID`, activity kinds after `log ID`, reps after `assign ID` (quoted when the
    /// name has spaces), lost reasons after `reason=`, file names after `.import`, `.read`, `.open`,
    /// `.output`, `.once` and `.export`; in SQL, keywords, tables, views and columns (not SQLite's or
    /// the search index's internal tables).
    public func completionCandidates(word: String, line: String) -> [String] {
        if word.hasPrefix(".") && line.trimmingCharacters(in: .whitespaces).hasPrefix(word) {
            return DotCommand.all.map { "." + $0.name }
        }
        let words = line.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }
        let before = line.hasSuffix(" ") || word.isEmpty ? words : Array(words.dropLast())
        // An entry starts with a command or a statement: nothing else completes there.
        if before.isEmpty {
            return LeadCommand.all.map(\.name)
                + SQLKeywords.statements.map { word.first?.isLowercase == true ? $0.lowercased() : $0 }
        }
        func names(_ sql: String) -> [String] {
            (try? db.query(sql).compactMap { String.fromDatabaseValue($0[0]) }) ?? []
        }
        let command = before[0].lowercased()
        if ["import", "read", "open", "output", "once", "export"].contains(command.dropFirst()) && command.hasPrefix(".") && before.count == 1 {
            return Self.completedFileNames(matching: word)
        }
        if word.hasPrefix("reason="), store != nil {
            return names("SELECT reason FROM lost_reasons ORDER BY reason").map { "reason=" + $0 }
        }
        if LeadCommand.named(command) != nil {
            guard store != nil, before.count == 2 else { return [] }
            switch command {
            case "move": return names("SELECT name FROM stages ORDER BY position")
            case "log": return names("SELECT kind FROM activity_kinds ORDER BY kind")
            case "assign":
                return names("SELECT name FROM reps WHERE active = 1 ORDER BY name").map { $0.contains(" ") ? "\"\($0)\"" : $0 } + ["none"]
            default: return []
            }
        }
        var candidates = SQLKeywords.all.map { word.first?.isLowercase == true ? $0.lowercased() : $0 }
        let tables = "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT GLOB 'lead_search_*'"
        candidates += names(tables)
        candidates += names("SELECT DISTINCT p.name FROM (\(tables)) AS s, pragma_table_info(s.name) AS p")
        return Array(Set(candidates))
    }

    /// Files and folders whose path starts with `prefix` (folders end with /).
    static func completedFileNames(matching prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let folder = slash.map { String(prefix[...$0]) } ?? ""
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.map { name in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (folder.isEmpty ? "" : folder) + name, isDirectory: &isFolder)
            return folder + name + (isFolder.boolValue ? "/" : "")
        }
    }
}
