import Foundation
import LeadSQLite

extension LeadDatabase {
    /// Copies `db` to a new file at `path` with SQLite's online backup API: a consistent snapshot
    /// while other programs go on writing (the copy is read in one transaction; WAL readers never
    /// block writers). The copy is one self-contained file (no -wal), readable by its owner only (it
    /// holds personal data), and checked with `integrity_check` before this returns. A file already
    /// at `path` is never overwritten. Returns the copy's size in bytes.
    ///
    ///     try LeadDatabase.backup(db, to: "/backups/leads-2026-11-24.db")
    @discardableResult
    public static func backup(_ db: Database, to path: String) throws -> Int {
        // (SQLite reads these names as a URI or a database in memory, not as a file)
        guard !path.hasPrefix("file:"), !path.hasPrefix(":memory:"), !path.isEmpty else {
            throw LeadError.rule(code: "backup", message: "backup: \(path) is not a file name SQLite writes as given; name a file")
        }
        guard (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil, !FileManager.default.fileExists(atPath: path) else {
            throw LeadError.rule(code: "backup", message: "backup: \(path) already exists; give a new file name (a backup never overwrites a file)")
        }
        // (created empty and private first: the copy's pages are never readable by others)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw LeadError.rule(code: "backup", message: "backup: cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        do {
            let copy = try Database(path: path, mode: .readWrite, wal: false)
            try db.backup(into: copy)
            try copy.execute("PRAGMA journal_mode = DELETE")
            let integrity = try copy.query("PRAGMA integrity_check").compactMap { String.fromDatabaseValue($0[0]) }
            guard integrity == ["ok"] else {
                throw LeadError.rule(code: "backup", message: "backup: the copy at \(path) fails integrity_check: \(integrity.joined(separator: "; "))")
            }
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw error
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return size
    }

    /// Replaces everything in `db` with the backup at `path`, through the backup API: in one write
    /// transaction, so every other connection sees the old file or the restored one, never a mix. The
    /// backup must be LeadDB's and pass `integrity_check`; a backup made by an older LeadDB is restored as
    /// it is (`leads migrate` then brings it up to date).
    ///
    /// An erasure is never undone by a restore: the people `db` erased (and every suppressed email and
    /// phone) are erased again in a private copy of the backup before it replaces `db`. Returns how many
    /// erasures were applied again.
    @discardableResult
    public static func restore(_ db: Database, from path: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LeadError.rule(code: "restore", message: "restore: no backup at \(path)")
        }
        let backup: Database
        do {
            backup = try Database(path: path, mode: .readOnly, wal: false)
            try migrator().checkOwnership(backup)
            guard try backup.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0 > 0 else {
                throw LeadError.rule(code: "restore", message: "restore: \(path) is empty; it is not a LeadDB backup")
            }
            let integrity = try backup.query("PRAGMA integrity_check").compactMap { String.fromDatabaseValue($0[0]) }
            guard integrity == ["ok"] else {
                throw LeadError.rule(code: "restore", message: "restore: \(path) fails integrity_check: \(integrity.joined(separator: "; ")); choose another backup")
            }
        } catch MigrationError.foreignDatabase(_, let reason) {
            throw LeadError.rule(code: "restore", message: "restore: \(path) is not a LeadDB backup (\(reason)); nothing was changed, choose another backup")
        } catch let error as SQLiteError {
            // (SQLite's words name no file: say which one, and that nothing changed)
            throw LeadError.rule(
                code: "restore", message: "restore: \(path) cannot be read as a LeadDB backup (\(error.message)); nothing was changed, choose another backup")
        }
        // The erasures to apply again are read in the transaction that marks the restore as under way
        // (migration 0015): one written after it is refused (`restoring`) rather than lost when the file
        // is replaced. The restored file has no mark; a failed restore removes it.
        let marked = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_restore'", as: Int.self) == 1
        let (erased, suppressed) = try db.transaction { () -> ([Int64], [[DatabaseValue]]) in
            if marked {
                if let other = try db.query("SELECT backup, started_at FROM _restore").first {
                    throw LeadError.rule(code: "restore", message: """
                        restore: a restore from \(try other.get(0, as: String.self)) began at \(try other.get(1, as: String.self)) and has not \
                        ended; nothing was changed (if no restore is running, it was stopped: DELETE FROM _restore)
                        """)
                }
                try db.execute("INSERT INTO _restore(id, backup, started_at) VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", [path])
            }
            let hasErasures = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'erasures'", as: Int.self) == 1
            return (hasErasures ? try db.query("SELECT lead_id FROM erasures ORDER BY id").compactMap { Int64.fromDatabaseValue($0[0]) } : [],
                    hasErasures ? try db.query("SELECT email_hash, suppressed_at FROM suppressed_emails").map(\.values) : [])
        }
        do {
            return try restore(db, from: backup, erased: erased, suppressed: suppressed)
        } catch {
            if marked { try db.execute("DELETE FROM _restore") }
            throw error
        }
    }

    /// The restore once the erasures to apply again are read: a private copy of `backup` erased again,
    /// then copied over `db`.
    private static func restore(_ db: Database, from backup: Database, erased: [Int64], suppressed: [[DatabaseValue]]) throws -> Int {
        // The private copy: readable by its owner only, its erased pages overwritten, removed after.
        let copy = NSTemporaryDirectory() + "/leads-restore-\(UUID().uuidString).db"
        guard FileManager.default.createFile(atPath: copy, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw LeadError.rule(code: "restore", message: "restore: cannot create a private copy in \(NSTemporaryDirectory())")
        }
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        var applied = 0
        do {
            let staging = try Database(path: copy, mode: .readWrite, wal: false)
            try backup.backup(into: staging)
            try staging.execute("PRAGMA journal_mode = DELETE")
            try staging.transaction {
                for lead in erased
                where try staging.scalar("SELECT count(*) FROM lead_records WHERE id = ? AND erased_at IS NULL", [lead], as: Int.self) == 1 {
                    try staging.execute("INSERT INTO erasures(lead_id) VALUES (?)", [lead])
                    applied += 1
                }
                for row in suppressed {
                    try staging.execute(
                        "INSERT INTO suppressed_emails(email_hash, suppressed_at) VALUES (?, ?) ON CONFLICT (email_hash) DO NOTHING", row)
                }
                // Everyone whose email or phone is suppressed now is erased in the copy, whatever id the
                // person had (ids are handed out again after an earlier restore), and rows staged for
                // an import with their email or phone are dropped.
                let people = try staging.query(
                    """
                    SELECT l.id FROM lead_records AS l
                     WHERE l.erased_at IS NULL AND EXISTS (SELECT 1 FROM suppressed_contacts AS c WHERE c.arg = json_array(l.email, l.phone))
                     ORDER BY l.id
                    """).compactMap { Int64.fromDatabaseValue($0[0]) }
                for lead in people {
                    try staging.execute("INSERT INTO erasures(lead_id) VALUES (?)", [lead])
                    applied += 1
                }
                // (a backup taken while another restore ran holds its mark)
                if try staging.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_restore'", as: Int.self) == 1 {
                    try staging.execute("DELETE FROM _restore")
                }
                if try staging.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'lead_imports'", as: Int.self) == 1 {
                    try staging.execute(
                        """
                        DELETE FROM lead_imports
                         WHERE status = 'pending'
                           AND EXISTS (SELECT 1 FROM suppressed_contacts AS c
                                        WHERE c.arg = json_array(CAST(lead_imports.email AS TEXT), CAST(lead_imports.phone AS TEXT)))
                        """)
                }
            }
            try staging.backup(into: db)
        }
        return applied
    }
}
