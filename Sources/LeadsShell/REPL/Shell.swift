import Foundation
import LeadDB
import LeadSQLite

/// The interactive shell: SQL (multi-line, run when complete), dot-commands, results in the current
/// output mode. It reads from a ``LineSource`` and writes through two ``OutputSink``s, so the same code
/// serves a terminal, a script on stdin, `-c` and tests.
public final class Shell: ShellSession {
    /// The open database.
    public internal(set) var db: Database {
        // Ctrl-C interrupts what the shell's connection runs, the new one after `.open`.
        didSet { InterruptOnSignal.retarget(db.interruptHandle) }
    }
    /// The lead API over the same connection; nil when the file is not an up-to-date LeadDB database.
    var store: LeadStore?
    /// Opened with --readonly: nothing is written anywhere (no rejects file either).
    var readOnly = false
    /// Where entries come from (its history is scrubbed after an erasure).
    var input: LineSource?
    /// The shell's history file ($LEADS_HISTORY or ~/.leads_history), scrubbed after an erasure even when
    /// this run reads no history (a script, `-c`); nil with --readonly or when history is off.
    var historyFile: String?
    /// The terminal's size when results go to a terminal (set by the `leads` executable); nil otherwise.
    var terminalSize: () -> (columns: Int, rows: Int)? = { nil }
    /// During `.whatif`: the shared file to go back to, and the private copy in use.
    var whatIf: (db: Database, path: String, store: LeadStore?, copy: String)?
    /// Where results go now (`.output` and `.once` change it); `standardOut` is where they go by default.
    var out: OutputSink
    let standardOut: OutputSink
    let err: OutputSink
    /// Set by `.once` / `.export`: what to undo after the next command.
    var afterNext: (() -> Void)?
    var timer = false
    var showChanges = false
    /// The widest a table cell may be before it is cut (0: never).
    var maxWidth = 0
    /// Colour in messages (a terminal, and NO_COLOR unset).
    public var colors = false
    /// The database's path as given, for `.migrate` and messages.
    var path: String
    /// True for a person at a terminal: prompts, a banner, and errors do not set the exit status.
    let interactive: Bool

    var mode: OutputMode
    var headers: Bool
    var nullValue = ""
    var bail = false
    var echo = false
    /// Whether long jobs may draw a progress bar on stderr (a terminal).
    public var progressOnTerminal = false
    /// Set by `.quit`.
    var quitRequested = false
    /// True once any statement or command failed (the exit status of a script).
    public internal(set) var hadError = false
    /// Line number of the next input line, for error messages in scripts.
    var lineNumber = 0
    /// The file being read by `.read`, named in error messages; nil for the main input.
    var source: String?

    /// Makes a shell on an open database.
    public init(db: Database, out: OutputSink, err: OutputSink, interactive: Bool) {
        self.db = db
        self.store = try? LeadStore(adopting: db)
        self.path = db.path
        self.out = out
        self.standardOut = out
        self.maxWidth = interactive ? 60 : 0
        self.err = err
        self.interactive = interactive
        // A terminal gets an aligned table; a pipe gets sqlite3's plain list, easy to read from scripts.
        self.mode = OutputMode.named(interactive ? "table" : "list")!
        self.headers = self.mode.headersByDefault
    }

    // MARK: - Input loop

    /// Reads and runs input until the end or `.quit`. Returns the exit status: 0, or 1 when anything
    /// failed in a non-interactive run.
    public func run(_ input: LineSource) -> Int32 { run(input, prompts: interactive) }

    /// ` [clock frozen 2026-11-24T09:00:00.000Z]` or ` [clock +2 hours]` when the file's clock is not the
    /// real time: it changes every program's rules, so the prompt never lets it go unnoticed.
    func clockMark() -> String {
        guard store != nil,
            let rows = try? db.query("SELECT key, value FROM settings WHERE key IN ('clock.now', 'clock.shift') AND value IS NOT NULL ORDER BY key DESC")
        else { return "" }
        let parts = rows.compactMap { row -> String? in
            guard let key = try? row.get(0, as: String.self), let value = try? row.get(1, as: String.self) else { return nil }
            return key == "clock.now" ? "frozen \(value)" : value
        }
        let clock = parts.isEmpty ? "" : " [clock \(parts.joined(separator: ", "))]"
        return (whatIf != nil ? " [what-if]" : "") + clock
    }

    /// Leaves a what-if copy: back on the shared file, the copy deleted.
    func endWhatIf() {
        guard let saved = whatIf else { return }
        whatIf = nil
        db = saved.db
        path = saved.path
        store = saved.store
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: saved.copy + suffix) }
    }

    func run(_ input: LineSource, prompts: Bool) -> Int32 {
        self.input = input
        var buffer = ""
        var bufferStartLine = 1
        while !quitRequested {
            let prompt = buffer.isEmpty ? "leads\(prompts ? clockMark() : "")> " : "   ...> "
            guard let line = input.readLine(prompt: prompts ? prompt : nil) else { break }
            lineNumber += 1
            if buffer.isEmpty {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                // Blank and comment-only lines between entries are skipped, so a comment never
                // swallows the dot-command after it.
                if trimmed.isEmpty || trimmed.hasPrefix("--") { continue }
                if trimmed.hasPrefix(".") {
                    if echo { out.write(line + "\n") }
                    runDotCommand(trimmed)
                    if bail && hadError { break }
                    continue
                }
                if let command = leadCommand(in: trimmed) {
                    if echo { out.write(line + "\n") }
                    runLeadCommand(command, trimmed)
                    finishOnce()
                    if bail && hadError { break }
                    continue
                }
                bufferStartLine = lineNumber
            }
            buffer += buffer.isEmpty ? line : "\n" + line
            if Database.isComplete(buffer) {
                if echo { out.write(buffer + "\n") }
                runSQL(buffer, firstLine: bufferStartLine)
                buffer = ""
                finishOnce()
                if bail && hadError { break }
            }
        }
        if !buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !quitRequested {
            // sqlite3 runs an unterminated last statement too; so do we.
            runSQL(buffer, firstLine: bufferStartLine)
        }
        endWhatIf()
        return hadError && !interactive ? 1 : 0
    }

    /// Runs one line of input as if typed (used by `-c`).
    public func runCommand(_ text: String) {
        lineNumber += 1
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(".") {
            runDotCommand(trimmed)
        } else if let command = leadCommand(in: trimmed) {
            runLeadCommand(command, trimmed)
            finishOnce()
        } else if !trimmed.isEmpty {
            runSQL(trimmed, firstLine: lineNumber)
            finishOnce()
        }
    }

    /// After the command that `.once` / `.export` was for, results go back where they went before.
    func finishOnce() {
        if let undo = afterNext {
            afterNext = nil
            undo()
        }
    }

    // MARK: - SQL

    /// Runs every statement in `sql`, printing each result in the current mode.
    func runSQL(_ sql: String, firstLine: Int) {
        do {
            try db.forEachStatement(in: sql) { statement, _ in
                // A read-only session writes nothing anywhere: VACUUM INTO would write a copy of the file.
                if readOnly, statement.sql.drop(while: { $0.isWhitespace }).prefix(6).uppercased() == "VACUUM" {
                    throw ShellError("--readonly writes nothing: VACUUM (INTO) would write a file")
                }
                var rows: [[DatabaseValue]] = []
                let started = ContinuousClock.now
                // (asked only when shown: on a cluster, each is a request to the leader)
                let changesBefore = showChanges ? db.totalChanges : 0
                // (the columns are read as each row arrives: a schema changed by another connection since the
                // statement was prepared gives the new ones at the first step)
                while try statement.step() {
                    rows.append(statement.row().values)
                }
                if !statement.columnNames.isEmpty { render(ResultSet(columns: statement.columnNames, rows: rows)) }
                if showChanges && !statement.isReadOnly {
                    out.write("changes: \(db.changes) (\(db.totalChanges - changesBefore) with the rules' own writes)\n")
                }
                if timer {
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    out.write(String(format: "Run Time: real %.3f\n", seconds))
                }
            }
        } catch let error as SQLiteError {
            // (the statement refused, when a line held several)
            if let message = readOnlyRefusal(error, (error.sql ?? sql).trimmingCharacters(in: .whitespacesAndNewlines)) {
                hadError = true
                err.write(errorLabel("Error" + (!interactive || source != nil ? " near line \(firstLine)" + (source.map { " of \($0)" } ?? "") : "")) + ": \(message)\n")
            } else {
                report(error, in: sql, firstLine: firstLine)
            }
        } catch {
            fail("\(error)")
        }
    }

    /// Prints a result in the current output mode. On a terminal a table is fitted to its width (long
    /// values cut further, with a note) and a result longer than the screen goes through `$PAGER`
    /// (`less -FRX` by default), as psql does.
    private(set) var renderedResults = 0

    var screenColumns: Int? { interactive && out === standardOut ? terminalSize()?.columns : nil }

    func render(_ result: ResultSet) {
        renderedResults += 1
        let screen = interactive && out === standardOut ? terminalSize() : nil
        var limit = maxWidth
        var text = ""
        var cut = false
        while true {
            cut = false
            var shown = result
            if limit > 0 && (mode.name == "table" || mode.name == "box") {
                shown = ResultSet(columns: result.columns, rows: result.rows.map { row in
                    row.map { value in
                        guard case .text(let text) = value, displayWidth(text) > limit else { return value }
                        cut = true
                        return .text(truncate(text, to: limit))
                    }
                })
            }
            text = mode.render(shown, RenderOptions(headers: headers, nullValue: nullValue))
            // Too wide for the terminal: cut long values shorter, down to 8 characters.
            guard let screen, mode.name == "table" || mode.name == "box", maxWidth > 0,
                text.split(separator: "\n").contains(where: { displayWidth(String($0)) > screen.columns }), limit > 8
            else { break }
            let widest = result.rows.flatMap { $0 }.map { value -> Int in if case .text(let t) = value { displayWidth(t) } else { 0 } }.max() ?? 0
            limit = max(8, min(limit == 0 ? widest : limit, widest) - 4)
        }
        if cut {
            text += "(values longer than \(limit) characters were cut\(limit != maxWidth ? " to fit the terminal" : ""); .width 0 shows them whole, or try .mode line)\n"
        }
        if let screen, text.reduce(0, { $0 + ($1 == "\n" ? 1 : 0) }) > screen.rows - 2, page(text) { return }
        out.write(text)
    }

    /// Shows `text` through the pager; false when there is none to run. popen runs it in the shell's
    /// own process group, so the pager can read keys from the terminal.
    func page(_ text: String) -> Bool {
        let pager = ProcessInfo.processInfo.environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less -FRX"
        // Quitting the pager before the end closes the pipe: a write then fails, it must not kill the shell.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        guard let pipe = popen(pager, "w") else { return false }
        // (the pager shows it on the terminal: bidirectional controls written out, as FileOutput does there)
        _ = escapingBidiControls(text).withCString { fputs($0, pipe) }
        return pclose(pipe) != -1
    }

    // MARK: - Lead commands

    /// The lead command a line starts with, if any (only at the start of a new entry).
    func leadCommand(in line: String) -> LeadCommand? {
        let word = line.prefix { !$0.isWhitespace }
        return LeadCommand.named(String(word))
    }

    /// Parses and runs a dot-command line (DotCommand.swift).
    func runDotCommand(_ line: String) {
        let (words, offsets) = splitArguments(line)
        guard let first = words.first else { return }
        let name = String(first.dropFirst())
        guard let command = DotCommand.all.first(where: { $0.name == name }) else {
            fail("unknown command \(first). Type .help for the list.")
            return
        }
        let args = Array(words.dropFirst())
        guard fitsArity(command.arity, args, line: line, offsets: offsets, usage: command.usage) else { return }
        dispatch(line, offsets: offsets, usage: command.usage) { try command.run(self, args) }
    }

    /// Whether a command got a number of words it takes; if not, says so with a caret under the first
    /// word too many (or the end of the line for one missing) and the usage line.
    private func fitsArity(_ arity: ClosedRange<Int>, _ args: [String], line: String, offsets: [Int], usage: String) -> Bool {
        guard !arity.contains(args.count) else { return true }
        let message = args.count < arity.lowerBound ? "missing argument" : "too many arguments"
        let position = args.count > arity.upperBound ? offsets[arity.upperBound + 1] : displayWidth(line)
        fail("\(message)\n  \(line)\n  \(String(repeating: " ", count: position))^\nUsage: \(usage)")
        return false
    }

    /// Runs a lead command (LeadCommand.swift) through the store. With `.echo on`, the SQL it runs is
    /// printed as it runs, with its bound values.
    func runLeadCommand(_ command: LeadCommand, _ line: String) {
        guard let store else {
            fail("\(command.name) needs a LeadDB database; this file is not one, or needs `leads migrate`.")
            return
        }
        let (words, offsets) = splitArguments(line)
        if echo {
            db.trace { [out] sql in
                // The statements the command ran, not the bookkeeping around them.
                let word = sql.prefix { !$0.isWhitespace }.uppercased()
                guard !sql.hasPrefix("--"), !["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains(word) else { return }
                out.write("  > " + sql.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") + "\n")
            }
        }
        defer { if echo { db.trace(nil) } }
        let started = ContinuousClock.now
        defer {
            // .timer times lead commands as it times SQL.
            if timer {
                let elapsed = ContinuousClock.now - started
                out.write(String(format: "Run Time: real %.3f\n", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            }
        }
        let args = Array(words.dropFirst())
        guard fitsArity(command.arity, args, line: line, offsets: offsets, usage: command.usage) else { return }
        dispatch(line, offsets: offsets, usage: command.usage) { try command.run(self, store, args) }
    }

    /// Runs a command's body and reports what it threw: a wrong argument with a caret under it and the
    /// usage line, a rule's refusal with its message, an SQLite error as SQL's are reported.
    private func dispatch(_ line: String, offsets: [Int], usage: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch let error as UsageError {
            var text = error.message
            if let index = error.argument, index + 1 < offsets.count {
                text += "\n  \(line)\n  \(String(repeating: " ", count: offsets[index + 1]))^"
            }
            fail(text + (error.showsUsage ? "\nUsage: \(usage)" : ""))
        } catch let error as LeadError {
            if case .database(let error) = error, let message = readOnlyRefusal(error, line) { fail(message) } else {
                var note = ""
                if case .database(let error) = error { note = self.note(for: error) }
                fail(error.message + note)
            }
        } catch let error as SQLiteError {
            if let message = readOnlyRefusal(error, line) { fail(message) } else { report(error, in: line, firstLine: lineNumber) }
        } catch {
            fail("\(error)")
        }
    }

    /// What a write under --readonly is told (SQLite's own words, "attempt to write a readonly
    /// database", say nothing of why); nil for any other error.
    func readOnlyRefusal(_ error: SQLiteError, _ what: String) -> String? {
        guard readOnly, error.resultCode.rawValue == 8 else { return nil }  // SQLITE_READONLY
        let word = what.prefix { !$0.isWhitespace }
        return "--readonly writes nothing: \(word.isEmpty ? "this" : word) would change \(path); open it without --readonly"
    }

    /// Prints an SQLite error: its message, where it happened in a script, and a caret under the token
    /// SQLite blames when it reports an offset.
    func report(_ error: SQLiteError, in sql: String, firstLine: Int) {
        hadError = true
        var text = "Error"
        if !interactive || source != nil {
            text += " near line \(firstLine + (error.line ?? 1) - 1)" + (source.map { " of \($0)" } ?? "")
        }
        text = errorLabel(text)
        if let violation = RuleViolation(error) {
            // A rule's own message says what was wrong and what to do; the SQL position adds nothing.
            err.write(text + ": \(escapingControls(violation.message, keepingLineBreaks: true))\n")
            return
        }
        text += ": \(escapingControls(error.message, keepingLineBreaks: true))\n"
        if let offset = error.offset, let statement = error.sql, offset <= statement.utf8.count {
            text += caret(in: statement, at: offset)
        }
        let note = note(for: error)
        err.write(text + (note.isEmpty ? "" : note.dropFirst() + "\n"))
    }

    /// What to do about an error whose own words do not say (SQLite's differ between versions, so the
    /// file is asked, not the message): a search index that cannot be read, a deferred transaction that
    /// lost the race for the write lock. "" when there is nothing to add; else a line starting "\n".
    func note(for error: SQLiteError) -> String {
        if error.resultCode == .busy && db.isInTransaction {
            return "\nnote: another program wrote since this transaction began, and a transaction begun with BEGIN that read "
                + "first cannot wait for the write lock: ROLLBACK, then start it with BEGIN IMMEDIATE"
        }
        guard error.resultCode == .error || error.resultCode.rawValue == 11,  // SQLITE_ERROR, SQLITE_CORRUPT
            (try? db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'lead_search'", as: Int.self)) == 1
        else { return "" }
        do {
            _ = try db.scalar("SELECT count(*) FROM lead_search WHERE lead_search MATCH '\"zqx\"'", as: Int.self)
            return ""
        } catch {
            return "\nnote: the search index cannot be read, and every command that uses it fails: .check (or leads check) names the repair"
        }
    }

    /// The line of `sql` holding byte `offset`, and a caret under that byte.
    func caret(in sql: String, at offset: Int) -> String {
        let bytes = Array(sql.utf8)
        var start = offset
        while start > 0 && bytes[start - 1] != 10 { start -= 1 }
        var end = offset
        while end < bytes.count && bytes[end] != 10 { end += 1 }
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        let before = String(decoding: bytes[start..<offset], as: UTF8.self)
        return "  " + line + "\n  " + String(repeating: " ", count: displayWidth(before)) + "^--- here\n"
    }

    /// Reports a failure of a command (not SQL).
    func fail(_ message: String) {
        hadError = true
        let place = interactive && source == nil ? "" : " near line \(lineNumber)" + (source.map { " of \($0)" } ?? "")
        err.write(errorLabel("Error" + place) + ": \(escapingControls(message, keepingLineBreaks: true))\n")
    }

    /// "Error" in bold red on a terminal that wants colour.
    func errorLabel(_ text: String) -> String { colors ? "\u{1B}[1;31m" + text + "\u{1B}[0m" : text }
}
