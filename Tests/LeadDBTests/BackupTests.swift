import Foundation
import LeadDB
import LeadSQLite
import Testing

/// `leads backup` and `leads restore` (LeadDatabase.backup and .restore): a consistent, private,
/// checked copy; a restore in one transaction that never brings an erased person back.
@Suite struct BackupTests {
    @Test func aBackupHoldsWhatWasCommittedAndIsPrivateAndChecked() throws {
        let f = try LeadFixture(.project)
        let kept = try f.capture(["email": "kept@example.com", "first_name": "Kept"])
        // Another connection is half-way through a transaction: its row is not in the copy.
        let other = try Database(path: f.db.path)
        try other.execute("BEGIN IMMEDIATE")
        try other.execute("INSERT INTO lead_intake(email) VALUES ('uncommitted@example.com')")
        let path = f.dir.file("backup.db")
        let size = try LeadDatabase.backup(f.db, to: path)
        try other.execute("COMMIT")
        #expect(size == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let copy = try Database(path: path, mode: .readOnly)
        #expect(try copy.query("SELECT email FROM leads ORDER BY id").map { try $0.get(0, as: String.self) } == ["kept@example.com"])
        #expect(try LeadDatabase.check(copy).isEmpty)
        #expect(try copy.scalar("SELECT id FROM leads", as: Int64.self) == kept)
        // A file already there is never overwritten.
        #expect(throws: LeadError.rule(code: "backup", message: "backup: \(path) already exists; give a new file name (a backup never overwrites a file)")) {
            try LeadDatabase.backup(f.db, to: path)
        }
    }

    @Test(arguments: Writer.allCases)
    func aRestoreReplacesEverythingButNeverAnErasure(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "first_name": "Ada", "phone": "+44 20 7946 0000"])
        let bob = try f.capture(["email": "bob@example.com", "first_name": "Bob"])
        let path = f.dir.file("backup.db")
        try LeadDatabase.backup(f.db, to: path)
        // After the backup: Ada is erased, a new lead comes and is erased too, Bob changes title.
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [ada])
        let cy = try f.capture(["email": "cy@example.com"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [cy])
        try f.db.execute("UPDATE leads SET title = 'CTO' WHERE id = ?", [bob])
        #expect(try LeadDatabase.restore(f.db, from: path) == 1)
        #expect(try f.text("SELECT title FROM leads WHERE id = ?", [bob]) == nil)
        #expect(try f.text("SELECT email FROM lead_records WHERE id = ?", [ada]) == nil)
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE id = ?", [cy]) == 0)
        // The erased emails and phone stay suppressed.
        for values in [["email": "ada@example.com"], ["email": "cy@example.com"], ["phone": "+44 20 7946 0000"]] as [[String: String]] {
            let (column, value) = values.first!
            #expect(f.violation { try f.db.execute("INSERT INTO lead_intake(\(column)) VALUES (?)", [value]) }?.code == "suppressed")
        }
        #expect(try LeadDatabase.check(f.db).isEmpty)
        try f.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: f.db.path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: f.db.path + "-wal")) { bytes.append(wal) }
        #expect(bytes.range(of: Data("ada@example.com".utf8)) == nil)
    }

    /// A person is erased again by their email or phone, whatever id they had: ids are handed out again
    /// after an earlier restore. Rows staged for an import with their contact go too.
    @Test(arguments: Writer.allCases)
    func aRestoreErasesByPersonNotById(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.capture(["email": "first@example.com"])
        let old = f.dir.file("old.db"), new = f.dir.file("new.db")
        try LeadDatabase.backup(f.db, to: old)
        let pat = try f.capture(["email": "pat@example.com", "first_name": "Pat"])
        try f.db.execute("INSERT INTO lead_imports(email, first_name) VALUES ('xavier@example.com', 'Xavier')")
        try LeadDatabase.backup(f.db, to: new)
        try LeadDatabase.restore(f.db, from: old)
        // Lead `pat`'s id now goes to Zoe; Pat comes again, and asks to be erased, as does Xavier.
        let zoe = try f.capture(["email": "zoe@example.com"])
        #expect(zoe == pat)
        let again = try f.capture(["email": "pat@example.com"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [again])
        let xavier = try f.capture(["email": "xavier@example.com"])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [xavier])
        try LeadDatabase.restore(f.db, from: new)
        #expect(try f.text("SELECT email FROM lead_records WHERE id = ?", [pat]) == nil)
        #expect(try f.int("SELECT count(*) FROM lead_records WHERE email = 'pat@example.com'") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_imports WHERE email = 'xavier@example.com'") == 0)
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }

    @Test func aDamagedFileIsReportedNotThrown() throws {
        let f = try LeadFixture(.project)
        try f.capture(["email": "a@example.com"])
        let copy = f.dir.file("copy.db")
        try LeadDatabase.backup(f.db, to: copy)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        bytes.replaceSubrange(4096..<4352, with: Data(repeating: 0xA5, count: 256))
        try bytes.write(to: URL(fileURLWithPath: copy))
        let damaged = try Database(path: copy, mode: .readOnly)
        let problems = try LeadDatabase.check(damaged)
        #expect(problems.first?.check == "integrity")
        #expect(problems.first?.repair == "restore the file from a backup: leads restore BACKUP --db \(copy) (docs/reliability.md)")
    }

    @Test func aRestoreRefusesWhatIsNotASoundLeadDBBackup() throws {
        let f = try LeadFixture(.project)
        try f.capture(["email": "stay@example.com"])
        let missing = f.dir.file("missing.db")
        #expect(throws: LeadError.rule(code: "restore", message: "restore: no backup at \(missing)")) {
            try LeadDatabase.restore(f.db, from: missing)
        }
        let foreign = f.dir.file("foreign.db")
        try Database(path: foreign).execute("CREATE TABLE notes(text TEXT)")
        let notOurs = try #require(throws: LeadError.self) { try LeadDatabase.restore(f.db, from: foreign) }
        #expect(notOurs.message.hasPrefix("restore: \(foreign) is not a LeadDB backup ("))
        #expect(notOurs.message.hasSuffix("); nothing was changed, choose another backup"))
        // A backup damaged on disk: a page of its b-trees overwritten.
        let damaged = f.dir.file("damaged.db")
        try LeadDatabase.backup(f.db, to: damaged)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes.replaceSubrange(8192..<12288, with: Data(repeating: 0x5A, count: 4096))
        try bytes.write(to: URL(fileURLWithPath: damaged))
        #expect(throws: (any Error).self) { try LeadDatabase.restore(f.db, from: damaged) }
        #expect(try f.text("SELECT email FROM leads") == "stay@example.com")
        #expect(try LeadDatabase.check(f.db).isEmpty)
        // A file that is not a database, and one cut short: the message names the file.
        let text = f.dir.file("notes.db")
        try "hello\n".write(toFile: text, atomically: true, encoding: .utf8)
        let notADatabase = try #require(throws: LeadError.self) { try LeadDatabase.restore(f.db, from: text) }
        #expect(notADatabase.message.hasPrefix("restore: \(text) cannot be read as a LeadDB backup ("))
        #expect(notADatabase.message.hasSuffix("); nothing was changed, choose another backup"))
        let short = f.dir.file("short.db")
        let whole = f.dir.file("whole.db")
        try LeadDatabase.backup(f.db, to: whole)
        try Data(try Data(contentsOf: URL(fileURLWithPath: whole)).prefix(8192)).write(to: URL(fileURLWithPath: short))
        let cut = try #require(throws: LeadError.self) { try LeadDatabase.restore(f.db, from: short) }
        #expect(cut.message.hasPrefix("restore: \(short) "), "\(cut.message)")
        #expect(try f.int("SELECT count(*) FROM _restore") == 0)  // a refused restore leaves no mark
        #expect(try f.text("SELECT email FROM leads") == "stay@example.com")
    }

    /// While a restore is under way (between reading the erasures to apply again and replacing the file),
    /// an erasure is refused with `restoring` instead of being lost with the file; a restore left
    /// unfinished (killed) is named by the check, and deleting its mark lets erasures in.
    @Test(arguments: Writer.allCases)
    func anErasureWaitsForARestoreUnderWay(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        let path = f.dir.file("backup.db")
        try LeadDatabase.backup(f.db, to: path)
        try f.db.execute("INSERT INTO _restore(id, backup, started_at) VALUES (1, '/backups/monday.db', '2026-11-24T09:00:00.000Z')")
        #expect(f.violation { try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [ada]) }?.message
            == "restoring: a restore from /backups/monday.db began at 2026-11-24T09:00:00.000Z and replaces this file; erase lead \(ada) again when it ends")
        let problems = try f.db.query("SELECT invariant, subject, problem, repair FROM invariant_problems").map {
            [try $0.get(0) as String, try $0.get(1) as String, try $0.get(2) as String, try $0.get(3) as String]
        }
        #expect(problems == [["restore", "file", "a restore from /backups/monday.db began at 2026-11-24T09:00:00.000Z and did not end: erasures are refused until it does",
                              "if no restore is running: DELETE FROM _restore"]])
        // A second restore does not start over the first.
        let project = try Database(path: f.db.path)
        #expect(throws: LeadError.rule(code: "restore", message: """
            restore: a restore from /backups/monday.db began at 2026-11-24T09:00:00.000Z and has not ended; nothing was changed \
            (if no restore is running, it was stopped: DELETE FROM _restore)
            """)) { try LeadDatabase.restore(project, from: path) }
        try f.db.execute("DELETE FROM _restore")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [ada])
        // A restore ends with no mark, even from a backup taken while another restore ran.
        try f.db.execute("INSERT INTO _restore(id, backup, started_at) VALUES (1, 'x', '2026-11-24T09:00:00.000Z')")
        let marked = f.dir.file("marked.db")
        try LeadDatabase.backup(f.db, to: marked)
        try f.db.execute("DELETE FROM _restore")
        try LeadDatabase.restore(project, from: marked)
        #expect(try f.int("SELECT count(*) FROM _restore") == 0)
        #expect(try LeadDatabase.check(project).isEmpty)
    }
}
