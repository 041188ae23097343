import Foundation

/// Where the shell writes. Everything the shell prints goes through one of these, so tests can capture
/// the exact text (as sqlite3's `.testcase` does).
public protocol OutputSink: AnyObject {
    func write(_ text: String)
}

/// Writes to a file descriptor: stdout, stderr, or a file opened by `.output`.
public final class FileOutput: OutputSink, @unchecked Sendable {
    private let descriptor: Int32
    private let closeOnDeinit: Bool

    public static let standardOutput = FileOutput(descriptor: 1, closeOnDeinit: false)
    public static let standardError = FileOutput(descriptor: 2, closeOnDeinit: false)

    init(descriptor: Int32, closeOnDeinit: Bool) {
        self.descriptor = descriptor
        self.closeOnDeinit = closeOnDeinit
    }

    /// Opens a file for writing, truncating it. A new file is readable by its owner only (0600): what
    /// the shell writes out is lead data.
    public convenience init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw ShellError("cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        self.init(descriptor: descriptor, closeOnDeinit: true)
    }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    deinit { if closeOnDeinit { close(descriptor) } }
}

/// Collects output in memory (tests, `-c` capture).
public final class BufferOutput: OutputSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
}

/// An error the shell reports as is: a message a person can act on.
public struct ShellError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
