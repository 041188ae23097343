import Foundation

/// Where the shell's input lines come from.
public protocol LineSource {
    /// The next line without its line ending, or nil at the end of input. `prompt` is nil when no
    /// prompt should be shown.
    func readLine(prompt: String?) -> String?
    /// Forgets the history entries that match, in memory and in the history file (after an erasure).
    func forget(where matches: (String) -> Bool)
    /// One line answering a question (yes or no): finished by Enter whatever it holds, and kept out of
    /// the history.
    func readAnswer(prompt: String) -> String?
}

extension LineSource {
    public func forget(where matches: (String) -> Bool) {}
    public func readAnswer(prompt: String) -> String? { readLine(prompt: prompt) }
}
