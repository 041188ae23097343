import LeadDB
import LeadSQLite

/// What a command may see and change of the shell it runs in: the database, where results go, the
/// output settings, and the REPL's own state that `.read`, `.once` and `.quit` work on. Commands are
/// written against this, not against ``Shell``, so they depend on nothing above them: the REPL
/// (REPL/Shell.swift) conforms and dispatches to them.
protocol ShellSession: AnyObject {
    /// The open database, and the lead API over it (nil when the file is not an up-to-date LeadDB one).
    var db: Database { get set }
    var store: LeadStore? { get set }
    /// The database's path as given.
    var path: String { get set }
    /// Opened with --readonly: nothing is written anywhere.
    var readOnly: Bool { get }
    /// True for a person at a terminal.
    var interactive: Bool { get }
    /// Whether long jobs may draw a progress bar on stderr.
    var progressOnTerminal: Bool { get }
    /// Where entries come from, and the history file scrubbed after an erasure.
    var input: LineSource? { get }
    var historyFile: String? { get }

    /// Where results go now, where they go by default, and where messages go.
    var out: OutputSink { get set }
    var standardOut: OutputSink { get }
    var err: OutputSink { get }
    /// What to undo after the next command (`.once`, `.export`).
    var afterNext: (() -> Void)? { get set }

    var mode: OutputMode { get set }
    var headers: Bool { get set }
    var nullValue: String { get set }
    var maxWidth: Int { get set }
    var bail: Bool { get set }
    var echo: Bool { get set }
    var timer: Bool { get set }
    var showChanges: Bool { get set }

    /// During `.whatif`: the shared file to go back to, and the private copy in use.
    var whatIf: (db: Database, path: String, store: LeadStore?, copy: String)? { get set }
    /// The line being read and the file it comes from (`.read`), for error messages.
    var lineNumber: Int { get set }
    var source: String? { get set }
    var quitRequested: Bool { get set }
    /// Set when anything failed (the exit status of a script).
    var hadError: Bool { get set }

    /// How many results have been printed (`.export` tells whether the next command printed one).
    var renderedResults: Int { get }
    /// Prints a result in the current output mode.
    func render(_ result: ResultSet)
    /// The terminal's width in columns when results go to it, else nil.
    var screenColumns: Int? { get }
    /// Runs the entries `input` gives (`.read`) and returns the exit status.
    func run(_ input: LineSource, prompts: Bool) -> Int32
    /// Leaves a what-if copy: back on the shared file, the copy deleted.
    func endWhatIf()
}
