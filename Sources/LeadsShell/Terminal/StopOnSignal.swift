import Foundation

/// Ctrl-C (SIGINT), a polite kill (SIGTERM) or the terminal closing (SIGHUP) asks a long command (`leads demo`) to stop at its next
/// safe point instead of ending the process where it stands: the command finishes what it must (the
/// demo gives the file its real clock back) and says where it stopped.
public enum StopOnSignal {
    nonisolated(unsafe) private static var signalNumber: sig_atomic_t = 0

    /// From now on, SIGINT, SIGTERM and SIGHUP are noted instead of ending the process.
    public static func install() {
        signalNumber = 0
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number) { StopOnSignal.signalNumber = $0 } }
    }

    /// They end the process again.
    public static func remove() {
        for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, SIG_DFL) }
    }

    /// Whether a signal came since `install`.
    public static func raised() -> Bool { signalNumber != 0 }

    /// The exit status that tells the signal (128 + its number), once one came.
    public static var exitStatus: Int32 { 128 + Int32(signalNumber) }
}
