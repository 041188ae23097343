/// SQL keywords the shell knows: the words that start a statement, and the words completion offers
/// (and that an erasure never takes for part of a person's name).
enum SQLKeywords {
    static let statements = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "VALUES"]

    static let all = [
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "GROUP", "HAVING", "LIMIT", "INSERT", "INTO", "VALUES", "UPDATE", "SET",
        "DELETE", "JOIN", "LEFT", "ON", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE", "AS", "DESC", "ASC", "COUNT",
        "DISTINCT", "WITH", "CREATE", "DROP", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK",
    ]
}
