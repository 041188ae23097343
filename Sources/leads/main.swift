import Foundation
import LeadSQLite
import LeadsShell

// Cheaper trigger-heavy writes: no global mutex per allocation, freed memory kept (see SQLiteProcess).
SQLiteProcess.tune()

// Writing to a closed pipe (`leads ... | head`) ends the program quietly instead of with SIGPIPE noise.
signal(SIGPIPE, SIG_DFL)

let status = LeadsCLI.run(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment,
    input: StandardInput(),
    out: FileOutput.standardOutput,
    err: FileOutput.standardError,
    interactive: isatty(0) == 1,
    terminal: LeadsCLI.Terminal(colors: isatty(2) == 1, progress: isatty(2) == 1),
    lineEditor: isatty(0) == 1 && isatty(1) == 1)
exit(status)
