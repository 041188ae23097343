import LeadSQLite

/// The SQL that makes a SQLite file a LeadDB database, as built into this binary.
///
///     let db = try Database(path: "leads.db")
///     try LeadDatabase.migrator().migrate(db)
public enum LeadDatabase {
    /// `PRAGMA application_id` of every LeadDB file: the bytes "LEAD".
    public static let applicationID: Int32 = 0x4C45_4144

    /// The version of this LeadDB build.
    public static let version = "0.1.0"

    /// The migrations in `Migrations/`, embedded at build time.
    public static func migrations() throws -> [Migration] {
        try EmbeddedSQL.migrations.map { try Migration(fileName: $0.name, sql: $0.text) }
    }

    /// The views and triggers in `Schema/`, embedded at build time.
    public static var schemaFiles: [SchemaFile] {
        EmbeddedSQL.schema.map { SchemaFile(fileName: $0.name, sql: $0.text) }
    }

    /// A migration runner for this binary's SQL.
    public static func migrator() throws -> Migrator { try sharedMigrator.get() }

    /// Made once per process: every file's checksum is worked out once, not on every open.
    private static let sharedMigrator = Result {
        try Migrator(migrations: migrations(), schema: schemaFiles, applicationID: applicationID)
    }
}
