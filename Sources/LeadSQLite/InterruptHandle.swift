import CSQLite
import Foundation

/// Interrupts a connection from any thread (`sqlite3_interrupt`), e.g. from a Ctrl-C handler. The
/// request is also remembered (``Database/takeInterrupt()``), so a loop of many statements stops even
/// when the interrupt arrives between two of them, where SQLite would ignore it.
public struct InterruptHandle: @unchecked Sendable {
    let handle: OpaquePointer
    let flag: InterruptFlag
    public func interrupt() {
        flag.set()
        sqlite3_interrupt(handle)
    }
}
