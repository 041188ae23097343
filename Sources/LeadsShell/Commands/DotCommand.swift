import Foundation
import LeadDB
import LeadSQLite

/// A dot-command: its name, usage line, one-line help, and handler. The shell dispatches from
/// `DotCommand.all`; `.help` prints from it.
struct DotCommand: Sendable {
    let name: String
    let arguments: String
    let summary: String
    /// Accepted argument counts.
    let arity: ClosedRange<Int>
    let run: @Sendable (any ShellSession, [String]) throws -> Void

    var usage: String { "." + name + (arguments.isEmpty ? "" : " " + arguments) }

    static let all: [DotCommand] = [
        DotCommand(name: "help", arguments: "[COMMAND]", summary: "list commands, or show one command's usage", arity: 0...1) { shell, args in
            if let name = args.first {
                let key = name.hasPrefix(".") ? String(name.dropFirst()) : name
                guard let command = all.first(where: { $0.name == key }) else {
                    throw UsageError(argument: 0, message: "no command .\(key)")
                }
                shell.out.write("\(command.usage)\n    \(command.summary)\n")
                return
            }
            let width = all.map(\.usage.count).max() ?? 0
            var text = "Type SQL ending with ; or one of these commands:\n"
            for command in all { text += "  " + pad(command.usage, width) + "  " + command.summary + "\n" }
            text += "Lead commands (no dot): \(LeadCommand.all.map(\.name).joined(separator: ", ")); help lists them.\n"
            shell.out.write(text)
        },
        DotCommand(name: "tables", arguments: "[PATTERN]", summary: "list tables and views, optionally matching a LIKE pattern", arity: 0...1) { shell, args in
            let rows = try shell.db.query(
                """
                SELECT name FROM sqlite_schema
                WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name LIKE ?
                ORDER BY name
                """, [args.first ?? "%"])
            let names = rows.compactMap { String.fromDatabaseValue($0[0]) }
            shell.out.write(columns(names))
        },
        DotCommand(name: "schema", arguments: "[NAME]", summary: "show the CREATE statements, or those of one table, view or trigger", arity: 0...1) { shell, args in
            let rows: [Row]
            if let name = args.first {
                rows = try shell.db.query(
                    """
                    SELECT sql FROM sqlite_schema
                    WHERE sql IS NOT NULL AND (name LIKE ?1 OR (tbl_name LIKE ?1 AND type IN ('index', 'trigger')))
                    ORDER BY tbl_name = ?1 DESC, type = 'table' DESC, type = 'view' DESC, name
                    """, [name])
                guard !rows.isEmpty else { throw UsageError(argument: 0, message: "no table, view, index or trigger named \(name)") }
            } else {
                rows = try shell.db.query(
                    "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, type = 'view' DESC, name")
            }
            shell.out.write(rows.compactMap { String.fromDatabaseValue($0[0]).map { $0 + ";\n" } }.joined())
        },
        DotCommand(name: "mode", arguments: "[MODE]", summary: "show or set the output mode (table, box, list, csv, tsv, json, jsonl, line, markdown)", arity: 0...1) { shell, args in
            guard let name = args.first else {
                var text = "current output mode: \(shell.mode.name)\n"
                for mode in OutputMode.all { text += "  " + pad(mode.name, 9) + "  " + mode.summary + "\n" }
                shell.out.write(text)
                return
            }
            guard let mode = OutputMode.named(name) else {
                throw UsageError(argument: 0, message: "unknown mode \(name); choose one of: \(OutputMode.all.map(\.name).joined(separator: ", "))")
            }
            shell.mode = mode
            shell.headers = mode.headersByDefault
        },
        DotCommand(name: "headers", arguments: "on|off", summary: "show or hide column headers", arity: 1...1) { shell, args in
            shell.headers = try parseSwitch(args[0], argument: 0)
        },
        DotCommand(name: "nullvalue", arguments: "TEXT", summary: "print NULL as TEXT (default: empty, NULL in tables)", arity: 1...1) { shell, args in
            shell.nullValue = args[0]
        },
        DotCommand(name: "bail", arguments: "on|off", summary: "stop at the first error", arity: 1...1) { shell, args in
            shell.bail = try parseSwitch(args[0], argument: 0)
        },
        DotCommand(name: "echo", arguments: "on|off", summary: "print each command before running it", arity: 1...1) { shell, args in
            shell.echo = try parseSwitch(args[0], argument: 0)
        },
        DotCommand(
            name: "import", arguments: "FILE [TABLE] [--encoding utf8|latin1|cp1252] [--rejects FILE|--no-rejects]",
            summary: "import a CSV file as leads (through lead_intake), or into TABLE", arity: 1...6
        ) { shell, args in
            var options = ImportOptions()
            var positional: [String] = []
            var index = 0
            while index < args.count {
                switch args[index] {
                case "--encoding":
                    guard index + 1 < args.count, let encoding = CSVReader.Encoding(rawValue: args[index + 1].lowercased()) else {
                        throw UsageError(argument: min(index + 1, args.count - 1), message: "--encoding takes utf8, latin1 or cp1252")
                    }
                    options.encoding = encoding
                    index += 2
                case "--rejects":
                    guard index + 1 < args.count else { throw UsageError(argument: index, message: "--rejects takes a file name") }
                    options.rejects = args[index + 1]
                    index += 2
                case "--no-rejects":
                    options.rejects = ""
                    index += 1
                default:
                    positional.append(args[index])
                    index += 1
                }
            }
            guard (1...2).contains(positional.count) else { throw UsageError(argument: nil, message: "give the file, and optionally a table") }
            if positional.count == 2, positional[1].lowercased() != "lead_intake", options.rejects != nil,
                let flag = args.firstIndex(where: { $0 == "--rejects" || $0 == "--no-rejects" }) {
                throw UsageError(argument: flag, message: "\(args[flag]) goes with an import of leads; an import into \(positional[1]) lists the rows it refused")
            }
            let importer = CSVImport(
                db: shell.db, store: shell.store, databasePath: shell.path, out: shell.out, err: shell.err,
                readOnly: shell.readOnly, progress: shell.progressOnTerminal)
            defer { if importer.hadError { shell.hadError = true } }
            try importer.run(path: positional[0], table: positional.count > 1 ? positional[1] : nil, options: options)
        },
        DotCommand(name: "indexes", arguments: "[TABLE]", summary: "list indexes, or those of one table", arity: 0...1) { shell, args in
            let rows = try shell.db.query(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name LIKE ? AND name NOT LIKE 'sqlite_%' ORDER BY name",
                [args.first ?? "%"])
            if rows.isEmpty, let table = args.first { throw UsageError(argument: 0, message: "no indexes on \(table) (is the name right? .tables lists tables)") }
            shell.out.write(rows.compactMap { String.fromDatabaseValue($0[0]).map { $0 + "\n" } }.joined())
        },
        DotCommand(name: "output", arguments: "[FILE]", summary: "send results to FILE, or back to the screen with no FILE", arity: 0...1) { shell, args in
            guard !shell.readOnly || args.isEmpty else { throw UsageError(argument: 0, message: "--readonly writes nothing, no file either") }
            shell.afterNext = nil
            shell.out = try args.first.map { try FileOutput(path: $0) } ?? shell.standardOut
        },
        DotCommand(name: "once", arguments: "FILE", summary: "send the next result to FILE", arity: 1...1) { shell, args in
            guard !shell.readOnly || args.isEmpty else { throw UsageError(argument: 0, message: "--readonly writes nothing, no file either") }
            let previous = shell.out
            shell.out = try FileOutput(path: args[0])
            shell.afterNext = { [unowned shell] in shell.out = previous }
        },
        DotCommand(name: "export", arguments: "FILE", summary: "write the next result to FILE as CSV with headers", arity: 1...1) { shell, args in
            guard !shell.readOnly || args.isEmpty else { throw UsageError(argument: 0, message: "--readonly writes nothing, no file either") }
            let (previous, mode, headers, results) = (shell.out, shell.mode, shell.headers, shell.renderedResults)
            shell.out = try FileOutput(path: args[0])
            shell.mode = OutputMode.named("csv")!
            shell.headers = true
            shell.afterNext = { [unowned shell] in
                shell.out = previous
                shell.mode = mode
                shell.headers = headers
                // (a command that printed text, or failed, wrote no result: the file says nothing)
                if shell.renderedResults > results {
                    shell.err.write("Exported to \(args[0]).\n")
                } else {
                    shell.err.write("Nothing exported to \(args[0]): the command printed no result (.once FILE keeps any output).\n")
                }
            }
        },
        DotCommand(name: "read", arguments: "FILE", summary: "run the SQL and commands in FILE", arity: 1...1) { shell, args in
            guard let text = try? String(contentsOfFile: args[0], encoding: .utf8) else {
                throw UsageError(argument: 0, message: "cannot read \(args[0])")
            }
            let (line, source) = (shell.lineNumber, shell.source)
            shell.lineNumber = 0
            shell.source = args[0]
            _ = shell.run(StringInput(text), prompts: false)
            (shell.lineNumber, shell.source) = (line, source)
        },
        DotCommand(name: "timer", arguments: "on|off", summary: "show how long each statement took", arity: 1...1) { shell, args in
            shell.timer = try parseSwitch(args[0], argument: 0)
        },
        DotCommand(name: "changes", arguments: "on|off", summary: "show how many rows each statement changed", arity: 1...1) { shell, args in
            shell.showChanges = try parseSwitch(args[0], argument: 0)
        },
        DotCommand(name: "width", arguments: "N", summary: "cut table cells wider than N characters (0: never)", arity: 1...1) { shell, args in
            guard let width = Int(args[0]), width >= 0 else { throw UsageError(argument: 0, message: "expected a number of characters, not \(args[0])") }
            shell.maxWidth = width == 0 ? 0 : max(width, 4)
        },
        DotCommand(name: "migrate", arguments: "status|plan|up", summary: "show or apply this file's migrations", arity: 1...1) { shell, args in
            let migrator = try LeadDatabase.migrator()
            switch args[0].lowercased() {
            case "status":
                shell.out.write(MigrationText.status(try migrator.status(shell.db, thorough: true), apply: ".migrate up"))
            case "plan":
                shell.out.write(MigrationText.plan(try migrator.status(shell.db, thorough: true), path: shell.path))
            case "up":
                shell.out.write(try MigrationText.migrate(shell.db, path: shell.path))
                shell.store = try? LeadStore(adopting: shell.db)
            default:
                throw UsageError(argument: 0, message: "expected status, plan or up")
            }
        },
        DotCommand(name: "check", arguments: "", summary: "check this file: integrity, schema, the rules' invariants, with repairs", arity: 0...0) { shell, _ in
            let (text, healthy) = try CheckText.check(shell.db, path: shell.path, inShell: true)
            shell.out.write(text)
            if !healthy { shell.hadError = true }
        },
        DotCommand(name: "clock", arguments: "[TIME|+2h|-30m|+3d|reset]", summary: "show now, freeze it at TIME, move it, or return to real time", arity: 0...1) { shell, args in
            guard let store = shell.store else { throw UsageError(argument: nil, message: ".clock needs a LeadDB database") }
            if let argument = args.first {
                if argument.lowercased() == "reset" {
                    try store.unfreezeClock()
                } else if let first = argument.first, first == "+" || first == "-" {
                    guard let seconds = parseOffset(argument) else {
                        throw UsageError(argument: 0, message: "expected an offset such as +2h, -30m, +3d or +90s")
                    }
                    try store.moveClock(by: seconds)
                } else if let time = SQLiteDate.parse(argument) {
                    try store.freezeClock(at: time)
                } else {
                    throw UsageError(argument: 0, message: "expected a UTC time such as 2026-11-24T09:30:00Z, an offset such as +2h, or reset")
                }
            }
            let frozen = try store.setting("clock.now").map { !$0.isNull } ?? false
            let shifted = try store.setting("clock.shift").map { !$0.isNull } ?? false
            let state = frozen ? "frozen" : shifted ? "shifted" : "real time"
            shell.out.write(
                "now: \(SQLiteDate.format(try store.now())) (\(state)"
                    + (frozen || shifted
                        ? (shell.whatIf != nil ? " in this what-if copy only" : " for every program that opens this file, until .clock reset") : "")
                    + ")\n")
        },
        DotCommand(
            name: "whatif", arguments: "[end]",
            summary: "try things on a private copy of this database (the clock and every change stay yours, discarded at .whatif end)",
            arity: 0...1
        ) { shell, args in
            if args.first?.lowercased() == "end" {
                guard let saved = shell.whatIf else { throw UsageError(argument: 0, message: "not in a what-if: .whatif starts one") }
                shell.endWhatIf()
                shell.out.write("Back on \(saved.path); the what-if copy and everything done in it were discarded.\n")
                return
            }
            guard args.isEmpty else { throw UsageError(argument: 0, message: "expected end, or nothing to start") }
            guard shell.whatIf == nil else { throw UsageError(argument: nil, message: "already in a what-if: .whatif end leaves it") }
            // A private copy (readable by its owner only), made with the backup API: a consistent snapshot.
            let copy = NSTemporaryDirectory() + "/leads-whatif-\(UUID().uuidString).db"
            // (a cluster's database is copied row by row, which takes seconds: there the name is removed
            // before anything is copied; a file's pages come in one step of the backup API, whose copy of
            // a WAL file's header needs the copy in WAL mode until then)
            let remote = shell.db.isRemote
            let db = try Database(path: copy, wal: !remote)
            do {
                if !remote { try shell.db.backup(into: db) }
                // The copy holds personal data: it must vanish even if the shell is killed. With the journal
                // in memory and the file locked for good, SQLite never opens it by name again, so its name
                // is removed at once; the data lives in the open file until the connection closes.
                try db.execute("PRAGMA journal_mode = MEMORY")
                try db.execute("PRAGMA locking_mode = EXCLUSIVE")
                try db.execute("BEGIN EXCLUSIVE")
                try db.execute("COMMIT")
            } catch {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
                throw error
            }
            for suffix in ["", "-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: copy + suffix) {
                try FileManager.default.removeItem(atPath: copy + suffix)
            }
            if remote { try shell.db.backup(into: db) }
            let shared = shell.path
            shell.whatIf = (shell.db, shared, shell.store, copy)
            shell.db = db
            shell.store = try? LeadStore(adopting: db)
            shell.out.write(
                "What-if: a private copy of \(shared). Change anything, move the clock (.clock +3d): no other program sees it, "
                    + "and .whatif end (or leaving the shell) discards it.\n")
        },
        DotCommand(name: "open", arguments: "FILE", summary: "close this database and open FILE (set up when new)", arity: 1...1) { shell, args in
            guard shell.whatIf == nil else { throw UsageError(argument: nil, message: "in a what-if: .whatif end first") }
            // Like the shell at start: another program's file is opened for SQL but never changed, and
            // with --readonly nothing is created or written.
            if shell.readOnly && !FileManager.default.fileExists(atPath: args[0]) {
                throw UsageError(argument: 0, message: "no database at \(args[0]) (--readonly opens a file that exists, and creates none)")
            }
            let db = try Database(path: args[0], mode: shell.readOnly ? .readOnly : .readWriteCreate, wal: false)
            let migrator = try LeadDatabase.migrator()
            let ours = (try? migrator.checkOwnership(db)) != nil
            if ours && !shell.readOnly {
                try db.enableWAL()
                if (try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0) == 0 {
                    try migrator.migrate(db)
                }
            }
            shell.db = db
            shell.path = args[0]
            shell.store = try? LeadStore(adopting: db)
            let note = shell.store != nil ? ""
                : !ours ? " (another program's file: SQL only; LeadDB never changes it)"
                : shell.readOnly ? " (needs migrations, which --readonly cannot apply: SQL only)"
                : " (needs migrations: SQL only until .migrate up applies them)"
            shell.out.write("Opened \(args[0])\(shell.readOnly ? " read-only" : "")\(note).\n")
        },
        DotCommand(name: "demo", arguments: "", summary: "load realistic sample leads, reps and activities into an empty database", arity: 0...0) { shell, _ in
            guard let store = shell.store else { throw UsageError(argument: nil, message: ".demo needs a LeadDB database") }
            let summary = try DemoData.load(into: store)
            shell.out.write("Loaded the demo: \(summary.reps) reps, \(summary.leads) leads, \(summary.activities) activities. Try: hot, due, funnel, reps, show 1.\n")
        },
        DotCommand(name: "quit", arguments: "", summary: "leave the shell", arity: 0...0) { shell, _ in
            shell.quitRequested = true
        },
        DotCommand(name: "exit", arguments: "", summary: "leave the shell", arity: 0...0) { shell, _ in
            shell.quitRequested = true
        },
    ]

    /// `+2h`, `-30m`, `+3d`, `+90s` in seconds.
    static func parseOffset(_ text: String) -> TimeInterval? {
        guard text.count >= 3, let sign = text.first, let unit = text.last, let amount = Double(text.dropFirst().dropLast()) else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3_600
        case "d": seconds = amount * 86_400
        default: return nil
        }
        return sign == "-" ? -seconds : seconds
    }

    private static func parseSwitch(_ text: String, argument: Int) throws -> Bool {
        switch text.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: throw UsageError(argument: argument, message: "expected on or off, not \(text)")
        }
    }

    /// Names in columns, as sqlite3's `.tables` prints them.
    private static func columns(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let width = names.map(displayWidth).max()! + 2
        let perLine = max(1, 80 / width)
        var out = ""
        for (index, name) in names.enumerated() {
            let last = index % perLine == perLine - 1 || index == names.count - 1
            out += last ? name + "\n" : pad(name, width)
        }
        return out
    }
}
