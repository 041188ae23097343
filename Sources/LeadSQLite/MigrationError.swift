/// Why the migration runner refused or failed. Every case names the file or the database at fault and
/// says what to do; nothing was changed in the database when one is thrown.
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The SQLite file belongs to another program (other `application_id`, or tables without history).
    case foreignDatabase(path: String, reason: String)
    /// The database has applied migrations this binary does not know.
    case databaseIsNewer(unknown: [String])
    /// An applied migration's text differs from this binary's copy.
    case migrationChanged(fileName: String, applied: String, current: String)
    /// A migration failed; the whole deploy was rolled back.
    case migrationFailed(fileName: String, line: Int?, message: String)
    /// A migration left rows that violate a foreign key.
    case foreignKeyViolation(fileName: String, violations: [String])
    /// A schema file failed or created something other than views and triggers.
    case schemaFailed(fileName: String, line: Int?, message: String)
    /// A file in Migrations/ is not named `NNNN_name.sql`, or two share a version.
    case invalidFileName(String)
    /// The file is not up to date and the caller asked not to migrate it.
    case notMigrated(path: String, pending: [String], changedSchemaFiles: [String])
    /// Tables the migrations made are gone: no migration re-creates a table.
    case missingTables(path: String, tables: [String])

    public var description: String {
        switch self {
        case .foreignDatabase(let path, let reason):
            return "\(path) is not a LeadDB database: \(reason). Nothing was changed; open a LeadDB file or a new path."
        case .databaseIsNewer(let unknown):
            return "the database is newer than this leads binary: it has \(unknown.joined(separator: ", ")) applied, which this binary does not know. Nothing was changed; use a newer leads."
        case .migrationChanged(let fileName, let applied, let current):
            return "Migrations/\(fileName) was changed after it was applied (checksum \(applied.prefix(12)) in the database, \(current.prefix(12)) in this binary). Nothing was changed; restore the file and add a new migration instead."
        case .migrationFailed(let fileName, let line, let message):
            return "Migrations/\(fileName)\(line.map { " line \($0)" } ?? "") failed: \(message). The whole deploy was rolled back: the file is as it was before."
        case .foreignKeyViolation(let fileName, let violations):
            return "Migrations/\(fileName) leaves rows that break a foreign key: \(violations.joined(separator: "; ")). The whole deploy was rolled back: the file is as it was before."
        case .schemaFailed(let fileName, let line, let message):
            return "Schema/\(fileName)\(line.map { " line \($0)" } ?? "") failed: \(message). The whole deploy was rolled back: the file is as it was before."
        case .notMigrated(let path, let pending, let changed):
            var parts: [String] = []
            if !pending.isEmpty { parts.append("pending migrations \(pending.joined(separator: ", "))") }
            if !changed.isEmpty { parts.append("changed schema files \(changed.joined(separator: ", "))") }
            return "\(path) is not up to date (\(parts.joined(separator: "; "))): run `leads migrate \(Database.option(forLocation: path))`."
        case .missingTables(let path, let tables):
            return "\(path) has lost tables the migrations made (\(tables.joined(separator: ", "))): no migration re-creates a table. Nothing was changed; restore the file from a backup."
        case .invalidFileName(let name):
            return "Migrations/\(name) is not a valid migration name: use NNNN_name.sql with a unique number"
        }
    }
}
