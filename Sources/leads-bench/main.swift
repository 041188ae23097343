// leads-bench: measures LeadDB against raw SQLite on this machine, in one run.
//
//     swift run -c release leads-bench [--quick] [--leads N] [--activities N] [--dir PATH] [--keep] [--untuned]
//     swift run -c release leads-bench --cluster HOST:PORT,HOST:PORT,HOST:PORT   (the cluster against a file only)
//
// Each measurement inserts the same rows twice: once through LeadDB's contract (lead_intake,
// activities, with every rule) and once with raw C-API inserts into a bare table with the same unique
// index. The ratio (LeadDB rows/s ÷ raw rows/s) is what the design's targets are written against.
import CSQLite
import Foundation
import LeadDB
import LeadSQLite

struct Options {
    var leads = 100_000
    var activities = 200_000
    var dir = NSTemporaryDirectory() + "leads-bench-\(getpid())"
    var batch = 1_000
    /// Keep the files (under --dir) for a look afterwards.
    var keep = false
    /// Measure a dqlite cluster against a file (ClusterBench.swift), and nothing else.
    var cluster: [String]?

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--leads": leads = Int(iterator.next() ?? "") ?? leads
            case "--activities": activities = Int(iterator.next() ?? "") ?? activities
            case "--dir": dir = iterator.next() ?? dir
            case "--batch": batch = Int(iterator.next() ?? "") ?? batch
            case "--keep": keep = true
            case "--cluster": cluster = (iterator.next() ?? "").split(separator: ",").map(String.init)
            case "--quick": leads = 5_000; activities = 10_000
            default:
                print("usage: leads-bench [--quick] [--leads N] [--activities N] [--batch N] [--dir PATH] [--keep] [--untuned] | --cluster HOST:PORT,...")
                exit(2)
            }
        }
    }
}

/// Deterministic, realistic-looking capture rows.
struct Generator {
    static let firstNames = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra"]
    static let titles = ["CEO", "VP Sales", "Head of Operations", "Director of IT", "Marketing Manager", "Analyst", "Intern", "Software Engineer", "CFO", "Chief Revenue Officer"]
    static let industries = ["software", "retail", "fintech", "manufacturing", "healthcare", "education"]
    static let countries = ["US", "UK", "DE", "FR", "JP", "BR", "IN", "CA"]
    static let sources = ["webinar", "tradeshow", "referral", "ads", "organic", "partner"]

    static func row(_ i: Int) -> [any DatabaseValueConvertible] {
        [
            "person\(i)@company\(i % 9_973).com", firstNames[i % 10], lastNames[(i / 10) % 10], "+1415555\(String(format: "%04d", i % 10_000))",
            "Company \(i % 9_973)", titles[i % titles.count], industries[i % industries.count], (i % 50) * 40,
            countries[i % countries.count], sources[i % sources.count], "campaign-\(i % 12)", i % 3 == 0 ? 1 : 0,
        ]
    }
}

let tuning = CommandLine.arguments.contains("--untuned") ? nil : SQLiteProcess.tune()
let options = Options(Array(CommandLine.arguments.dropFirst().filter { $0 != "--untuned" }))
try? FileManager.default.createDirectory(atPath: options.dir, withIntermediateDirectories: true)
// The files of an earlier run with --keep in the same folder are replaced, never added to.
let benchFiles = ["raw-leads.db", "raw-activities.db", "leads.db", "bulk.db", "leads-unbounded.db", "floor.db", "api.db", "capi.db", "concurrent.db", "cluster-file.db"]
for name in benchFiles {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: options.dir + "/" + name + suffix) }
}
defer { if !options.keep { try? FileManager.default.removeItem(atPath: options.dir) } }
if let addresses = options.cluster {
    try clusterBench(addresses: addresses, dir: options.dir)
    if !options.keep { try? FileManager.default.removeItem(atPath: options.dir) }
    exit(0)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Raw SQLite: one prepared INSERT, bound and stepped per row, committed every `batch` rows.
func rawInserts(path: String, create: String, insert: String, count: Int, batch: Int, row: (Int) -> [any DatabaseValueConvertible]) throws -> Double {
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK, let db else { fatalError("cannot open \(path)") }
    defer { sqlite3_close(db) }
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \(create)", nil, nil, nil)
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, insert, -1, &statement, nil) == SQLITE_OK, let statement else { fatalError(String(cString: sqlite3_errmsg(db))) }
    defer { sqlite3_finalize(statement) }
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    return seconds {
        for start in stride(from: 0, to: count, by: batch) {
            sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
            for i in start..<min(count, start + batch) {
                for (index, value) in row(i).enumerated() {
                    let position = Int32(index + 1)
                    switch value.databaseValue {
                    case .integer(let v): sqlite3_bind_int64(statement, position, v)
                    case .real(let v): sqlite3_bind_double(statement, position, v)
                    case .text(let v): sqlite3_bind_text(statement, position, v, -1, transient)
                    case .null: sqlite3_bind_null(statement, position)
                    case .blob: fatalError("no blobs here")
                    }
                }
                guard sqlite3_step(statement) == SQLITE_DONE else { fatalError(String(cString: sqlite3_errmsg(db))) }
                sqlite3_reset(statement)
            }
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
        }
    }
}

func report(_ name: String, count: Int, raw: Double, ours: Double, target: Double) {
    let ratio = raw / ours
    let line = String(
        format: "%-34@ %9.0f rows/s   raw %9.0f rows/s   ratio %5.1f%%   target >= %.0f%%   %@",
        name as NSString, Double(count) / ours, Double(count) / raw, ratio * 100, target * 100, ratio >= target ? "ok" : "BELOW TARGET")
    print(line)
}

let captureColumns = "email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign, consent"
let rawLeadsTable = """
    CREATE TABLE bare_leads(id INTEGER PRIMARY KEY, email TEXT UNIQUE, first_name TEXT, last_name TEXT, phone TEXT,
        company TEXT, title TEXT, industry TEXT, company_size INTEGER, country TEXT, source TEXT, campaign TEXT, consent INTEGER);
    """

print("leads-bench: SQLite \(Database.sqliteVersion), \(options.leads) captures, \(options.activities) activities, batches of \(options.batch)"
    + (tuning.map { ", memstatus \($0.memoryStatisticsOff ? "off" : "on"), trim \($0.allocatorKeepsMemory ? "64 MB" : "default")" } ?? ", untuned"))

// Capture.
let rawCapture = try rawInserts(
    path: options.dir + "/raw-leads.db", create: rawLeadsTable,
    insert: "INSERT INTO bare_leads(\(captureColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    count: options.leads, batch: options.batch, row: Generator.row)
let store = try LeadStore(path: options.dir + "/leads.db")
try store.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
// A fixed team, as in life: 50 reps holding at most 500 open leads each. Beyond 25,000 open leads the
// rest wait unassigned (with one notification each), as the routing rules say.
let repCount = 50
try store.write { db in
    for id in 1...repCount { try db.execute("INSERT INTO reps(id, name, capacity) VALUES (?, ?, 500)", [id, "Rep \(id)"]) }
}
let newLeads = (0..<options.leads).map { i -> NewLead in
    let r = Generator.row(i)
    return NewLead(
        email: r[0] as? String, firstName: r[1] as? String, lastName: r[2] as? String, phone: r[3] as? String,
        company: r[4] as? String, title: r[5] as? String, industry: r[6] as? String, companySize: String(r[7] as! Int),
        country: r[8] as? String, source: r[9] as? String, campaign: r[10] as? String, consent: (r[11] as? Int) == 1)
}
// Per-row capture, as a web form handler does it: one INSERT INTO lead_intake per lead, `batch` leads a
// transaction. (Keyed as captureMany keys them, so the two files can be compared row for row.)
let intakeColumns = "email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign, consent, capture_key"
let intakeArguments: [[any DatabaseValueConvertible]] = newLeads.map { lead in
    [lead.email, lead.firstName, lead.lastName, lead.phone, lead.company, lead.title, lead.industry, lead.companySize,
     lead.country, lead.source, lead.campaign, lead.consent, lead.contentKey]
}
// Throughput at the start and at the end of the load: the design asks that it hold up as data grows.
let window = min(10_000, options.leads / 2)
var marks: [(done: Int, at: ContinuousClock.Instant)] = [(0, ContinuousClock.now)]
let ourCapture = try seconds {
    for start in stride(from: 0, to: options.leads, by: options.batch) {
        let end = min(options.leads, start + options.batch)
        try store.write { db in
            for index in start..<end {
                try db.execute("INSERT INTO lead_intake(\(intakeColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", intakeArguments[index])
            }
        }
        marks.append((end, ContinuousClock.now))
    }
}
@MainActor func rate(from: Int, to: Int) -> Double {
    guard let start = marks.last(where: { $0.done <= from }), let end = marks.first(where: { $0.done >= to }), end.done > start.done else { return 0 }
    let elapsed = end.at - start.at
    return Double(end.done - start.done) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
report("capture, one INSERT per lead", count: options.leads, raw: rawCapture, ours: ourCapture, target: 0.04)
if window > 0 {
    let first = rate(from: 0, to: window)
    let last = rate(from: options.leads - window, to: options.leads)
    print(String(format: "  capture rate, first %d leads: %.0f rows/s; last %d (at %d leads): %.0f rows/s (%.0f%%, target >= 80%%)",
                 window, first, window, options.leads, last, first > 0 ? last / first * 100 : 0))
}

// Bulk capture: the same rows staged in lead_imports and captured by lead_import_run, `batch` a run
// (LeadStore.captureMany), into a file set up the same way. Its tables must equal the per-row file's.
let bulkStore = try LeadStore(path: options.dir + "/bulk.db")
try bulkStore.freezeClock(at: SQLiteDate.parse("2026-11-24T09:00:00Z")!)
try bulkStore.write { db in
    for id in 1...repCount { try db.execute("INSERT INTO reps(id, name, capacity) VALUES (?, ?, 500)", [id, "Rep \(id)"]) }
}
var rejectedCaptures = 0
let bulkCapture = try seconds {
    rejectedCaptures = try bulkStore.captureMany(newLeads, chunkSize: options.batch).filter {
        if case .failure = $0.outcome { true } else { false }
    }.count
}
report("bulk capture (lead_import_run)", count: options.leads, raw: rawCapture, ours: bulkCapture, target: 0.10)
if rejectedCaptures > 0 { print("  (\(rejectedCaptures) captures were rejected: the benchmark's data is wrong)") }
do {
    let tables = ["lead_records", "captures", "lead_scores", "_search_queue", "activity_log", "stage_history", "assignments",
                  "outbox", "reps", "nurture_enrollments"]
    var differ: [String] = []
    for table in tables {
        // (a hash of the rows in order, read in pieces: a million leads' rows do not fit in memory as text)
        let digest = { (store: LeadStore) -> Int in
            var hasher = Hasher()
            var last: Int64 = .min
            while true {
                let rows = try store.read { db in
                    try db.query("SELECT rowid, * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT 10000", [last])
                }
                for row in rows { hasher.combine(row.values.dropFirst().map { "\($0)" }.joined(separator: "|")) }
                guard let next = rows.last else { break }
                last = try next.get(0)
            }
            return hasher.finalize()
        }
        if try digest(store) != digest(bulkStore) { differ.append(table) }
    }
    let counts = { (store: LeadStore) in
        try store.read { db in try db.query("SELECT stage, leads FROM stage_counts ORDER BY stage").map { $0.values.map { "\($0)" } } }
    }
    if try counts(store) != counts(bulkStore) { differ.append("stage_counts") }
    print("  the same rows one by one and in bulk: " + (differ.isEmpty ? "every table equal (\(tables.count + 1) tables)" : "DIFFERENT: \(differ.joined(separator: ", "))"))
}

// The rows a capture wrote (the lead, its capture, scoring row, search entry, form_submit activity,
// stage history, assignment, notifications, the account of a company seen first), written again with no logic at all: each row once, in
// its final state, into a file with the same tables and indexes and no triggers, plus the two counters
// a capture moves (the rep's open leads, the stage count). No capture can do less.
let floorTables: [(name: String, leadColumn: String)] = [
    ("lead_records", "id"), ("captures", "lead_id"), ("lead_scores", "lead_id"), ("_search_queue", "lead_id"),
    ("activity_log", "lead_id"), ("stage_history", "lead_id"), ("assignments", "lead_id"), ("outbox", "lead_id"),
]
var floorRows: [Int64: [(table: Int, values: [DatabaseValue])]] = [:]
var floorOwners: [Int64: (stage: String, owner: Int64?, assignment: Int64?, at: DatabaseValue)] = [:]
// (a company's account, written with its first lead: a capture makes it on first sight)
var floorAccounts: [Int64: [DatabaseValue]] = [:]
try store.read { db in
    for row in try db.query("SELECT (SELECT min(l.id) FROM lead_records AS l WHERE l.account_id = a.id) AS first_lead, a.* FROM accounts AS a ORDER BY a.id") {
        guard let lead: Int64 = try row.get(0) else { continue }
        floorAccounts[lead] = Array(row.values.dropFirst())
    }
    for (index, table) in floorTables.enumerated() {
        for row in try db.query("SELECT * FROM \(table.name) ORDER BY rowid") {
            guard let lead: Int64 = try row.get(table.leadColumn) else { continue }
            floorRows[lead, default: []].append((index, row.values))
        }
    }
    for row in try db.query("SELECT l.id, l.stage, l.owner_id, (SELECT max(a.id) FROM assignments a WHERE a.lead_id = l.id), l.assigned_at FROM lead_records l") {
        floorOwners[try row.get(0)] = (try row.get(1), try row.get(2), try row.get(3), row[4])
    }
}
do {
    let setup = try LeadStore(path: options.dir + "/floor.db")
    try setup.write { db in
        for id in 1...repCount { try db.execute("INSERT INTO reps(id, name, capacity) VALUES (?, ?, 500)", [id, "Rep \(id)"]) }
    }
}
do {
    let plain = try Database(path: options.dir + "/floor.db", plain: true)
    for row in try plain.query("SELECT type, name FROM sqlite_schema WHERE type IN ('trigger', 'view')") {
        let type: String = try row.get(0), name: String = try row.get(1)
        try plain.execute("DROP \(type.uppercased()) IF EXISTS \(quoteIdentifier(name))")
    }
}
let floorConnection = CConnection(path: options.dir + "/floor.db")
var floorColumns = Array(repeating: 1, count: floorTables.count)
for rows in floorRows.values { for (table, row) in rows { floorColumns[table] = row.count } }
let floorInserts = floorTables.enumerated().map { index, table in
    "INSERT INTO \(table.name) VALUES (\(Array(repeating: "?", count: floorColumns[index]).joined(separator: ", ")))"
}
let floorAccountInsert = "INSERT INTO accounts VALUES (\(Array(repeating: "?", count: floorAccounts.values.first?.count ?? 1).joined(separator: ", ")))"
let floorLeads = floorRows.keys.sorted()
let floorTime = seconds {
    for start in stride(from: 0, to: floorLeads.count, by: options.batch) {
        floorConnection.exec("BEGIN IMMEDIATE")
        for lead in floorLeads[start..<min(floorLeads.count, start + options.batch)] {
            if let account = floorAccounts[lead] { floorConnection.run(floorAccountInsert, account) }
            for (table, row) in floorRows[lead] ?? [] { floorConnection.run(floorInserts[table], row) }
            if let state = floorOwners[lead] {
                floorConnection.run("UPDATE stage_counts SET leads = leads + 1 WHERE stage = ?", [.text(state.stage)])
                if let owner = state.owner, let assignment = state.assignment {
                    floorConnection.run(
                        "UPDATE reps SET open_leads = open_leads + 1, last_assigned_at = ?, last_assignment_id = ? WHERE id = ?",
                        [state.at, .integer(assignment), .integer(owner)])
                }
            }
        }
        floorConnection.exec("COMMIT")
    }
}
print(String(format: "capture floor (the same rows, no logic) %9.0f rows/s   raw %9.0f rows/s   ratio %5.1f%%; capture is %.1f%% of the floor (target >= 40%%)   %@",
             Double(options.leads) / floorTime, Double(options.leads) / rawCapture, rawCapture / floorTime * 100,
             floorTime / ourCapture * 100, floorTime / ourCapture >= 0.40 ? "ok" : "BELOW TARGET"))

// Activity logging.
let kinds = ["email_open", "page_view", "email_click", "pricing_page_view", "content_download", "call", "email_sent"]
func activityRow(_ i: Int) -> [any DatabaseValueConvertible] {
    [Int64(1 + (i &* 7_919) % options.leads), kinds[i % kinds.count], "campaign-\(i % 12)"]
}
let rawActivities = try rawInserts(
    path: options.dir + "/raw-activities.db",
    create: "CREATE TABLE bare_activities(id INTEGER PRIMARY KEY, lead_id INTEGER, kind TEXT, campaign TEXT); CREATE INDEX bare_activities_lead ON bare_activities(lead_id);",
    insert: "INSERT INTO bare_activities(lead_id, kind, campaign) VALUES (?,?,?)",
    count: options.activities, batch: options.batch, row: activityRow)
let newActivities = (0..<options.activities).map { i -> NewActivity in
    let r = activityRow(i)
    return NewActivity(leadID: r[0] as! Int64, kind: ActivityKind(r[1] as! String), campaign: r[2] as? String)
}
var rejectedActivities = 0
let ourActivities = try seconds {
    rejectedActivities = try store.logMany(newActivities, chunkSize: options.batch).compactMap { $0 }.count
}
report("activity (LeadStore.logMany)", count: options.activities, raw: rawActivities, ours: ourActivities, target: 0.10)
if rejectedActivities > 0 { print("  (\(rejectedActivities) activities were rejected)") }

// Reads, through the API.
@MainActor func latency(_ body: () throws -> Void, runs: Int = 50) rethrows -> Double {
    try body()
    return try seconds { for _ in 0..<runs { try body() } } / Double(runs) * 1000
}
func line(_ name: String, _ ms: Double) { print(String(format: "%-34@ %8.3f ms", name as NSString, ms)) }
let ownLeads = try store.read { db in try db.scalar("SELECT open_leads FROM reps WHERE id = 1", as: Int.self) ?? 0 }
line("hot leads of one rep (top 50 of \(ownLeads))", try latency { _ = try store.hotLeads(owner: 1, limit: 50) })
line("SLA breaches (first 100)", try latency { _ = try store.slaBreaches(limit: 100) })
line("funnel", try latency { _ = try store.funnel() })
line("score breakdown of one lead", try latency { _ = try store.scoreBreakdown(lead: 4242) })

// Ticks after two days without one: every owned lead that nobody answered is overdue (escalation steps),
// and every capture waits in the search queue. Each tick is one write transaction: the longest is the
// longest any other writer waits. A copy of the file with tick.batch = 100,000 shows one unbounded tick.
/// Measures how long `body`'s transaction holds the write lock. A commit that fills the WAL past its
/// limit also checkpoints it, after the lock is released (a passive checkpoint lets other writers go
/// on): while measuring, the store's connection does not checkpoint on its own and a connection of its
/// own checkpoints between measurements, untimed.
@MainActor func withoutAutomaticCheckpoints<T>(_ store: LeadStore, _ body: () throws -> T) throws -> T {
    try store.write { db in try db.execute("PRAGMA wal_autocheckpoint = 0") }
    defer { _ = try? store.write { db in try db.execute("PRAGMA wal_autocheckpoint = 1000") } }
    return try body()
}
let checkpointer = try Database(path: options.dir + "/leads.db")
@MainActor func checkpoint(_ path: String) throws {
    let db = path == options.dir + "/leads.db" ? checkpointer : try Database(path: path)
    _ = try db.query("PRAGMA wal_checkpoint(PASSIVE)")
}

@MainActor func tickRun(_ store: LeadStore) throws -> (ticks: Int, longest: Double, total: Double, steps: Int) {
    try withoutAutomaticCheckpoints(store) { try tickLoop(store) }
}

/// What the longest tick did: its escalation steps and the search entries it indexed.
nonisolated(unsafe) var longestTickWork = (steps: 0, indexed: 0)

@MainActor func tickLoop(_ store: LeadStore) throws -> (ticks: Int, longest: Double, total: Double, steps: Int) {
    var ticks = 0, longest = 0.0, total = 0.0, steps = 0
    while true {
        var more = false, tickSteps = 0, queued = 0, left = 0
        try checkpoint(store.path)
        queued = try store.read { db in try db.scalar("SELECT count(*) FROM _search_queue", as: Int.self) ?? 0 }
        let elapsed = try seconds {
            try store.write { db in
                try db.execute("INSERT INTO ticks DEFAULT VALUES")
                tickSteps = try db.scalar("SELECT count(*) FROM sla_escalation_runs WHERE tick_id = last_insert_rowid()", as: Int.self) ?? 0
                more = try db.scalar("SELECT more_due FROM ticks ORDER BY id DESC LIMIT 1", as: Int.self) == 1
            }
        }
        left = try store.read { db in try db.scalar("SELECT count(*) FROM _search_queue", as: Int.self) ?? 0 }
        steps += tickSteps
        ticks += 1
        total += elapsed
        if elapsed > longest { longestTickWork = (tickSteps, queued - left) }
        longest = max(longest, elapsed)
        if !more || ticks >= 10_000 { break }
    }
    return (ticks, longest, total, steps)
}
try store.read { db in try db.backup(into: try Database(path: options.dir + "/leads-unbounded.db")) }
try store.moveClock(by: 2 * 86_400)
let bounded = try tickRun(store)
let boundedLongestWork = longestTickWork
let unboundedStore = try LeadStore(path: options.dir + "/leads-unbounded.db")
try unboundedStore.moveClock(by: 2 * 86_400)
try unboundedStore.write { db in try db.execute("UPDATE settings SET value = 100000 WHERE key = 'tick.batch'") }
let unbounded = try tickRun(unboundedStore)
print(String(format: "ticks after 2 days, tick.batch 500: %d ticks, longest %.1f ms (target <= 100 ms), total %.0f ms, %d escalation steps",
             bounded.ticks, bounded.longest * 1000, bounded.total * 1000, bounded.steps))
print("  the longest ran \(boundedLongestWork.steps) escalation steps and indexed \(boundedLongestWork.indexed) leads for search")
print(String(format: "  the same with tick.batch 100000: %d tick%@, longest %.1f ms, %d escalation steps",
             unbounded.ticks, unbounded.ticks == 1 ? "" : "s", unbounded.longest * 1000, unbounded.steps))

// MARK: - The logic-free floor

/// A C-API connection configured as the project's connections are (WAL, synchronous NORMAL, foreign
/// keys on, statement journals in memory, secure delete), with its statements prepared once.
final class CConnection {
    let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, projectPragmas: Bool = true) {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let handle else { fatalError("cannot open \(path)") }
        db = handle
        sqlite3_busy_timeout(db, 5_000)
        exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        if projectPragmas { exec("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON") }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(db)
    }

    func exec(_ sql: String) {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { fatalError("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
    }

    func statement(_ sql: String) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            fatalError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        statements[sql] = statement
        return statement
    }

    func bind(_ statement: OpaquePointer, _ values: [DatabaseValue]) {
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .integer(let v): sqlite3_bind_int64(statement, position, v)
            case .real(let v): sqlite3_bind_double(statement, position, v)
            case .text(let v): sqlite3_bind_text(statement, position, v, -1, transient)
            case .blob(let v): _ = v.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32(v.count), transient) }
            case .null: sqlite3_bind_null(statement, position)
            }
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ values: [DatabaseValue]) {
        let statement = statement(sql)
        bind(statement, values)
        guard sqlite3_step(statement) == SQLITE_DONE else { fatalError("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
        sqlite3_reset(statement)
    }

    /// Runs a statement and reads the first column of each row as text, the way a program reads a result.
    func rows(_ sql: String, _ values: [DatabaseValue]) -> Int {
        let statement = statement(sql)
        bind(statement, values)
        var count = 0
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { fatalError("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
            // (each value read as its type, as a program reads a result)
            for column in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: _ = sqlite3_column_int64(statement, column)
                case SQLITE_FLOAT: _ = sqlite3_column_double(statement, column)
                case SQLITE_TEXT: _ = (sqlite3_column_text(statement, column), sqlite3_column_bytes(statement, column))
                case SQLITE_BLOB: _ = (sqlite3_column_blob(statement, column), sqlite3_column_bytes(statement, column))
                default: break
                }
            }
            count += 1
        }
        sqlite3_reset(statement)
        return count
    }
}

func values(_ row: [any DatabaseValueConvertible]) -> [DatabaseValue] { row.map(\.databaseValue) }


// MARK: - The Swift layer against the C API

// The same statements on two identical copies of the file: through LeadSQLite's Database (cached
// statements, typed values) and through the C API directly (prepared once, bound, stepped).
try store.read { db in
    try db.backup(into: try Database(path: options.dir + "/api.db"))
    try db.backup(into: try Database(path: options.dir + "/capi.db"))
}
do {
    let count = min(5_000, max(1_000, options.leads / 4))
    let first = 10_000_000
    let sql = "INSERT INTO lead_intake(\(captureColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    let swiftDB = try Database(path: options.dir + "/api.db")
    let c = CConnection(path: options.dir + "/capi.db")
    // The two sides take turns, a chunk each, so neither runs on a colder cache or a busier machine.
    var swiftCapture = 0.0, cCapture = 0.0
    for start in stride(from: first, to: first + count, by: options.batch) {
        let end = min(first + count, start + options.batch)
        swiftCapture += try seconds {
            try swiftDB.transaction { for i in start..<end { try swiftDB.execute(sql, Generator.row(i)) } }
        }
        cCapture += seconds {
            c.exec("BEGIN IMMEDIATE")
            for i in start..<end { c.run(sql, values(Generator.row(i))) }
            c.exec("COMMIT")
        }
    }
    let reads = 20_000
    let read = "SELECT id, email, stage, score, owner_id FROM leads WHERE id = ?"
    var found = 0
    var swiftRead = 0.0, cRead = 0.0
    // (each side goes first in every other round, so neither gains from the order)
    for (round, start) in stride(from: 0, to: reads, by: 1_000).enumerated() {
        for side in round % 2 == 0 ? [0, 1] : [1, 0] {
            if side == 0 {
                swiftRead += try seconds {
                    for i in start..<start + 1_000 { found += try swiftDB.query(read, [Int64(1 + (i &* 7_919) % options.leads)]).count }
                }
            } else {
                cRead += seconds {
                    for i in start..<start + 1_000 { found -= c.rows(read, [.integer(Int64(1 + (i &* 7_919) % options.leads))]) }
                }
            }
        }
    }
    if found != 0 { print("  (the two reads found different rows)") }
    print(String(format: "Swift layer / C API, %d captures: %.0f / %.0f µs each = %.2fx (target <= 1.15x)   %@",
                 count, swiftCapture / Double(count) * 1e6, cCapture / Double(count) * 1e6, swiftCapture / cCapture,
                 swiftCapture / cCapture <= 1.15 ? "ok" : "ABOVE TARGET"))
    print(String(format: "Swift layer / C API, %d reads of a lead: %.1f / %.1f µs each = %.2fx (target <= 1.15x)   %@",
                 reads, swiftRead / Double(reads) * 1e6, cRead / Double(reads) * 1e6, swiftRead / cRead,
                 swiftRead / cRead <= 1.15 ? "ok" : "ABOVE TARGET"))
}

// MARK: - Concurrent writers

/// Latencies from several threads, each with its own connection.
final class Latencies: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    private(set) var failures: [String] = []
    func add(_ value: Double) { lock.withLock { values.append(value) } }
    func fail(_ message: String) { lock.withLock { failures.append(message) } }
    func sorted() -> [Double] { lock.withLock { values.sorted() } }
}

// Four writers capture one lead per transaction (LeadStore.capture, as a web form handler would) while
// a fifth connection ticks every second; each capture's latency includes any wait for the lock.
try store.read { db in try db.backup(into: try Database(path: options.dir + "/concurrent.db")) }
do {
    let path = options.dir + "/concurrent.db"
    try LeadStore(path: path).unfreezeClock()
    let writers = 4
    let perWriter = 1_000
    let latencies = Latencies()
    let firsts = Latencies()
    let tickTimes = Latencies()
    let done = Latencies()
    let group = DispatchGroup()
    for writer in 0..<writers {
        group.enter()
        Thread {
            defer { group.leave() }
            do {
                let store = try LeadStore(path: path)
                // (the first capture on a connection compiles the capture's statement: measured apart)
                for n in -1..<perWriter {
                    let r = Generator.row(20_000_000 + writer * 1_000_000 + n)
                    let lead = NewLead(email: r[0] as? String, firstName: r[1] as? String, lastName: r[2] as? String, phone: r[3] as? String,
                                       company: r[4] as? String, title: r[5] as? String, industry: r[6] as? String,
                                       companySize: String(r[7] as! Int), country: r[8] as? String, source: r[9] as? String,
                                       campaign: r[10] as? String, consent: (r[11] as? Int) == 1)
                    let start = ContinuousClock.now
                    _ = try store.capture(lead)
                    let elapsed = ContinuousClock.now - start
                    let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    if n < 0 { firsts.add(value) } else { latencies.add(value) }
                }
            } catch {
                latencies.fail("\(error)")
            }
            done.add(1)
        }.start()
    }
    group.enter()
    Thread {
        defer { group.leave() }
        do {
            let store = try LeadStore(path: path)
            while done.sorted().count < writers {
                let start = ContinuousClock.now
                _ = try store.tick()
                let elapsed = ContinuousClock.now - start
                tickTimes.add(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                Thread.sleep(forTimeInterval: 1)
            }
        } catch {
            tickTimes.fail("\(error)")
        }
    }.start()
    group.wait()
    let sorted = latencies.sorted()
    func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
    print(String(format: "%d writers, %d captures, a tick a second (%d ticks, longest %.1f ms): p50 %.1f ms, p99 %.1f ms (target <= 20 ms), p99.9 %.1f ms, max %.1f ms   %@",
                 writers, sorted.count, tickTimes.sorted().count, (tickTimes.sorted().last ?? 0) * 1000, percentile(0.5), percentile(0.99),
                 percentile(0.999), percentile(1.0), percentile(0.99) <= 20 ? "ok" : "ABOVE TARGET"))
    print(String(format: "  the first capture on each new connection (compiling the statement): %.0f ms at most", (firsts.sorted().last ?? 0) * 1000))
    for failure in latencies.failures + tickTimes.failures { print("  failed: \(failure)") }
}
// MARK: - Changing the rules at this size

// How long an operator's change holds the write lock: every read must show the new values at once.
try withoutAutomaticCheckpoints(store) {
    try checkpoint(store.path)
    let halfLife = try seconds { try store.setSetting("score.half_life_days", to: 21) }
    try checkpoint(store.path)
    let fitRule = try seconds {
        try store.write { db in try db.execute("INSERT INTO fit_rules(attribute, operator, value, points) VALUES ('industry', '=', 'retail', 3)") }
    }
    for (name, time) in [("change score.half_life_days", halfLife), ("add a fit rule", fitRule)] {
        print(String(format: "%-34@ %8.1f ms (target <= 100 ms at 1M leads)", name as NSString, time * 1000))
    }
}

// (last: the erased person's email and phone cannot be captured again, and the generated rows share phones)
// The erasure's own transaction, then the search index's purge steps (a transaction each), as
// LeadStore.erase takes them: the longest is what another writer waits for.
try withoutAutomaticCheckpoints(store) {
    try checkpoint(store.path)
    let erasure = try seconds { try store.write { db in try db.execute("INSERT INTO erasures(lead_id) VALUES (4243)") } }
    var steps = 0, longest = 0.0, total = erasure
    while try store.read({ db in try db.scalar("SELECT pending FROM lead_search_purge", as: Int.self) }) ?? 0 > 0 && steps < 100_000 {
        try checkpoint(store.path)
        let step = try seconds {
            try store.write { db in
                try db.execute("INSERT INTO lead_search_purge(pages) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch') / 2)")
            }
        }
        steps += 1
        longest = max(longest, step)
        total += step
    }
    print(String(format: "erase one lead: the erasure %.1f ms, then %d purge steps of the search index, the longest %.1f ms (target <= 100 ms at 1M leads); %.0f ms in all",
                 erasure * 1000, steps, longest * 1000, total * 1000))
}
// Reports: a share of the leads moves on (so there are stays, wins, losses and open deals to read), then
// each report view is read whole, beside one full read of the leads table: the least a report over every
// lead costs. The funnel's conversion and the velocity read the stays the moves kept, not the leads.
let movesBefore = try store.read { db in try db.scalar("SELECT count(*) FROM stage_history", as: Int.self) ?? 0 }
for (sql, share) in [
    ("UPDATE leads SET stage = 'contacted' WHERE id % 3 = 0 AND stage = 'new'", "a third contacted"),
    ("UPDATE leads SET stage = 'sql' WHERE id % 6 = 0 AND stage IN ('contacted', 'mql') AND owner_id IS NOT NULL", "a sixth sql"),
    ("UPDATE leads SET stage = 'opportunity', amount = 1000 + id % 50 * 100 WHERE id % 12 = 0 AND stage = 'sql'", "a twelfth opportunity"),
    ("UPDATE leads SET stage = 'customer' WHERE id % 24 = 0 AND stage = 'opportunity'", "half of those won"),
    ("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id % 36 = 6 AND stage = 'opportunity'", "some lost"),
] {
    do {
        try store.write { db in try db.execute(sql) }
    } catch {
        print("  (the moves for the reports stopped at \(share): \(error))")
        break
    }
}
let moved = try store.read { db in try db.scalar("SELECT count(*) FROM stage_history", as: Int.self) ?? 0 } - movesBefore
let rawRead = try seconds {
    _ = try store.read { db in try db.query("SELECT count(*), max(updated_at), total(length(email)) FROM lead_records NOT INDEXED") }
}
print(String(format: "reports after %d moves; one full read of the leads table: %.1f ms", moved, rawRead * 1000))
for view in ["funnel_conversion", "stage_velocity", "stalled_leads", "source_performance", "source_months", "rep_performance",
             "sla_compliance", "cohorts", "score_outcomes", "attribution", "lead_win_probability", "win_calibration", "pipeline_forecast"] {
    var rows = 0
    let time = try seconds { rows = try store.read { db in try db.query("SELECT * FROM \(view)").count } }
    print("  " + view.padding(toLength: 22, withPad: " ", startingAt: 0)
        + String(format: "%8.1f ms %8d rows %7.1f × the full read", time * 1000, rows, time / max(rawRead, 1e-9)))
}
print(String(format: "peak memory (resident): %.0f MB", Double(peakResidentBytes()) / 1_048_576))

func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
    return 0
}
