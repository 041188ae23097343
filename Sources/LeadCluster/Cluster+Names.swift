import Foundation
import LeadSQLite

// A dqlite 1.11 node finds a database's files by the beginning of their name: opened after "acme-eu"
// was made, "acme" opens acme-eu's data (its own name in every message, its rows acme-eu's). This client
// keeps the names of the databases it opened, in order, in a database of their own on the cluster, and
// refuses a name that begins the name of a database made before it. (A database only other programs
// made is not known: docs/cluster.md.)
extension Cluster {
    /// The database where the client records the names of the databases it opened, in order.
    public static let namesDatabase = "leaddb-names"

    /// Refuses the name when dqlite would open another database for it; records it when new. The check
    /// and the record are one transaction, so two clients making names at once see each other's; a
    /// node that answers "database is locked" is asked again.
    /// Returns the names' connection when the name is new (see ``checkNewName(_:)``), else nil.
    func checkName() throws -> Cluster? {
        guard !database.hasPrefix(Self.namesDatabase) && !Self.namesDatabase.hasPrefix(database) else {
            throw ClusterError.refused(
                "refused: the name \(database) \(database.count < Self.namesDatabase.count ? "begins" : "is or begins with") \(Self.namesDatabase), "
                    + "where this client keeps the names of the cluster's databases (dqlite 1.11 would open that): choose another")
        }
        guard !database.contains("\0") else { throw ClusterError.refused("refused: a database name holds no NUL") }
        // (a node keeps a database's WAL under its name and -wal: a database of that name is refused by the node)
        if let suffix = ["-wal", "-journal", "-shm"].first(where: { database.hasSuffix($0) }) {
            throw ClusterError.refused("refused: a database name does not end in \(suffix) (a node names its files so): choose another")
        }
        // (dqlite-demo, the node program docs/cluster.md runs, keeps a database of its own: "demo")
        guard database == "demo" || !"demo".hasPrefix(database) else {
            throw ClusterError.refused(
                "refused: a dqlite 1.11 node would open the database demo for the name \(database) (dqlite-demo's own database, "
                    + "found by the beginning of its name): choose a name that does not begin another's")
        }
        let names = try Cluster(addresses: addresses, database: Self.namesDatabase, timeout: timeout, statementTimeout: statementTimeout, checkingName: false)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do {
                try names.execute("CREATE TABLE IF NOT EXISTS databases(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
                try names.execute("BEGIN IMMEDIATE", [], holdingTransaction: false, prepared: false)
                do {
                    let isNew = try record(in: names)
                    try names.execute("COMMIT", [], holdingTransaction: true, prepared: false)
                    return isNew ? names : nil
                } catch {
                    do { try names.execute("ROLLBACK", [], holdingTransaction: true, prepared: false) } catch {}
                    throw error
                }
            } catch ClusterError.failure(let code, _) where code & 0xFF == 5 && Date() < deadline {
                // (SQLITE_BUSY: another client records a name)
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// Inside the names' transaction: refuses the name when a longer one that begins with it was made
    /// first, else records it when new.
    private func record(in names: Cluster) throws -> Bool {
        let known = try names.query(
            "SELECT id, name FROM databases WHERE substr(name, 1, length(?1)) = ?1 ORDER BY id", [.text(database)], holdingTransaction: true, prepared: false
        ).rows.map { $0[1] }
        let own = known.firstIndex(of: .text(database))
        // (a longer name made before this one is found first; one made after is not)
        if case .text(let name)? = known[..<(own ?? known.endIndex)].first {
            throw ClusterError.refused(
                "refused: a dqlite 1.11 node would open the database \(name) for the name \(database) "
                    + "(it finds a database by the beginning of its name, and \(name) was made first): choose a name that does not begin another's")
        }
        if own == nil { try names.execute("INSERT INTO databases(name) VALUES (?)", [.text(database)], holdingTransaction: true, prepared: false) }
        return own == nil
    }

    /// A new name, once its database is opened: a longer name that begins with it, recorded since, may
    /// have had its database made first on the node (its client was quicker to open it). The name is
    /// then refused and its record taken back (asked again, it is refused as made after the other).
    func checkNewName(_ names: Cluster) throws {
        let since = try names.query(
            "SELECT name FROM databases WHERE substr(name, 1, length(?1)) = ?1 AND name <> ?1 ORDER BY id LIMIT 1", [.text(database)]
        ).first?.values.first
        guard case .text(let other)? = since else { return }
        try names.execute("DELETE FROM databases WHERE name = ?", [.text(database)])
        throw ClusterError.refused(
            "refused: the database \(other) was made at the same time as \(database), whose name begins its name: a dqlite 1.11 node "
                + "may open \(other) for \(database): choose a name that does not begin another's")
    }
}
