import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

@Suite struct LeadStoreTests {
    /// A consent is read as the database reads it (consent_input), for the shell and the importer alike.
    /// The one table of capture fields (NewLead.fields) is lead_intake's columns, in order, and every
    /// one can be staged for a bulk capture; the shell's keys and CSV headers are found through it.
    @Test func theCaptureFieldsAreTheIntakesColumns() throws {
        let f = try LeadFixture(.project)
        let intake = try f.db.query("SELECT name FROM pragma_table_info('lead_intake') ORDER BY cid").map { try $0.get(0, as: String.self) }
        let staged = Set(try f.db.query("SELECT name FROM pragma_table_info('lead_imports')").map { try $0.get(0, as: String.self) })
        #expect(NewLead.fields.map(\.column) == intake)
        #expect(Set(intake).isSubset(of: staged))
        #expect(NewLead.field(named: "E-mail Address")?.column == "email")
        #expect(NewLead.field(named: "Badge ID") == nil)
        #expect(NewLead.field(named: "E-mail")?.column == "email")
        #expect(NewLead.field(named: "first")?.column == "first_name")
        #expect(NewLead.field(named: "Number of Employees")?.column == "company_size")
        #expect(NewLead.field(refusedWith: "invalid_phone")?.column == "phone")
        #expect(NewLead.field(refusedWith: "capacity") == nil)
        // Every code a field names is one the database raises.
        #expect(Set(NewLead.fields.flatMap(\.codes)).isSubset(of: LeadError.ruleCodes))
    }

    @Test func consentIsReadAsTheDatabaseReadsIt() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("consent.db"))
        #expect(try store.readConsent(" YES ") == .given)
        #expect(try store.readConsent("n") == .notGiven)
        #expect(try store.readConsent("") == .notSaid)
        #expect(try store.readConsent("on") == .invalid("consent on is not 1 (given) or 0 (not given); yes, no, true, false, y and n are read too"))
        #expect(ConsentReading.notSaid.consent == nil && ConsentReading.given.consent == true)
    }

    let dir = TemporaryDirectory()
    static let monday = SQLiteDate.parse("2026-11-23T09:00:00Z")!

    func store() throws -> LeadStore {
        let store = try LeadStore(path: dir.file("store.db"))
        try store.freezeClock(at: Self.monday)
        return store
    }

    @Test func openingMigratesOrRefusesClearly() throws {
        let memory = try LeadStore.inMemory()
        #expect(try memory.funnel().count == 8)
        let fresh = dir.file("never.db")
        let error = try #require(throws: LeadError.self) { try LeadStore(path: fresh, migration: .never) }
        guard case .migration(.notMigrated(_, let pending, _)) = error else { Issue.record("got \(error)"); return }
        #expect(pending.first == "0001_initial.sql")
        _ = try LeadStore(path: fresh)
        _ = try LeadStore(path: fresh, migration: .never)
        // Another program's file.
        let other = dir.file("other.db")
        try Database(path: other).execute("CREATE TABLE notes(x)")
        let foreign = try #require(throws: LeadError.self) { try LeadStore(path: other) }
        #expect(foreign.message.contains("is not a LeadDB database"))
        // A file newer than this binary.
        // (As a newer binary's runner would record it: the runner's guard is lifted to write the row.)
        let file = try Database(path: fresh)
        try file.execute("DROP TRIGGER _migrations_before_insert_runner")
        try file.execute("INSERT INTO _migrations VALUES (999, '0999_future.sql', 'x', '2030-01-01', 0)")
        let newer = try #require(throws: LeadError.self) { try LeadStore(path: fresh) }
        #expect(newer == .migration(.databaseIsNewer(unknown: ["0999_future.sql"])))
    }

    /// Opening an up-to-date file only reads it: the schema is not touched (every other connection
    /// would prepare its statements again) and no write lock is taken; a runner's guard dropped by hand
    /// is still made again on the next open.
    @Test func openingAnUpToDateFileOnlyReadsIt() throws {
        let path = dir.file("current.db")
        _ = try LeadStore(path: path)
        let other = try Database(path: path)
        let version = try other.scalar("PRAGMA schema_version", as: Int.self)
        _ = try LeadStore(path: path)
        #expect(try other.scalar("PRAGMA schema_version", as: Int.self) == version)
        // Opened while another connection holds the write lock (a migration would wait for it).
        try other.execute("BEGIN IMMEDIATE")
        _ = try LeadStore(path: path)
        try other.execute("ROLLBACK")
        try other.execute("DROP TRIGGER _migrations_before_delete_runner")
        _ = try LeadStore(path: path)
        #expect(try other.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_migrations_before_delete_runner'", as: Int.self) == 1)
    }

    /// A search does not wait behind another program's long write: it searches the index as it is and
    /// says how many leads wait to be indexed; once the lock is free it brings the index up to date.
    @Test func findDoesNotWaitForTheWriteLock() throws {
        let path = dir.file("busy.db")
        let store = try LeadStore(path: path)
        try store.capture(NewLead(email: "ada@example.com", firstName: "Ada"))
        #expect(try store.find("ada").count == 1)
        try store.capture(NewLead(email: "adam@example.com", firstName: "Adam"))
        let other = try Database(path: path)
        try other.execute("BEGIN IMMEDIATE")
        #expect(try store.find("ada").map(\.email) == ["ada@example.com"])
        #expect(try store.searchPending() == 1)
        try other.execute("ROLLBACK")
        #expect(try store.find("ada").count == 2)
        #expect(try store.searchPending() == 0)
    }

    @Test func captureReturnsTheLeadAndWhetherItWasNew() throws {
        let store = try store()
        let first = try store.capture(NewLead(email: "Ada@Example.com", name: "Ada Lovelace", companySize: "1,200", consent: true))
        #expect(first.outcome == .created)
        #expect(first.lead.email == "ada@example.com")
        #expect(first.lead.name == "Ada Lovelace")
        #expect(first.lead.companySize == 1200)
        #expect(first.lead.consent == true)
        #expect(first.lead.createdAt == Self.monday)
        let again = try store.capture(NewLead(email: " ADA@example.com", company: "Analytical"))
        #expect(again.outcome == .merged)
        #expect(again.lead.id == first.lead.id)
        #expect(again.lead.company == "Analytical")
        let phoneOnly = try store.capture(NewLead(phone: "+44 20 7946 0000"))
        #expect(phoneOnly.outcome == .created && phoneOnly.lead.phone == "+442079460000")
    }

    @Test func refusalsAreTypedAndKeepTheDatabasesMessage() throws {
        let store = try store()
        let email = try #require(throws: LeadError.self) { try store.capture(NewLead(email: "ada@@example.com")) }
        #expect(email == .invalidEmail(value: "ada@@example.com", message: "invalid_email: ada@@example.com is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)"))
        #expect(email.code == "invalid_email")
        let phone = try #require(throws: LeadError.self) { try store.capture(NewLead(phone: "12")) }
        #expect(phone == .invalidPhone(value: "12", message: "invalid_phone: 12 is not a valid phone number (7 to 15 digits, optionally after a +)"))
        #expect(throws: LeadError.missingContact(message: "missing_contact: a lead needs an email or a phone")) { try store.capture(NewLead(name: "Nobody")) }

        let lead = try store.capture(NewLead(email: "a@example.com")).lead
        let move = try #require(throws: LeadError.self) { try store.move(lead.id, to: .customer) }
        #expect(move == .invalidTransition(lead: lead.id, from: .new, to: .customer, allowed: [.contacted, .nurturing, .mql, .disqualified],
                                          message: "invalid_transition: lead \(lead.id) cannot move from new to customer (allowed: contacted, nurturing, mql, disqualified)"))
        #expect(throws: LeadError.missingLostReason(lead: lead.id, message: "missing_lost_reason: lead \(lead.id) needs a lost_reason to move to disqualified (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)")) {
            try store.move(lead.id, to: .disqualified)
        }
        #expect(throws: LeadError.unknownLostReason(value: "meh", message: "unknown_lost_reason: meh is not in lost_reasons (one of: bad_timing, competitor, duplicate, invalid_data, no_authority, no_budget, no_need, spam, unresponsive)")) {
            try store.move(lead.id, to: .disqualified, lostReason: "meh")
        }
        let kind = try #require(throws: LeadError.self) { try store.log("tweet", for: lead.id) }
        guard case .unknownKind(let name, _) = kind else { Issue.record("got \(kind)"); return }
        #expect(name == "tweet")
        #expect(throws: LeadError.unknownLead(message: "unknown_lead: no lead has id 999")) { try store.log(.call, for: 999) }
        #expect(throws: LeadError.unknownLead(message: "unknown_lead: no lead has id 999")) { try store.move(999, to: .contacted) }
    }

    @Test func aTenLineProgramSeesALeadBecomeAnMQL() throws {
        let store = try store()
        let lead = try store.capture(NewLead(email: "grace@example.com", name: "Grace Hopper", title: "VP Engineering")).lead
        try store.log(.pricingPageView, for: lead.id)
        try store.log(.demoRequest, for: lead.id)
        let now = try #require(try store.lead(id: lead.id))
        #expect(now.stage == .mql)
        let parts = try store.scoreBreakdown(lead: lead.id)
        #expect(abs(parts.reduce(0) { $0 + $1.points } - now.score) < 1e-9)
        #expect(parts.first?.source == .fit)
        #expect(try store.pendingOutbox().map(\.kind).contains("lead_mql"))
    }

    @Test func movesWithExactAmounts() throws {
        let store = try store()
        try store.write { db in try db.execute("INSERT INTO reps(id, name) VALUES (7, 'Rita')") }
        let lead = try store.capture(NewLead(email: "a@example.com")).lead
        #expect(lead.ownerID == 7)
        try store.move(lead.id, to: .contacted)
        try store.move(lead.id, to: .sql)
        #expect(throws: LeadError.self) { try store.move(lead.id, to: .opportunity) }
        let deal = try store.move(lead.id, to: .opportunity, amount: Decimal(string: "12500.75")!)
        #expect(deal.amount == Decimal(string: "12500.75")!)
        let won = try store.move(lead.id, to: .customer)
        #expect(won.convertedAt == Self.monday && won.closedAt == Self.monday && !won.isOpen)
    }

    @Test func assignmentAndRouting() throws {
        let store = try store()
        try store.write { db in
            try db.executeScript("INSERT INTO reps(id, name, capacity) VALUES (1, 'Ana', 1), (2, 'Ben', 5), (3, 'Cy', 5); UPDATE reps SET active = 0 WHERE id = 3;")
        }
        let lead = try store.capture(NewLead(email: "a@example.com")).lead
        #expect(lead.ownerID == 1)
        #expect(throws: LeadError.inactiveRep(message: "inactive_rep: rep 3 (Cy) is inactive; assign an active rep")) { try store.assign(lead.id, to: 3) }
        #expect(throws: LeadError.unknownRep(message: "unknown_rep: no rep has id 9")) { try store.assign(lead.id, to: 9) }
        let second = try store.capture(NewLead(email: "b@example.com")).lead
        #expect(second.ownerID == 2)
        #expect(throws: LeadError.capacity(message: "capacity: rep 1 (Ana) already holds 1 open leads (capacity 1)")) { try store.assign(second.id, to: 1) }
        let rerouted = try store.route(lead.id)
        #expect(rerouted.ownerID == 2)
        #expect(try store.assignments(lead: lead.id).map(\.repID) == [1, 2])
        #expect(try store.reps().first { $0.id == 2 }?.openLeads == 2)
        #expect(try store.assign(lead.id, to: nil).ownerID == nil)
        #expect(try store.unassignedLeads().map(\.id) == [lead.id])
    }

    @Test func slaReadsTicksAndTheClock() throws {
        let store = try store()
        try store.write { db in
            try db.executeScript("INSERT INTO reps(id, name) VALUES (1, 'Maya'); INSERT INTO reps(id, name, manager_id) VALUES (2, 'Sam', 1); UPDATE reps SET capacity = 0 WHERE id = 1;")
        }
        let lead = try store.capture(NewLead(email: "a@example.com")).lead
        #expect(lead.responseDueAt == Self.monday.addingTimeInterval(86_400))
        try store.moveClock(by: 86_400 - 30 * 60)
        #expect(try store.slaDueSoon().map(\.minutesOverdue) == [-30])
        try store.moveClock(by: 3_600)
        let breach = try #require(try store.slaBreaches().first)
        #expect(breach.leadID == lead.id && breach.ownerName == "Sam" && breach.minutesOverdue == 30)
        let tick = try store.tick()
        #expect(tick.escalations == 1 && tick.messages == 1 && tick.ticks == 1)
        #expect(try store.tick().escalations == 0)
        // More due than one tick's batch: LeadStore.tick() ticks again, each in its own transaction.
        try store.write { db in try db.execute("UPDATE settings SET value = 1 WHERE key = 'tick.batch'") }
        for i in 1...2 { _ = try store.capture(NewLead(email: "late\(i)@example.com")) }
        try store.moveClock(by: 86_400 + 3_600)
        let catchUp = try store.tick()
        // Three steps fell due (the two new leads' notices, and the first lead's reassignment, which finds
        // nobody free and tells the manager): one per tick, and a fourth tick that finds nothing left.
        #expect(catchUp.escalations == 3 && catchUp.messages == 3 && catchUp.ticks == 4)
        let note = try #require(try store.pendingOutbox().first { $0.kind == "sla_escalation" })
        #expect(note.repID == 1)
        try store.markDelivered([note.id])
        #expect(!(try store.pendingOutbox().contains { $0.id == note.id }))
        try store.unfreezeClock()
        #expect(abs(try store.now().timeIntervalSinceNow) < 60)
        try store.setSetting("score.mql_threshold", to: "40")
        #expect(try store.setting("score.mql_threshold") == .integer(40))
        #expect(throws: LeadError.invalidSetting(message: "invalid_setting: score.mql_threshold must be a number from -1000000 to 1000000; got high")) {
            try store.setSetting("score.mql_threshold", to: "high")
        }
    }

    @Test func timelineHotListFunnelAndErasure() throws {
        let store = try store()
        try store.write { db in try db.execute("INSERT INTO reps(id, name) VALUES (1, 'Ana')") }
        let lead = try store.capture(NewLead(email: "a@example.com", name: "Ann Lee", consent: true)).lead
        try store.moveClock(by: 60)
        try store.log(.emailClick, for: lead.id, campaign: "q4")
        try store.moveClock(by: 60)
        try store.move(lead.id, to: .contacted)
        let timeline = try store.timeline(lead: lead.id)
        #expect(timeline.map(\.kind) == [.activity, .assignment, .activity, .stageChange])
        #expect(timeline[2].summary == "email_click (q4) +3")
        #expect(timeline[3].summary == "new -> contacted")
        #expect(try store.hotLeads(owner: 1).map(\.id) == [lead.id])
        #expect(try store.funnel().first { $0.stage == .contacted }?.leads == 1)
        #expect(try store.export(lead: lead.id)?.contains("a@example.com") == true)
        try store.erase(lead.id)
        #expect(try store.lead(id: lead.id)?.email == nil)
        #expect(try store.hotLeads().isEmpty)
        let again = try #require(throws: LeadError.self) { try store.capture(NewLead(email: "a@example.com")) }
        guard case .suppressed(let email, _) = again else { Issue.record("got \(again)"); return }
        #expect(email == "a@example.com")
    }

    @Test func captureManyReportsEveryRowAndProgress() throws {
        let store = try store()
        var rows = (0..<25).map { NewLead(email: "p\($0)@example.com") }
        rows[3].email = "broken@@example.com"
        rows[17] = NewLead(email: "P0@example.com", company: "Again")
        let progress = ProgressLog()
        let results = try store.captureMany(rows, chunkSize: 10) { done, total in progress.append(done, total) }
        #expect(results.count == 25)
        #expect(results.map(\.index) == Array(0..<25))
        #expect(progress.calls == [[10, 25], [20, 25], [25, 25]])
        guard case .failure(let error) = results[3].outcome else { Issue.record("row 3 was not rejected"); return }
        #expect(error.code == "invalid_email")
        #expect(results[17].outcome == .success(.merged))
        #expect(results[17].leadID == results[0].leadID)
        #expect(results.filter { $0.outcome == .success(.created) }.count == 23)
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM leads", as: Int.self) } == 23)
    }

    @Test func readsDoNotWaitForAWriteInProgress() throws {
        let store = try store()
        _ = try store.capture(NewLead(email: "before@example.com"))
        let writing = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? store.write { db in
                try db.execute("INSERT INTO lead_intake(email) VALUES ('during@example.com')")
                writing.signal()
                release.wait()  // the write transaction stays open until the read below finished
            }
            done.signal()
        }
        writing.wait()
        // This read completes while the writer holds its transaction: it sees the last committed state.
        let count = try store.read { db in try db.scalar("SELECT count(*) FROM leads", as: Int.self) }
        #expect(count == 1)
        release.signal()
        done.wait()
        #expect(try store.lead(email: "during@example.com") != nil)
    }

    @Test func manyTasksAtOnceLoseNoWrite() async throws {
        let store = try store()
        let rows = (0..<600).map { NewLead(email: "bulk\($0)@example.com") }
        let seed = try store.capture(NewLead(email: "seed@example.com")).lead
        let readCounts = try await withThrowingTaskGroup(of: [Int].self) { group in
            group.addTask {
                _ = try store.captureMany(rows, chunkSize: 50)
                return []
            }
            for worker in 0..<3 {
                group.addTask {
                    for i in 0..<40 { try store.log(i % 2 == 0 ? .pageView : .emailOpen, for: seed.id, campaign: "w\(worker)") }
                    return []
                }
            }
            group.addTask {
                var seen: [Int] = []
                for _ in 0..<30 { seen.append(try store.read { db in try db.scalar("SELECT count(*) FROM leads", as: Int.self) ?? 0 }) }
                return seen
            }
            var all: [[Int]] = []
            for try await counts in group { all.append(counts) }
            return all.flatMap { $0 }
        }
        #expect(readCounts.count == 30)
        #expect(readCounts == readCounts.sorted())  // snapshots only move forward
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM leads", as: Int.self) } == 601)
        #expect(try store.activities(lead: seed.id, limit: 1000).count == 1 + 120)
        #expect(try store.read { db in try db.scalar("SELECT sum(leads) FROM funnel", as: Int.self) } == 601)
    }
}

/// Progress callbacks, recorded.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [[Int]] = []
    func append(_ done: Int, _ total: Int) { lock.withLock { log.append([done, total]) } }
    var calls: [[Int]] { lock.withLock { log } }
}

@Suite struct SearchTests {
    @Test(arguments: Writer.allCases)
    func findMatchesNamesEmailsAndCompaniesAndFollowsChanges(writer: Writer) throws {
        let f = try LeadFixture(writer)
        let ada = try f.capture(["email": "ada@example.com", "name": "Ada Lovelace", "company": "Analytical Engines"])
        let grace = try f.capture(["email": "grace@navy.mil", "name": "Grace Hopper", "company": "US Navy"])
        func find(_ text: String) throws -> [Int64] {
            try f.db.execute("INSERT INTO lead_search_refresh(pending) VALUES (NULL)")
            return try f.db.query("SELECT rowid FROM lead_search WHERE lead_search MATCH ? ORDER BY rowid", ["\"" + text + "\""]).map { try $0.get(0) }
        }
        #expect(try find("ovela") == [ada])
        #expect(try find("NAVY") == [grace])
        #expect(try find("example.c") == [ada])
        try f.db.execute("UPDATE leads SET company = 'Difference Engines' WHERE id = ?", [ada])
        #expect(try find("Analytical").isEmpty)
        #expect(try find("ifferen") == [ada])
        // Captures only queue their lead; a tick (or find) indexes them in one batch.
        let later = try f.capture(["email": "later@example.com", "name": "Lin Later"])
        #expect(try f.int("SELECT pending FROM lead_search_refresh") == 1)
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT pending FROM lead_search_refresh") == 0)
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH '\"Later\"'") == 1)
        #expect(try find("Later") == [later])
        // An erasure takes the person out of the index at once, without waiting for a refresh.
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [grace])
        #expect(try f.int("SELECT count(*) FROM lead_search WHERE lead_search MATCH '\"Hopper\"'") == 0)
        #expect(try find("Hopper").isEmpty)
    }

    @Test func theStoreFindsLongAndShortText() throws {
        let store = try LeadStore.inMemory()
        let ada = try store.capture(NewLead(email: "ada@example.com", name: "Ada Lovelace")).lead
        _ = try store.capture(NewLead(email: "bob@example.org", name: "Bob Byron"))
        #expect(try store.find("lovel").map(\.id) == [ada.id])
        #expect(try store.find("Ad").map(\.id) == [ada.id])  // short: a scan
        #expect(try store.find("nobody").isEmpty)
        #expect(try store.find("\"quoted").isEmpty)
        // Digits are looked for everywhere, and in the phone however it was written; short text ignores
        // accents as long text does.
        let sam = try store.capture(NewLead(email: "sam123@example.com", firstName: "Zoë", phone: "+1 (415) 555-0199", company: "123 Industries")).lead
        let numbered = try store.capture(NewLead(email: "team@example.com", company: "Team 123")).lead
        #expect(try store.find("123").map(\.id).sorted() == [sam.id, numbered.id])
        #expect(try store.find("415 555").map(\.id) == [sam.id])
        #expect(try store.find("0199").map(\.id) == [sam.id])
        #expect(try store.find("zö").map(\.id) == [sam.id])
        #expect(try store.find("ZO").map(\.id) == [sam.id])
        #expect(try store.find("zoe").map(\.id) == [sam.id])
    }
}

/// Two writers on one file: the project's connections wait for the other's lock (busy timeout,
/// BEGIN IMMEDIATE) instead of failing, as the contract tells other programs to do.
@Suite struct LockingTests {
    @Test func aWriterWaitsForAnotherWritersLock() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("leads.db")
        let store = try LeadStore(path: path)
        let other = try Database(path: path, plain: true)
        try other.execute("PRAGMA busy_timeout = 5000")
        try other.execute("BEGIN IMMEDIATE")
        try other.execute("INSERT INTO lead_intake(email) VALUES ('held@example.com')")
        // The other program commits in 300 ms; the store's capture, started now, can only go through after.
        let box = DatabaseBox(other)
        let committed = Flag()
        let release = Thread {
            usleep(300_000)
            committed.set()
            do { try box.db.execute("COMMIT") } catch { Issue.record("the other writer could not commit: \(error)") }
        }
        release.start()
        let lead = try store.capture(NewLead(email: "waiting@example.com")).lead
        #expect(committed.value)  // it waited for the lock rather than failing with SQLITE_BUSY
        #expect(lead.email == "waiting@example.com")
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) } == 2)
    }
}

/// Hands a connection to one other thread, which alone uses it from then on.
final class DatabaseBox: @unchecked Sendable {
    let db: Database
    init(_ db: Database) { self.db = db }
}
