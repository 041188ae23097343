import Foundation

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

    /// Whether the descriptor is a terminal: what is written there has its bidirectional controls
    /// written out (escapingBidiControls), whatever wrote it (a result, a header, an error, an echo).
    public lazy var isTerminal: Bool = isatty(descriptor) == 1

    public func write(_ text: String) {
        var bytes = Array((isTerminal ? escapingBidiControls(text) : text).utf8)[...]
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
