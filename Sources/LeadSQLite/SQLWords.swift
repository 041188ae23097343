import Foundation

/// The words a statement begins with, enough to tell its kind without parsing it: lower-cased,
/// comments and string literals skipped, a quoted identifier read as its name (`"main"."page_size"`
/// is `main.page_size`, so quoting a name does not hide it).
///
///     SQLWords.leading("/* x */ PRAGMA \"journal_mode\" = DELETE")  // ["pragma", "journal_mode", "delete"]
public enum SQLWords {
    public static func leading(_ sql: String, limit: Int = .max) -> [String] {
        var words: [String] = []
        var word = ""
        var rest = Substring(sql).unicodeScalars[...]
        func flush() {
            if !word.isEmpty { words.append(word.lowercased()); word = "" }
        }
        while let scalar = rest.first, words.count < limit {
            rest = rest.dropFirst()
            switch scalar {
            case "-" where rest.first == "-":
                flush()
                while let next = rest.first, next != "\n" { rest = rest.dropFirst() }
            case "/" where rest.first == "*":
                flush()
                rest = rest.dropFirst()
                while let next = rest.first, !(next == "*" && rest.dropFirst().first == "/") { rest = rest.dropFirst() }
                rest = rest.dropFirst(2)
            case "'":
                flush()
                while let next = rest.first, next != "'" { rest = rest.dropFirst() }
                rest = rest.dropFirst()
            case "\"", "`", "[":
                // (a quoted name is part of the word: "main"."x" is main.x; a doubled quote is one)
                let close: Unicode.Scalar = scalar == "[" ? "]" : scalar
                while let next = rest.first {
                    rest = rest.dropFirst()
                    if next == close {
                        guard close != "]", rest.first == close else { break }
                        rest = rest.dropFirst()
                    }
                    word.unicodeScalars.append(next)
                }
            case _ where scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" || scalar == ".":
                word.unicodeScalars.append(scalar)
            default:
                flush()
            }
        }
        if words.count < limit { flush() }
        return words
    }
}
