import Foundation
import LeadTestSupport
import Testing

@testable import LeadsShell

@Suite struct CSVReaderTests {
    @Test func rfc4180() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,,\"\"\n3,\"two\r\nlines\",end"
        let records = try CSVReader.records(in: text)
        #expect(records == [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["1", "x, y", "say \"hi\""]),
            CSVRecord(line: 4, fields: ["2", nil, ""]),
            CSVRecord(line: 5, fields: ["3", "two\nlines", "end"]),
        ])
    }

    @Test func anUnclosedQuoteNamesItsLine() {
        #expect(throws: CSVReader.Failure(line: 2, message: "a quoted field is never closed")) {
            try CSVReader.records(in: "a,b\n1,\"open\n2,3\n")
        }
    }

    @Test func headersMapToIntakeFields() {
        #expect(CSVImport.field(forHeader: "E-mail") == "email")
        #expect(CSVImport.field(forHeader: "Company Name") == "company")
        #expect(CSVImport.field(forHeader: " Job_Title ") == "title")
        #expect(CSVImport.field(forHeader: "Employees") == "company_size")
        #expect(CSVImport.field(forHeader: "Lead Source") == "source")
        #expect(CSVImport.field(forHeader: "Badge ID") == nil)
        #expect(Shell.rejectPath(for: "/data/expo.csv") == "/data/expo.rejects.csv")
    }

    @Test func theRejectFileHoldsTheRejectedRowsWithTheirReasons() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("leads.csv")
        try "Email,Name,Employees\r\nok@example.com,Ok Person,10\r\nbad@@example.com,\"Bad, Row\",12\r\nlarge@example.com,Big,lots\r\nOK@example.com,,\r\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let run = ShellRun(["--db", dir.file("t.db")], stdin: ".import \(csv)\nSELECT email, first_name, company_size FROM leads;\n")
        #expect(run.out == """
            Imported \(csv): 4 rows, 1 created, 1 merged, 2 rejected (written to \(dir.file("leads.rejects.csv")), with the reason in its last column).
            ok@example.com|Ok|10

            """)
        #expect(run.status == 1)
        let rejects = try String(contentsOfFile: dir.file("leads.rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("Email,Name,Employees,line,error\r\nbad@@example.com,\"Bad, Row\",12,3,\"Email: invalid_email: bad@@example.com is not a valid email address"))
        #expect(rejects.contains("large@example.com,Big,lots,4,\"Employees: invalid_company_size: lots is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)\"\r\n"))
    }
}

@Suite struct TerminalTests {
    /// Runs the real `leads` binary on a pseudo-terminal (util-linux `script`), typing `keys`; each
    /// element is written after `pause` seconds, the last followed by Ctrl-D. Returns what the terminal
    /// showed. A watchdog ends the process after a minute, so a broken interrupt cannot hang the suite.
    func onTerminal(_ keys: [Data], pause: Double = 0, dir: TemporaryDirectory) throws -> String {
        let script = "/usr/bin/script"
        let binary = try #require(LeadsBinary.url, "the leads binary is built next to the test bundle")
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script provides the pseudo-terminal")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qfec", "\(binary.path) --db \(dir.file("t.db"))", "/dev/null"]
        process.environment = ["LEADS_HISTORY": dir.file("history"), "TERM": "xterm", "NO_COLOR": "1"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        for key in keys {
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            input.fileHandleForWriting.write(key)
        }
        input.fileHandleForWriting.write(Data([4]))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        return text
    }

    /// The line editor takes a multi-line statement as one entry, prints the result, and keeps the
    /// entry in the history file.
    @Test func theLineEditorOnARealTerminal() throws {
        let dir = TemporaryDirectory()
        let text = try onTerminal([Data("SELECT 20\r+ 22 AS answer;\r".utf8)], dir: dir)
        #expect(text.contains("LeadDB 0.1.0"))
        #expect(text.contains("|     42 |"))
        #expect(text.contains("...> "))
        let history = try String(contentsOfFile: dir.file("history"), encoding: .utf8)
        #expect(history == "SELECT 20\\n+ 22 AS answer;\n")
    }

    /// Ctrl-C during a statement that would never end interrupts it, and the shell goes on. The pauses
    /// let the statement start first (a Ctrl-C before it would only clear the line).
    @Test func controlCInterruptsARunningStatementAndTheShellGoesOn() throws {
        let dir = TemporaryDirectory()
        let text = try onTerminal([
            Data("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r;\r".utf8),
            Data([3]),
            Data("SELECT 'still here' AS after;\r".utf8),
        ], pause: 1.0, dir: dir)
        #expect(text.contains("Error: interrupted"))
        #expect(text.contains("still here"))
    }

    /// After `.open`, Ctrl-C interrupts the statement on the new file, not the old connection.
    @Test func controlCFollowsOpen() throws {
        let dir = TemporaryDirectory()
        let text = try onTerminal([
            Data(".open \(dir.file("other.db"))\r".utf8),
            Data("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r;\r".utf8),
            Data([3]),
            Data("SELECT 'still here' AS after;\r".utf8),
        ], pause: 1.0, dir: dir)
        #expect(text.contains("Opened "))
        #expect(text.contains("Error: interrupted"))
        #expect(text.contains("still here"))
    }
}
