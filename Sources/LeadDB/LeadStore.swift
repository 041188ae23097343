import Foundation
import LeadSQLite

/// A LeadDB database: capture leads, log activities, move them through stages, and read the views.
///
/// Every method calls the SQL contract; no rule is implemented in Swift. A store is safe to use from
/// many threads and tasks at once: writes go one at a time through one connection (`BEGIN IMMEDIATE`),
/// reads use a pool of other connections and see a consistent snapshot (WAL), so they never wait
/// behind a long write.
///
///     let store = try LeadStore(path: "leads.db")
///     let ada = try store.capture(NewLead(email: "ada@example.com", name: "Ada Lovelace")).lead
///     try store.log(.demoRequest, for: ada.id)
///     print(try store.lead(id: ada.id)?.stage ?? .new)
public final class LeadStore: Sendable {
    /// Whether opening a store migrates the file.
    public enum MigrationPolicy: Sendable {
        /// Apply pending migrations and refresh the schema (a new file is set up).
        case ifNeeded
        /// Never change the file: opening fails when it is not up to date.
        case never
    }

    /// The file's path, or `:memory:`.
    public let path: String
    private let writer: Connection
    private let readers: ReaderPool?

    /// Opens (and by default creates and migrates) the database at `path`.
    ///
    ///     let store = try LeadStore(path: "/var/lib/app/leads.db", migration: .never)
    ///
    /// Throws ``LeadError/migration(_:)`` for a file of another program, a file newer than this binary,
    /// or (with `.never`) a file with pending migrations.
    public init(path: String, migration: MigrationPolicy = .ifNeeded, readers: Int = 4) throws {
        self.path = path
        do {
            guard !path.isEmpty else {
                throw MigrationError.foreignDatabase(path: "\"\"", reason: "an empty path is a temporary database that vanishes on close; give a file path or :memory:")
            }
            // Whose file it is, before anything is written to it (switching to WAL is a write).
            let db = try Database(path: path, wal: false)
            let migrator = try LeadDatabase.migrator()
            try migrator.checkOwnership(db)
            try db.enableWAL()
            try Self.prepare(db, migrator: migrator, migration: migration)
            writer = Connection(db)
            if path == ":memory:" || path.isEmpty {
                self.readers = nil
            } else {
                self.readers = try ReaderPool(path: path, size: max(1, readers))
            }
        } catch {
            throw LeadError(error)
        }
    }

    /// Opens (and by default migrates) a database on a cluster, through its client: statements run on
    /// the cluster's leader, with the same rules and answers as on a file (docs/cluster.md). One
    /// connection serves reads and writes.
    ///
    ///     let store = try LeadStore(remote: Cluster(addresses: ["10.0.0.1:9001", "10.0.0.2:9001", "10.0.0.3:9001"]))
    ///
    /// A write whose answer was lost in a failover throws ``LeadError/unavailable(outcomeUnknown:message:)``
    /// with `outcomeUnknown`: retry a capture with its capture key, which makes the retry a no-op.
    public init(remote: any RemoteSQL, migration: MigrationPolicy = .ifNeeded) throws {
        path = remote.location
        do {
            let db = try Database(remote: remote)
            let migrator = try LeadDatabase.migrator()
            try migrator.checkOwnership(db)
            try Self.prepare(db, migrator: migrator, migration: migration)
            writer = Connection(db)
            readers = nil
        } catch {
            throw LeadError(error)
        }
    }

    /// Migrates the database, or with `.never` refuses one that is not up to date.
    private static func prepare(_ db: Database, migrator: Migrator, migration: MigrationPolicy) throws {
        switch migration {
        case .ifNeeded:
            try migrator.migrate(db)
        case .never:
            let status = try migrator.status(db)
            if !status.isUpToDate {
                throw MigrationError.notMigrated(
                    path: db.path, pending: status.pending.map(\.fileName), changedSchemaFiles: status.changedSchemaFiles)
            }
        }
    }

    /// A store over a connection that is already open and migrated (the shell's): that connection is
    /// the writer, and reads use it too. The caller keeps using it only from the thread that uses the
    /// store.
    ///
    /// Throws ``LeadError/migration(_:)`` when the file is not an up-to-date LeadDB database.
    public init(adopting db: Database) throws {
        path = db.path
        do {
            let status = try LeadDatabase.migrator().status(db)
            if !status.isUpToDate {
                throw MigrationError.notMigrated(
                    path: db.path, pending: status.pending.map(\.fileName), changedSchemaFiles: status.changedSchemaFiles)
            }
        } catch {
            throw LeadError(error)
        }
        writer = Connection(db)
        readers = nil
    }

    /// A private in-memory store (tests, previews): one connection serves reads and writes.
    public static func inMemory() throws -> LeadStore { try LeadStore(path: ":memory:") }

    // MARK: - Access

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`), one writer at a time. Errors are mapped
    /// to ``LeadError``; the transaction is rolled back when `body` throws.
    ///
    ///     try store.write { db in try db.execute("UPDATE reps SET capacity = 50 WHERE id = ?", [3]) }
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            // Inside a transaction the caller opened (BEGIN in the shell), a savepoint keeps it whole.
            return try writer.use { db in
                db.isInTransaction ? try db.savepoint { try body(db) } : try db.transaction(.immediate) { try body(db) }
            }
        } catch {
            throw LeadError(error)
        }
    }

    /// Runs `body` in a read transaction on a reader connection: a consistent snapshot that never waits
    /// for the writer. Errors are mapped to ``LeadError``.
    ///
    ///     let n = try store.read { db in try db.scalar("SELECT count(*) FROM leads", as: Int.self) ?? 0 }
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            if let readers {
                return try readers.use { db in try db.transaction(.deferred) { try body(db) } }
            }
            return try writer.use { db in
                db.isInTransaction ? try body(db) : try db.transaction(.deferred) { try body(db) }
            }
        } catch {
            throw LeadError(error)
        }
    }

    /// True when the store's connection cannot write (opened read-only).
    public var isReadOnly: Bool { writer.use { $0.isReadOnly } }

    /// Runs `body` on the writer connection without opening a transaction (for statements that manage
    /// their own, like checkpoints).
    func withWriter<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.use(body)
        } catch {
            throw LeadError(error)
        }
    }
}
