import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// Which connection a test writes through: the project's own (WAL, foreign keys on), or a plain one
/// with SQLite's defaults (foreign keys off, nothing registered), as any other program would open it.
enum Writer: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case project, plain
    var testDescription: String { rawValue }
}

/// A freshly migrated database file with the clock frozen, opened by the writer under test.
final class LeadFixture {
    let dir = TemporaryDirectory()
    let db: Database
    static let start = "2026-11-24T09:00:00.000Z"

    /// One freshly migrated file per test process, copied for each fixture: migrating is the same
    /// every time, and copying a file is much cheaper than running the deploy again.
    static let template: Result<String, any Error> = Result {
        // Templates left by earlier runs are removed; this run's is removed by the next.
        let folder = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("leaddb-template-") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        let path = folder + "/leaddb-template-\(getpid())-\(UUID().uuidString).db"
        let setup = try Database(path: path)
        try LeadDatabase.migrator().migrate(setup)
        try setup.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path
    }

    init(_ writer: Writer, now: String = LeadFixture.start) throws {
        let path = dir.file("leads.db")
        try FileManager.default.copyItem(atPath: try Self.template.get(), toPath: path)
        let setup = try Database(path: path)
        #expect(try LeadDatabase.migrator().status(setup).isUpToDate)
        try setup.execute("UPDATE settings SET value = ? WHERE key = 'clock.now'", [now])
        db = try Database(path: path, plain: writer == .plain)
        #expect(try db.scalar("PRAGMA foreign_keys", as: Int.self) == (writer == .plain ? 0 : 1))
    }

    /// Captures through lead_intake and returns the lead's id.
    @discardableResult
    func capture(_ values: KeyValuePairs<String, any DatabaseValueConvertible>) throws -> Int64 {
        let columns = values.map(\.key)
        let placeholders = columns.map { _ in "?" }.joined(separator: ", ")
        try db.execute(
            "INSERT INTO lead_intake(\(columns.joined(separator: ", "))) VALUES (\(placeholders))", values.map(\.value))
        if let email = values.first(where: { $0.key == "email" })?.value as? String,
            let id = try db.scalar("SELECT id FROM leads WHERE email = lower(trim(?))", [email], as: Int64.self)
        {
            return id
        }
        return try db.scalar("SELECT max(id) FROM lead_records", as: Int64.self) ?? 0
    }

    /// The rule violation `body` raises; records an issue when it raises none or another error.
    func violation(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> RuleViolation? {
        do {
            try body()
            Issue.record("expected a rule violation, but the statement succeeded", sourceLocation: sourceLocation)
        } catch let error as SQLiteError {
            if let violation = RuleViolation(error) { return violation }
            Issue.record("expected a rule violation, got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a rule violation, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    func lead(_ id: Int64) throws -> Row {
        try #require(try db.query("SELECT * FROM leads WHERE id = ?", [id]).first)
    }

    func int(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> Int {
        try db.scalar(sql, arguments, as: Int.self) ?? 0
    }

    func double(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> Double {
        try db.scalar(sql, arguments, as: Double.self) ?? .nan
    }

    func text(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) throws -> String? {
        try db.scalar(sql, arguments, as: String.self)
    }

    func setClock(_ time: String) throws {
        try db.execute("UPDATE settings SET value = ? WHERE key = 'clock.now'", [time])
    }

    func log(_ lead: Int64, _ kind: String, at time: String? = nil) throws {
        try db.execute("INSERT INTO activities(lead_id, kind, occurred_at) VALUES (?, ?, ?)", [lead, kind, time])
    }

    /// The file is sound: integrity_check ok and no dangling references.
    func checkIntegrity(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try text("PRAGMA integrity_check") == "ok", sourceLocation: sourceLocation)
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty, sourceLocation: sourceLocation)
    }
}

func close(_ a: Double, _ b: Double, within tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }
