/// A CSV record with the line it starts on (1-based), for error messages.
struct CSVRecord: Equatable {
    let line: Int
    /// nil for an unquoted empty field (NULL); "" for a quoted empty one.
    let fields: [String?]
}

/// A CSV reader after RFC 4180: fields separated by commas, records by CRLF or LF; a quoted field may
/// hold commas, quotes (doubled) and line breaks. A leading byte-order mark is skipped, empty lines are
/// skipped, and an unquoted empty field is NULL.
struct CSVReader {
    struct Failure: Error, Equatable, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    static func records(in text: String, separator: Character = ",") throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String?] = []
        var field = ""
        var quoted = false  // the current field started with a quote
        var inQuotes = false
        var fieldStarted = false
        var line = 1
        var recordLine = 1
        var chars = Substring(text)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var iterator = chars.makeIterator()
        var pending: Character? = nil

        func endField() {
            fields.append(quoted || !field.isEmpty ? field : nil)
            field = ""
            quoted = false
            fieldStarted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0] == nil) { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields = []
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                    }
                } else {
                    if c == "\n" || c == "\r\n" || c == "\r" { line += 1 }
                    field.append(c == "\r\n" ? "\n" : c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted:
                quoted = true
                inQuotes = true
                fieldStarted = true
            case separator:
                endField()
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(c)
                fieldStarted = true
            }
        }
        if inQuotes { throw Failure(line: recordLine, message: "a quoted field is never closed") }
        if fieldStarted || !fields.isEmpty || quoted { endRecord() }
        return records
    }
}
