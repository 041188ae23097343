import Foundation
import LeadSQLite

/// One connection and the lock that makes it usable from any thread, one caller at a time.
final class Connection: @unchecked Sendable {
    private let lock = NSLock()
    private let database: Database

    init(_ database: Database) { self.database = database }

    func use<T>(_ body: (Database) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(database)
    }
}
