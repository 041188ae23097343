import Foundation

/// Turns terminal bytes into keys: UTF-8 text, control characters, and the escape sequences of
/// xterm-compatible terminals (CSI and SS3 forms). Bytes of an unfinished sequence are kept until the
/// next call.
struct KeyDecoder {
    private var pending: [UInt8] = []

    mutating func decode(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            let byte = pending[i]
            switch byte {
            case 13, 10:
                keys.append(.enter)
                i += 1
            case 9:
                keys.append(.tab)
                i += 1
            case 127, 8:
                keys.append(.backspace)
                i += 1
            case 27:
                guard i + 1 < pending.count else {
                    // A lone escape at the end: wait for more, unless nothing else is coming.
                    if bytes.count == 1 { keys.append(.escape); i += 1 }
                    pending.removeFirst(i)
                    return keys
                }
                let next = pending[i + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    // CSI/SS3: parameters then a final byte in 0x40...0x7E.
                    var j = i + 2
                    while j < pending.count, !(0x40...0x7E).contains(pending[j]) { j += 1 }
                    guard j < pending.count else {
                        pending.removeFirst(i)
                        return keys
                    }
                    let parameters = String(decoding: pending[(i + 2)..<j], as: UTF8.self)
                    if let key = Self.sequence(final: pending[j], parameters: parameters) { keys.append(key) }
                    i = j + 1
                } else if next == UInt8(ascii: "b") {
                    keys.append(.wordLeft)
                    i += 2
                } else if next == UInt8(ascii: "f") {
                    keys.append(.wordRight)
                    i += 2
                } else if next == 127 {
                    keys.append(.control("W"))  // Alt-Backspace: delete a word
                    i += 2
                } else {
                    keys.append(.escape)
                    i += 1
                }
            case 1...26:
                keys.append(.control(Character(Unicode.Scalar(byte + 64))))
                i += 1
            case 0..<32:
                i += 1
            default:
                // UTF-8: the lead byte says how many bytes follow.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                guard i + length <= pending.count else {
                    pending.removeFirst(i)
                    return keys
                }
                let text = String(decoding: pending[i..<(i + length)], as: UTF8.self)
                keys += text.map(Key.character)
                i += length
            }
        }
        pending.removeAll()
        return keys
    }

    private static func sequence(final: UInt8, parameters: String) -> Key? {
        let modifiers = parameters.split(separator: ";").last.flatMap { Int($0) } ?? 1
        let word = parameters.contains(";") && (modifiers == 5 || modifiers == 3)  // Ctrl or Alt
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return word ? .wordRight : .right
        case UInt8(ascii: "D"): return word ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"):
            switch parameters.split(separator: ";").first {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            default: return nil
            }
        default: return nil
        }
    }
}
