/// A row the import did not take: where, which field, why, and the row itself for the rejects file
/// (its fields, or its bytes as they are in the file when they could not be read).
struct RejectedRow {
    let line: Int
    let field: String
    let message: String
    let fields: [String?]?
    let raw: [UInt8]
}
