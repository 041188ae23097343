import Foundation
import LeadDB
import LeadSQLite

/// `.import FILE [TABLE]`: a CSV file into `lead_intake` (through ``LeadStore/captureMany``, each column
/// read through ``NewLead/field(named:)``), or into any table. It says what it did on `out`, each problem
/// on `err`, and writes the rows it did not take to a rejects file.
final class CSVImport {
    let db: Database
    let store: LeadStore?
    /// The database's own path (a rejects file never overwrites it or its journals).
    let databasePath: String
    let out: OutputSink
    let err: OutputSink
    /// Opened with --readonly: nothing is written (no rejects file either).
    let readOnly: Bool
    /// Whether a progress bar may be drawn on `err`.
    let progress: Bool
    /// Set when a row was rejected or could not be read.
    private(set) var hadError = false

    init(db: Database, store: LeadStore?, databasePath: String, out: OutputSink, err: OutputSink, readOnly: Bool, progress: Bool) {
        (self.db, self.store, self.databasePath, self.out, self.err) = (db, store, databasePath, out, err)
        (self.readOnly, self.progress) = (readOnly, progress)
    }

    func run(path: String, table: String?, options: ImportOptions = ImportOptions()) throws {
        guard !readOnly else { throw ShellError("--readonly writes nothing: .import would store leads; open the database without --readonly") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShellError("cannot read \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        // The rejects file is written over: never the database (or its journal files) or the input.
        if let rejects = options.rejects, !rejects.isEmpty {
            let protected = [databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal", path]
            if let clash = protected.first(where: { Self.sameFile(rejects, $0) }) {
                throw ShellError("--rejects \(rejects) is \(clash == path ? "the file being imported" : "the database's own file (\(clash))"); give another path")
            }
        }
        // A UTF-16 export (Excel's "Unicode text") starts with its byte-order mark.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw ShellError("\(path) is UTF-16 (it starts with a UTF-16 byte-order mark): save it as CSV UTF-8 and import that")
        }
        let read = CSVReader.read(Array(data), encoding: options.encoding)
        guard let header = read.records.first, read.failures.allSatisfy({ $0.line > header.line }) else {
            if let failure = read.failures.first, failure.line == 1 {
                throw ShellError("\(path) line 1 (the header) \(failure.field.map { "field \($0 + 1) " } ?? ""): \(failure.message)")
            }
            throw ShellError("\(path) is empty: a header row is needed")
        }
        let names = header.fields.map { $0 ?? "" }
        let rows = Array(read.records.dropFirst())
        let unreadable = read.failures.map { failure in
            RejectedRow(
                line: failure.line, field: failure.field.map { $0 < names.count ? names[$0] : "field \($0 + 1)" } ?? "-",
                message: failure.message, fields: nil, raw: failure.raw)
        }
        if let table, table.lowercased() != "lead_intake" {
            for row in unreadable { err.write("\(path) line \(row.line), field \(row.field): \(row.message)\n") }
            if !unreadable.isEmpty { hadError = true }
            try importRows(rows, names: names, into: table, path: path, unreadable: unreadable.count)
        } else {
            try importLeads(rows, names: names, path: path, unreadable: unreadable, options: options)
        }
    }

    private func importLeads(_ rows: [CSVRecord], names: [String], path: String, unreadable: [RejectedRow], options: ImportOptions) throws {
        guard let store else { throw ShellError(".import into leads needs a LeadDB database; this file is not one, or needs `leads migrate`") }
        let fields = names.map(NewLead.field(named:))
        let mapped = fields.map { $0?.column }
        var seen: [String: String] = [:]
        for (name, field) in zip(names, mapped) {
            guard let field else { continue }
            if let earlier = seen[field] { throw ShellError("\(path): columns \(earlier) and \(name) both mean \(field); keep one") }
            seen[field] = name
        }
        // A column named like a custom field (by its name or label) gives that field's values.
        let customFields = try store.customFields()
        var customColumns: [Int: String] = [:]
        for (index, name) in names.enumerated() where mapped[index] == nil {
            if let field = customFields.first(where: { $0.isNamed(name) }) {
                if let earlier = customColumns.first(where: { $0.value == field.name }) {
                    throw ShellError("\(path): columns \(names[earlier.key]) and \(name) both mean \(field.name); keep one")
                }
                customColumns[index] = field.name
            }
        }
        let unknown = zip(names, mapped).enumerated().filter { $0.element.1 == nil && customColumns[$0.offset] == nil }.map(\.element.0)
        if !unknown.isEmpty {
            let listed = unknown.count > 12 ? unknown.prefix(10).joined(separator: ", ") + " and \(unknown.count - 10) more" : unknown.joined(separator: ", ")
            err.write("note: \(path): column\(unknown.count == 1 ? "" : "s") \(listed) \(unknown.count == 1 ? "is" : "are") not \(unknown.count == 1 ? "a lead field" : "lead fields"); kept in each lead's capture detail (JSON). Known fields: \(NewLead.fields.map(\.column).joined(separator: ", "))\(customFields.isEmpty ? "" : "; custom fields: " + customFields.map(\.name).joined(separator: ", ")).\n")
        }
        guard mapped.contains("email") || mapped.contains("phone") else {
            throw ShellError("\(path): no email or phone column (header: \(names.joined(separator: ", ")))")
        }

        var leads: [NewLead] = []
        var problems: [RejectedRow] = unreadable
        var lineOf: [Int] = []
        func reject(_ record: CSVRecord, _ field: String, _ message: String) {
            problems.append(RejectedRow(line: record.line, field: field, message: message, fields: record.fields, raw: []))
        }
        var consents: [String: ConsentReading] = [:]
        var blank = 0
        for record in rows {
            // (a row of empty cells, as spreadsheets leave below the data, is no lead and no mistake)
            if record.fields.allSatisfy({ ($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }) {
                blank += 1
                continue
            }
            guard record.fields.count == names.count else {
                reject(record, "-", "the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header \(names.count)")
                continue
            }
            var lead = NewLead()
            var extra: [(String, String)] = []
            var note: String?
            for (index, value) in record.fields.enumerated() {
                guard let value else { continue }
                if let name = customColumns[index] {
                    if !value.trimmingCharacters(in: .whitespaces).isEmpty { lead.custom[name] = value }
                    continue
                }
                guard let field = fields[index] else {
                    if !value.isEmpty { extra.append((names[index], value)) }
                    continue
                }
                switch field.value {
                case .custom:
                    // (a column of JSON objects: each value as text, read by the database)
                    guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    guard let object = (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any] else {
                        reject(record, names[index], "invalid_field: custom must be a JSON object of field values such as {\"budget\": 50000}; got \(value)"); continue
                    }
                    for (key, item) in object where !(item is NSNull) {
                        // (a number or true/false as JSON writes it; the database reads it as its field says)
                        lead.custom[key] = (item as? String)
                            ?? (try? JSONSerialization.data(withJSONObject: [item])).map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) }
                            ?? "\(item)"
                    }
                case .text(let path):
                    switch field.column {
                    case "detail": note = value
                    case "capture_key": if !value.isEmpty { lead.captureKey = value }
                    default: lead[keyPath: path] = value
                    }
                case .consent:
                    // (read as the database reads it: an empty cell says nothing)
                    if consents[value] == nil { consents[value] = try store.readConsent(value) }
                    if case .invalid(let problem) = consents[value] { reject(record, names[index], problem); continue }
                    lead.consent = consents[value]?.consent
                case .time:
                    guard let date = SQLiteDate.parse(value.trimmingCharacters(in: .whitespaces)) else {
                        reject(record, names[index], "\(value) is not a date such as 2026-11-24 or 2026-11-24T09:30:00Z"); continue
                    }
                    lead.capturedAt = date
                }
            }
            if problems.last?.line == record.line && problems.last?.fields != nil { continue }
            if extra.isEmpty {
                lead.detail = note
            } else {
                // Each key once: a header that repeats gets its place (Badge ID, Badge ID (2)).
                var used: [String: Int] = [:]
                let pairs = ((note.map { [("notes", $0)] } ?? []) + extra).map { pair -> (String, String) in
                    let count = (used[pair.0] ?? 0) + 1
                    used[pair.0] = count
                    return (count == 1 ? pair.0 : "\(pair.0) (\(count))", pair.1)
                }
                lead.detail = "{" + pairs.map { JSONText.quoted($0.0) + ":" + JSONText.quoted($0.1) }.joined(separator: ",") + "}"
            }
            leads.append(lead)
            lineOf.append(record.line)
        }

        let progress = ProgressBar(total: leads.count, out: err, enabled: progress)
        let results: [CaptureRowResult]
        // (inside the session's own transaction, nothing is stored before its COMMIT)
        let inTransaction = db.isInTransaction
        do {
            defer { progress.finish() }
            results = try store.captureMany(leads, chunkSize: 500) { done, _ in progress.update(done) }
        } catch LeadError.stopped(let committed, let total, let reason) {
            // Ctrl-C, a full disk: say what is stored and how to go on.
            if inTransaction && db.isTransactionLost {
                throw ShellError(
                    "\(path): stopped (\(reason)) after \(committed) of \(total) rows; none of them is stored. "
                        + "ROLLBACK, then run the same .import again.")
            }
            if inTransaction {
                throw ShellError(
                    "\(path): stopped (\(reason)) after \(committed) of \(total) rows; those \(committed) are part of the open transaction, "
                        + "stored only if it commits. Run the same .import again to resume: rows already imported are skipped.")
            }
            throw ShellError(
                "\(path): stopped (\(reason)) after \(committed) of \(total) rows; those \(committed) are stored. "
                    + "Run the same .import again to resume: rows already imported are skipped.")
        }
        var created = 0
        var merged = 0
        var already = 0
        for result in results {
            switch result.outcome {
            case .success(.created): created += 1
            case .success(.merged): merged += 1
            case .success(.alreadyCaptured): already += 1
            case .failure(let error):
                var named = NewLead.field(refusedWith: error.code)?.column
                if case .invalidText(let field, _) = error, !field.isEmpty { named = field }
                var field = named.flatMap { field in zip(names, mapped).first { $0.1 == field }?.0 } ?? "-"
                // (a custom field's column, by the field the message names: "invalid_field: budget must ...")
                if error.code == "invalid_field" || error.code == "missing_field" {
                    let words = error.message.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
                    if let column = customColumns.first(where: { words.contains($0.value) }) { field = names[column.key] }
                }
                if let record = rows.first(where: { $0.line == lineOf[result.index] }) {
                    // An erased person's row is not written back out: only its line and the reason.
                    let kept = error.code == "suppressed" ? CSVRecord(line: record.line, fields: record.fields.map { _ in nil }) : record
                    reject(kept, field, error.message)
                }
            }
        }
        problems.sort { $0.line < $1.line }
        for problem in problems.prefix(20) {
            err.write("\(path) line \(problem.line), field \(problem.field): \(problem.message)\n")
        }
        if problems.count > 20 { err.write("... and \(problems.count - 20) more rejected rows\n") }
        let total = rows.count - blank + unreadable.count
        var summary = "Imported \(path): \(total) rows, \(created) created, \(merged) merged, \(problems.count) rejected"
        if blank > 0 { summary += ", \(blank) blank row\(blank == 1 ? "" : "s") skipped" }
        if already > 0 { summary += ", \(already) already captured (the same row again: unchanged)" }
        // Leads that nobody could take are worth saying: they wait in unassigned_leads.
        // (the leads this import created: a merged lead waiting since before is not news)
        let ids = Set(results.compactMap { result -> Int64? in
            if case .success(.created) = result.outcome { return result.leadID }
            return nil
        })
        if !ids.isEmpty {
            let (waiting, atMQL, reps) = try store.read { db in
                (try db.scalar(
                    "SELECT count(*) FROM lead_records WHERE owner_id IS NULL AND closed_at IS NULL AND erased_at IS NULL AND id IN (SELECT value FROM json_each(?))",
                    [String(describing: Array(ids))], as: Int.self) ?? 0,
                 try db.scalar("SELECT value FROM settings WHERE key = 'routing.assign_at'", as: String.self) == "mql",
                 try db.scalar("SELECT count(*) FROM reps WHERE active = 1", as: Int.self) ?? 0)
            }
            if waiting > 0 {
                // (with routing at mql, a lead gets its owner when it qualifies, not because no rep has room)
                summary += "; \(waiting) lead\(waiting == 1 ? " waits" : "s wait") for an owner ("
                    + (atMQL ? "leads are routed when they reach mql" : reps == 0 ? "there are no active reps yet" : "no rep has room") + ": see unassigned_leads)"
            }
        }
        if !problems.isEmpty {
            hadError = true
            if let rejectPath = options.rejects ?? (readOnly ? nil : Self.rejectPath(for: path)), !rejectPath.isEmpty {
                summary += writeRejects(problems, names: names, to: rejectPath)
            } else {
                summary += " (no rejects file\(readOnly ? " with --readonly" : ""))"
            }
        }
        out.write(summary + ".\n")
    }

    /// The rejected rows as CSV, with the line and the reason in two last columns, readable by its owner
    /// only (they are lead data). A row that could not be read is written as its bytes were.
    private func writeRejects(_ problems: [RejectedRow], names: [String], to path: String) -> String {
        var bytes = Array(((names + ["line", "error"]).map(csvField).joined(separator: ",") + "\r\n").utf8)
        for problem in problems {
            let tail = "," + [String(problem.line), "\(problem.field): \(problem.message)"].map(csvField).joined(separator: ",") + "\r\n"
            if let fields = problem.fields {
                bytes += Array(fields.map { csvField($0 ?? "") }.joined(separator: ",").utf8)
            } else {
                bytes += problem.raw
            }
            bytes += Array(tail.utf8)
        }
        do {
            if FileManager.default.fileExists(atPath: path) {
                // (a file its owner made read-only is kept, not replaced: by its mode, which binds root too)
                let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0o600
                guard mode & 0o200 != 0 else { return " (not written: \(path) is read-only)" }
                try FileManager.default.removeItem(atPath: path)
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                return " (could not write \(path))"
            }
            return " (written to \(path), with the reason in its last column)"
        } catch {
            return " (could not write \(path): \(error.localizedDescription))"
        }
    }

    /// Whether two paths name the same file (the same device and inode, so links and `./` count), or
    /// the same path when neither exists yet.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0 && stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    /// `data.csv` -> `data.rejects.csv`, beside the input.
    static func rejectPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + ".rejects.csv").path
    }

    private func importRows(_ rows: [CSVRecord], names: [String], into table: String, path: String, unreadable: Int) throws {
        let columns = try db.query("SELECT name FROM pragma_table_info(?)", [table]).compactMap { String.fromDatabaseValue($0[0]) }
        guard !columns.isEmpty else { throw ShellError("no table named \(table)") }
        let lower = Set(columns.map { $0.lowercased() })
        let unknown = names.filter { !lower.contains($0.lowercased()) }
        guard unknown.isEmpty else {
            throw ShellError("\(path): column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) not in \(table) (columns: \(columns.joined(separator: ", ")))")
        }
        let sql = "INSERT INTO \(quoteIdentifier(table))(\(names.map(quoteIdentifier).joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        var inserted = 0
        var failed = unreadable
        try db.transaction {
            for record in rows {
                guard record.fields.count == names.count else {
                    err.write("\(path) line \(record.line): the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header \(names.count)\n")
                    failed += 1
                    continue
                }
                do {
                    try db.execute(sql, record.fields.map { $0.map(DatabaseValue.text) ?? .null })
                    inserted += 1
                } catch let error as SQLiteError {
                    err.write("\(path) line \(record.line): \(RuleViolation(error)?.message ?? error.message)\n")
                    failed += 1
                }
            }
        }
        if failed > 0 { hadError = true }
        // A plain table has no capture key: importing the same file again adds its rows again.
        out.write("Imported \(path) into \(table): \(inserted + failed) rows, \(inserted) inserted, \(failed) rejected (a second import of the same file inserts its rows again).\n")
    }
}

private func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}
