import Foundation

/// A CSV reader after RFC 4180: fields separated by commas, records by CRLF or LF; a quoted field may
/// hold commas, quotes (doubled) and line breaks. A leading byte-order mark is skipped, empty lines are
/// skipped, and an unquoted empty field is NULL.
///
/// It reads bytes, so one bad row never spoils the others: a field that is not valid in the file's
/// encoding, or holds a NUL byte, rejects its row with the line, the field and the byte offset; a
/// quote that is never closed rejects the line it opens on, and reading goes on at the next line.
struct CSVReader {
    /// How the file's bytes are text. UTF-8 is checked byte by byte; Latin-1 and Windows-1252 are
    /// for exports that really are in those encodings (every byte is a character).
    enum Encoding: String, CaseIterable {
        case utf8 = "utf8", latin1 = "latin1", cp1252 = "cp1252"
    }

    /// A row that could not be read.
    struct Failure: Error, Equatable, CustomStringConvertible {
        let line: Int
        /// The field's position (from 0), when one field is at fault.
        var field: Int? = nil
        let message: String
        /// The row's bytes as they are in the file (without its line break), for the rejects file.
        var raw: [UInt8] = []
        var description: String { "line \(line): \(message)" }
        static func == (a: Failure, b: Failure) -> Bool { a.line == b.line && a.field == b.field && a.message == b.message }
    }

    struct Result {
        var records: [CSVRecord] = []
        var failures: [Failure] = []
    }

    /// Every record that could be read, and a failure for every row that could not.
    static func read(_ bytes: [UInt8], encoding: Encoding = .utf8, separator: UInt8 = UInt8(ascii: ",")) -> Result {
        var result = Result()
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var line = 1
        while start < bytes.count {
            // One record from `start`.
            var fields: [[UInt8]?] = []
            var field: [UInt8] = []
            var quoted = false
            var inQuotes = false
            var fieldStarted = false
            var fieldOffsets: [Int] = []
            var fieldOffset = start
            let recordLine = line
            var index = start
            var ended = false
            var malformed = false
            func endField() {
                fields.append(quoted || !field.isEmpty ? field : nil)
                fieldOffsets.append(fieldOffset)
                field = []
                quoted = false
                fieldStarted = false
            }
            while index < bytes.count {
                let byte = bytes[index]
                if inQuotes {
                    if byte == UInt8(ascii: "\"") {
                        if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 2
                            continue
                        }
                        inQuotes = false
                        // A closing quote is followed by a separator, a line break or the end; anything
                        // else means the quote that opened the field was a stray one.
                        if index + 1 < bytes.count, ![separator, 10, 13].contains(bytes[index + 1]) {
                            malformed = true
                            break
                        }
                    } else {
                        if byte == 10 || (byte == 13 && !(index + 1 < bytes.count && bytes[index + 1] == 10)) { line += 1 }
                        if byte != 13 || !(index + 1 < bytes.count && bytes[index + 1] == 10) { field.append(byte == 13 ? 10 : byte) }
                    }
                    index += 1
                    continue
                }
                if byte == UInt8(ascii: "\"") && !fieldStarted {
                    quoted = true
                    inQuotes = true
                    fieldStarted = true
                    fieldOffset = index
                } else if byte == separator {
                    endField()
                    fieldOffset = index + 1
                } else if byte == 10 || byte == 13 {
                    index += (byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10) ? 2 : 1
                    line += 1
                    ended = true
                    break
                } else {
                    if !fieldStarted { fieldOffset = index }
                    field.append(byte)
                    fieldStarted = true
                }
                index += 1
            }
            if inQuotes || malformed {
                // A quote that is never closed (or closed with text after it): this line is rejected,
                // and reading goes on after it.
                let lineEnd = bytes[start...].firstIndex { $0 == 10 || $0 == 13 } ?? bytes.count
                let message = malformed
                    ? "closes its quotes and goes on at byte \(index + 2) of the file: a quote inside a quoted field is "
                        + "written twice (\"\"), and a closing quote is followed by a separator or the end of the line"
                    : "a quoted field opens here and is never closed"
                result.failures.append(Failure(line: recordLine, field: malformed ? fields.count : nil, message: message, raw: Array(bytes[start..<lineEnd])))
                var next = lineEnd
                if next < bytes.count { next += (bytes[next] == 13 && next + 1 < bytes.count && bytes[next + 1] == 10) ? 2 : 1 }
                start = next
                line = recordLine + 1
                continue
            }
            if !ended && !fieldStarted && fields.isEmpty && !quoted { break }
            endField()
            let raw = Array(bytes[start..<min(index, bytes.count)]).trimmingLineBreak()
            start = index
            if fields.count == 1 && fields[0] == nil { continue }  // an empty line
            // Decode each field; the first that cannot be read rejects the row.
            var texts: [String?] = []
            var failure: Failure?
            for (position, value) in fields.enumerated() {
                guard let value else { texts.append(nil); continue }
                if let nul = value.firstIndex(of: 0) {
                    failure = Failure(line: recordLine, field: position, message: "holds a NUL byte at byte \(fieldOffsets[position] + nul + 1) of the file", raw: raw)
                    break
                }
                switch decode(value, encoding) {
                case .success(let text): texts.append(text)
                case .failure(let bad):
                    let byte = "byte 0x\(String(bad.byte, radix: 16, uppercase: true)) at byte \(fieldOffsets[position] + bad.offset + 1) of the file"
                    let message = switch encoding {
                    case .utf8: "is not valid UTF-8: \(byte) (if the file is in another encoding, give --encoding latin1 or cp1252)"
                    case .latin1: "holds \(byte), an invisible control character in Latin-1 (the file is probably Windows-1252: give --encoding cp1252)"
                    case .cp1252: "holds \(byte), which is no character in Windows-1252 (is the file UTF-8 or Latin-1?)"
                    }
                    failure = Failure(line: recordLine, field: position, message: message, raw: raw)
                }
                if failure != nil { break }
            }
            if let failure { result.failures.append(failure) } else { result.records.append(CSVRecord(line: recordLine, fields: texts)) }
        }
        return result
    }

    /// The records of `text`; throws the first row that cannot be read.
    static func records(in text: String, separator: Character = ",") throws -> [CSVRecord] {
        let result = read(Array(text.utf8), separator: separator.asciiValue ?? UInt8(ascii: ","))
        if let failure = result.failures.first { throw failure }
        return result.records
    }

    struct BadByte: Error { let byte: UInt8; let offset: Int }

    /// Strict UTF-8 (no overlong forms, no surrogates), or one byte a character. A byte that would be
    /// an invisible control character (Latin-1's 0x80-0x9F, which a Windows-1252 export uses for curly
    /// quotes and dashes) or that Windows-1252 leaves undefined is refused, not stored.
    static func decode(_ bytes: [UInt8], _ encoding: Encoding) -> Swift.Result<String, BadByte> {
        switch encoding {
        case .latin1:
            if let bad = bytes.firstIndex(where: { (0x80...0x9F).contains($0) }) { return .failure(BadByte(byte: bytes[bad], offset: bad)) }
            return .success(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
        case .cp1252:
            if let bad = bytes.firstIndex(where: { (0x80...0x9F).contains($0) && cp1252[$0] == nil }) {
                return .failure(BadByte(byte: bytes[bad], offset: bad))
            }
            return .success(String(String.UnicodeScalarView(bytes.map { cp1252[$0] ?? Unicode.Scalar($0) })))
        case .utf8:
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let length: Int
                var minimum: UInt32 = 0
                switch lead {
                case 0x00...0x7F: length = 1
                case 0xC2...0xDF: length = 2; minimum = 0x80
                case 0xE0...0xEF: length = 3; minimum = 0x800
                case 0xF0...0xF4: length = 4; minimum = 0x10000
                default: return .failure(BadByte(byte: lead, offset: index))
                }
                guard index + length <= bytes.count else { return .failure(BadByte(byte: lead, offset: index)) }
                var scalar = UInt32(lead) & (length == 1 ? 0x7F : length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for continuation in 1..<max(length, 1) where length > 1 {
                    let byte = bytes[index + continuation]
                    // The character starting at `lead` is broken: that byte is the one to report.
                    guard byte & 0xC0 == 0x80 else { return .failure(BadByte(byte: lead, offset: index)) }
                    scalar = scalar << 6 | UInt32(byte & 0x3F)
                }
                guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                    return .failure(BadByte(byte: lead, offset: index))
                }
                index += length
            }
            return .success(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Windows-1252's characters in 0x80-0x9F (the rest is Latin-1).
    static let cp1252: [UInt8: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}", 0x86: "\u{2020}",
        0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}", 0x8B: "\u{2039}", 0x8C: "\u{0152}",
        0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}",
        0x96: "\u{2013}", 0x97: "\u{2014}", 0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}",
        0x9C: "\u{0153}", 0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]
}

extension Array where Element == UInt8 {
    fileprivate func trimmingLineBreak() -> [UInt8] {
        var copy = self
        while let last = copy.last, last == 10 || last == 13 { copy.removeLast() }
        return copy
    }
}
