import Foundation
import LeadSQLite

/// A dqlite message body being written: little-endian words, text and blobs padded to 8 bytes
/// (docs/cluster.md, "The wire protocol").
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int64(_ value: Int64) { uint64(UInt64(bitPattern: value)) }

    mutating func double(_ value: Double) { uint64(value.bitPattern) }

    /// UTF-8, a NUL, then zeros to the next word.
    mutating func text(_ value: String) {
        bytes.append(contentsOf: Array(value.utf8))
        bytes.append(0)
        pad()
    }

    mutating func blob(_ value: Data) {
        uint64(UInt64(value.count))
        bytes.append(contentsOf: value)
        pad()
    }

    mutating func pad() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }

    /// A statement's parameters (schema 0: a count byte, a type byte each, zeros to a word, the
    /// values); nothing at all for none.
    mutating func parameters(_ values: [DatabaseValue]) throws {
        guard !values.isEmpty else { return }
        guard values.count <= 255 else { throw ClusterError.protocolError("a statement takes at most 255 parameters on a cluster; got \(values.count)") }
        // (dqlite's text ends at its first NUL: the rest would be cut, silently)
        if let index = values.firstIndex(where: { if case .text(let text) = $0 { text.utf8.contains(0) } else { false } }) {
            throw ClusterError.refused("refused: parameter \(index + 1) is text holding a NUL byte, which a cluster cannot carry (it would be cut there): send it as a blob")
        }
        bytes.append(UInt8(values.count))
        for value in values {
            switch value {
            case .integer: bytes.append(WireType.integer)
            case .real: bytes.append(WireType.float)
            case .text: bytes.append(WireType.text)
            case .blob: bytes.append(WireType.blob)
            case .null: bytes.append(WireType.null)
            }
        }
        pad()
        for value in values {
            switch value {
            case .integer(let v): int64(v)
            case .real(let v): double(v)
            case .text(let v): text(v)
            case .blob(let v): blob(v)
            case .null: uint64(0)
            }
        }
    }
}
