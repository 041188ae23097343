import Foundation

/// The line editor's state: the text, the cursor, history and reverse search, and the keys that change
/// them. No terminal here: tests drive it with keys and read the result.
struct LineEditorState {
    /// The entry being edited; may hold line breaks (a multi-line statement is one entry).
    private(set) var text: [Character] = []
    /// Index into `text`.
    private(set) var cursor = 0
    /// Older entries, oldest first.
    private(set) var history: [String]
    private var historyIndex: Int?
    private var draft: [Character] = []
    /// The reverse search query while Ctrl-R is active.
    private(set) var search: String?
    private var searchFrom: Int?
    private var lastKeyWasTab = false
    /// Whether Enter finishes the entry (false: a line break is inserted, e.g. SQL without its `;`).
    var isComplete: (String) -> Bool = { _ in true }
    /// Candidates for the word before the cursor.
    var complete: (_ word: String, _ line: String) -> [String] = { _, _ in [] }

    init(history: [String] = []) { self.history = history }

    /// Drops the history entries that match (an erased person's data).
    mutating func forget(where matches: (String) -> Bool) {
        history.removeAll(where: matches)
        historyIndex = nil
    }

    var line: String { String(text) }

    /// The history entry the search matches now, if any.
    var searchMatch: String? {
        guard search != nil, let index = searchFrom else { return nil }
        return history[index]
    }

    mutating func reset() {
        text = []
        cursor = 0
        historyIndex = nil
        search = nil
        searchFrom = nil
    }

    mutating func addHistory(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, history.last != entry else { return }
        history.append(entry)
    }

    mutating func handle(_ key: Key) -> EditAction {
        defer { if key != .tab { lastKeyWasTab = false } }
        if search != nil { return handleSearch(key) }
        switch key {
        case .character(let c):
            text.insert(c, at: cursor)
            cursor += 1
        case .enter:
            let entry = line
            if isComplete(entry) {
                return .submit(entry)
            }
            // Not finished (SQL without its ;): the entry goes on on a new line, wherever the cursor was.
            text.append("\n")
            cursor = text.count
        case .backspace, .control("H"):
            if cursor > 0 {
                text.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: cursor) }
        case .left, .control("B"): cursor = max(0, cursor - 1)
        case .right, .control("F"): cursor = min(text.count, cursor + 1)
        case .home, .control("A"): cursor = lineStart()
        case .end, .control("E"): cursor = lineEnd()
        case .wordLeft: cursor = previousWordStart()
        case .wordRight: cursor = nextWordEnd()
        case .control("K"): text.removeSubrange(cursor..<lineEnd())
        case .control("U"):
            let start = lineStart()
            text.removeSubrange(start..<cursor)
            cursor = start
        case .control("W"):
            let start = previousWordStart()
            text.removeSubrange(start..<cursor)
            cursor = start
        case .up, .control("P"): recall(older: true)
        case .down, .control("N"): recall(older: false)
        case .control("R"):
            search = ""
            searchFrom = nil
        case .control("C"):
            reset()
            return .cancel
        case .control("D"):
            if text.isEmpty { return .endOfInput }
            if cursor < text.count { text.remove(at: cursor) }
        case .control("L"):
            return .clearScreen
        case .tab:
            return completeWord()
        default:
            break
        }
        return .edit
    }

    private mutating func handleSearch(_ key: Key) -> EditAction {
        switch key {
        case .character(let c):
            search! += String(c)
            findMatch(before: (searchFrom ?? history.count) + 1)
        case .backspace:
            if !search!.isEmpty { search!.removeLast() }
            findMatch(before: history.count)
        case .control("R"):
            findMatch(before: searchFrom ?? history.count)
        case .control("G"), .escape, .control("C"):
            search = nil
            searchFrom = nil
        case .enter:
            accept()
            return handle(.enter)
        default:
            accept()
            return handle(key)
        }
        return .edit
    }

    private mutating func findMatch(before limit: Int) {
        guard let query = search, !query.isEmpty else { return }
        var index = min(limit, history.count) - 1
        while index >= 0 {
            if history[index].contains(query) {
                searchFrom = index
                return
            }
            index -= 1
        }
    }

    private mutating func accept() {
        if let match = searchMatch {
            text = Array(match)
            cursor = text.count
        }
        search = nil
        searchFrom = nil
    }

    private mutating func recall(older: Bool) {
        guard !history.isEmpty else { return }
        if historyIndex == nil {
            guard older else { return }
            draft = text
            historyIndex = history.count
        }
        let next = historyIndex! + (older ? -1 : 1)
        if next < 0 { return }
        if next >= history.count {
            historyIndex = nil
            text = draft
        } else {
            historyIndex = next
            text = Array(history[next])
        }
        cursor = text.count
    }

    private mutating func completeWord() -> EditAction {
        let start = wordStart(at: cursor)
        let word = String(text[start..<cursor])
        // A name with spaces completes quoted: "An" becomes "Ana Ruiz" (with its quotes).
        let quoted = !word.hasPrefix("\"")
        let candidates = complete(word, line).filter { ($0.hasPrefix(word) || (quoted && $0.hasPrefix("\"" + word))) && $0 != word }
        guard !candidates.isEmpty else { return .edit }
        if candidates.count == 1 {
            let candidate = candidates[0]
            if !candidate.hasPrefix(word) {
                text.removeSubrange(start..<cursor)
                cursor = start
                insert(candidate + " ")
                return .edit
            }
            insert(String(candidate.dropFirst(word.count)) + (candidate.hasSuffix(".") || candidate.hasSuffix("/") || candidate.hasSuffix("=") ? "" : " "))
            return .edit
        }
        guard candidates.allSatisfy({ $0.hasPrefix(word) }) else {
            let show = lastKeyWasTab
            lastKeyWasTab = true
            return show ? .showCandidates(candidates.sorted()) : .edit
        }
        let common = candidates.dropFirst().reduce(candidates[0]) { $0.commonPrefix(with: $1) }
        if common.count > word.count {
            insert(String(common.dropFirst(word.count)))
            return .edit
        }
        let show = lastKeyWasTab
        lastKeyWasTab = true
        return show ? .showCandidates(candidates.sorted()) : .edit
    }

    private mutating func insert(_ string: String) {
        text.insert(contentsOf: string, at: cursor)
        cursor += string.count
    }

    private func lineStart() -> Int {
        var i = cursor
        while i > 0 && text[i - 1] != "\n" { i -= 1 }
        return i
    }

    private func lineEnd() -> Int {
        var i = cursor
        while i < text.count && text[i] != "\n" { i += 1 }
        return i
    }

    private func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Start of the word (letters, digits, `_`, `.`, `@`) ending at `index`, for completion.
    private func wordStart(at index: Int) -> Int {
        var i = index
        while i > 0 && (isWord(text[i - 1]) || text[i - 1] == "." || text[i - 1] == "@") { i -= 1 }
        return i
    }

    private func previousWordStart() -> Int {
        var i = cursor
        while i > 0 && !isWord(text[i - 1]) { i -= 1 }
        while i > 0 && isWord(text[i - 1]) { i -= 1 }
        return i
    }

    private func nextWordEnd() -> Int {
        var i = cursor
        while i < text.count && !isWord(text[i]) { i += 1 }
        while i < text.count && isWord(text[i]) { i += 1 }
        return i
    }
}
