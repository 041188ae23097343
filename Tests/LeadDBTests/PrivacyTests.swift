import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

@Suite struct PrivacyTests {
    @Test(arguments: Writer.allCases)
    func erasureScrubsPersonalDataKeepsFactsAndSuppressesTheEmail(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture([
            "email": "zoe.secret@example.com", "name": "Zoë Secretson", "phone": "+1 415 555 0199", "company": "Hidden Co",
            "title": "CEO", "source": "webinar", "industry": "software", "detail": "met at booth 7", "consent": 1,
        ])
        try f.db.execute("INSERT INTO activities(lead_id, kind, detail) VALUES (?, 'demo_request', 'call me on my cell')", [id])
        try f.db.execute("UPDATE leads SET stage = 'sql' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 5000 WHERE id = ?", [id])
        try f.setClock("2026-12-01T10:00:00Z")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [id])

        let lead = try f.lead(id)
        for column in ["email", "first_name", "last_name", "phone", "company", "title"] {
            #expect(try lead.get(column, as: String?.self) == nil, "\(column) was not erased")
        }
        #expect(try lead.get("erased_at", as: String.self) == "2026-12-01T10:00:00.000Z")
        #expect(try lead.get("stage", as: String.self) == "opportunity")
        #expect(try lead.get("source", as: String.self) == "webinar")
        #expect(try lead.get("amount", as: Int.self) == 5000)
        #expect(try f.int("SELECT count(*) FROM activities WHERE lead_id = ? AND detail IS NOT NULL", [id]) == 0)
        #expect(try f.int("SELECT count(*) FROM activities WHERE lead_id = ?", [id]) == 2)
        #expect(try f.int("SELECT count(*) FROM outbox WHERE payload LIKE '%secret%' OR payload LIKE '%Zo%'") == 0)
        #expect(try f.int("SELECT count(*) FROM stage_history WHERE lead_id = ?", [id]) == 3)
        #expect(try f.int("SELECT count(*) FROM hot_leads WHERE id = ?", [id]) == 0)
        #expect(try f.text("SELECT email_hash FROM erasures")?.count == 16)

        let again = f.violation { try f.capture(["email": " ZOE.SECRET@example.com", "company": "New Co"]) }
        #expect(again?.message == "suppressed: zoe.secret@example.com belongs to a person who was erased on request; it cannot be captured again")
        try f.capture(["email": "zoe.public@example.com"])  // another address is fine
        #expect(f.violation { try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [id]) }?.code == "erased_lead")
        #expect(f.violation { try f.db.execute("INSERT INTO activities(lead_id, kind) VALUES (?, 'call')", [id]) }?.code == "erased_lead")
        #expect(f.violation { try f.db.execute("INSERT INTO erasures(lead_id) VALUES (404)") }?.message == "unknown_lead: no lead has id 404")
        try f.checkCounts()
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func noByteOfTheErasedTextIsLeftInTheFile(writer: Writer) throws {
        let f = try LeadFixture(writer)
        if writer == .plain { try f.db.execute("PRAGMA secure_delete = ON") }  // as the contract asks of other programs
        let secrets = ["unforgettable.person@example.org", "Quixotically", "Zanzibarian"]
        // Enough other leads that pages are shared with data that stays.
        for i in 0..<200 { try f.capture(["email": "filler\(i)@example.com", "company": "Filler \(i)"]) }
        let id = try f.capture(["email": secrets[0], "first_name": secrets[1], "last_name": secrets[2], "detail": "note about \(secrets[1])"])
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [id])
        _ = try f.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
        let path = f.dir.file("leads.db")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
        #expect(bytes.count > 100_000)
        for secret in secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is still in the file")
        }
        #expect(bytes.range(of: Data("filler199@example.com".utf8)) != nil)  // the search itself works
    }

    @Test(arguments: Writer.allCases)
    func theExportHoldsEverythingAboutOneLead(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        let id = try f.capture(["email": "a@example.com", "name": "Ann Lee", "consent": 1, "source": "ads"])
        try f.log(id, "email_click")
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [id])
        try f.db.execute("UPDATE leads SET title = 'CTO', changed_by = 'Ana' WHERE id = ?", [id])
        try f.db.execute("INSERT INTO tasks(lead_id, kind, note) VALUES (?, 'call', 'Ask Ann about Q1')", [id])
        let document = try #require(try f.text("SELECT document FROM lead_export WHERE lead_id = ?", [id]))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        let lead = try #require(json["lead"] as? [String: Any])
        #expect(lead["email"] as? String == "a@example.com")
        #expect(lead["consent_source"] as? String == "ads")
        #expect((json["activities"] as? [Any])?.count == 2)
        #expect((json["stage_history"] as? [Any])?.count == 1)
        #expect((json["assignments"] as? [Any])?.count == 1)
        #expect((json["nurture_enrollments"] as? [Any])?.count == 1)
        #expect((json["tasks"] as? [[String: Any]])?.first?["note"] as? String == "Ask Ann about Q1")
        #expect((json["field_history"] as? [[String: Any]])?.map { "\($0["field"] ?? "") \($0["new"] ?? "") \($0["changed_by"] ?? "")" } == ["title CTO Ana"])
    }

    /// The search index keeps no fragment of an erased person: FTS5 keeps deleted terms in older
    /// segments until they merge, so the erasure merges them (and secure_delete zeroes the freed pages).
    @Test func theSearchIndexKeepsNoFragmentAfterAnErasure() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("leads.db")
        let store = try LeadStore(path: path)
        let person = try store.capture(NewLead(email: "qzxvbn@wkjhgf.example", firstName: "Qzxvbn", lastName: "Wkjhgf", company: "Pqmzrt Holdings")).lead
        #expect(try store.find("qzxv").map(\.id) == [person.id])  // indexed
        try store.tick()
        let report = try store.erase(person.id)
        #expect(report.walCleared)
        #expect(try store.find("qzxv").isEmpty)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
        for fragment in ["qzx", "zxv", "xvb", "vbn", "wkj", "kjh", "jhg", "hgf", "pqm", "qmz", "mzr", "zrt"] {
            #expect(bytes.range(of: Data(fragment.utf8)) == nil, "\(fragment)")
            #expect(bytes.range(of: Data(fragment.uppercased().utf8)) == nil, "\(fragment)")
        }
    }

    /// Bytes of the file and its WAL.
    func fileBytes(_ path: String) throws -> Data {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
        return bytes
    }

    /// An index larger than tick.batch pages is not rewritten by the erasure itself (seconds at a million
    /// leads): LeadStore.erase takes bounded steps, each in its own transaction, until no fragment is left.
    @Test func aLargeIndexIsPurgedInBoundedSteps() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("leads.db")
        let store = try LeadStore(path: path)
        try store.captureMany((0..<300).map { NewLead(email: "filler\($0)@example.com", firstName: "Filler\($0)", company: "Company \($0)") })
        let person = try store.capture(NewLead(email: "qzxvbn@wkjhgf.example", firstName: "Qzxvbn", lastName: "Wkjhgf", company: "Pqmzrt Holdings")).lead
        try store.tick()
        try store.write { db in try db.execute("UPDATE settings SET value = 2 WHERE key = 'tick.batch'") }
        let report = try store.erase(person.id)
        #expect(report.searchPurged)
        #expect(report.walCleared)
        let bytes = try fileBytes(path)
        for fragment in ["qzx", "zxv", "xvb", "vbn", "wkj", "kjh", "jhg", "hgf", "pqm", "qmz", "mzr", "zrt"] {
            #expect(bytes.range(of: Data(fragment.utf8)) == nil, "\(fragment)")
        }
        #expect(try store.find("filler299").count == 1)  // the others are still found
        #expect(try store.read { db in try db.scalar("SELECT pending FROM lead_search_purge", as: Int.self) } == 0)
    }

    /// An erasure written in SQL by another program leaves the purge of a large index to ticks, which say
    /// there is work left until it is done; the waiting erasure cannot be dropped by hand.
    @Test(arguments: Writer.allCases)
    func ticksFinishThePurgeOfAnErasureWrittenInSQL(writer: Writer) throws {
        let f = try LeadFixture(writer)
        for i in 0..<300 { try f.capture(["email": "filler\(i)@example.com", "first_name": "Filler\(i)", "company": "Company \(i)"]) }
        let person = try f.capture(["email": "qzxvbn@wkjhgf.example", "first_name": "Qzxvbn", "last_name": "Wkjhgf"])
        try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
        try f.db.execute("UPDATE settings SET value = 2 WHERE key = 'tick.batch'")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [person])
        #expect(try f.int("SELECT pending FROM lead_search_purge") == 1)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH 'qzxvbn'") == 0)  // gone from results at once
        let message = "internal_table: _search_purge is LeadDB's own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index"
        #expect(f.violation { try f.db.execute("DELETE FROM _search_purge") }?.message == message)
        #expect(f.violation { try f.db.execute("UPDATE _search_purge SET erasure_id = 7") }?.message == message)
        var ticks = 0
        repeat {
            try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
            ticks += 1
        } while try f.int("SELECT more_due FROM ticks ORDER BY id DESC LIMIT 1") == 1 && ticks < 10_000
        #expect(ticks > 1)
        #expect(try f.int("SELECT pending FROM lead_search_purge") == 0)
        try f.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let bytes = try fileBytes(f.dir.file("leads.db"))
        for fragment in ["qzx", "zxv", "xvb", "vbn", "wkj", "kjh", "jhg", "hgf"] {
            #expect(bytes.range(of: Data(fragment.utf8)) == nil, "\(fragment)")
        }
    }
}
