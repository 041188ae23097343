import CSQLite
import Foundation

/// The reference schema of each set of migrations and schema files, built once per process.
final class ReferenceCache: @unchecked Sendable {
    static let shared = ReferenceCache()
    private let lock = NSLock()
    private var entries: [String: [Migrator.SchemaObject]] = [:]

    func objects(for key: String) -> [Migrator.SchemaObject]? { lock.withLock { entries[key] } }
    func store(_ objects: [Migrator.SchemaObject], for key: String) { lock.withLock { entries[key] = objects } }
}
