import Foundation
import LeadSQLite

/// Reads entries from a terminal with line editing: the keys of ``LineEditorState`` on a raw-mode
/// terminal, redrawn with display widths (wide characters count two), following window resizes, with
/// history kept in a file. The terminal is raw only while an entry is edited, so a running statement
/// gets Ctrl-C as a signal (see ``InterruptOnSignal``).
public final class TerminalLineReader: LineSource {
    private var state: LineEditorState
    private let historyPath: String?
    private var decoder = KeyDecoder()
    /// Keys read after the Enter that ended the last line: lines typed ahead while a statement ran
    /// arrive together, and each is the next line's.
    private var typedAhead: [Key] = []
    /// Rows above the cursor that the last drawing used (to move back to its start).
    private var cursorRow = 0
    /// The terminal read (standard input unless a test gives a pseudo-terminal), and where drawing goes.
    private let input: Int32
    private let output: (String) -> Void

    /// - Parameters:
    ///   - historyPath: where history is kept (`~/.leads_history` by default); nil keeps none.
    ///   - isComplete: whether an entry is finished when Enter is pressed.
    ///   - complete: completion candidates for the word before the cursor.
    ///   - input, output: the terminal (standard input and output unless given).
    public init(
        historyPath: String?, isComplete: @escaping (String) -> Bool,
        complete: @escaping (_ word: String, _ line: String) -> [String],
        input: Int32 = 0, output: @escaping (String) -> Void = { FileOutput.standardOutput.write($0) }
    ) {
        self.historyPath = historyPath
        self.input = input
        self.output = output
        var history: [String] = []
        if let historyPath, let text = try? String(contentsOfFile: historyPath, encoding: .utf8) {
            history = text.split(separator: "\n").map { Self.unescape(String($0)) }
        }
        state = LineEditorState(history: Array(history.suffix(2_000)))
        state.isComplete = isComplete
        state.complete = complete
        WindowSize.watch()
    }

    /// A yes/no answer: Enter finishes it, and it is not kept in the history.
    public func readAnswer(prompt: String) -> String? {
        let complete = state.isComplete
        state.isComplete = { _ in true }
        answering = true
        defer {
            state.isComplete = complete
            answering = false
        }
        return readLine(prompt: prompt)
    }

    private var answering = false

    public func readLine(prompt: String?) -> String? {
        let prompt = prompt ?? ""
        guard let saved = RawMode.enable(input) else { return input == 0 ? Swift.readLine() : nil }
        defer { RawMode.restore(saved, input) }
        state.reset()
        cursorRow = 0
        draw(prompt)
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            if typedAhead.isEmpty {
                let count = read(input, &buffer, buffer.count)
                if count < 0 {
                    if errno == EINTR {
                        draw(prompt)  // a resize: draw again at the new width
                        continue
                    }
                    return nil
                }
                if count == 0 { return nil }
                typedAhead = decoder.decode(Array(buffer[0..<count]))
            }
            while !typedAhead.isEmpty {
                let key = typedAhead.removeFirst()
                switch state.handle(key) {
                case .edit:
                    draw(prompt)
                case .submit(let entry):
                    finish(prompt)
                    if !answering {
                        state.addHistory(entry)
                        save(entry)
                    }
                    return entry
                case .cancel:
                    finish(prompt)
                    write("^C\r\n")
                    cursorRow = 0
                    draw(prompt)
                case .endOfInput:
                    write("\r\n")
                    return nil
                case .showCandidates(let candidates):
                    finish(prompt)
                    write(Self.columns(candidates, width: WindowSize.columns()).replacingOccurrences(of: "\n", with: "\r\n"))
                    cursorRow = 0
                    draw(prompt)
                case .clearScreen:
                    write("\u{1B}[H\u{1B}[2J")
                    cursorRow = 0
                    draw(prompt)
                }
            }
        }
    }

    // MARK: - Drawing

    /// Redraws the entry from its first row: prompt, text (continuation lines get `...>`), and the
    /// cursor where it belongs, wrapping at the terminal's width.
    private func draw(_ prompt: String) {
        let width = max(10, WindowSize.columns())
        var output = cursorRow > 0 ? "\u{1B}[\(cursorRow)A" : ""
        output += "\r\u{1B}[J"
        let continuation = String(repeating: " ", count: max(0, displayWidth(prompt) - 5)) + "...> "
        var row = 0
        var column = 0
        var cursorAt = (row: 0, column: 0)
        func put(_ text: String) {
            for character in text {
                let w = character.unicodeScalars.first.map(scalarWidth) ?? 1
                if column + w > width {
                    output += "\r\n"
                    row += 1
                    column = 0
                }
                output.append(character)
                column += w
            }
        }
        if let query = state.search {
            put("(reverse-i-search)'\(query)': ")
            put((state.searchMatch ?? "").replacingOccurrences(of: "\n", with: " "))
            cursorAt = (row, column)
        } else {
            put(prompt)
            for (index, character) in state.text.enumerated() {
                if index == state.cursor { cursorAt = (row, column) }
                if character == "\n" {
                    output += "\r\n"
                    row += 1
                    column = 0
                    put(continuation)
                } else {
                    put(String(character))
                }
            }
            if state.cursor == state.text.count { cursorAt = (row, column) }
        }
        if column == width {
            output += "\r\n"
            row += 1
            column = 0
        }
        if row > cursorAt.row { output += "\u{1B}[\(row - cursorAt.row)A" }
        output += "\r"
        if cursorAt.column > 0 { output += "\u{1B}[\(cursorAt.column)C" }
        cursorRow = cursorAt.row
        write(output)
    }

    /// Leaves the cursor after the entry, on a new line.
    private func finish(_ prompt: String) {
        let searching = state.search != nil
        if !searching {
            // Move to the end of the text before leaving it.
            while state.cursor < state.text.count { _ = state.handle(.right) }
            draw(prompt)
        }
        write("\r\n")
    }

    private func write(_ text: String) { output(text) }

    // MARK: - History file

    /// Drops matching entries from the history and rewrites the history file without them (owner-only).
    public func forget(where matches: (String) -> Bool) {
        state.forget(where: matches)
        if let historyPath { Self.forget(inHistoryFile: historyPath, where: matches) }
    }

    /// Rewrites a history file without the entries that match (owner-only): also used when the shell
    /// runs a script or `-c`, which reads no history but may erase a person typed in an earlier session.
    public static func forget(inHistoryFile historyPath: String, where matches: (String) -> Bool) {
        guard let text = try? String(contentsOfFile: historyPath, encoding: .utf8) else { return }
        let kept = text.split(separator: "\n").map(String.init).filter { !matches(Self.unescape($0)) }
        let contents = kept.isEmpty ? "" : kept.joined(separator: "\n") + "\n"
        let temporary = historyPath + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) {
            _ = rename(temporary, historyPath)
        }
    }

    private func save(_ entry: String) {
        guard let historyPath, !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let line = Self.escape(entry) + "\n"
        if let handle = FileHandle(forWritingAtPath: historyPath) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: historyPath, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600])
        }
    }

    /// One entry per line: line breaks become `\n`, backslashes `\\`.
    static func escape(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func columns(_ items: [String], width: Int) -> String {
        let cell = (items.map(displayWidth).max() ?? 0) + 2
        let perLine = max(1, width / max(cell, 1))
        var out = ""
        for (index, item) in items.enumerated() {
            out += index % perLine == perLine - 1 || index == items.count - 1 ? item + "\n" : pad(item, cell)
        }
        return out
    }
}
