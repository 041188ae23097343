import Foundation

/// Collects output in memory (tests, `-c` capture).
public final class BufferOutput: OutputSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
}
