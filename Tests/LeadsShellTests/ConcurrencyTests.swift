import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// Four kinds of writer on one file at once, each following the locking contract (Schema/README.md,
/// "Locks"): the `leads` shell on a script, a Swift program through `LeadStore` (this test process), a
/// Python program (busy timeout, `BEGIN IMMEDIATE`, a retry on `SQLITE_BUSY`) and the sqlite3 shell
/// (`.timeout`, `BEGIN IMMEDIATE`). Each captures its leads, logs an activity on each, moves each to
/// contacted and ticks. No writer sees "database is locked", every acknowledged write is there once,
/// and `leads check` passes. `LEADS_CONCURRENCY_LEADS=N` sets the leads per writer (default 40).
@Suite(.serialized) struct ConcurrencyTests {
    static let leadsPerWriter = ProcessInfo.processInfo.environment["LEADS_CONCURRENCY_LEADS"].flatMap(Int.init) ?? 40

    struct Finished {
        let status: Int32
        let out: String
    }

    /// A program started with `input` as its standard input, its output going to a file (a pipe that
    /// nobody reads while the test writes would stop it).
    struct Child {
        let process = Process()
        let outputPath: String

        init(_ executable: String, _ arguments: [String], input: String, in dir: TemporaryDirectory) throws {
            let name = UUID().uuidString
            let inputPath = dir.file(name + ".in")
            outputPath = dir.file(name + ".out")
            try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
            guard FileManager.default.createFile(atPath: outputPath, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        func wait() throws -> Finished {
            process.waitUntilExit()
            return Finished(status: process.terminationStatus, out: try String(contentsOfFile: outputPath, encoding: .utf8))
        }
    }

    static func tool(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name + " (.ci/run installs it)"])
    }

    /// The Python writer: the documented contract, with its retries counted on standard output.
    static let python = #"""
    import sqlite3, sys
    path, n = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    retries = 0
    def transaction(statements):
        global retries
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                for sql, args in statements:
                    db.execute(sql, args)
                db.execute("COMMIT")
                return
            except sqlite3.OperationalError as error:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if error.sqlite_errorcode & 0xFF not in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
                    raise
                retries += 1
    for i in range(n):
        email = "python%d@python.example" % i
        transaction([
            ("INSERT INTO lead_intake(email, first_name, source) VALUES (?, ?, 'python')", (email, "Py%d" % i)),
            ("INSERT INTO activities(lead_id, kind) SELECT id, 'email_open' FROM leads WHERE email = ?", (email,)),
            ("UPDATE leads SET stage = 'contacted' WHERE email = ?", (email,)),
        ])
        if i % 10 == 9:
            transaction([("INSERT INTO ticks DEFAULT VALUES", ())])
    print("python retries: %d" % retries)
    """#

    @Test func fourKindsOfWriterAtOnceLoseNothingAndSeeNoLock() throws {
        let n = Self.leadsPerWriter
        let dir = TemporaryDirectory()
        let db = dir.file("busy.db")
        let leads = try #require(LeadsBinary.url, "the leads binary is built next to the test bundle").path
        let setup = try Child(leads, ["--db", db, "--create", "--bail"], input: """
            INSERT INTO reps(name, team, capacity) VALUES ('Ana', 'default', 100000), ('Ben', 'default', 100000), ('Cy', 'default', 100000);
            """, in: dir).wait()
        #expect(setup.status == 0, "\(setup.out)")

        var shellScript = ""
        var cliScript = ".timeout 30000\n.bail on\n"  // (a script cannot retry: it waits longer)
        for i in 0..<n {
            shellScript += "capture email=shell\(i)@shell.example first=Sh\(i) source=shell\n"
            shellScript += "log shell\(i)@shell.example email_open\n"
            shellScript += "move shell\(i)@shell.example contacted\n"
            if i % 10 == 9 { shellScript += "tick\n" }
            let email = "cli\(i)@cli.example"
            cliScript += """
                BEGIN IMMEDIATE;
                INSERT INTO lead_intake(email, first_name, source) VALUES ('\(email)', 'Cli\(i)', 'cli');
                INSERT INTO activities(lead_id, kind) SELECT id, 'email_open' FROM leads WHERE email = '\(email)';
                UPDATE leads SET stage = 'contacted' WHERE email = '\(email)';
                COMMIT;

                """
            if i % 10 == 9 { cliScript += "INSERT INTO ticks DEFAULT VALUES;\n" }
        }
        let script = dir.file("writer.py")
        try Self.python.write(toFile: script, atomically: true, encoding: .utf8)

        // All four start together; the Swift writer runs here while the three programs run.
        let shell = try Child(leads, ["--db", db, "--bail"], input: shellScript, in: dir)
        let cli = try Child(try Self.tool("sqlite3"), [db], input: cliScript, in: dir)
        let py = try Child(try Self.tool("python3"), [script, db, String(n)], input: "", in: dir)
        let store = try LeadStore(path: db)
        var swiftErrors: [String] = []
        for i in 0..<n {
            do {
                let lead = try store.capture(NewLead(email: "swift\(i)@swift.example", firstName: "Sw\(i)", source: "swift")).lead
                try store.log(.emailOpen, for: lead.id)
                try store.move(lead.id, to: .contacted)
                if i % 10 == 9 { try store.tick() }
            } catch {
                swiftErrors.append("\(error)")
            }
        }
        let results = ["shell": try shell.wait(), "cli": try cli.wait(), "python": try py.wait()]

        #expect(swiftErrors == [])
        for (name, result) in results {
            #expect(result.status == 0, "\(name): \(result.out)")
            #expect(!result.out.localizedCaseInsensitiveContains("locked"), "\(name): \(result.out)")
            #expect(!result.out.localizedCaseInsensitiveContains("busy"), "\(name): \(result.out)")
        }
        // Every acknowledged write is there, once.
        let reader = try Database(path: db)
        do {
            let db = reader
            for source in ["shell", "cli", "python", "swift"] {
                #expect(try db.scalar("SELECT count(*) FROM leads WHERE source = ?", [source], as: Int.self) == n, "\(source)")
                #expect(try db.scalar("""
                    SELECT count(*) FROM activities AS a JOIN leads AS l ON l.id = a.lead_id
                     WHERE l.source = ? AND a.kind = 'email_open'
                    """, [source], as: Int.self) == n, "\(source)")
                #expect(try db.scalar("""
                    SELECT count(*) FROM stage_history AS h JOIN leads AS l ON l.id = h.lead_id
                     WHERE l.source = ? AND h.to_stage = 'contacted'
                    """, [source], as: Int.self) == n, "\(source)")
            }
            #expect(try db.scalar("SELECT count(*) FROM leads", as: Int.self) == 4 * n)
            #expect(try db.scalar("SELECT count(*) FROM leads WHERE owner_id IS NULL", as: Int.self) == 0)
            #expect(try db.scalar("SELECT max(open_leads) - min(open_leads) FROM reps", as: Int.self)! <= 1)  // round robin
        }
        let check = try Child(leads, ["check", "--db", reader.path], input: "", in: dir).wait()
        #expect(check.status == 0, "\(check.out)")
        print("concurrency: 4 writers x \(n) leads; \(results["python"]!.out.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}
