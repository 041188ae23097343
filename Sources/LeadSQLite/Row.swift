/// One result row: values by index or by column name.
///
///     let row = try db.query("SELECT id, email FROM leads").first!
///     let id: Int64 = try row.get("id")
///     let email: String? = try row.get(1)
public struct Row: Sendable, Hashable, CustomStringConvertible {
    /// The column names, in order.
    public let columns: [String]
    /// The values, in column order.
    public let values: [DatabaseValue]

    public init(columns: [String], values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at a column index.
    public subscript(index: Int) -> DatabaseValue { values[index] }

    /// The value of the first column with this name (case-insensitive, as SQLite), or nil if none.
    public subscript(name: String) -> DatabaseValue? {
        index(of: name).map { values[$0] }
    }

    /// The index of the column with this name (case-insensitive), or nil.
    public func index(of name: String) -> Int? {
        if let exact = columns.firstIndex(of: name) { return exact }
        let lower = name.lowercased()
        return columns.firstIndex { $0.lowercased() == lower }
    }

    /// The typed value at a column index; a NULL read as a non-optional type, or a mismatch, throws.
    public func get<T: DatabaseValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard index >= 0, index < values.count else {
            throw RowDecodingError(column: String(index), reason: "no such column index (the row has \(values.count))")
        }
        guard let value = T.fromDatabaseValue(values[index]) else {
            throw RowDecodingError(column: columns[index], reason: "cannot read \(values[index].typeName) as \(T.self)")
        }
        return value
    }

    /// The typed value of a named column; a missing column, a NULL read as a non-optional type, or a mismatch, throws.
    public func get<T: DatabaseValueConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = index(of: name) else {
            throw RowDecodingError(column: name, reason: "no such column (columns: \(columns.joined(separator: ", ")))")
        }
        return try get(index, as: type)
    }

    public var description: String {
        "[" + zip(columns, values).map { "\($0): \($1)" }.joined(separator: ", ") + "]"
    }
}
