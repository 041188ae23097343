import Foundation

/// A progress bar on stderr: rows done, rows per second and the time left. Silent unless enabled.
final class ProgressBar {
    private let total: Int
    private let out: OutputSink
    private let enabled: Bool
    private let started = ContinuousClock.now

    init(total: Int, out: OutputSink, enabled: Bool) {
        self.total = total
        self.out = out
        self.enabled = enabled && total > 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        out.write("\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total) rows  \(Int(rate)) rows/s  ETA \(Int(left.rounded()))s  ")
    }

    func finish() {
        guard enabled else { return }
        out.write("\r" + String(repeating: " ", count: 80) + "\r")
    }
}
