import Foundation

/// Text as a JSON string literal: quotes, backslashes and control characters (C0, DEL and C1) escaped,
/// every other character kept. The one writer of JSON strings for the API (``NewLead/customJSON``) and the
/// shell (`.mode json`, rejects).
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
