import Foundation

/// What the editor wants after a key.
enum EditAction: Equatable {
    /// Keep editing (redraw).
    case edit
    /// The entry is finished.
    case submit(String)
    /// Ctrl-C: the entry is dropped, a fresh prompt follows.
    case cancel
    /// Ctrl-D on an empty entry: end of input.
    case endOfInput
    /// Tab with several candidates: show them.
    case showCandidates([String])
    /// Ctrl-L.
    case clearScreen
}
