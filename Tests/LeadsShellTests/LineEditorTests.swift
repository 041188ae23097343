import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

@testable import LeadsShell

@Suite struct KeyDecoderTests {
    @Test func bytesBecomeKeys() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("ab\r".utf8)) == [.character("a"), .character("b"), .enter])
        #expect(decoder.decode([27, 91, 68, 27, 91, 67, 27, 91, 65, 27, 91, 66]) == [.left, .right, .up, .down])
        #expect(decoder.decode([27, 91, 72, 27, 79, 70, 27, 91, 51, 126]) == [.home, .end, .delete])
        #expect(decoder.decode([27, 91, 49, 59, 53, 68, 27, 98, 27, 102]) == [.wordLeft, .wordLeft, .wordRight])
        #expect(decoder.decode([1, 5, 11, 21, 23, 18, 3, 4, 9, 127]) == [
            .control("A"), .control("E"), .control("K"), .control("U"), .control("W"), .control("R"), .control("C"), .control("D"), .tab, .backspace,
        ])
    }

    @Test func sequencesSplitAcrossReadsAreJoined() {
        var decoder = KeyDecoder()
        let bytes = Array("é王".utf8)
        #expect(decoder.decode([bytes[0]]).isEmpty)
        #expect(decoder.decode(Array(bytes[1...2])) == [.character("é")])
        #expect(decoder.decode(Array(bytes[3...])) == [.character("王")])
        #expect(decoder.decode([27, 91]).isEmpty)
        #expect(decoder.decode([68]) == [.left])
    }
}

@Suite struct LineEditorStateTests {
    func type(_ text: String, into state: inout LineEditorState) {
        for c in text { _ = state.handle(.character(c)) }
    }

    @Test func editingKeys() {
        var state = LineEditorState()
        type("select 1", into: &state)
        _ = state.handle(.control("A"))
        _ = state.handle(.delete)
        type("S", into: &state)
        #expect(state.line == "Select 1" && state.cursor == 1)
        _ = state.handle(.control("E"))
        _ = state.handle(.backspace)
        type("42", into: &state)
        #expect(state.line == "Select 42")
        _ = state.handle(.wordLeft)
        #expect(state.cursor == 7)
        _ = state.handle(.control("K"))
        #expect(state.line == "Select ")
        type("a b", into: &state)
        _ = state.handle(.control("W"))
        #expect(state.line == "Select a ")
        _ = state.handle(.control("U"))
        #expect(state.line == "" && state.cursor == 0)
        type("王x", into: &state)
        _ = state.handle(.left)
        _ = state.handle(.left)
        _ = state.handle(.wordRight)
        #expect(state.cursor == 2)
    }

    @Test func anUnfinishedStatementContinuesAsOneEntry() {
        var state = LineEditorState()
        state.isComplete = { $0.hasSuffix(";") }
        type("SELECT 1", into: &state)
        _ = state.handle(.control("A"))
        #expect(state.handle(.enter) == .edit)  // not complete: a new line, at the end
        type("+ 1;", into: &state)
        #expect(state.handle(.enter) == .submit("SELECT 1\n+ 1;"))
        // Home and End work on the current line of the entry.
        var multi = LineEditorState()
        multi.isComplete = { _ in false }
        type("ab", into: &multi)
        _ = multi.handle(.enter)
        type("cd", into: &multi)
        _ = multi.handle(.home)
        #expect(multi.cursor == 3)
    }

    @Test func historyRecallKeepsTheDraft() {
        var state = LineEditorState(history: ["SELECT 1;", "hot"])
        type("draft", into: &state)
        _ = state.handle(.up)
        #expect(state.line == "hot")
        _ = state.handle(.up)
        #expect(state.line == "SELECT 1;")
        _ = state.handle(.up)
        #expect(state.line == "SELECT 1;")
        _ = state.handle(.down)
        _ = state.handle(.down)
        #expect(state.line == "draft")
        state.addHistory("tick")
        state.addHistory("tick")
        #expect(state.history == ["SELECT 1;", "hot", "tick"])
    }

    @Test func reverseSearch() {
        var state = LineEditorState(history: ["SELECT * FROM leads;", "hot 3", "SELECT count(*) FROM reps;"])
        _ = state.handle(.control("R"))
        type("SELECT", into: &state)
        #expect(state.searchMatch == "SELECT count(*) FROM reps;")
        _ = state.handle(.control("R"))
        #expect(state.searchMatch == "SELECT * FROM leads;")
        _ = state.handle(.right)  // accepts the match and moves on
        #expect(state.search == nil && state.line == "SELECT * FROM leads;")
        _ = state.handle(.control("U"))
        _ = state.handle(.control("R"))
        type("hot", into: &state)
        #expect(state.handle(.enter) == .submit("hot 3"))
        _ = state.handle(.control("R"))
        type("zzz", into: &state)
        _ = state.handle(.control("G"))
        #expect(state.search == nil)
    }

    @Test func completion() {
        var state = LineEditorState()
        state.complete = { _, _ in ["lead_records", "lead_scores", "leads", "hot"] }
        type("SELECT * FROM lea", into: &state)
        #expect(state.handle(.tab) == .edit)
        #expect(state.line == "SELECT * FROM lead")  // the common prefix
        #expect(state.handle(.tab) == .edit)
        #expect(state.handle(.tab) == .showCandidates(["lead_records", "lead_scores", "leads"]))
        type("_s", into: &state)
        _ = state.handle(.tab)
        #expect(state.line == "SELECT * FROM lead_scores ")
    }

    @Test func controlCClearsAndControlDEndsOnlyAnEmptyEntry() {
        var state = LineEditorState()
        type("half a thought", into: &state)
        #expect(state.handle(.control("C")) == .cancel)
        #expect(state.line.isEmpty)
        type("x", into: &state)
        _ = state.handle(.home)
        #expect(state.handle(.control("D")) == .edit)  // deletes the character under the cursor
        #expect(state.line.isEmpty)
        #expect(state.handle(.control("D")) == .endOfInput)
    }

    @Test func historyFileEscapesMultiLineEntries() {
        let entry = "SELECT 'a\\b'\nFROM t;"
        let line = TerminalLineReader.escape(entry)
        #expect(!line.contains("\n"))
        #expect(TerminalLineReader.unescape(line) == entry)
    }

    @Test func completionCandidatesComeFromTheDatabase() throws {
        let dir = TemporaryDirectory()
        let run = ShellRun(["--db", dir.file("c.db")], stdin: "INSERT INTO reps(name) VALUES ('Sam');\n")
        #expect(run.status == 0)
        let db = try Database(path: dir.file("c.db"))
        let shell = Shell(db: db, out: BufferOutput(), err: BufferOutput(), interactive: false)
        let atStart = shell.completionCandidates(word: "fi", line: "fi")
        #expect(atStart.contains("find") && !atStart.contains("first_name"))  // an entry starts with a command
        #expect(shell.completionCandidates(word: ".mi", line: ".mi").contains(".migrate"))
        // By context: stages after move ID, kinds after log ID, reps (quoted with spaces) after assign ID.
        #expect(shell.completionCandidates(word: "nur", line: "move 1 nur") == ["new", "contacted", "nurturing", "mql", "sql", "opportunity", "customer", "disqualified"])
        #expect(shell.completionCandidates(word: "dem", line: "log 1 dem").contains("demo_request"))
        #expect(!shell.completionCandidates(word: "dem", line: "log 1 dem").contains("nurturing"))
        try db.execute("INSERT INTO reps(name) VALUES ('Ana Ruiz')")
        #expect(shell.completionCandidates(word: "An", line: "assign 1 An") == ["\"Ana Ruiz\"", "Sam", "none"])
        #expect(shell.completionCandidates(word: "reason=no_b", line: "move 1 disqualified reason=no_b").contains("reason=no_budget"))
        #expect(shell.completionCandidates(word: "\(dir.path)/c.", line: ".import \(dir.path)/c.").contains("\(dir.path)/c.db"))
        // SQL completes tables and columns, not the search index's internal tables.
        let sql = shell.completionCandidates(word: "lead", line: "SELECT * FROM lead")
        #expect(sql.contains("lead_records") && sql.contains("lead_search") && !sql.contains("lead_search_data"))
        // A rep name with spaces completes quoted in the editor.
        var state = LineEditorState()
        state.complete = { word, line in shell.completionCandidates(word: word, line: line) }
        for key in "assign 1 Ana" { _ = state.handle(.character(key)) }
        _ = state.handle(.tab)
        #expect(state.line == "assign 1 \"Ana Ruiz\" ")
        #expect(shell.entryIsComplete("hot") && shell.entryIsComplete(".tables") && !shell.entryIsComplete("SELECT 1"))
    }
}

/// Lines fed one by one, kept as a history that an erasure scrubs.
final class RememberingInput: LineSource {
    private var pending: [String]
    private(set) var history: [String] = []
    init(_ lines: [String]) { pending = lines }
    func readLine(prompt: String?) -> String? {
        guard !pending.isEmpty else { return nil }
        let line = pending.removeFirst()
        history.append(line)
        return line
    }
    func forget(where matches: (String) -> Bool) { history.removeAll(where: matches) }
}

@Suite struct ErasureHistoryTests {
    @Test func anErasureScrubsTheHistoryAndAsksFirstOnATerminal() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try LeadDatabase.migrator().migrate(db)
        let out = BufferOutput()
        let shell = Shell(db: db, out: out, err: out, interactive: true)
        let input = RememberingInput([
            "capture email=ada@example.com name=\"Ada Lovelace\" company=\"Analytical Engines\" phone=\"+44 20 7946 0000\"",
            "SELECT count(*) FROM leads WHERE company = 'Analytical Engines';",
            "capture email=grace@example.com",
            "log 1 call +44 20 7946-0000 rang back",
            "find lovel", "find ada", "find 20 7946 0000", "show 2",
            "erase ada@example.com", "no",
            "erase ada@example.com", "yes",
        ])
        _ = shell.run(input, prompts: false)
        #expect(out.text.contains("Not erased.\n"))
        #expect(out.text.contains("Erased lead 1: personal data removed from the database, its WAL, the search index and this shell's history"))
        #expect(input.history == ["capture email=grace@example.com", "show 2", "no", "yes"])
        // From a script, erasing needs --yes.
        let script = ShellRun(["--db", dir.file("t.db")], stdin: "erase 2\n")
        #expect(script.err.contains("erasing cannot be undone: add --yes to erase lead 2 from a script"))
    }

    @Test func theHistoryFileLosesTheErasedLines() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("history")
        try "capture email=ada@example.com\nSELECT 1;\nshow ada@example.com\n".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = TerminalLineReader(historyPath: path, isComplete: { _ in true }, complete: { _, _ in [] })
        reader.forget { $0.contains("ada@example.com") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "SELECT 1;\n")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }

    /// Lines typed while a statement runs reach the terminal together; each is the next entry (the
    /// keys after the first Enter were dropped).
    @Test func linesTypedAheadAreEachAnEntry() throws {
        // (a pseudo-terminal: /dev/ptmx, unlocked (TIOCSPTLCK), and its other end by number (TIOCGPTN);
        // Linux's values, which Swift does not import from their macros)
        let controller = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        try #require(controller >= 0 && ioctl(controller, 0x4004_5431, &unlock) == 0 && ioctl(controller, 0x8004_5430, &number) == 0)
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(terminal >= 0)
        defer { close(terminal) }
        var drawn = ""
        let reader = TerminalLineReader(historyPath: nil, isComplete: { $0.hasSuffix(";") || $0.hasPrefix(".") }, complete: { _, _ in [] },
                                        input: terminal, output: { drawn += $0 })
        let typed = Array("SELECT 1;\r.tables\rSELECT\r 2;\r".utf8)
        #expect(typed.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) } == typed.count)
        #expect(reader.readLine(prompt: "leads> ") == "SELECT 1;")
        #expect(reader.readLine(prompt: "leads> ") == ".tables")
        #expect(reader.readLine(prompt: "leads> ") == "SELECT\n 2;")
        close(controller)
        #expect(reader.readLine(prompt: "leads> ") == nil)
        #expect(drawn.contains("leads> SELECT 1;"))
    }
}

/// Lines fed one by one; the prompts the shell showed are kept.
final class PromptRecorder: LineSource {
    private var pending: [String]
    private(set) var prompts: [String] = []
    init(_ lines: [String]) { pending = lines }
    func readLine(prompt: String?) -> String? {
        if let prompt { prompts.append(prompt) }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}

@Suite struct ClockVisibilityTests {
    @Test func aFrozenOrShiftedClockShowsInThePromptAndOnOpening() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try LeadDatabase.migrator().migrate(db)
        let out = BufferOutput()
        let shell = Shell(db: db, out: out, err: out, interactive: true)
        let input = PromptRecorder([".clock 2026-11-24T09:00:00Z", ".clock +2h", ".clock reset"])
        _ = shell.run(input, prompts: true)
        #expect(input.prompts == ["leads> ", "leads [clock frozen 2026-11-24T09:00:00.000Z]> ",
                                  "leads [clock frozen 2026-11-24T11:00:00.000Z]> ", "leads> "])
        #expect(out.text.contains("now: 2026-11-24T09:00:00.000Z (frozen for every program that opens this file, until .clock reset)\n"))
        // Opening a file whose clock is frozen says so before anything is typed.
        try db.execute("UPDATE settings SET value = '2026-11-24T09:00:00Z' WHERE key = 'clock.now'")
        let again = ShellRun(["--db", dir.file("t.db")], stdin: "", interactive: true)
        #expect(again.out.contains("note: this file's clock is not the real time (frozen 2026-11-24T09:00:00Z): every program that opens it sees that time; .clock reset returns to real time.\n"))
    }
}

@Suite struct TerminalFitTests {
    @Test func wideTablesAreFittedToTheTerminal() throws {
        let db = try Database(path: ":memory:")
        let out = BufferOutput()
        let shell = Shell(db: db, out: out, err: out, interactive: true)
        shell.terminalSize = { (columns: 40, rows: 200) }
        let long = String(repeating: "x", count: 55)
        _ = shell.run(PromptRecorder([".mode table", "SELECT '\(long)' AS a, '\(long)' AS b;"]), prompts: false)
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("|") || $0.hasPrefix("+") }.allSatisfy { $0.count <= 40 })
        #expect(out.text.contains("characters were cut to fit the terminal; .width 0 shows them whole, or try .mode line)"))
    }
}

/// The shell's results follow a schema another connection changed between two lines: a view made
/// again with more, fewer or other columns, a column added. (The columns were counted before the first
/// step, which SQLite's re-preparing changes: rows were cut, or the shell stopped on an index out of range.)
@Suite struct SchemaChangedElsewhereTests {
    /// Lines fed one by one, with work done by another connection before some of them.
    final class Interleaved: LineSource {
        private var steps: [(before: (() throws -> Void)?, line: String)]
        init(_ steps: [(before: (() throws -> Void)?, line: String)]) { self.steps = steps }
        func readLine(prompt: String?) -> String? {
            guard !steps.isEmpty else { return nil }
            let step = steps.removeFirst()
            do { try step.before?() } catch { Issue.record(error) }
            return step.line
        }
    }

    @Test func resultsTakeTheColumnsOfTheSchemaAsItIsNow() throws {
        let dir = TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try db.executeScript("CREATE TABLE a(x, y); INSERT INTO a VALUES (1, 2); CREATE VIEW v AS SELECT x AS p, y AS q FROM a;")
        let other = try Database(path: dir.file("t.db"), plain: true)
        let out = BufferOutput()
        let shell = Shell(db: db, out: out, err: out, interactive: false)
        _ = shell.run(Interleaved([
            (nil, ".headers on"),
            (nil, "SELECT * FROM v;"),
            ({ try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT x AS p, y AS q, 'new' AS n FROM a;") }, "SELECT * FROM v;"),
            ({ try other.executeScript("DROP VIEW v; CREATE VIEW v AS SELECT y AS q2 FROM a;") }, "SELECT * FROM v;"),
            ({ try other.execute("ALTER TABLE a ADD COLUMN z DEFAULT 'z'") }, "SELECT x, * FROM a;"),
            ({ try other.execute("DELETE FROM a") }, "SELECT * FROM a;"),
        ]), prompts: false)
        #expect(out.text == "p|q\n1|2\np|q|n\n1|2|new\nq2\n2\nx|x|y|z\n1|1|2|z\nx|y|z\n")
    }
}
