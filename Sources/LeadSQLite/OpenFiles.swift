import Foundation

/// The database files this process has open through ``Database``, by device and inode (however the path
/// is spelled). POSIX advisory locks belong to the process, not to a descriptor: closing any descriptor
/// of a file drops every lock the process holds on it, SQLite's included. Another process could then
/// take this process's connections for gone and delete the WAL and shared-memory files under them. So
/// nothing in LeadSQLite opens a file of its own while a connection of this process has it open.
final class OpenFiles: @unchecked Sendable {
    static let shared = OpenFiles()

    private let lock = NSLock()
    private var counts: [FileID: Int] = [:]

    struct FileID: Hashable {
        let device: UInt64
        let inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    func opened(_ id: FileID?) {
        guard let id else { return }
        lock.lock()
        defer { lock.unlock() }
        counts[id, default: 0] += 1
    }

    func closed(_ id: FileID?) {
        guard let id else { return }
        lock.lock()
        defer { lock.unlock() }
        if let count = counts[id], count > 1 { counts[id] = count - 1 } else { counts[id] = nil }
    }

    func isOpen(_ path: String) -> Bool {
        guard let id = FileID(path: path) else { return false }
        lock.lock()
        defer { lock.unlock() }
        return counts[id] != nil
    }
}
