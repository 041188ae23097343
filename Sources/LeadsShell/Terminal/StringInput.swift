import Foundation

/// Lines from a string (tests, `.read` of a file).
public final class StringInput: LineSource {
    private var lines: [Substring]
    private var index = 0
    public init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
    }
    public func readLine(prompt: String?) -> String? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        let line = lines[index]
        return String(line.hasSuffix("\r") ? line.dropLast() : line)
    }
}
