import Foundation
import LeadSQLite

/// Ctrl-C while a statement runs interrupts it (`sqlite3_interrupt`) instead of ending the shell.
public enum InterruptOnSignal {
    nonisolated(unsafe) private static var target: InterruptHandle?

    /// From now on, SIGINT interrupts what `handle`'s connection is running.
    public static func install(_ handle: InterruptHandle) {
        target = handle
        signal(SIGINT) { _ in InterruptOnSignal.target?.interrupt() }
    }

    /// Points an installed handler at another connection (the shell's `.open`); does nothing when no
    /// handler is installed.
    public static func retarget(_ handle: InterruptHandle) {
        if target != nil { target = handle }
    }

    /// The connection Ctrl-C interrupts now, if a handler is installed.
    static var current: InterruptHandle? { target }
}
