import CSQLite

extension Database {
    /// How a transaction takes its locks. See <https://sqlite.org/lang_transaction.html>.
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock at once: the right kind for every write, so it never fails half-way
        /// with `SQLITE_BUSY` on lock upgrade.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    ///     try db.transaction {
    ///         try db.execute("INSERT INTO lead_intake(email) VALUES (?)", ["a@example.com"])
    ///         try db.execute("INSERT INTO lead_intake(email) VALUES (?)", ["b@example.com"])
    ///     }
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// Runs `body` inside a savepoint: released when it returns, rolled back to (and released) when it
    /// throws. Savepoints nest, inside or outside a transaction.
    /// See <https://sqlite.org/lang_savepoint.html>.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        let name = nextSavepointName()
        try execute("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body()
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
            }
            throw error
        }
        try execute("RELEASE \(name)")
        return result
    }

    private func rollbackQuietly() {
        // A failed statement may already have rolled the transaction back (e.g. SQLITE_FULL).
        if isInTransaction { try? execute("ROLLBACK") }
    }
}
