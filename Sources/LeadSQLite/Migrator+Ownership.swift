import Foundation

/// Whose file it is: LeadDB changes only a file stamped with its `application_id`, or an empty one.
extension Migrator {
    /// Throws ``MigrationError/foreignDatabase(path:reason:)`` unless the file is LeadDB's (its
    /// `application_id`) or empty. Only reads: call it before anything that writes, such as switching
    /// the file to WAL.
    public func checkOwnership(_ db: Database) throws {
        let id = Int32(truncatingIfNeeded: try db.scalar("PRAGMA application_id", as: Int.self) ?? 0)
        if id == applicationID { return }
        if id != 0 {
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "its application_id is \(id) (0x\(String(UInt32(bitPattern: id), radix: 16))), LeadDB's is \(applicationID)")
        }
        let objects = try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0
        if objects > 0 {
            // Every LeadDB file is stamped in the transaction that creates its first table, so a file
            // with objects and no stamp is another program's, even one with a table named _migrations.
            let names = try db.query(
                "SELECT type || ' ' || name FROM sqlite_schema ORDER BY type = 'table' DESC, type, name LIMIT 3"
            ).compactMap { String.fromDatabaseValue($0[0]) }
            let more = objects > names.count ? " and \(objects - names.count) more" : ""
            throw MigrationError.foreignDatabase(
                path: db.path,
                reason: "it already has \(objects == 1 ? "an object" : "objects") (\(names.joined(separator: ", "))\(more)) and no LeadDB application_id")
        }
        // An empty file that another program has stamped with a version of its own is not free to take.
        let userVersion = try db.scalar("PRAGMA user_version", as: Int.self) ?? 0
        if userVersion != 0 {
            throw MigrationError.foreignDatabase(
                path: db.path, reason: "it has no tables yet but its user_version is \(userVersion), set by another program")
        }
    }
}
