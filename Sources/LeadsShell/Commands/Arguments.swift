import Foundation

/// Splits a command line into words, honouring single and double quotes; returns each word's
/// column so errors can point at it. A quote opens a quoted part at the start of a word or after an
/// `=` (`"Acme Inc"`, `company='Acme Inc'`); inside a word it is a letter (`O'Brien`, `Q3's`).
func splitArguments(_ line: String) -> ([String], [Int]) {
    var words: [String] = []
    var offsets: [Int] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var column = 0
    for character in line {
        defer { column += displayWidth(String(character)) }
        if let q = quote {
            if character == q { quote = nil } else { current.append(character) }
            continue
        }
        if character == " " || character == "\t" {
            if inWord {
                words.append(current)
                current = ""
                inWord = false
            }
            continue
        }
        if !inWord {
            inWord = true
            offsets.append(column)
        }
        if (character == "\"" || character == "'") && (current.isEmpty || current.last == "=") { quote = character } else { current.append(character) }
    }
    if inWord { words.append(current) }
    return (words, offsets)
}

/// An amount as a person types it: digits with an optional decimal point, thousands separated by
/// commas in groups of three (12,000 or 12000.50). Anything else (1.5k, 12,00, 12 EUR, 1e3) is nil:
/// the whole text is read or none of it, never a prefix.
func parseAmount(_ text: String) -> Decimal? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
    let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
    guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
    if groups.count > 1 {
        guard groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
    }
    if parts.count == 2 {
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    }
    let plain = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
    return Decimal(string: plain, locale: Locale(identifier: "en_US_POSIX"))
}
