import Foundation

/// Reads lines from standard input (a script, a pipe, or a terminal without line editing).
public final class StandardInput: LineSource {
    public init() {}
    public func readLine(prompt: String?) -> String? {
        if let prompt {
            FileOutput.standardOutput.write(prompt)
        }
        guard let line = Swift.readLine(strippingNewline: true) else { return nil }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}
