import Foundation

/// A row value could not be read as the requested type.
public struct RowDecodingError: Error, CustomStringConvertible, Sendable {
    public let column: String
    public let reason: String
    public var description: String { "column \(column): \(reason)" }
}

extension DatabaseValue {
    var typeName: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}
