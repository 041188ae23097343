
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
