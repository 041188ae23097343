import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// The search index stays readable however many erasures merge it: SQLite 3.40's FTS5 adds a level or
/// two to the index's structure at each merge of every segment and calls the index corrupt past 2,000
/// levels, so past 500 (_search_levels) the rules rebuild it; `leads check` names an index that cannot be
/// read, or one that misses a lead, and migration 0014 and the check's repair put it right.
@Suite struct SearchIndexTests {
    /// The index's structure record with `extra` empty levels put on top, as a thousand merges would
    /// leave it (the level count is the varint after the record's 4-byte cookie).
    static func addLevels(_ extra: Int, in db: Database) throws {
        let record = try #require(try db.scalar("SELECT block FROM lead_search_data WHERE id = 10", as: Data.self))
        let levels = Int(record[record.startIndex + 4])
        try #require(levels < 128)
        let count = levels + extra
        let varint = count < 128 ? Data([UInt8(count)]) : Data([UInt8(0x80 | (count >> 7)), UInt8(count & 0x7F)])
        let grown = record.prefix(4) + varint + record.dropFirst(5) + Data(count: 2 * extra)
        try db.execute("UPDATE lead_search_data SET block = ? WHERE id = 10", [grown])
    }

    /// The reported failure, done for real: 1,050 erasures one after another (each merges the index and
    /// adds two levels) leave the index readable, the others found and the check clean.
    @Test(arguments: Writer.allCases)
    func aThousandErasuresLeaveTheIndexReadable(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.db.transaction {
            for i in 0..<1_100 {
                try f.db.execute("INSERT INTO lead_intake(email, first_name, company) VALUES (?, ?, ?)",
                                 ["person\(i)@example.com", "Qzx\(i)", "Company \(i)"])
            }
        }
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        var highest = 0
        for id in 1...1_050 {
            try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [id])
            highest = max(highest, try f.int("SELECT levels FROM _search_levels"))
        }
        #expect(highest == 500)  // two levels an erasure, rebuilt when it reaches 500
        #expect(try f.int("SELECT levels FROM _search_levels") < 500)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'qzx'") == 50)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'qzx1099'") == 1)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'qzx1049'") == 0)
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        try f.db.execute("INSERT INTO lead_search(lead_search) VALUES ('integrity-check')")
    }

    /// A large index (purged in steps) past 500 levels is rebuilt by the next purge step, and the
    /// rebuilt index holds no byte of the erased person.
    @Test(arguments: Writer.allCases)
    func aPurgeStepRebuildsAnIndexPastItsLevels(writer: Writer) throws {
        let f = try LeadFixture(writer)
        for i in 0..<30 { try f.capture(["email": "filler\(i)@example.com", "first_name": "Filler\(i)"]) }
        let person = try f.capture(["email": "qzxvbn@wkjhgf.example", "first_name": "Qzxvbn", "last_name": "Wkjhgf"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("UPDATE settings SET value = 2 WHERE key = 'tick.batch'")  // 31 leads > 10 x 2: purged in steps
        try Self.addLevels(600, in: f.db)
        #expect(try f.int("SELECT levels FROM _search_levels") == 601)
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [person])
        #expect(try f.int("SELECT pending FROM lead_search_purge") == 1)
        try f.db.execute("INSERT INTO lead_search_purge(pages) VALUES (1)")
        #expect(try f.int("SELECT levels FROM _search_levels") < 10)
        var steps = 1
        while try f.int("SELECT pending FROM lead_search_purge") > 0 && steps < 1_000 {
            try f.db.execute("INSERT INTO lead_search_purge(pages) VALUES (1)")
            steps += 1
        }
        #expect(try f.int("SELECT pending FROM lead_search_purge") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'filler2'") == 11)
        try f.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: f.dir.file("leads.db")))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: f.dir.file("leads.db") + "-wal")) { bytes.append(wal) }
        for fragment in ["qzx", "zxv", "xvb", "vbn", "wkj", "kjh", "jhg", "hgf"] {
            #expect(bytes.range(of: Data(fragment.utf8)) == nil, "\(fragment)")
        }
    }

    /// An index another program left past 500 levels is named by the check and rebuilt by lead_repair.
    @Test(arguments: Writer.allCases)
    func theCheckNamesAnIndexPastItsLevels(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try Self.addLevels(700, in: f.db)
        let problems = try f.db.query("SELECT invariant, subject, problem, repair FROM invariant_problems").map {
            [try $0.get(0) as String, try $0.get(1) as String, try $0.get(2) as String, try $0.get(3) as String]
        }
        #expect(problems == [["search", "index lead_search", "has 701 levels (SQLite 3.40 calls it corrupt past 2,000)",
                              "INSERT INTO lead_repair DEFAULT VALUES (it rebuilds the index from its content)"]])
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        #expect(try f.int("SELECT levels FROM _search_levels") < 10)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'ada'") == 1)
    }

    /// An index SQLite cannot read stops every statement that names it; the check says so (instead of
    /// failing) with the two statements that rebuild it, which work through a plain connection.
    @Test func theCheckNamesAnUnreadableIndexAndItsRepairWorks() throws {
        let f = try LeadFixture(.plain)
        try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        try f.capture(["email": "grace@example.com", "first_name": "Grace"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try Self.addLevels(2_100, in: f.db)
        let project = try Database(path: f.dir.file("leads.db"))
        #expect(throws: SQLiteError.self) { try project.execute("INSERT INTO erasures(lead_id) VALUES (1)") }
        let problems = try LeadDatabase.check(project)
        let reset = "UPDATE lead_search_data SET block = X'00000000000000' WHERE id = 10; INSERT INTO lead_search(lead_search) VALUES ('rebuild')"
        #expect(problems.map(\.check) == ["search", "invariants"])
        #expect(problems.map(\.subject) == ["index lead_search", "file"])
        #expect(problems.map(\.problem) == ["cannot be read (2101 levels; SQLite 3.40 reads at most 2,000)", "not checked: the search index cannot be read"])
        #expect(problems.map(\.repair) == [reset, reset])
        #expect(LeadDatabase.searchIndexReset == reset)
        try f.db.executeScript(reset)
        #expect(try LeadDatabase.check(project).isEmpty)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'grace'") == 1)
        try project.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'ada'") == 0)
    }

    /// `leads migrate` puts right a file whose index went past its levels before this version: migration
    /// 0014 rebuilds an index it cannot read, and leaves a healthy one as it is.
    @Test(arguments: [2_100, 10])
    func migrationRebuildsAnIndexPastItsLevels(extra: Int) throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("leads.db"))
        // (every migration but 0014, as a file an earlier version set up)
        let earlier = try Migrator(migrations: try LeadDatabase.migrations().filter { $0.version != 14 }, schema: LeadDatabase.schemaFiles,
                                   applicationID: LeadDatabase.applicationID)
        try earlier.migrate(db)
        try db.execute("INSERT INTO lead_intake(email, first_name) VALUES ('ada@example.com', 'Ada')")
        try db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try Self.addLevels(extra, in: db)
        let before = try #require(try db.scalar("SELECT block FROM lead_search_data WHERE id = 10", as: Data.self))
        try LeadDatabase.migrator().migrate(db)
        let after = try #require(try db.scalar("SELECT block FROM lead_search_data WHERE id = 10", as: Data.self))
        if extra > 500 {
            #expect(try db.scalar("SELECT levels FROM _search_levels", as: Int.self)! < 10)
        } else {
            #expect(after == before)
        }
        #expect(try db.scalar("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'ada'", as: Int.self) == 1)
        #expect(try LeadDatabase.check(db).isEmpty)
    }

    /// A lead deleted from the index by hand is named by the check, and lead_repair queues it again.
    @Test(arguments: Writer.allCases)
    func aLeadMissingFromTheIndexIsNamedAndQueued(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("DELETE FROM lead_search WHERE rowid = ?", [ada])
        let problems = try f.db.query("SELECT invariant, subject, problem, repair FROM invariant_problems").map {
            [try $0.get(0) as String, try $0.get(1) as String, try $0.get(2) as String, try $0.get(3) as String]
        }
        #expect(problems == [["search", "lead \(ada)", "is not in the search index and not queued for it", "INSERT INTO lead_repair DEFAULT VALUES"]])
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        #expect(try f.int("SELECT pending FROM lead_search_refresh") == 1)
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'ada'") == 1)
    }

    /// An index whose structure was overwritten still reads, but finds nothing: the check looks for up
    /// to 100 entries by their own text, names the index, and lead_repair rebuilds it.
    @Test(arguments: Writer.allCases)
    func anIndexThatMissesItsEntriesIsNamedAndRebuilt(writer: Writer) throws {
        let f = try LeadFixture(writer)
        for i in 0..<8 { try f.capture(["email": "person\(i)@example.com", "first_name": "P\(i)"]) }
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("UPDATE lead_search_data SET block = X'00' WHERE id = 10")
        let problems = try f.db.query("SELECT invariant, subject, problem, repair FROM invariant_problems").map {
            [try $0.get(0) as String, try $0.get(1) as String, try $0.get(2) as String, try $0.get(3) as String]
        }
        #expect(problems == [["search", "index lead_search",
                              "does not find 8 of 8 entries looked for by their own text (lead 1, 2, 3, 4, 5, ...): the index does not match its content",
                              "INSERT INTO lead_repair DEFAULT VALUES (it rebuilds the index from its content)"]])
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'person'") == 8)
    }

    /// An entry written into the index by hand (a virtual table takes no trigger) is named, and the
    /// repair indexes the lead again as it is.
    @Test(arguments: Writer.allCases)
    func anEntryWrittenByHandIsNamedAndIndexedAgain(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "first_name": "Ada"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("UPDATE lead_search SET first_name = 'evilname' WHERE rowid = ?", [ada])
        let problems = try f.db.query("SELECT invariant, subject, problem, repair FROM invariant_problems").map {
            [try $0.get(0) as String, try $0.get(1) as String, try $0.get(2) as String, try $0.get(3) as String]
        }
        #expect(problems == [["search", "lead \(ada)", "its search entry is not its name, email, company and phone as they are now",
                              "INSERT INTO lead_repair DEFAULT VALUES (it queues the lead to be indexed again)"]])
        try f.db.execute("INSERT INTO lead_repair DEFAULT VALUES")
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        #expect(try f.int("SELECT count(*) FROM invariant_problems") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'evilname'") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'ada'") == 1)
    }

    /// An index whose pages are gone cannot be searched: the check says so instead of failing.
    @Test func anIndexWithoutItsPagesIsNamed() throws {
        let f = try LeadFixture(.plain)
        for i in 0..<8 { try f.capture(["email": "person\(i)@example.com", "first_name": "P\(i)"]) }
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("DELETE FROM lead_search_data WHERE id <> 10")
        let problems = try LeadDatabase.check(f.db)
        #expect(problems.map(\.check) == ["search", "invariants"])
        #expect(problems.first?.problem == "cannot be read")
        try f.db.executeScript(LeadDatabase.searchIndexReset)
        #expect(try LeadDatabase.check(f.db).isEmpty)
    }
}
