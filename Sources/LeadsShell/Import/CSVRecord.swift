/// A CSV record with the line it starts on (1-based), for error messages.
struct CSVRecord: Equatable {
    let line: Int
    /// nil for an unquoted empty field (NULL); "" for a quoted empty one.
    let fields: [String?]
}
