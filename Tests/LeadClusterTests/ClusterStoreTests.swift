import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

@testable import LeadCluster

/// The migration runner and `LeadStore` on a 3-node dqlite cluster, through `Database(remote:)`: the
/// same deploy (lock, checksums, all or nothing) and the same answers as on a file.
@Suite(.enabled(if: ClusterNodes.available, "needs dqlite-demo (Debian's go-dqlite)"), .serialized)
struct ClusterStoreTests {
    @Test func theMigrationRunnerDeploysOnAClusterAsOnAFile() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let db = try Database(remote: Cluster(addresses: nodes.addresses, database: "leads"))
        let migrator = try LeadDatabase.migrator()
        let report = try migrator.migrate(db)
        #expect(report.applied.count == (try LeadDatabase.migrations().count))
        #expect(report.schemaRecreated)
        #expect(try migrator.migrate(db).didNothing)
        let status = try migrator.status(db, thorough: true)
        #expect(status.isUpToDate && status.driftedObjects.isEmpty && status.addedObjects.isEmpty && status.missingTables.isEmpty)

        let dir = TemporaryDirectory()
        let local = try Database(path: dir.file("local.db"))
        try migrator.migrate(local)
        let objects = "SELECT type, name, sql FROM sqlite_schema ORDER BY name"
        #expect(try db.query(objects) == local.query(objects))
        let history = "SELECT version, file_name, checksum FROM _migrations ORDER BY version"
        #expect(try db.query(history) == local.query(history))
    }

    /// A deploy that fails half-way leaves nothing of itself; one whose applied migration changed is
    /// refused; two runners at once apply each migration once.
    @Test func aDeployOnAClusterIsAllOrNothingAndRunsOnce() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let migrations = try LeadDatabase.migrations()
        let broken = try Migrator(
            migrations: migrations + [try Migration(fileName: "0999_broken.sql", sql: "CREATE TABLE half(x);\nINSERT INTO no_such_table VALUES (1);\n")],
            schema: LeadDatabase.schemaFiles, applicationID: LeadDatabase.applicationID)
        let first = try Database(remote: Cluster(addresses: nodes.addresses, database: "broken"))
        #expect(throws: MigrationError.migrationFailed(fileName: "0999_broken.sql", line: 2, message: "no such table: no_such_table")) {
            try broken.migrate(first)
        }
        #expect(try first.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0)
        #expect(try first.scalar("PRAGMA application_id", as: Int.self) == 0)
        #expect(!first.isInTransaction)

        // Two runners on two connections at once: one applies everything, the other finds nothing to do.
        let migrator = try LeadDatabase.migrator()
        let results = Locked<[Result<Int, Error>]>([])
        let addresses = nodes.addresses
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let result = Result { try migrator.migrate(Database(remote: Cluster(addresses: addresses, database: "twice"))).applied.count }
            results.withLock { $0.append(result) }
        }
        let applied = try results.withLock { try $0.map { try $0.get() } }.sorted()
        #expect(applied == [0, migrations.count])
        let db = try Database(remote: Cluster(addresses: nodes.addresses, database: "twice"))
        #expect(try db.scalar("SELECT count(*) FROM _migrations", as: Int.self) == migrations.count)
        #expect(try db.scalar("SELECT count(DISTINCT version) FROM _migrations", as: Int.self) == migrations.count)

        // An applied migration whose text changed is refused, as on a file.
        var changed = migrations
        changed[0] = try Migration(fileName: migrations[0].fileName, sql: migrations[0].sql + "\n-- edited\n")
        let edited = try Migrator(migrations: changed, schema: LeadDatabase.schemaFiles, applicationID: LeadDatabase.applicationID)
        #expect(throws: MigrationError.migrationChanged(fileName: migrations[0].fileName, applied: migrations[0].checksum, current: changed[0].checksum)) {
            try edited.migrate(db)
        }
    }

    /// `LeadStore(remote:)` gives what `LeadStore(path:)` gives: the same leads, scores, stages,
    /// refusals (typed, with their values), tasks, erasure and reports.
    @Test func aStoreOnAClusterGivesTheAnswersOfAStoreOnAFile() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let dir = TemporaryDirectory()
        let onFile = try Self.work(LeadStore(path: dir.file("leads.db")))
        let cluster = try LeadStore(remote: Cluster(addresses: nodes.addresses))
        #expect(cluster.path == "dqlite://\(nodes.addresses.joined(separator: ","))/leads")
        let onCluster = try Self.work(cluster)
        #expect(onCluster == onFile)
        #expect(onCluster.contains("refused: invalid_transition: lead 1 cannot move from mql to customer (allowed: contacted, nurturing, sql, disqualified)"))
        #expect(onCluster.contains("lead 1 mql 55.0 owner 1"))
        #expect(onCluster.contains("find zq: [], find ov: [1], find 79: [1]"), "\(onCluster)")
        // Opened again without migrating: up to date.
        #expect(try LeadStore(remote: Cluster(addresses: nodes.addresses), migration: .never).lead(id: 1)?.stage == .mql)
    }

    /// The second chunk of 1,000 routed captures outgrows the leader's page cache; spilled to the WAL before its
    /// commit, a dqlite 1.11 node failed it with `disk I/O error`: the client keeps `cache_spill` off.
    @Test func aLargeTransactionCommitsOnACluster() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let store = try LeadStore(remote: Cluster(addresses: nodes.addresses))
        try store.write { db in try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 100000), ('Ben', 100000)") }
        let leads = (0..<2_000).map { NewLead(email: "p\($0)@company\($0 % 97).com", firstName: "Ada", lastName: "Lovelace", company: "Company \($0 % 97)", title: "VP Sales", source: "webinar") }
        let results = try store.captureMany(leads, chunkSize: 1_000)
        #expect(results.filter { if case .success(.created) = $0.outcome { true } else { false } }.count == 2_000)
        #expect(try store.read { db in try db.scalar("SELECT count(*) FROM lead_records WHERE owner_id IS NOT NULL", as: Int.self) } == 2_000)
    }

    /// What an attack on `leads --cluster` found: a write with RETURNING outside a transaction stored
    /// nothing and broke the leader; an error raised while a query ran arrived as a column's name; after
    /// a lost connection inside a transaction the next statements ran on the new leader outside it; a
    /// view made again by another client kept its old column names.
    @Test func writesWithRowsQueryErrorsAndALostTransactionGiveAFilesAnswers() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let cluster = try Cluster(addresses: nodes.addresses, database: "attacked")
        let db = try Database(remote: cluster)
        let other = try Database(remote: Cluster(addresses: nodes.addresses, database: "attacked"))
        try db.executeScript("CREATE TABLE r(x INTEGER PRIMARY KEY, y CHECK (y <> 'no')); CREATE VIEW v AS SELECT x AS a, y AS b FROM r;")
        #expect(try db.query("INSERT INTO r(y) VALUES ('hi') RETURNING *").map(\.values) == [[.integer(1), .text("hi")]])
        #expect(try other.scalar("SELECT count(*) FROM r", as: Int.self) == 1)
        let check = #expect(throws: SQLiteError.self) { try db.query("INSERT INTO r(y) VALUES ('ok'), ('no') RETURNING x") }
        #expect(check?.extendedResultCode == .constraintCheck && check?.message == "CHECK constraint failed: y <> 'no'")
        let json = #expect(throws: SQLiteError.self) { try db.query("SELECT x, json('{bad') AS j FROM r") }
        #expect(json?.message == "malformed JSON")
        #expect(try other.scalar("SELECT count(*) FROM r", as: Int.self) == 1 && !db.isInTransaction)

        #expect(try db.query("SELECT * FROM v").first?.columns == ["a", "b"])
        try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT x AS id, y AS note FROM r;")
        #expect(try db.query("SELECT * FROM v").first?.columns == ["id", "note"])

        // (two voters must remain to elect a leader)
        try nodes.waitForVoters(cluster)
        try db.execute("BEGIN")
        try db.execute("INSERT INTO r(y) VALUES ('in the lost transaction')")
        let leader = try #require(cluster.leader)
        nodes.kill(try #require(nodes.addresses.firstIndex(of: leader)))
        #expect(throws: (any Error).self) { try db.execute("INSERT INTO r(y) VALUES ('sent to the dead leader')") }
        let refused = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO r(y) VALUES ('would run outside it')") }
        #expect(refused?.message == "the transaction was lost with the connection to the node that held it: nothing of it was committed; ROLLBACK ends it")
        try db.execute("ROLLBACK")
        #expect(try db.query("SELECT y FROM r ORDER BY x").map(\.values) == [[.text("hi")]])
        try db.execute("INSERT INTO r(y) VALUES ('after')")
        #expect(try db.scalar("SELECT count(*) FROM r", as: Int.self) == 2)
    }

    /// The work, and what each step answered, as lines to compare.
    static func work(_ store: LeadStore) throws -> [String] {
        var lines: [String] = []
        try store.freezeClock(at: Date(timeIntervalSince1970: 1_795_510_800))  // 2026-11-24T09:00:00Z
        try store.write { db in try db.execute("INSERT INTO reps(name, capacity) VALUES ('Ana', 10), ('Ben', 10)") }
        let ada = try store.capture(NewLead(email: "ada@acme.com", firstName: "Ada", lastName: "Lovelace", phone: "+44 20 7946 0000", company: "Acme", title: "VP Sales", source: "webinar", captureKey: "k1"))
        let bob = try store.capture(NewLead(email: "bob@globex.com", firstName: "Bob", company: "Globex", source: "ads", captureKey: "k2"))
        let again = try store.capture(NewLead(email: "bob@globex.com", firstName: "Bob", company: "Globex", source: "ads", captureKey: "k2"))
        lines += ["\(ada.outcome) \(ada.lead.id)", "\(bob.outcome) \(bob.lead.id)", "\(again.outcome) \(again.lead.id)"]
        try store.log(.demoRequest, for: ada.lead.id)
        do {
            try store.move(ada.lead.id, to: .customer)
        } catch let error as LeadError {
            lines.append("refused: \(error.message)")
        }
        do {
            try store.capture(NewLead(email: "not an email"))
        } catch let error as LeadError {
            lines.append("refused \(error.code ?? "-"): \(error.message)")
        }
        try store.move(bob.lead.id, to: .contacted)
        for lead in [ada.lead.id, bob.lead.id] {
            let read = try #require(try store.lead(id: lead))
            lines.append("lead \(read.id) \(read.stage.rawValue) \(read.score) owner \(read.ownerID.map(String.init) ?? "none")")
        }
        lines += try store.timeline(lead: ada.lead.id).map { "\($0)" }
        lines += try store.hotLeads().map { "hot \($0.id) \($0.score)" }
        let erased = try store.erase(bob.lead.id)
        lines.append("erased \(erased.lead) search purged \(erased.searchPurged)")
        lines += try store.funnel().map { "\($0)" }
        lines.append("find: \(try store.find("Lovelace").map(\.id))")
        // (one or two characters are looked for row by row; no digits, no phone)
        lines.append("find zq: \(try store.find("zq").map(\.id)), find ov: \(try store.find("ov").map(\.id)), find 79: \(try store.find("79").map(\.id))")
        lines += try store.read { db in try db.query("SELECT * FROM invariant_problems").map { "\($0)" } }
        return lines
    }
}
