import CSQLite
import Foundation

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
    ///
    /// An immediate or exclusive transaction that still finds the write lock taken when the busy
    /// timeout ends is begun again, up to six busy timeouts in all (30 s by default), as the locking
    /// contract asks of every writer: SQLite's busy handler is not a queue, and a writer can lose the
    /// lock to others many times in a row while they write without a pause. (Nothing has been done
    /// when `BEGIN` fails; `body` runs once.)
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try begin(kind)
        let result: T
        do {
            result = try body()
        } catch let lost as RemoteTransactionLost {
            // (this transaction's own rollback ends it: the caller has nothing to roll back)
            rollbackQuietly()
            throw RemoteTransactionLost(cause: lost.cause, ended: true)
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
                // (the caller gets the error that undid the savepoint; these are tried again when an
                // interrupt stops them, as a rollback is)
                if executeDespiteInterrupts("ROLLBACK TO \(name)") { _ = executeDespiteInterrupts("RELEASE \(name)") }
            }
            throw error
        }
        try execute("RELEASE \(name)")
        return result
    }

    private func begin(_ kind: TransactionKind) throws {
        let deadline = ContinuousClock.now + .milliseconds(6 * Int(busyTimeout))
        while true {
            do {
                try execute("BEGIN \(kind.rawValue)")
                return
            } catch let error as SQLiteError where error.resultCode == .busy && kind != .deferred {
                if ContinuousClock.now >= deadline { throw error }
                // (a remote node answers at once, with no busy handler: a pause between tries)
                if remote != nil { usleep(2_000) }
            }
        }
    }

    private func rollbackQuietly() {
        // A failed statement may already have rolled the transaction back (e.g. SQLITE_FULL). An
        // interrupt from another thread (Ctrl-C) also stops a ROLLBACK before it starts while statements
        // are still running: it is tried again, so the connection is never left inside the transaction.
        // (The error that made the transaction fail is what the caller gets.)
        if isInTransaction { _ = executeDespiteInterrupts("ROLLBACK") }
    }

    /// Runs a statement that undoes work, again when an interrupt stops it before it starts; false when it
    /// failed for another reason (or kept being interrupted a thousand times).
    private func executeDespiteInterrupts(_ sql: String) -> Bool {
        for _ in 0..<1_000 {
            do {
                try execute(sql)
                return true
            } catch let error as SQLiteError where error.resultCode == .interrupt {
                continue
            } catch {
                return false
            }
        }
        return false
    }
}
