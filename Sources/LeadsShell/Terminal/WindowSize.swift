import Foundation

/// The terminal's width, and a SIGWINCH handler that interrupts a waiting read so the entry is redrawn.
enum WindowSize {
    static func columns() -> Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Columns and rows of the terminal standard output is, or nil when it is not a terminal.
    static func size() -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    static func watch() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: the read returns EINTR and the entry is redrawn
        sigaction(SIGWINCH, &action, nil)
    }
}
