import Foundation
import LeadDB
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

    @Test func anUnclosedQuoteRejectsItsLineAndKeepsTheRest() {
        #expect(throws: CSVReader.Failure(line: 2, message: "a quoted field opens here and is never closed")) {
            try CSVReader.records(in: "a,b\n1,\"open\n2,3\n")
        }
        let read = CSVReader.read(Array("a,b\n1,\"open\n2,3\n4,\"ok\"\n".utf8))
        #expect(read.records == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 3, fields: ["2", "3"]), CSVRecord(line: 4, fields: ["4", "ok"])])
        #expect(read.failures.map(\.line) == [2])
        #expect(read.failures.first?.raw == Array("1,\"open".utf8))
    }

    @Test func aBadByteOrANulRejectsItsRowWithTheOffset() {
        var bytes = Array("name,city\nJ".utf8) + [0xFC] + Array("rgen,K".utf8) + [0xC3, 0xB6] + Array("ln\nAnn,Paris\nBo".utf8) + [0] + Array("b,X\n".utf8)
        let read = CSVReader.read(bytes)
        #expect(read.records == [CSVRecord(line: 1, fields: ["name", "city"]), CSVRecord(line: 3, fields: ["Ann", "Paris"])])
        #expect(read.failures == [
            CSVReader.Failure(line: 2, field: 0, message: "is not valid UTF-8: byte 0xFC at byte 12 of the file (if the file is in another encoding, give --encoding latin1 or cp1252)"),
            CSVReader.Failure(line: 4, field: 0, message: "holds a NUL byte at byte 36 of the file"),
        ])
        // The same bytes as Latin-1 are what they say (and the UTF-8 pair is two Latin-1 characters).
        bytes = Array("name\nJ".utf8) + [0xFC] + Array("rgen\n".utf8) + [0x80] + Array("\n".utf8)
        // 0x80 is an invisible control character in Latin-1 (and the euro sign in Windows-1252): refused,
        // with the encoding to try; a byte Windows-1252 leaves undefined is refused too.
        let latin1 = CSVReader.read(bytes, encoding: .latin1)
        #expect(latin1.records.map(\.fields) == [["name"], ["Jürgen"]])
        #expect(latin1.failures == [CSVReader.Failure(line: 3, field: 0, message: "holds byte 0x80 at byte 13 of the file, an invisible control character in Latin-1 (the file is probably Windows-1252: give --encoding cp1252)")])
        #expect(CSVReader.read(bytes, encoding: .cp1252).records.map(\.fields) == [["name"], ["Jürgen"], ["€"]])
        #expect(CSVReader.read(Array("name\nA".utf8) + [0x81] + [10], encoding: .cp1252).failures
            == [CSVReader.Failure(line: 2, field: 0, message: "holds byte 0x81 at byte 7 of the file, which is no character in Windows-1252 (is the file UTF-8 or Latin-1?)")])
        // A quote closed in the middle of a field is named as such, not as a quote never closed.
        let stray = CSVReader.read(Array("a,b\n\"A\"\"b\"x,1\nok,2\n".utf8))
        #expect(stray.records.map(\.fields) == [["a", "b"], ["ok", "2"]])
        #expect(stray.failures == [CSVReader.Failure(line: 2, field: 0, message: "closes its quotes and goes on at byte 11 of the file: a quote inside a quoted field is written twice (\"\"), and a closing quote is followed by a separator or the end of the line")])
        // Overlong forms and surrogates are not UTF-8 either.
        #expect(CSVReader.read([0xC0, 0xAF, 10]).failures.count == 1)
        #expect(CSVReader.read([0xED, 0xA0, 0x80, 10]).failures.count == 1)
    }

    @Test func anImportStoresNoMojibakeAndKeepsEveryGoodRow() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("expo.csv")
        let bytes = Array("Email,Name\nknown@example.com,Known\nj\u{fc}rgen@example.com,J".utf8) + [0xFC] + Array("rgen\n\"broken,x\nlast@example.com,Last\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: csv))
        let run = ShellRun(["--db", dir.file("t.db")], stdin: ".import \(csv)\nSELECT email, first_name FROM leads ORDER BY id;\n")
        #expect(run.out.contains("Imported \(csv): 4 rows, 2 created, 0 merged, 2 rejected"))
        #expect(run.out.hasSuffix("known@example.com|Known\nlast@example.com|Last\n"))
        #expect(run.err.contains("\(csv) line 3, field Name: is not valid UTF-8: byte 0xFC at byte 57 of the file"))
        #expect(run.err.contains("\(csv) line 4, field -: a quoted field opens here and is never closed"))
        // The rejected row is written to the rejects file as its bytes were.
        let rejects = try Data(contentsOf: URL(fileURLWithPath: dir.file("expo.rejects.csv")))
        #expect(Array(rejects).contains(0xFC))
        // Read as Latin-1 instead, the row is the name it meant; --no-rejects writes no file.
        let again = ShellRun(["--db", dir.file("u.db")], stdin: ".import \(csv) --encoding latin1 --no-rejects\nSELECT first_name FROM leads WHERE email LIKE 'j%';\n")
        #expect(again.out.contains("Jürgen"))
        #expect(again.out.contains("(no rejects file)"))
    }

    /// A huge field is refused naming its column and its size, never echoed back.
    @Test func anOversizedFieldNamesItsColumnAndSize() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("big.csv")
        try Data(("Email,Company\nbig@example.com," + String(repeating: "x", count: 5_000_000) + "\nok@example.com,Acme\n").utf8)
            .write(to: URL(fileURLWithPath: csv))
        let run = ShellRun(["--db", dir.file("t.db")], stdin: ".import \(csv) --no-rejects\nSELECT email FROM leads;\n")
        #expect(run.err == "\(csv) line 2, field Company: invalid_text: company has 5000000 characters (at most 500)\n")
        #expect(run.out.contains("Imported \(csv): 2 rows, 1 created, 0 merged, 1 rejected"))
        #expect(run.out.hasSuffix("ok@example.com\n"))
    }

    /// The rejects file is written over: it may not be the database, its journal files or the input.
    @Test func theRejectsFileIsNeverTheDatabaseOrTheInput() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("in.csv")
        let db = dir.file("t.db")
        try Data("email,name\na@example.com,B\u{E9}a\nbad,X\n".utf8).write(to: URL(fileURLWithPath: csv))
        for target in [db, db + "-wal", csv, dir.path + "/./in.csv"] {
            let run = ShellRun(["--db", db], stdin: ".import \(csv) --rejects \(target)\nSELECT count(*) FROM leads;\n")
            #expect(run.err.contains("--rejects \(target) is the"), "\(target): \(run.err)")
            #expect(run.out.hasSuffix("0\n"))
        }
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("email,name"))
    }

    @Test func headersMapToIntakeFields() {
        #expect(NewLead.field(named: "E-mail")?.column == "email")
        #expect(NewLead.field(named: "Company Name")?.column == "company")
        #expect(NewLead.field(named: " Job_Title ")?.column == "title")
        #expect(NewLead.field(named: "Employees")?.column == "company_size")
        #expect(NewLead.field(named: "Lead Source")?.column == "source")
        #expect(NewLead.field(named: "Badge ID") == nil)
        #expect(CSVImport.rejectPath(for: "/data/expo.csv") == "/data/expo.rejects.csv")
    }

    @Test func theRejectFileHoldsTheRejectedRowsWithTheirReasons() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("leads.csv")
        try "Email,Name,Employees\r\nok@example.com,Ok Person,10\r\nbad@@example.com,\"Bad, Row\",12\r\nlarge@example.com,Big,lots\r\nOK@example.com,,\r\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let run = ShellRun(["--db", dir.file("t.db")], stdin: ".import \(csv)\nSELECT email, first_name, company_size FROM leads;\n")
        #expect(run.out == """
            Imported \(csv): 4 rows, 1 created, 1 merged, 2 rejected; 1 lead waits for an owner (there are no active reps yet: see unassigned_leads) (written to \(dir.file("leads.rejects.csv")), with the reason in its last column).
            ok@example.com|Ok|10

            """)
        #expect(run.status == 1)
        let rejects = try String(contentsOfFile: dir.file("leads.rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("Email,Name,Employees,line,error\r\nbad@@example.com,\"Bad, Row\",12,3,\"Email: invalid_email: bad@@example.com is not a valid email address"))
        #expect(rejects.contains("large@example.com,Big,lots,4,\"Employees: invalid_company_size: lots is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)\"\r\n"))
    }

    /// What the intake reads, the import reads: a time with an offset from UTC, a consent source and a
    /// capture key of the file's own (a second import of the row changes nothing); a consent it cannot
    /// read is refused with what it accepts; with routing at mql, waiting leads are not blamed on full reps;
    /// a rejects file its owner made read-only is kept.
    @Test func anImportReadsWhatTheIntakeReads() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("leads.csv")
        try "Email,Captured At,Consent,Consent Source,Capture Key\nada@example.com,2026-11-24T10:30:00+01:00,yes,booth 12,row-1\nbo@example.com,,maybe,,\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let rejects = dir.file("leads.rejects.csv")
        try "kept\n".write(toFile: rejects, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: rejects)
        let script = """
            UPDATE settings SET value = '2026-11-24T12:00:00.000Z' WHERE key = 'clock.now';
            UPDATE settings SET value = 'mql' WHERE key = 'routing.assign_at';
            .import \(csv)
            .import \(csv)
            SELECT email, created_at, consent, consent_source FROM leads;
            SELECT capture_key FROM captures;

            """
        let run = ShellRun(["--db", dir.file("t.db")], stdin: script)
        #expect(run.out == """
            Imported \(csv): 2 rows, 1 created, 0 merged, 1 rejected; 1 lead waits for an owner (leads are routed when they reach mql: see unassigned_leads) (not written: \(rejects) is read-only).
            Imported \(csv): 2 rows, 0 created, 0 merged, 1 rejected, 1 already captured (the same row again: unchanged) (not written: \(rejects) is read-only).
            ada@example.com|2026-11-24T09:30:00.000Z|1|booth 12
            row-1

            """)
        #expect(run.err.contains("line 3, field Consent: consent maybe is not 1 (given) or 0 (not given); yes, no, true, false, y and n are read too"))
        #expect(try String(contentsOfFile: rejects, encoding: .utf8) == "kept\n")
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
