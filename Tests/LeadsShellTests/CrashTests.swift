import Foundation
import LeadTestSupport
import Testing

/// The real `leads` binary killed with SIGKILL at random moments while it imports, ticks and migrates:
/// after each kill `leads check` passes, every import chunk is all or nothing, what was committed is
/// there, and running the same command again finishes the job without a duplicate.
/// `LEADS_CRASH_ROUNDS=200 swift test --filter CrashTests` runs it at length (default: 8 rounds).
@Suite(.serialized) struct CrashTests {
    static let rounds = ProcessInfo.processInfo.environment["LEADS_CRASH_ROUNDS"].flatMap(Int.init) ?? 8

    struct Run {
        let status: Int32
        let out: String
        let killed: Bool
    }

    /// Runs the binary; with `killAfter`, sends SIGKILL after that many milliseconds if it still runs.
    static func leads(_ arguments: [String], killAfter milliseconds: Int? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try #require(LeadsBinary.url, "the leads binary is built next to the test bundle")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var killed = false
        if let milliseconds {
            let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
            while process.isRunning && Date() < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, out: text, killed: killed)
    }

    /// A fixed sequence of delays, so a failing round can be run again.
    struct Delays {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    @Test func killedImportsTicksAndMigrationsLeaveASoundFileAndFinishWhenRunAgain() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("crash.db")
        var delays = Delays()
        var kills = 0
        // Migrations killed part-way: the file is whole, or not yet a LeadDB file, and a second run finishes.
        for round in 0..<max(2, Self.rounds / 2) {
            let fresh = dir.file("fresh\(round).db")
            if try Self.leads(["migrate", "--db", fresh], killAfter: delays.next(5...60)).killed { kills += 1 }
            #expect(try Self.leads(["migrate", "--db", fresh]).status == 0)
            let check = try Self.leads(["check", "--db", fresh])
            #expect(check.status == 0, "\(check.out)")
        }
        #expect(try Self.leads(["migrate", "--db", db]).status == 0)
        #expect(try Self.leads(["--db", db, "-c", "INSERT INTO reps(name, capacity) VALUES ('Ana', 100000), ('Ben', 100000)"]).status == 0)
        for round in 0..<Self.rounds {
            let csv = dir.file("round\(round).csv")
            var text = "email,first_name,company,title,source,consent\n"
            for i in 0..<2_000 { text += "r\(round)-\(i)@co\(i % 40).example,Name \(i),Company \(i % 40),\(i % 3 == 0 ? "VP Sales" : "Analyst"),webinar,yes\n" }
            try text.write(toFile: csv, atomically: true, encoding: .utf8)
            let before = try Self.count(db)
            let interrupted = try Self.leads(["--db", db, "-c", ".import \(csv) --no-rejects", "-c", "tick"], killAfter: delays.next(20...450))
            if interrupted.killed { kills += 1 }
            let check = try Self.leads(["check", "--db", db])
            #expect(check.status == 0, "round \(round): \(check.out)")
            // An import commits chunks of 500 rows whole: a kill leaves whole chunks.
            let after = try Self.count(db)
            #expect((after - before) % 500 == 0, "round \(round): \(after - before) rows")
            // The same import again finishes the job: rows already captured are skipped.
            let again = try Self.leads(["--db", db, "-c", ".import \(csv) --no-rejects"])
            #expect(again.status == 0, "\(again.out)")
            #expect(try Self.count(db) == 2_000 * (round + 1))
            // A tick killed part-way is finished by the next.
            if try Self.leads(["--db", db, "-c", "tick"], killAfter: delays.next(1...40)).killed { kills += 1 }
            #expect(try Self.leads(["--db", db, "-c", "tick"]).status == 0)
        }
        let final = try Self.leads(["check", "--db", db])
        #expect(final.status == 0, "\(final.out)")
        #expect(kills >= Self.rounds / 2)
        print("crash test: \(Self.rounds) rounds, \(kills) processes killed, \(try Self.count(db)) leads, leads check passed after every kill")
    }

    static func count(_ db: String) throws -> Int {
        let run = try leads(["--db", db, "-c", "SELECT count(*) FROM lead_records"])
        return Int(run.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? -1
    }
}
