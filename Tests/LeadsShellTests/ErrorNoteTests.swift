import Foundation
import LeadSQLite
import LeadTestSupport
import Testing

/// Errors whose own words do not say what to do get a note from the shell: a search index SQLite cannot
/// read, and a transaction begun with a plain BEGIN that lost the race for the write lock.
@Suite struct ErrorNoteTests {
    let dir = TemporaryDirectory()

    @Test func anUnreadableSearchIndexIsNamedWithWhereToLook() throws {
        let db = dir.file("t.db")
        #expect(ShellRun(["--db", db], stdin: "capture email=ada@example.com\nfind ada\n").status == 0)
        // (the index's structure with 2,100 empty levels on top: SQLite 3.40 reads at most 2,000)
        let plain = try Database(path: db, plain: true)
        let record = try #require(try plain.scalar("SELECT block FROM lead_search_data WHERE id = 10", as: Data.self))
        let levels = Int(record[record.startIndex + 4]) + 2_100
        let grown = record.prefix(4) + Data([UInt8(0x80 | (levels >> 7)), UInt8(levels & 0x7F)]) + record.dropFirst(5) + Data(count: 4_200)
        try plain.execute("UPDATE lead_search_data SET block = ? WHERE id = 10", [grown])
        let run = ShellRun(["--db", db], stdin: "find ada\n")
        #expect(run.status == 1)
        #expect(run.err.hasSuffix("\nnote: the search index cannot be read, and every command that uses it fails: .check (or leads check) names the repair\n"), "\(run.err)")
        // Another error says nothing of the index.
        let other = ShellRun(["--db", dir.file("u.db")], stdin: "SELECT nothing FROM nowhere;\n")
        #expect(!other.err.contains("note:"))
    }

    /// The real binary: BEGIN and a read, then another program writes, then the shell's write.
    @Test func aDeferredTransactionThatLostTheLockSaysHowToBeginInstead() throws {
        let db = dir.file("t.db")
        #expect(ShellRun(["--db", db], stdin: "SELECT 1;\n").status == 0)
        let process = Process()
        process.executableURL = try #require(LeadsBinary.url)
        process.arguments = ["--db", db, "--bail"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN;\nSELECT 'read', count(*) FROM lead_records;\n".utf8))
        // Wait for the read to be done (its row printed).
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("read") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        let other = try Database(path: db)
        try other.execute("INSERT INTO lead_intake(email) VALUES ('other@example.com')")
        input.fileHandleForWriting.write(Data("capture email=mine@example.com\nCOMMIT;\n".utf8))
        try input.fileHandleForWriting.close()
        seen.append(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let text = String(decoding: seen, as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(text.contains("\nnote: another program wrote since this transaction began, and a transaction begun with BEGIN that read first "
                              + "cannot wait for the write lock: ROLLBACK, then start it with BEGIN IMMEDIATE\n"), "\(text)")
    }
}

/// The shell's `report`: the list, a report with its bars for people and without for other tools, and
/// filters checked with the argument they blame.
@Suite struct ReportCommandTests {
    let dir = TemporaryDirectory()

    @Test func reportsShowChartsForPeopleAndNumbersForTools() throws {
        let db = dir.file("t.db")
        #expect(ShellRun(["--db", db], stdin: ".demo\n").status == 0)
        let list = ShellRun(["--db", db], stdin: "report\n")
        #expect(list.out.hasPrefix("Reports (report NAME; .mode csv or json for other tools):\n  funnel     conversion through the stages"))
        #expect(list.out.components(separatedBy: "\n").count == 14)
        let table = ShellRun(["--db", db], stdin: ".mode table\nreport funnel\n")
        #expect(table.out.contains("| stage        | entered | reached_next | next_percent | won | won_percent | bar "))
        #expect(table.out.contains("| new          |     240 |"))
        #expect(table.out.contains("██████████████████████████████ |"))
        let csv = ShellRun(["--db", db], stdin: ".mode csv\nreport funnel since=2026-01 until=2026-12\n")
        #expect(csv.out.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix("stage,entered,reached_next,next_percent,won,won_percent\nnew,240,"))
        #expect(!csv.out.contains("█"))
        for (line, message) in [
            ("report funnel rep=2", "this report takes since=, until=, not rep="),
            ("report sla since=2026-13", "since is a month (2026-10) or a day (2026-10-01), not 2026-13"),
            ("report nope", "no report named nope (reports: funnel, velocity, stalled, sources, reps, sla, cohorts, attribution, forecast, win, calibration, scores)"),
            ("report reps rep=Zed", "no rep has the id or name Zed"),
            ("report velocity since=2026-01", "this report takes no filter"),
            ("report sla since=2026-02-30", "since is a month (2026-10) or a day (2026-10-01), not 2026-02-30"),
            ("report funnel since=2026-11-20", "this report is by month: since=2026-11, not a day"),
            ("report reps team=nope", "no team is named nope"),
            ("report cohorts since=2026-11 until=2026-10", "since=2026-11 comes after until=2026-10"),
        ] {
            let run = ShellRun(["--db", db], stdin: line + "\n")
            #expect(run.status == 1)
            #expect(run.err.hasPrefix("Error near line 1: \(message)\n"), "\(run.err)")
        }
        // A rep by name in any case; the week of a day given to the SLA report is included.
        #expect(ShellRun(["--db", db], stdin: "report reps rep=\"CHLOÉ MARTIN\"\n").out.hasPrefix("Chloé Martin|emea|"))
        let firstWeek = try #require(try Database(path: db).scalar("SELECT min(week) FROM sla_compliance", as: String.self))
        let midWeek = try #require(try Database(path: db).scalar("SELECT date(?, '+2 days')", [firstWeek], as: String.self))
        #expect(ShellRun(["--db", db], stdin: "report sla since=\(midWeek)\n").out.hasPrefix(firstWeek))
        let stalled = ShellRun(["--db", db], stdin: "report stalled\n").out
        #expect(stalled.components(separatedBy: "\n").filter { !$0.isEmpty }.count <= 51)
        let emea = ShellRun(["--db", db], stdin: "report reps team=emea\n")
        #expect(emea.out.components(separatedBy: "\n").filter { !$0.isEmpty }.allSatisfy { $0.contains("|emea|") })
        // Sources over a period of capture months add up those months; over all time they are the view.
        let months = try Database(path: db).query("SELECT DISTINCT month FROM source_months ORDER BY month").map { try $0.get(0, as: String.self) }
        let last = try #require(months.last)
        let period = try Database(path: db).scalar("SELECT sum(leads) FROM source_months WHERE month = ?", [last], as: Int.self)
        // (CSV ends its lines with CR LF)
        let shown = ShellRun(["--db", db], stdin: ".mode csv\n.headers on\nreport sources since=\(last)\n").out.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(shown.hasPrefix("source,campaign,leads,mql_percent,sql_percent,won,revenue\n"), "\(shown)")
        let leads = shown.components(separatedBy: "\n").dropFirst().filter { !$0.isEmpty }.map { Int($0.components(separatedBy: ",")[2]) ?? -1 }
        #expect(leads.reduce(0, +) == period)
        #expect(ShellRun(["--db", db], stdin: "report sources since=\(last)-02\n").err.contains("this report is by month: since=\(last), not a day"))
    }
}

/// `leads report --html FILE`: one self-contained page with every section, well-formed, nothing from
/// elsewhere, every value escaped.
@Suite struct HTMLReportTests {
    let dir = TemporaryDirectory()

    @Test func thePageHasEverySectionAndNothingFromElsewhere() throws {
        let db = dir.file("t.db"), page = dir.file("report.html")
        #expect(ShellRun(["--db", db], stdin: ".demo\n").status == 0)
        // Hostile text where the page shows it: markup in a won lead's campaign (a capture refuses control
        // characters), markup and a terminal escape in a rep's name.
        let hostile = ShellRun(["--db", db], stdin: """
            INSERT INTO reps(name, team, capacity) VALUES ('Eve' || char(27) || '[31m<b>', 'default', 5);
            capture email=x@example.com campaign="<script>alert(1)</script>"
            move x@example.com contacted
            move x@example.com sql
            move x@example.com opportunity amount=5000
            move x@example.com customer

            """)
        #expect(hostile.status == 0, "\(hostile.err)")
        let run = ShellRun(["report", "--html", page, "--db", db])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("Wrote the report on \(db) to \(page) ("))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"))
        for title in ["Funnel", "Sources", "Response SLAs", "Cohorts", "Attribution", "Forecast", "Win probability calibration", "Stage velocity"] {
            #expect(html.contains("<section><h2>\(title)</h2>"), "\(title)")
        }
        for tag in ["section", "table", "svg", "tr", "header", "html", "body", "style"] {
            #expect(html.components(separatedBy: "<\(tag)").count == html.components(separatedBy: "</\(tag)>").count, "\(tag)")
        }
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Eve&#xFFFD;[31m&lt;b&gt;"))
        #expect(!html.contains("\u{1B}"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=") && !html.contains("@import"))
        // The page never replaces the database or its files, nor goes into a folder's place.
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for target in [db, db + "-wal"] {
            #expect(ShellRun(["report", "--html", target, "--db", db]).err.hasPrefix("leads: report --html takes a new file for the page, not the database or its files\n"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(ShellRun(["report", "--html", dir.path, "--db", db]).err == "leads: error: cannot write the report to \(dir.path): it is a directory\n")
        #expect(ShellRun(["report", "--html", dir.file("none/x.html"), "--db", db]).err
            == "leads: error: cannot write the report to \(dir.file("none/x.html")): no folder \(dir.file("none"))\n")
        // Bad uses are told what to do.
        #expect(ShellRun(["report", "--db", db]).err.contains("report takes --html FILE"))
        #expect(ShellRun(["report", "--html", page, "--db", dir.file("none.db")]).err == "leads: error: no database at \(dir.file("none.db"))\n")
    }
}

/// `leads demo --days N --leads N --seed S`: a refused demo leaves no file behind.
@Suite struct DemoCommandTests {
    let dir = TemporaryDirectory()

    @Test func aRefusedHistoryMakesNoFile() {
        let db = dir.file("none.db")
        for (arguments, message) in [(["--days", "0"], "--days is 1 to 3650"), (["--leads", "0"], "--leads is 1 to 10000000"),
                                     (["--days", "x"], "--days needs a whole number")] {
            let run = ShellRun(["demo", "--db", db] + arguments)
            #expect(run.status != 0)
            #expect(run.err.hasPrefix("leads: \(message)\n"), "\(run.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: db))
        let made = ShellRun(["demo", "--db", db, "--days", "20", "--leads", "40", "--seed", "3"])
        #expect(made.status == 0, "\(made.err)")
        #expect(made.out.hasPrefix("Replayed 20 days ending now into \(db): 5 reps, 40 leads, "))
    }
}
