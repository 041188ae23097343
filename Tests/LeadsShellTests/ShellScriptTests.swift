import Foundation
import LeadSQLite
import LeadsShell
import LeadTestSupport
import Testing

/// Runs `leads` in-process with a script on stdin and returns what it wrote and its exit status.
struct ShellRun {
    let out: String
    let err: String
    let status: Int32

    /// `create`: the scripts here set up their own new files, as `--create` allows (a script on a missing
    /// file is otherwise refused as a likely typo).
    init(_ arguments: [String], stdin: String = "", interactive: Bool = false, create: Bool = true, environment: [String: String] = [:]) {
        let out = BufferOutput()
        let err = BufferOutput()
        status = LeadsCLI.run(
            arguments: (create && !interactive ? ["--create"] : []) + arguments, environment: environment, input: StringInput(stdin),
            out: out, err: err, interactive: interactive)
        self.out = out.text
        self.err = err.text
    }
}

@Suite struct ShellScriptTests {
    let dir = TemporaryDirectory()
    var db: String { dir.file("t.db") }

    /// An erasure from a script or -c also scrubs the history file, which holds what earlier interactive
    /// sessions typed.
    @Test func eraseFromAScriptScrubsTheHistoryFile() throws {
        let history = dir.file("history")
        try Data("capture email=qwop.plugh@example.org first_name=Qwop\nSELECT 1;\nfind plugh\n".utf8).write(to: URL(fileURLWithPath: history))
        _ = ShellRun(["--db", db, "-c", "capture email=qwop.plugh@example.org first_name=Qwop"])
        let run = ShellRun(["--db", db, "-c", "erase qwop.plugh@example.org --yes"], environment: ["LEADS_HISTORY": history])
        #expect(run.out.contains("Erased lead 1"))
        #expect(run.out.contains("note: files outside the database are not changed"))
        #expect(try String(contentsOfFile: history, encoding: .utf8) == "SELECT 1;\n")
    }

    /// `leads check` reads the file without changing it: 0 and one line when healthy; 1 and each problem
    /// with its repair when not; the shell's `.check` prints the same, with the shell's own repairs.
    @Test func checkSaysWhatIsWrongAndHowToRepairIt() throws {
        #expect(ShellRun(["--db", db], stdin: ".demo\n").status == 0)
        let healthy = ShellRun(["check", "--db", db])
        #expect(healthy.status == 0)
        #expect(healthy.out == "ok: \(db): integrity, foreign keys, migrations and schema, and the rules' invariants over 240 leads.\n")
        let plain = try Database(path: db, plain: true)
        try plain.execute("DROP TRIGGER stage_counts_before_update_maintained")
        try plain.execute("UPDATE stage_counts SET leads = leads + 2 WHERE stage = 'new'")
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let broken = ShellRun(["check", "--db", db])
        #expect(broken.status == 1)
        let new = try plain.scalar("SELECT count(*) FROM lead_records WHERE stage = 'new'", as: Int.self) ?? 0
        let report = """
            problem: schema: stage_counts_before_update_maintained: dropped or changed by hand
              repair: leads migrate --db \(db)
            problem: stage_count: stage new: stage_counts says \(new + 2) leads, \(new) are in it
              repair: INSERT INTO lead_repair DEFAULT VALUES
            \(db): 2 problems (checked integrity, foreign keys, migrations and schema, and the rules' invariants over 240 leads).

            """
        #expect(broken.out == report)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        // The shell's repair for the schema is its own `.migrate up`; a what-if copy is never named.
        let inShell = report.replacingOccurrences(of: "leads migrate --db \(db)", with: ".migrate up")
        let shell = ShellRun(["--db", db], stdin: ".check\n")
        #expect(shell.out == inShell)
        #expect(shell.status == 1)
        let whatIf = ShellRun(["--db", db], stdin: ".whatif\n.check\n.whatif end\n")
        #expect(whatIf.out.contains(inShell))
        #expect(!whatIf.out.contains("whatif-"))
        #expect(ShellRun(["migrate", "--db", db]).status == 0)
        #expect(ShellRun(["--db", db], stdin: "INSERT INTO lead_repair DEFAULT VALUES;\n").status == 0)
        #expect(ShellRun(["check", "--db", db]).status == 0)
        #expect(ShellRun(["check", "--db", dir.file("missing.db")]).err == "leads: error: no database at \(dir.file("missing.db"))\n")
    }

    /// `leads backup`, `leads restore` and `leads migrate --backup`, as a deploy step runs them.
    @Test func backupRestoreAndAMigrationThatBacksUpFirst() throws {
        #expect(ShellRun(["--db", db], stdin: "capture email=ada@example.com first=Ada\n").status == 0)
        let copy = dir.file("copy.db")
        let backup = ShellRun(["backup", copy, "--db", db])
        #expect(backup.status == 0)
        #expect(backup.out.hasPrefix("Backed up \(db) to \(copy): 1 lead, "))
        #expect(backup.out.hasSuffix(" KiB, integrity ok. Restore it with `leads restore \(copy) --db \(db)`.\n"))
        #expect(ShellRun(["backup", copy, "--db", db]).err
            == "leads: error: backup: \(copy) already exists; give a new file name (a backup never overwrites a file)\n")
        #expect(ShellRun(["--db", db], stdin: "capture email=bob@example.com\nerase ada@example.com --yes\n").status == 0)
        let restore = ShellRun(["restore", copy, "--db", db])
        #expect(restore.out == "Restored \(db) from \(copy): 1 lead (the file had 2 before the restore: everything written since the backup is gone). "
            + "1 erasure made since the backup was applied again.\n")
        #expect(ShellRun(["--db", db], stdin: "SELECT count(*), count(email) FROM leads;\n").out == "1|0\n")
        #expect(ShellRun(["restore", dir.file("none.db"), "--db", db]).err == "leads: error: restore: no backup at \(dir.file("none.db"))\n")
        // A deploy with nothing to apply takes no copy; one with work to do copies the file first.
        #expect(ShellRun(["migrate", "--backup", "--db", db]).out.hasPrefix("No backup taken: there is nothing to apply.\n"))
        let plain = try Database(path: db, plain: true)
        try plain.execute("DROP TRIGGER leads_instead_of_update")
        let deploy = ShellRun(["migrate", "--backup", "--db", db])
        #expect(deploy.status == 0)
        let copies = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("t.db.before-migrate-") && $0.hasSuffix(".db") }
        #expect(copies.count == 1)
        #expect(deploy.out.hasPrefix("Backed up \(db) to \(dir.file(copies.first ?? "?")) ("))
        #expect(deploy.out.hasSuffix("Restored 1 schema object that had been dropped or changed by hand: leads_instead_of_update.\nRe-created the schema (views and triggers) from 33 files.\n"))
        #expect(ShellRun(["check", "--db", dir.file(copies.first ?? "?")]).out.contains("schema: leads_instead_of_update: dropped or changed by hand"))
    }

    /// No value and no message the shell prints acts on the terminal: escape sequences, bells and C1
    /// controls stored by another program come out as escapes in every mode.
    @Test func controlCharactersAreNeverPrintedRaw() throws {
        #expect(ShellRun(["--db", db], stdin: "SELECT 1;\n").status == 0)
        let plain = try Database(path: db, plain: true)
        try plain.execute("CREATE TABLE notes(text TEXT)")
        try plain.execute("INSERT INTO notes VALUES ('red ' || char(27) || '[31m, bell ' || char(7) || ', csi ' || char(155) || '2J, line' || char(10) || 'two')")
        for mode in ["table", "box", "list", "line", "csv", "tsv", "json", "jsonl", "markdown"] {
            let run = ShellRun(["--db", db], stdin: ".mode \(mode)\nSELECT text FROM notes;\nSELECT * FROM nowhere_\u{1B}[2J;\nlog 1 \u{1B}[2J\n")
            let printed = run.out + run.err
            #expect(!printed.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(mode): \(printed)")
            #expect(printed.contains("\\x1B") || printed.contains("\\u001b"), "\(mode)")
        }
        #expect(ShellRun(["--db", db], stdin: ".mode table\nSELECT text FROM notes;\n").out.contains("| red \\x1B[31m, bell \\x07, csi \\x9B2J, line\\ntwo |"))
        #expect(ShellRun(["--db", db], stdin: ".mode list\nSELECT text FROM notes;\n").out == "red \\x1B[31m, bell \\x07, csi \\x9B2J, line\ntwo\n")
    }

    /// A bidirectional override would reorder the rest of its line on a terminal: "Bob" then U+202E
    /// "moc.live" shows as another address. What the shell writes to a terminal (results, headers,
    /// errors, the pager) has them written out; files and pipes get the text as stored, marks included.
    @Test func bidirectionalControlsAreWrittenOutOnlyOnATerminal() throws {
        let stored = "Bob \u{202E}moc.live \u{2066}x\u{2069} \u{200F}"
        #expect(escapingBidiControls(stored) == "Bob \\u202Emoc.live \\u2066x\\u2069 \\u200F")
        #expect(escapingBidiControls("plain, and Arabic \u{0627}") == "plain, and Arabic \u{0627}")
        // A file keeps them (FileOutput on a file is no terminal).
        let file = dir.file("export.txt")
        let output = try FileOutput(path: file)
        #expect(!output.isTerminal)
        output.write(stored)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == stored)
        // Through the shell to a file: the name as stored.
        let plain = try Database(path: db, plain: true)
        try plain.execute("CREATE TABLE IF NOT EXISTS names(name TEXT)")
        try plain.execute("INSERT INTO names VALUES (?)", [stored])
        let export = dir.file("names.csv")
        #expect(ShellRun(["--db", db], stdin: ".once \(export)\nSELECT name FROM names;\n").status == 0)
        #expect(try String(contentsOfFile: export, encoding: .utf8).contains(stored))
    }


    /// With --readonly, `.open` writes nothing anywhere: no new file, no journal mode, no migration.
    @Test func readOnlyOpensWithoutCreatingOrWriting() throws {
        #expect(ShellRun(["--db", db], stdin: "SELECT 1;\n").status == 0)
        let other = dir.file("other.db")
        let run = ShellRun(["--db", db, "--readonly"], stdin: ".open \(other)\n.open \(db)\ncapture email=a@example.com\n")
        #expect(run.err == """
            Error near line 1: no database at \(other) (--readonly opens a file that exists, and creates none)
              .open \(other)
                    ^
            Usage: .open FILE
            Error near line 3: --readonly writes nothing: capture would change \(db); open it without --readonly

            """)
        #expect(run.out == "Opened \(db) read-only.\n")
        #expect(!FileManager.default.fileExists(atPath: other))
    }

    /// `.export` says whether it wrote a result; a table import refuses a rejects option it would not
    /// use; an erased lead's card says it is erased and shows no owner or deadline.
    @Test func exportRejectsAndAnErasedCardSayWhatHappened() throws {
        let csv = dir.file("t.csv")
        try "a,b\n1,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let run = ShellRun(["--db", db], stdin: """
            capture email=ada@example.com first=Ada
            .export \(dir.file("card.csv"))
            show 1
            .export \(dir.file("hot.csv"))
            hot
            CREATE TABLE t(a, b);
            .import \(csv) t --rejects \(dir.file("r.csv"))
            erase 1 --yes
            show 1

            """)
        #expect(run.err.contains("Nothing exported to \(dir.file("card.csv")): the command printed no result (.once FILE keeps any output).\n"))
        #expect(run.err.contains("Exported to \(dir.file("hot.csv")).\n"))
        #expect(try String(contentsOfFile: dir.file("hot.csv"), encoding: .utf8).hasPrefix("id,name,email,company,stage,owner,score,hot\r\n1,Ada,"))
        #expect(run.err.contains("--rejects goes with an import of leads; an import into t lists the rows it refused\n"))
        let card = run.out.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT[\d:.]+Z"#, with: "TIME", options: .regularExpression)
        #expect(card.hasSuffix("""
            Lead 1: (erased)
              stage       new
              score       10.0 = fit 0.0 + engagement 10.0
                  +10.0  form_submit  TIME
              erased      TIME: personal data removed, facts kept for reports
              created     TIME

            """))
    }

    @Test func aScriptOnStdinPrintsPlainResults() {
        let run = ShellRun(["--db", db], stdin: "SELECT 1+1;\n")
        #expect(run.out == "2\n")
        #expect(run.err == "")
        #expect(run.status == 0)
    }

    @Test func multiLineStatementsAndTablesWithVisibleNull() {
        let script = """
            .mode table
            SELECT name,
                   outcome
              FROM stages
             WHERE position <= 20 OR outcome = 'won'
             ORDER BY position;
            CREATE TRIGGER keep_semicolons AFTER INSERT ON teams BEGIN
                SELECT 1; SELECT 2;
            END;
            SELECT count(*) AS n FROM sqlite_schema WHERE name = 'keep_semicolons';
            """
        let run = ShellRun(["--db", db], stdin: script)
        #expect(
            run.out == """
                +-----------+---------+
                | name      | outcome |
                +-----------+---------+
                | new       | NULL    |
                | contacted | NULL    |
                | customer  | won     |
                +-----------+---------+
                +---+
                | n |
                +---+
                | 1 |
                +---+

                """)
        #expect(run.status == 0)
    }

    @Test func errorsArePrintedTheScriptGoesOnAndTheStatusIsOne() {
        let run = ShellRun(["--db", db], stdin: "SELECT 1;\nSELECT nope;\nSELECT 3;\n")
        #expect(run.out == "1\n3\n")
        #expect(run.err == "Error near line 2: no such column: nope\n  SELECT nope;\n         ^--- here\n")
        #expect(run.status == 1)
    }

    @Test func bailStopsAtTheFirstError() {
        let run = ShellRun(["--db", db, "--bail"], stdin: "SELECT 1;\nSELECT nope;\nSELECT 3;\n")
        #expect(run.out == "1\n")
        #expect(run.status == 1)
    }

    @Test func dotCommands() {
        let script = """
            .tables stage%
            .schema holidays
            .headers on
            SELECT 'a' AS x, NULL AS y;
            .nullvalue (null)
            SELECT NULL AS y;
            .quit
            SELECT 'never';
            """
        let run = ShellRun(["--db", db], stdin: script)
        #expect(
            run.out == """
                stage_counts                 stage_history
                stage_stay_days              stage_stay_days_recomputed
                stage_stay_paths             stage_stay_paths_recomputed
                stage_stays                  stage_transitions
                stage_usage                  stage_velocity
                stage_win_days               stage_win_days_recomputed
                stages
                CREATE TABLE holidays (
                    day  TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    name TEXT
                ) WITHOUT ROWID;
                CREATE TRIGGER holidays_before_update_day_no_replace BEFORE UPDATE OF day ON holidays
                WHEN NEW.day IS NOT OLD.day AND EXISTS (SELECT 1 FROM holidays WHERE day = NEW.day)
                BEGIN
                    INSERT INTO _raise(arg) VALUES (json_array('already_exists: holiday ' || NEW.day || ' exists; a key is not moved onto another row (a replace would delete it)'));
                END;
                x|y
                a|
                y
                (null)

                """)
        #expect(run.status == 0)
    }

    @Test func badDotCommandArgumentsGetACaretAndTheUsage() {
        let run = ShellRun(["--db", db], stdin: ".headers maybe\n.mode\n.frobnicate\n.schema nothing_here\n")
        #expect(
            run.err == """
                Error near line 1: expected on or off, not maybe
                  .headers maybe
                           ^
                Usage: .headers on|off
                Error near line 3: unknown command .frobnicate. Type .help for the list.
                Error near line 4: no table, view, index or trigger named nothing_here
                  .schema nothing_here
                          ^
                Usage: .schema [NAME]

                """)
        #expect(run.out.hasPrefix("current output mode: list\n"))
        #expect(run.status == 1)
    }

    @Test func helpListsEveryCommandWithItsUsage() {
        let run = ShellRun(["--db", db], stdin: ".help\n.help mode\n")
        #expect(run.out.contains("  .schema [NAME]"))
        #expect(run.out.contains(".mode [MODE]\n    show or set the output mode"))
        #expect(run.status == 0)
    }

    @Test func outputModes() {
        let select = "SELECT 1 AS id, 'a,b' AS name, NULL AS note;\n"
        #expect(ShellRun(["--db", db], stdin: ".mode csv\n" + select).out == "id,name,note\r\n1,\"a,b\",\r\n")
        #expect(ShellRun(["--db", db], stdin: ".mode json\n" + select).out == "[{\"id\":1,\"name\":\"a,b\",\"note\":null}]\n")
        #expect(ShellRun(["--db", db], stdin: ".mode line\n" + select).out == "  id = 1\nname = a,b\nnote = \n")
        #expect(
            ShellRun(["--db", db], stdin: ".mode markdown\n" + select).out
                == "| id | name | note |\n|----|------|------|\n| 1  | a,b  |      |\n")
    }

    @Test func commandOptionRunsAndExits() {
        let run = ShellRun(["--db", db, "-c", "SELECT 40+2;", "-c", ".mode csv", "-c", "SELECT 'x' AS y;"])
        #expect(run.out == "42\ny\r\nx\r\n")
        #expect(run.status == 0)
        #expect(ShellRun(["--db", db, "-c", "SELECT nope;"]).status == 1)
    }

    @Test func aNewFileIsMigratedWhenTheShellOpensIt() throws {
        _ = ShellRun(["--db", db], stdin: "")
        let check = try Database(path: db)
        #expect(try check.scalar("SELECT count(*) FROM _migrations", as: Int.self)! >= 1)
    }

    @Test func migrateTwiceAppliesOnceThenReportsNothingToDo() {
        let first = ShellRun(["migrate", "--db", db])
        #expect(first.status == 0)
        #expect(first.out.hasPrefix("Applied 0001_initial.sql\n"))
        let second = ShellRun(["migrate", "--db", db])
        #expect(second.status == 0)
        #expect(second.out.hasPrefix("Nothing to do: \(db) is up to date"))
        let status = ShellRun(["migrate", "status", "--db", db])
        #expect(status.out.hasPrefix("applied  0001_initial.sql  20"))
        #expect(status.out.hasSuffix("schema   up to date\n"))
    }

    @Test func migratePlanAndStatusNeverCreateTheFile() {
        let plan = ShellRun(["migrate", "plan", "--db", db])
        #expect(plan.status == 0)
        #expect(plan.out.hasPrefix("\(db) does not exist yet; `leads migrate` would create it: 28 migrations and the schema from 33 files.\nWould apply 0001_initial.sql\n"))
        #expect(ShellRun(["migrate", "status", "--db", db]).out == "\(db) does not exist yet; `leads migrate` would create it: 28 migrations and the schema from 33 files.\n")
        #expect(!FileManager.default.fileExists(atPath: db))
        // On an existing file they leave no -wal or -shm behind.
        #expect(ShellRun(["migrate", "--db", db]).status == 0)
        #expect(ShellRun(["migrate", "status", "--db", db]).status == 0)
        #expect(ShellRun(["migrate", "plan", "--db", db]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: db + "-shm"))
    }

    @Test func refusalsExitNonZeroAndLeaveTheFileAlone() throws {
        let other = try Database(path: db, plain: true)  // another program's file, in rollback-journal mode
        try other.execute("CREATE TABLE notes(x)")
        let run = ShellRun(["migrate", "--db", db])
        #expect(run.status == 1)
        #expect(run.err == "leads: error: \(db) is not a LeadDB database: it already has an object (table notes) and no LeadDB application_id. Nothing was changed; open a LeadDB file or a new path.\n")
        #expect(try other.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 1)
        // Not even its journal mode: no -wal file appears beside another program's database.
        #expect(try other.scalar("PRAGMA journal_mode", as: String.self) == "delete")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        // Nor does the shell switch it when it opens the file to look.
        #expect(ShellRun(["--db", db, "-c", "SELECT count(*) FROM notes"]).out == "0\n")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        #expect(ShellRun(["migrate", "--db", ""]).status == 2)
    }

    @Test func usageErrorsExitTwo() {
        #expect(ShellRun(["--frob"]).status == 2)
        #expect(ShellRun(["migrate", "sideways"]).status == 2)
        #expect(ShellRun(["--db"]).status == 2)
        let help = ShellRun(["--help"])
        #expect(help.status == 0 && help.out.hasPrefix("Usage: leads"))
        #expect(ShellRun(["--version"]).out.hasPrefix("leads 0.1.0 (SQLite 3."))
    }
}

@Suite struct ShellRuleErrorTests {
    @Test func aRuleViolationPrintsTheRulesOwnMessage() {
        let dir = TemporaryDirectory()
        let script = """
            INSERT INTO lead_intake(email) VALUES ('ada@example.com');
            UPDATE leads SET stage = 'customer' WHERE id = 1;
            INSERT INTO lead_intake(email) VALUES ('not-an-email');
            SELECT count(*) FROM leads;
            """
        let run = ShellRun(["--db", dir.file("r.db")], stdin: script)
        #expect(run.out == "1\n")
        #expect(
            run.err == """
                Error near line 2: invalid_transition: lead 1 cannot move from new to customer (allowed: contacted, nurturing, mql, disqualified)
                Error near line 3: invalid_email: not-an-email is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)

                """)
        #expect(run.status == 1)
    }
}

@Suite struct ShellOpeningTests {
    @Test func aFileWithPendingWorkGetsAWarningThatNamesLeadsMigrate() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.db")
        #expect(ShellRun(["migrate", "--db", path]).status == 0)
        // As if this binary's schema were newer than the file's.
        let db = try Database(path: path)
        try db.execute("DROP TRIGGER _schema_files_before_update_runner")
        try db.execute("UPDATE _schema_files SET checksum = 'old' WHERE file_name = '00_clock.sql'")
        let run = ShellRun(["--db", path], stdin: "SELECT 1;\n")
        #expect(run.err == "warning: \(path) has a changed schema; run `leads migrate --db \(path)` to apply.\n")
        #expect(run.out == "1\n")
        #expect(ShellRun(["migrate", "--db", path]).out
            == "Restored 1 schema object that had been dropped or changed by hand: _schema_files_before_update_runner.\nRe-created the schema (views and triggers) from 33 files.\n")
        #expect(ShellRun(["--db", path], stdin: "SELECT 1;\n").err == "")
    }

    @Test func theBuiltBinaryWorksFromAnyDirectory() throws {
        // The SQL is embedded: the real `leads` binary, run from an empty directory, sets up a file.
        let binary = try #require(LeadsBinary.url, "the leads binary is built next to the test bundle")
        let dir = TemporaryDirectory()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["migrate", "--db", "here.db"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("Applied 0001_initial.sql"))
        #expect(FileManager.default.fileExists(atPath: dir.file("here.db")))

        let shell = Process()
        shell.executableURL = binary
        shell.arguments = ["--db", "here.db"]
        shell.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let input = Pipe()
        let result = Pipe()
        shell.standardInput = input
        shell.standardOutput = result
        try shell.run()
        input.fileHandleForWriting.write(Data("SELECT 1+1;\n".utf8))
        try input.fileHandleForWriting.close()
        shell.waitUntilExit()
        #expect(String(decoding: result.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "2\n")
        #expect(shell.terminationStatus == 0)
    }
}

/// The `leads` executable built beside the test bundle (`.build/<config>/leads`).
enum LeadsBinary {
    static var url: URL? {
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("leads")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

@Suite struct ReadOnlyShellTests {
    @Test func aReadOnlyShellReadsFindsAndRefusesWrites() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("ro.db")
        #expect(ShellRun(["--db", path], stdin: "capture email=ada@example.com name=\"Ada Lovelace\"\ntick\n").status == 0)
        let run = ShellRun(["--db", path, "--readonly"], stdin: "find lovelace\nshow ada@example.com\ncapture email=b@example.com\n")
        #expect(run.out.hasPrefix("1|Ada Lovelace|ada@example.com||new|10.0\nLead 1: Ada Lovelace <ada@example.com>\n"))
        #expect(run.err == "Error near line 3: --readonly writes nothing: capture would change \(path); open it without --readonly\n")
        #expect(run.status == 1)
    }
}

@Suite struct DemoAndOpenTests {
    @Test func demoFillsANewFileOnceAndOpenSwitchesFiles() throws {
        let dir = TemporaryDirectory()
        let demo = dir.file("demo.db")
        let first = ShellRun(["demo", "--db", demo])
        #expect(first.status == 0)
        #expect(first.out == "Loaded the demo into \(demo): 5 reps, 240 leads, 933 activities. Open it with: leads --db \(demo)\n")
        let again = ShellRun(["demo", "--db", demo])
        #expect(again.status == 1)
        #expect(again.err == "leads: error: demo_refused: the database already has 240 leads; the demo fills only an empty one (give a new file with --db)\n")
        let counts = ShellRun(["--db", demo, "-c", "SELECT count(*) FROM leads", "-c", "SELECT sum(leads) FROM funnel"])
        #expect(counts.out == "240\n240\n")

        let other = dir.file("other.db")
        let run = ShellRun(["--db", demo], stdin: ".open \(other)\nSELECT count(*) FROM leads;\ncapture email=a@example.com\n.open \(demo)\nSELECT count(*) FROM leads;\n")
        #expect(run.out.hasPrefix("Opened \(other).\n0\nCreated lead 1: a@example.com, stage new, score 10.0, unassigned"))
        #expect(run.out.hasSuffix("Opened \(demo).\n240\n"))
    }
}

/// The trade-show export, as a sales team would load it: on the real clock, into four round-robin reps
/// with room to spare, twice.
@Suite struct TradeShowImportTests {
    @Test func theSampleIsSharedFairlyAndASecondImportChangesNothing() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("t.db")
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let csv = dir.file("tradeshow-leads.csv")
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("tradeshow-leads.csv").path, toPath: csv)
        let setup = ShellRun(["--db", db], stdin: "INSERT INTO reps(name, capacity) VALUES ('Ana', 500), ('Ben', 500), ('Cy', 500), ('Di', 500);\n")
        #expect(setup.status == 0)
        let first = ShellRun(["--db", db], stdin: ".import \(csv)\n")
        #expect(first.out.contains("281 created, 11 merged, 6 rejected, 1 already captured (the same row again: unchanged)"))
        // Each company's people go to one rep (its account's owner: 17 companies, the first of each routed
        // round robin with the free-mail leads); the reps' shares follow.
        let owners = ShellRun(["--db", db, "-c", "SELECT count(*) FROM lead_records GROUP BY owner_id ORDER BY owner_id"])
        #expect(owners.out == "79\n69\n78\n55\n")
        let accounts = ShellRun(["--db", db, "-c", """
            SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM assignments WHERE method = 'account'),
                   (SELECT count(*) FROM (SELECT account_id FROM lead_records WHERE account_id IS NOT NULL GROUP BY account_id HAVING count(DISTINCT owner_id) > 1))
            """])
        #expect(accounts.out == "17|186|0\n")
        // With routing by account off, every lead is shared round robin.
        let off = dir.file("off.db")
        #expect(ShellRun(["--db", off, "--create", "-c", "INSERT INTO reps(name, capacity) VALUES ('Ana', 500), ('Ben', 500), ('Cy', 500), ('Di', 500)",
                          "-c", "UPDATE settings SET value = 0 WHERE key = 'routing.by_account'", "-c", ".import \(csv)"]).out.contains("281 created"))
        #expect(ShellRun(["--db", off, "-c", "SELECT count(*) FROM lead_records GROUP BY owner_id ORDER BY owner_id"]).out == "71\n70\n70\n70\n")
        // Read both states at one frozen instant a day from now, so decay does not differ between them.
        let instant = ShellRun(["--db", db, "-c", "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day')"]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let snapshot = "SELECT id, stage, owner_id, score, fit_score, engagement FROM leads ORDER BY id"
        let state = { () -> String in
            ShellRun(["--db", db], stdin: "UPDATE settings SET value = '\(instant)' WHERE key = 'clock.now';\n\(snapshot);\nUPDATE settings SET value = NULL WHERE key = 'clock.now';\n").out
        }
        let before = state()
        let counts = "SELECT (SELECT count(*) FROM lead_records), (SELECT count(*) FROM activity_log), (SELECT count(*) FROM assignments), (SELECT count(*) FROM outbox), (SELECT count(*) FROM stage_history)"
        let countsBefore = ShellRun(["--db", db, "-c", counts]).out
        let second = ShellRun(["--db", db], stdin: ".import \(csv)\n")
        #expect(second.out.contains("0 created, 0 merged, 6 rejected, 293 already captured"))
        #expect(state() == before)
        #expect(ShellRun(["--db", db, "-c", counts]).out == countsBefore)
    }
}

@Suite struct ScoreDisplayTests {
    @Test func aScoreJustBelowZeroShowsAsZero() {
        let dir = TemporaryDirectory()
        let script = """
            .clock 2026-11-24T09:00:00Z
            capture email=intern@example.com title=Intern
            .clock 2026-11-24T09:00:05Z
            show 1
            """
        let run = ShellRun(["--db", dir.file("t.db")], stdin: script)
        #expect(run.out.contains("  score       0.0 = fit -10.0 + engagement 10.0\n"))
        #expect(!run.out.contains("-0.0"))
    }
}

@Suite struct AmountInputTests {
    @Test func amountsAreReadWholeOrRefused() {
        let dir = TemporaryDirectory()
        let script = """
            .clock 2026-11-24T09:00:00Z
            INSERT INTO reps(name) VALUES ('Ana');
            capture email=a@example.com
            move 1 contacted
            move 1 sql
            move 1 opportunity amount=1.5k
            move 1 opportunity amount=12,00
            move 1 opportunity amount=12,000
            move 1 opportunity amount=15000
            SELECT amount FROM leads WHERE id = 1;
            """
        let run = ShellRun(["--db", dir.file("t.db")], stdin: script)
        #expect(run.out.contains("Moved lead 1 from sql to opportunity\nLead 1 stays in opportunity; set amount 15000\n"))
        #expect(run.out.hasSuffix("15000\n"))
        #expect(run.err.contains("amount is a number such as 12500.50 or 12,500.50 (digits, thousands commas, one decimal point; no units)"))
        #expect(run.err.components(separatedBy: "amount is a number").count == 3)
    }
}

@Suite struct FilePermissionTests {
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func filesWithLeadDataAreReadableByTheirOwnerOnly() throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("in.csv")
        try "email,name\nok@example.com,Ok\nbad@@example.com,Bad\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let script = """
            .import \(csv)
            .once \(dir.file("once.txt"))
            SELECT email FROM leads;
            .output \(dir.file("out.txt"))
            SELECT 1;
            .output
            """
        let run = ShellRun(["--db", dir.file("t.db")], stdin: script)
        #expect(run.status == 1)  // one row was rejected
        #expect(try mode(dir.file("t.db")) == 0o600)
        #expect(try mode(dir.file("in.rejects.csv")) == 0o600)
        #expect(try mode(dir.file("once.txt")) == 0o600)
        #expect(try mode(dir.file("out.txt")) == 0o600)
    }
}

@Suite struct FindCommandTests {
    @Test func aCutListSaysSo() {
        let dir = TemporaryDirectory()
        let script = """
            INSERT INTO lead_intake(email, company) SELECT 'p' || value || '@example.com', 'Initech' FROM json_each('[\((1...55).map(String.init).joined(separator: ","))]');
            find initech
            """
        let run = ShellRun(["--db", dir.file("t.db")], stdin: script)
        #expect(run.out.split(separator: "\n").filter { $0.contains("Initech") }.count == 50)
        #expect(run.out.hasSuffix("(more than 50 leads match: the 50 with the highest scores are shown; add more text to narrow it)\n"))
    }
}

@Suite struct TimerTests {
    @Test func timerTimesLeadCommandsToo() {
        let dir = TemporaryDirectory()
        let run = ShellRun(["--db", dir.file("t.db")], stdin: ".timer on\ncapture email=a@example.com\nfunnel\n")
        #expect(run.out.components(separatedBy: "Run Time: real ").count - 1 == 2)
    }
}

@Suite struct ReadOnlyTests {
    @Test func readOnlyWritesNothingAnywhere() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("t.db")
        #expect(ShellRun(["migrate", "--db", db]).status == 0)
        let csv = dir.file("in.csv")
        try "email\nbad@@example.com\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let copy = dir.file("copy.db")
        let run = ShellRun(["--db", db, "--readonly"], stdin: "VACUUM INTO '\(copy)';\n.import \(csv)\n")
        #expect(run.err.contains("--readonly writes nothing: VACUUM (INTO) would write a file"))
        #expect(run.err.contains("--readonly writes nothing: .import would store leads; open the database without --readonly"))
        #expect(!FileManager.default.fileExists(atPath: copy))
        #expect(!FileManager.default.fileExists(atPath: dir.file("in.rejects.csv")))
    }
}

@Suite struct MissingFileTests {
    @Test func aScriptOnAMissingFileIsRefusedUnlessItCreatesOne() {
        let dir = TemporaryDirectory()
        let typo = dir.file("laeds.db")
        let run = ShellRun(["--db", typo, "-c", "SELECT count(*) FROM leads"], create: false)
        #expect(run.status == 1)
        #expect(run.err == "leads: error: no database at \(typo): check the path, or create it with `leads migrate --db \(typo)` (or add --create)\n")
        #expect(!FileManager.default.fileExists(atPath: typo))
        let piped = ShellRun(["--db", typo], stdin: "SELECT 1;\n", create: false)
        #expect(piped.status == 1 && !FileManager.default.fileExists(atPath: typo))
        // --create, migrate and the interactive shell make it.
        #expect(ShellRun(["--db", typo, "--create", "-c", "SELECT count(*) FROM leads"], create: false).out == "0\n")
        #expect(FileManager.default.fileExists(atPath: typo))
    }
}

@Suite struct WhatIfTests {
    @Test func aWhatIfIsPrivateAndDiscarded() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("t.db")
        // (other processes may hold what-if copies of their own: only this run's count)
        let copiesBefore = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("leads-whatif-") })
        let script = """
            capture email=a@example.com
            .whatif
            .clock +30d
            capture email=b@example.com
            SELECT count(*) FROM leads;
            .whatif end
            SELECT count(*) FROM leads;
            SELECT value IS NULL FROM settings WHERE key = 'clock.now';
            """
        let run = ShellRun(["--db", db], stdin: script)
        #expect(run.out.contains("What-if: a private copy of \(db)."))
        #expect(run.out.contains("in this what-if copy only)"))
        #expect(run.out.contains("2\nBack on \(db); the what-if copy and everything done in it were discarded.\n1\n1\n"))
        // Meanwhile another program saw neither the lead nor the clock.
        let copiesAfter = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("leads-whatif-") })
        #expect(copiesAfter.subtracting(copiesBefore).isEmpty)
    }
}
