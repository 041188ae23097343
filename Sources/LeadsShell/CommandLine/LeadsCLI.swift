import Foundation
import LeadDB
import LeadSQLite

/// The `leads` command line: parses arguments, opens the database, and runs the shell or a
/// `migrate` command. Exit codes: 0 ok, 1 error, 2 usage.
public enum LeadsCLI {
    public static let usage = """
        Usage: leads [--db PATH | --cluster HOST:PORT,...] [OPTIONS] [COMMAND]

        LeadDB: an embedded lead database. With no command, opens the interactive shell on the
        database (./leads.db, or $LEADS_DB, or --db PATH, or a database on a dqlite cluster with
        --cluster or $LEADS_CLUSTER); a new database is set up on first use.

        Commands:
          migrate            apply pending migrations and refresh the schema (for deploys);
                             --backup first copies the database to a file beside it (on a cluster: in
                             this folder) when there is anything to apply
          migrate status     list applied and pending migrations, with dates
          migrate plan       show what `leads migrate` would do, changing nothing
          check              check the database: integrity, schema, the rules' invariants (exit 1 on a problem)
          report --html FILE write the manager's reports as one self-contained HTML page
          backup FILE        copy the database to a new FILE, consistent while others write
          restore FILE       replace the database file with the backup FILE (checked first), in one transaction
          demo               fill a new database with realistic sample data; with --days N --leads N --seed N,
                             a history of N days ending now replayed through the rules (given any of
                             them: 365 days, 5,000 leads, seed 1 for the others)

        Options:
          --db PATH          the database file (default: $LEADS_DB, else ./leads.db)
          --cluster HOST:PORT[,HOST:PORT...][/NAME]
                             the database NAME (default leads) on a dqlite cluster, through its nodes
                             (docs/cluster.md); restore works on files only
          -c COMMAND         run COMMAND (SQL, a lead command or a dot-command) and exit; repeatable
          --bail             stop at the first error
          --csv, --json      print results as CSV or JSON
          --readonly         open the database read-only
          --create           with a script or -c, create the database when it does not exist (else refused)
          -h, --help         show this help
          --version          show the version

        Environment:
          LEADS_DB           the database file when --db is not given
          LEADS_CLUSTER      the cluster when neither --db nor --cluster is given (before LEADS_DB)
          LEADS_HISTORY      the shell's history file (default ~/.leads_history)
          NO_COLOR           no colours in messages

        In the shell, `help` lists the lead commands and `.help` the dot-commands.

        """

    struct Options {
        var dbPath: String?
        var cluster: String?
        var commands: [String] = []
        var bail = false
        var readOnly = false
        var create = false
        var mode: String?
        var positional: [String] = []
        var backup = false
        var html: String?
        /// `demo --days N --leads N --seed N`: a history of that many days (nil: the quick demo).
        var days: Int?
        var leads: Int?
        var seed: UInt64?
    }

    /// Runs the command line. `interactive` is true when stdin is a terminal.
    /// What the process's terminal can do: colours in messages, a progress bar on stderr.
    public struct Terminal: Sendable {
        public var colors = false
        public var progress = false
        public init(colors: Bool = false, progress: Bool = false) {
            self.colors = colors
            self.progress = progress
        }
    }

    /// Runs the command line. `interactive` is true when stdin is a terminal; `lineEditor` asks for the
    /// terminal line editor (history, completion, Ctrl-C) in place of `input` for an interactive shell.
    public static func run(
        arguments: [String], environment: [String: String], input: LineSource,
        out: OutputSink, err: OutputSink, interactive: Bool, terminal: Terminal = Terminal(), lineEditor: Bool = false
    ) -> Int32 {
        var options = Options()
        var index = 0
        func value(_ flag: String) -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-h", "--help", "help":
                out.write(usage)
                return 0
            case "--version", "-version":
                out.write("leads \(LeadDatabase.version) (SQLite \(Database.sqliteVersion))\n")
                return 0
            case "--db", "-db":
                guard let path = value(argument) else { return usageError("--db needs a path", err) }
                options.dbPath = path
            case "--cluster":
                guard let spec = value(argument) else { return usageError(Location.clusterUsage, err) }
                options.cluster = spec
            case "-c", "--command":
                guard let command = value(argument) else { return usageError("-c needs a command", err) }
                options.commands.append(command)
            case "--bail": options.bail = true
            case "--csv": options.mode = "csv"
            case "--json": options.mode = "json"
            case "--readonly": options.readOnly = true
            case "--create": options.create = true
            case "--backup": options.backup = true
            case "--days", "--leads", "--seed":
                guard let text = value(argument), let number = Int(text), number >= 0 else { return usageError("\(argument) needs a whole number", err) }
                switch argument {
                case "--days": options.days = number
                case "--leads": options.leads = number
                default: options.seed = UInt64(number)
                }
            case "--html":
                guard let file = value(argument) else { return usageError("--html needs a file", err) }
                options.html = file
            default:
                if argument.hasPrefix("--db=") {
                    options.dbPath = String(argument.dropFirst(5))
                } else if argument.hasPrefix("--cluster=") {
                    options.cluster = String(argument.dropFirst(10))
                } else if argument.hasPrefix("-") {
                    return usageError("unknown option \(argument)", err)
                } else {
                    options.positional.append(argument)
                }
            }
            index += 1
        }
        if options.dbPath?.isEmpty == true {
            return usageError("--db needs a path (an empty one would be a temporary database that vanishes on exit)", err)
        }
        if options.dbPath != nil && options.cluster != nil {
            return usageError("--db and --cluster name two databases: give one", err)
        }
        let path = options.dbPath ?? environment["LEADS_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "leads.db"
        // (explicit options first, then $LEADS_CLUSTER, then $LEADS_DB)
        let clusterSpec = options.cluster ?? (options.dbPath == nil ? environment["LEADS_CLUSTER"].flatMap { $0.isEmpty ? nil : $0 } : nil)
        let location: Location
        if let clusterSpec {
            guard let cluster = Location.cluster(clusterSpec) else {
                return usageError(Location.clusterUsage + (options.cluster == nil ? " ($LEADS_CLUSTER is \(clusterSpec))" : " (got \(clusterSpec))"), err)
            }
            location = cluster
        } else {
            location = .file(path)
        }

        switch options.positional.first {
        case nil:
            // A script or -c on a path that does not exist is most likely a typo: creating a new, empty
            // database there would hide it. Only the interactive shell (which says so), migrate, demo
            // and --create make a new file.
            let scripted = !interactive || !options.commands.isEmpty
            if location.path != nil && scripted && !options.create && path != ":memory:" && !FileManager.default.fileExists(atPath: path) {
                err.write("leads: error: no database at \(path): check the path, or create it with `leads migrate --db \(path)` (or add --create)\n")
                return 1
            }
            if case .cluster(_, let name) = location, scripted && !options.create {
                // (a cluster makes a database when it is first opened: one without a table is taken as none)
                do {
                    if try location.open(.readOnly).scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0 {
                        err.write("leads: error: no database \(name) on the cluster: check the name, or create it with `leads migrate \(location.option)` (or add --create)\n")
                        return 1
                    }
                } catch {
                    return failure(error, err)
                }
            }
            var terminal = terminal
            if environment["NO_COLOR"].map({ !$0.isEmpty }) ?? false { terminal.colors = false }
            // --readonly writes nothing anywhere, the history file included.
            let historyPath = options.readOnly ? "" : environment["LEADS_HISTORY"] ?? environment["HOME"].map { $0 + "/.leads_history" }
            return runShell(
                location: location, options: options, input: input, out: out, err: err,
                interactive: interactive && options.commands.isEmpty, terminal: terminal,
                lineEditor: lineEditor ? historyPath.map { $0.isEmpty ? nil : $0 } ?? .some(nil) : nil,
                historyFile: historyPath.flatMap { $0.isEmpty ? nil : $0 })
        case "migrate":
            guard !options.readOnly || options.positional.count == 2 else { return usageError("--readonly writes nothing: migrate changes the database (migrate status and plan only read)", err) }
            guard options.positional.count <= 2 else { return usageError("migrate takes at most one subcommand: status or plan", err) }
            guard !options.backup || options.positional.count == 1 else { return usageError("--backup goes with migrate alone", err) }
            switch options.positional.dropFirst().first {
            case nil: return migrate(location: location, backup: options.backup, out: out, err: err)
            case "status": return migrateStatus(location: location, plan: false, out: out, err: err)
            case "plan": return migrateStatus(location: location, plan: true, out: out, err: err)
            case let other?: return usageError("unknown migrate subcommand \(other): use status or plan", err)
            }
        case "backup", "restore":
            guard !(options.readOnly && options.positional[0] == "restore") else { return usageError("--readonly writes nothing: restore replaces the database", err) }
            guard options.positional.count == 2 else {
                return usageError("\(options.positional[0]) takes one file: leads \(options.positional[0]) FILE [--db PATH]", err)
            }
            guard location.path != nil || options.positional[0] == "backup" else {
                return usageError("restore replaces a file: a cluster's nodes keep their files themselves; open the backup with --db, or copy it into a new database (docs/cluster.md)", err)
            }
            return options.positional[0] == "backup"
                ? backup(location: location, to: options.positional[1], out: out, err: err)
                : restore(path: path, from: options.positional[1], out: out, err: err)
        case "report":
            guard options.positional.count == 1, let file = options.html else {
                return usageError("report takes --html FILE (the reports one by one are in the shell: report NAME)", err)
            }
            return htmlReport(location: location, to: file, out: out, err: err)
        case "check":
            guard options.positional.count == 1 else { return usageError("check takes no arguments (the file is --db)", err) }
            return check(location: location, out: out, err: err)
        case "demo":
            // (checked before the file is made: a refused demo leaves nothing behind)
            if let days = options.days, !(1...3_650).contains(days) { return usageError("--days is 1 to 3650", err) }
            if let leads = options.leads, !(1...10_000_000).contains(leads) { return usageError("--leads is 1 to 10000000", err) }
            // (noted from before the file is made: a signal while it is set up stops the replay before its first lead)
            let replaying = options.days != nil || options.leads != nil || options.seed != nil
            if replaying { StopOnSignal.install() }
            defer { if replaying { StopOnSignal.remove() } }
            let path = location.description
            do {
                let store = try location.path.map { try LeadStore(path: $0) } ?? LeadStore(remote: location.cluster())
                guard replaying else {
                    let summary = try DemoData.load(into: store)
                    out.write("Loaded the demo into \(path): \(summary.reps) reps, \(summary.leads) leads, \(summary.activities) activities. Open it with: leads \(location.option)\n")
                    return 0
                }
                let days = options.days ?? 365
                // (Ctrl-C, SIGTERM or SIGHUP stops the replay between two leads: the file keeps the history so far and its real clock)
                let summary: DemoData.Summary
                do {
                    summary = try DemoHistory.replay(
                        into: store, days: days, leads: options.leads ?? 5_000, seed: options.seed ?? 1, shouldStop: StopOnSignal.raised
                    ) { day, days in
                        if day % 30 == 0 || day == days { err.write("  day \(day) of \(days)\n") }
                    }
                } catch let stopped as DemoHistory.Stopped {
                    err.write("leads: stopped on day \(stopped.day + 1) of \(stopped.days): \(path) holds the history up to then, and its clock is the real one again\n")
                    return StopOnSignal.exitStatus
                }
                out.write("Replayed \(days) day\(days == 1 ? "" : "s") ending now into \(path): \(summary.reps) reps, \(summary.leads) lead\(summary.leads == 1 ? "" : "s"), \(summary.activities) activities. "
                    + "Try: leads \(location.option) -c 'report sources', or leads report --html report.html \(location.option)\n")
                return 0
            } catch {
                return failure(error, err)
            }
        case let other?:
            return usageError("unknown command \(other)", err)
        }
    }

    private static func usageError(_ message: String, _ err: OutputSink) -> Int32 {
        err.write("leads: \(message)\nRun 'leads --help' for usage.\n")
        return 2
    }

    private static func failure(_ error: any Error, _ err: OutputSink) -> Int32 {
        err.write("leads: error: \(message(of: error))\n")
        return 1
    }

    static func message(of error: any Error) -> String {
        if let error = error as? SQLiteError { return RuleViolation(error)?.message ?? error.message }
        return "\(error)"
    }

    // MARK: - migrate

    private static func migrate(location: Location, backup: Bool, out: OutputSink, err: OutputSink) -> Int32 {
        guard let path = location.path else {
            do {
                let db = try location.open(.readWriteCreate)
                let migrator = try LeadDatabase.migrator()
                try migrator.checkOwnership(db)
                let existed = try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0 > 0
                if case .cluster(_, let name) = location, backup {
                    if try existed && !migrator.status(db, thorough: true).isUpToDate {
                        let copy = name + ".before-migrate-" + SQLiteDate.format(Date()).replacingOccurrences(of: ":", with: "") + ".db"
                        let size = try LeadDatabase.backup(db, to: copy)
                        out.write("Backed up \(location) to \(copy) (\(size / 1024) KiB, integrity ok); `leads --db \(copy)` opens it.\n")
                    } else {
                        out.write("No backup taken: \(existed ? "there is nothing to apply" : "\(location) is new").\n")
                    }
                }
                out.write(try MigrationText.migrate(db, path: location.description))
                return 0
            } catch {
                return failure(error, err)
            }
        }
        do {
            let existed = FileManager.default.fileExists(atPath: path)
            // Whose file it is, before anything is written to it (switching to WAL is a write).
            let db = try Database(path: path, wal: false)
            let migrator = try LeadDatabase.migrator()
            try migrator.checkOwnership(db)
            // The copy is taken before anything is written, the journal mode included.
            if try backup && existed && !migrator.status(db, thorough: true).isUpToDate {
                let copy = path + ".before-migrate-" + SQLiteDate.format(Date()).replacingOccurrences(of: ":", with: "") + ".db"
                let size = try LeadDatabase.backup(db, to: copy)
                out.write("Backed up \(path) to \(copy) (\(size / 1024) KiB, integrity ok); `leads restore \(copy) --db \(path)` goes back to it.\n")
            } else if backup {
                out.write("No backup taken: \(existed ? "there is nothing to apply" : "\(path) is new").\n")
            }
            try db.enableWAL()
            out.write(try MigrationText.migrate(db, path: path))
            return 0
        } catch {
            return failure(error, err)
        }
    }

    private static func migrateStatus(location: Location, plan: Bool, out: OutputSink, err: OutputSink) -> Int32 {
        guard let path = location.path else {
            do {
                let status = try LeadDatabase.migrator().status(location.open(.readOnly), thorough: true)
                out.write(plan ? MigrationText.plan(status, path: location.description) : MigrationText.status(status))
                return 0
            } catch {
                return failure(error, err)
            }
        }
        do {
            let exists = FileManager.default.fileExists(atPath: path)
            // Status and plan never create or change the file. A read-write connection that writes
            // nothing (not even the journal mode) removes the -wal and -shm files it needed when it
            // closes, leaving the folder as it was; without write permission, read-only it is.
            let db: Database
            if !exists {
                db = try Database(path: ":memory:")
            } else if let writable = try? Database(path: path, mode: .readWrite, wal: false) {
                db = writable
            } else {
                db = try Database(path: path, mode: .readOnly)
            }
            let status = try LeadDatabase.migrator().status(db, thorough: true)
            guard exists else {
                // (a file that is not there has no schema to compare: it would be made whole)
                out.write("\(path) does not exist yet; `leads migrate` would create it: "
                    + "\(MigrationText.plural(status.pending.count, "migration")) and the schema from \(LeadDatabase.schemaFiles.count) files.\n"
                    + (plan ? status.pending.map { "Would apply \($0.fileName)\n" }.joined() : ""))
                return 0
            }
            out.write(plan ? MigrationText.plan(status, path: path) : MigrationText.status(status))
            return 0
        } catch {
            return failure(error, err)
        }
    }

    // MARK: - backup and restore

    private static func backup(location: Location, to copy: String, out: OutputSink, err: OutputSink) -> Int32 {
        if let path = location.path, !FileManager.default.fileExists(atPath: path) {
            err.write("leads: error: no database at \(path)\n")
            return 1
        }
        do {
            let db = try location.open(.readOnly)
            if location.path == nil, try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0 {
                err.write("leads: error: no database \(location) (it has no table)\n")
                return 1
            }
            try LeadDatabase.migrator().checkOwnership(db)
            let size = try LeadDatabase.backup(db, to: copy)
            // (counted in the copy: others may have written since it was taken)
            let leads = (try? Database(path: copy, mode: .readOnly, wal: false).scalar("SELECT count(*) FROM lead_records", as: Int.self)) ?? 0
            let back = location.path.map { "Restore it with `leads restore \(copy) --db \($0)`." } ?? "`leads --db \(copy)` opens it."
            out.write("Backed up \(location) to \(copy): \(leads) lead\(leads == 1 ? "" : "s"), \(size / 1024) KiB, integrity ok. \(back)\n")
            return 0
        } catch {
            return failure(error, err)
        }
    }

    private static func restore(path: String, from copy: String, out: OutputSink, err: OutputSink) -> Int32 {
        // (a restore replaces a database that is there; it creates none)
        guard FileManager.default.fileExists(atPath: path) else {
            err.write("leads: error: no database at \(path) to restore into (copy the backup there instead)\n")
            return 1
        }
        // (the same file however it is named: a link, another spelling of the path)
        guard URL(fileURLWithPath: copy).resolvingSymlinksInPath().standardizedFileURL.path
                != URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path else {
            return usageError("restore takes a backup, not the database itself", err)
        }
        do {
            let db = try Database(path: path, mode: .readWrite, wal: false)
            try LeadDatabase.migrator().checkOwnership(db)
            let before = (try? db.scalar("SELECT count(*) FROM lead_records", as: Int.self)) ?? 0
            let erasures = try LeadDatabase.restore(db, from: copy)
            let status = try LeadDatabase.migrator().status(db)
            let leads = (try? db.scalar("SELECT count(*) FROM lead_records", as: Int.self)) ?? 0
            let again = erasures == 0 ? "" : " \(erasures) erasure\(erasures == 1 ? "" : "s") made since the backup \(erasures == 1 ? "was" : "were") applied again."
            // (what the file held that the backup does not is gone: say so)
            let was = " (the file had \(before) before the restore: everything written since the backup is gone)"
            out.write("Restored \(path) from \(copy): \(leads) lead\(leads == 1 ? "" : "s")\(before == leads ? "" : was).\(again)\(status.isUpToDate ? "" : " The backup is from an older LeadDB: run `leads migrate --db \(path)`.")\n")
            return 0
        } catch {
            return failure(error, err)
        }
    }

    // MARK: - report

    /// Reads only; writes the page to `file` (replacing it: a report is made again, not kept).
    private static func htmlReport(location: Location, to file: String, out: OutputSink, err: OutputSink) -> Int32 {
        let path = location.description
        if case .file = location {
            guard FileManager.default.fileExists(atPath: path) else {
                err.write("leads: error: no database at \(path)\n")
                return 1
            }
            // (the page never replaces the database or one of its files)
            let target = URL(fileURLWithPath: file).resolvingSymlinksInPath().standardizedFileURL.path
            let database = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
            guard ![database, database + "-wal", database + "-shm", database + "-journal"].contains(target) else {
                return usageError("report --html takes a new file for the page, not the database or its files", err)
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            err.write("leads: error: cannot write the report to \(file): it is a directory\n")
            return 1
        }
        do {
            let db = try location.open(.readOnly)
            guard try LeadDatabase.migrator().status(db).isUpToDate else {
                err.write("leads: error: \(path) needs `leads migrate \(location.option)` before its report\n")
                return 1
            }
            let page = try HTMLReport.page(db, path: path)
            do {
                try page.write(toFile: file, atomically: true, encoding: .utf8)
            } catch {
                let folder = (file as NSString).deletingLastPathComponent
                let reason = FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) ? "it cannot be written here" : "no folder \(folder)"
                err.write("leads: error: cannot write the report to \(file): \(reason)\n")
                return 1
            }
            out.write("Wrote the report on \(path) to \(file) (\(page.utf8.count / 1024) KiB): open it in a browser, or print it to PDF.\n")
            return 0
        } catch {
            return failure(error, err)
        }
    }

    // MARK: - check

    /// Read-only: the file is never changed, and a missing one is not created.
    private static func check(location: Location, out: OutputSink, err: OutputSink) -> Int32 {
        let path = location.description
        if case .file = location, !FileManager.default.fileExists(atPath: path) {
            err.write("leads: error: no database at \(path)\n")
            return 1
        }
        do {
            let db = try location.open(.readOnly)
            let (text, healthy) = try CheckText.check(db, path: path)
            out.write(text)
            return healthy ? 0 : 1
        } catch {
            return failure(error, err)
        }
    }

    // MARK: - shell

    /// `lineEditor`: nil for plain input; otherwise the history file to use (or none).
    private static func runShell(
        location: Location, options: Options, input: LineSource, out: OutputSink, err: OutputSink, interactive: Bool, terminal: Terminal,
        lineEditor: String?? = nil, historyFile: String? = nil
    ) -> Int32 {
        let path = location.description
        let db: Database
        do {
            // The journal mode is left alone until the file is known to be LeadDB's (or new).
            db = try location.open(options.readOnly ? .readOnly : .readWriteCreate, wal: false)
        } catch {
            return failure(error, err)
        }
        var notes: [String] = []
        do {
            let isEmpty = (try db.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) ?? 0) == 0
            let migrator = try LeadDatabase.migrator()
            try migrator.checkOwnership(db)
            if !options.readOnly { try db.enableWAL() }
            if isEmpty && !options.readOnly {
                try migrator.migrate(db)
                notes.append("Set up a new LeadDB database in \(path).")
            } else {
                let status = try migrator.status(db)
                if !status.isUpToDate {
                    let count = status.pending.count
                    let what = count > 0 ? "\(count) pending migration\(count == 1 ? "" : "s")" : "a changed schema"
                    err.write("warning: \(path) has \(what); run `leads migrate \(location.option)`\(interactive ? " (or .migrate up here)" : "") to apply.\n")
                }
            }
        } catch {
            err.write("warning: \(message(of: error))\n")
        }
        let shell = Shell(db: db, out: out, err: err, interactive: interactive)
        shell.historyFile = historyFile
        if options.bail { shell.bail = true }
        shell.readOnly = options.readOnly
        if let name = options.mode, let mode = OutputMode.named(name) {
            shell.mode = mode
            shell.headers = mode.headersByDefault
        }
        shell.colors = terminal.colors
        shell.progressOnTerminal = terminal.progress
        // With a person at the terminal, Ctrl-C interrupts the running statement (an import stops with
        // what it stored) rather than killing the process, for -c commands and scripts too.
        if terminal.progress { InterruptOnSignal.install(db.interruptHandle) }
        if !options.commands.isEmpty {
            for command in options.commands {
                shell.runCommand(command)
                if shell.hadError && shell.bail { break }
            }
            return shell.hadError ? 1 : 0
        }
        var source = input
        if interactive {
            out.write("LeadDB \(LeadDatabase.version) (SQLite \(Database.sqliteVersion)) on \(path)\n")
            for note in notes { out.write(note + "\n") }
            out.write("Type help for lead commands, .help for dot-commands, SQL ending with ;, .quit to leave.\n")
            let mark = shell.clockMark()
            if !mark.isEmpty {
                out.write("note: this file's clock is not the real time\(mark.replacingOccurrences(of: " [clock ", with: " (").replacingOccurrences(of: "]", with: ")")): every program that opens it sees that time; .clock reset returns to real time.\n")
            }
            if shell.store != nil, (try? db.scalar("SELECT count(*) FROM lead_records", as: Int.self)) == 0 {
                out.write("The database is empty: .demo loads sample leads, reps and activities to explore.\n")
            }
            if case .some(let historyPath) = lineEditor {
                shell.terminalSize = { WindowSize.size() }
                source = TerminalLineReader(
                    historyPath: historyPath, isComplete: { [unowned shell] in shell.entryIsComplete($0) },
                    complete: { [unowned shell] in shell.completionCandidates(word: $0, line: $1) })
                InterruptOnSignal.install(db.interruptHandle)
            }
        }
        return shell.run(source)
    }
}
