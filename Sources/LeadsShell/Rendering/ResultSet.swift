import LeadSQLite

/// A result to print: column names and rows of values.
struct ResultSet {
    let columns: [String]
    let rows: [[DatabaseValue]]
}
