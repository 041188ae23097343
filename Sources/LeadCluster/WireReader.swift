import Foundation
import LeadSQLite

/// A dqlite message body being read (the counterpart of ``WireWriter``).
struct WireReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func uint64() throws -> UInt64 { try littleEndian(8) }

    mutating func uint32() throws -> UInt32 { UInt32(try littleEndian(4)) }

    /// The next `count` bytes as a little-endian number.
    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        guard remaining >= count else { throw ClusterError.protocolError("a message ended in the middle of a word") }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += count
        return value
    }

    /// A FAILURE's body: its code and message. A dqlite 1.11 node that fails a query while it writes its
    /// rows sends what it wrote (column names, rows) before them, in the same body: the code and
    /// message are therefore read from the end, the message being the last text and starting on a
    /// word boundary after the code.
    static func failure(_ body: [UInt8]) throws -> ClusterError {
        var end = body.count
        while end > 0 && body[end - 1] == 0 { end -= 1 }
        var start = end
        while start > 0 && body[start - 1] != 0 { start -= 1 }
        if end > start, start >= 8, start % 8 == 0, body.count - start == ((end - start + 1 + 7) & ~7) {
            var reader = WireReader(Array(body[(start - 8)...]))
            return .failure(code: try reader.uint64(), message: try reader.text())
        }
        // An empty message: the code, then a word of zeros, at the end.
        if body.count >= 16, body.suffix(8).allSatisfy({ $0 == 0 }) {
            var reader = WireReader(Array(body.suffix(16)))
            return .failure(code: try reader.uint64(), message: "")
        }
        var reader = WireReader(body)
        return .failure(code: try reader.uint64(), message: try reader.text())
    }

    mutating func int64() throws -> Int64 { Int64(bitPattern: try uint64()) }

    mutating func double() throws -> Double { Double(bitPattern: try uint64()) }

    /// Peeks at the next word without reading it.
    func peekUInt64() throws -> UInt64 {
        var copy = self
        return try copy.uint64()
    }

    mutating func text() throws -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw ClusterError.protocolError("a text in a message has no end") }
        let value = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset += (end - offset + 1 + 7) & ~7
        guard offset <= bytes.count else { throw ClusterError.protocolError("a text in a message runs past its end") }
        return value
    }

    mutating func blob() throws -> Data {
        let length = Int(try uint64())
        guard length <= remaining else { throw ClusterError.protocolError("a blob in a message runs past its end") }
        let value = Data(bytes[offset..<(offset + length)])
        offset += (length + 7) & ~7
        return value
    }

    /// One row of `columns` values: a 4-bit type code each (low nibble first), padded to a word, then
    /// the values.
    mutating func row(columns: Int) throws -> [DatabaseValue] {
        let headerBytes = ((columns + 1) / 2 + 7) & ~7
        guard remaining >= headerBytes else { throw ClusterError.protocolError("a row's header runs past the message's end") }
        var types: [UInt8] = []
        for column in 0..<columns {
            let byte = bytes[offset + column / 2]
            types.append(column % 2 == 0 ? byte & 0x0F : byte >> 4)
        }
        offset += headerBytes
        var values: [DatabaseValue] = []
        for type in types {
            switch type {
            case WireType.integer, WireType.unixTime: values.append(.integer(try int64()))
            case WireType.boolean: values.append(.integer(Int64(try uint64())))
            case WireType.float: values.append(.real(try double()))
            case WireType.text, WireType.iso8601: values.append(.text(try text()))
            case WireType.blob: values.append(.blob(try blob()))
            case WireType.null:
                _ = try uint64()
                values.append(.null)
            default: throw ClusterError.protocolError("a row holds a value of unknown type \(type)")
            }
        }
        return values
    }
}
