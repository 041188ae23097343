import Foundation
import LeadSQLite

/// Read-only connections handed out one caller at a time.
final class ReaderPool: @unchecked Sendable {
    private let lock = NSLock()
    private let available: DispatchSemaphore
    private var idle: [Database]

    init(path: String, size: Int) throws {
        idle = try (0..<size).map { _ in try Database(path: path, mode: .readOnly) }
        available = DispatchSemaphore(value: size)
    }

    func use<T>(_ body: (Database) throws -> T) rethrows -> T {
        available.wait()
        lock.lock()
        let db = idle.removeLast()
        lock.unlock()
        defer {
            lock.lock()
            idle.append(db)
            lock.unlock()
            available.signal()
        }
        return try body(db)
    }
}
