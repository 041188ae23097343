import Foundation

/// A request to stop, set from any thread (a signal handler included: a plain word, no lock).
final class InterruptFlag: @unchecked Sendable {
    private var raised: sig_atomic_t = 0
    func set() { raised = 1 }
    func take() -> Bool {
        defer { raised = 0 }
        return raised != 0
    }
}
