import Foundation

/// Ctrl-C asks a long command (`leads demo`) to stop at its next safe point instead of ending the
/// process where it stands: the command finishes what it must (the demo gives the file its real clock
/// back) and says where it stopped.
public enum StopOnSignal {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// From now on, SIGINT raises the flag.
    public static func install() {
        flag = 0
        signal(SIGINT) { _ in StopOnSignal.flag = 1 }
    }

    /// SIGINT ends the process again.
    public static func remove() {
        signal(SIGINT, SIG_DFL)
    }

    /// Whether SIGINT came since `install`.
    public static func raised() -> Bool { flag != 0 }
}
