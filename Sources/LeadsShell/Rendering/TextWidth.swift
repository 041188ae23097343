
/// The columns a string takes on a terminal: East Asian wide characters and emoji count two,
/// combining marks zero.
func displayWidth(_ text: String) -> Int {
    var width = 0
    for character in text {
        guard let scalar = character.unicodeScalars.first else { continue }
        width += scalarWidth(scalar)
    }
    return width
}

func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v == 0 || (v < 32) || (0x7F..<0xA0).contains(v) { return 0 }
    if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
    if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
        || (0x20000...0x3FFFD).contains(v)
    {
        return 2
    }
    return 1
}

func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - displayWidth(text)))
    return right ? fill + text : text + fill
}

/// Cuts a string to `width` terminal columns, ending with an ellipsis.
func truncate(_ text: String, to width: Int) -> String {
    var out = ""
    var used = 0
    for character in text {
        let w = character.unicodeScalars.first.map(scalarWidth) ?? 0
        if used + w > width - 1 { break }
        out.append(character)
        used += w
    }
    return out + "…"
}

/// A text with its control characters (C0, DEL and C1: what moves a terminal's cursor, rings its bell
/// or starts an escape sequence) written out as escapes, so no value the shell prints can act on the
/// terminal: a line break as `\n`, a tab as `\t`, a carriage return as `\r`, any other as `\x1B`.
/// `keepingLineBreaks` leaves line breaks and tabs as they are (list, CSV and messages, where they are
/// part of the text).
func escapingControls(_ text: String, keepingLineBreaks: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A where keepingLineBreaks, 0x09 where keepingLineBreaks, 0x0D where keepingLineBreaks: out.unicodeScalars.append(scalar)
        case 0x0A: out += "\\n"
        case 0x09: out += "\\t"
        case 0x0D: out += "\\r"
        case 0..<0x20, 0x7F...0x9F: out += String(format: "\\x%02X", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// A text with its bidirectional controls (embeddings, overrides, isolates and marks) written out as
/// `\u202E`, for a terminal: one in a name would reorder the rest of the line on screen, so a row could
/// show another lead's values or hide text. Files and pipes get the text as it is (an Arabic or Hebrew
/// name may need its marks).
public func escapingBidiControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isBidiControl($0.value) }) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isBidiControl(scalar.value) { out += String(format: "\\u%04X", scalar.value) } else { out.unicodeScalars.append(scalar) }
    }
    return out
}

/// U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069.
func isBidiControl(_ value: UInt32) -> Bool {
    value == 0x061C || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
}
