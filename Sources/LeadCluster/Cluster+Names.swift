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

    /// Refuses the name when dqlite would open another database for it; records it when new.
    func checkName() throws {
        guard !database.hasPrefix(Self.namesDatabase) else {
            throw ClusterError.refused("refused: the name \(database) is kept for the names of the cluster's databases (\(Self.namesDatabase)): choose another")
        }
        guard !database.isEmpty, !database.contains("\0") else { throw ClusterError.refused("refused: a database needs a name, without NUL") }
        let names = try Cluster(addresses: (leader.map { [$0] } ?? []) + addresses, database: Self.namesDatabase, timeout: timeout)
        try names.execute("CREATE TABLE IF NOT EXISTS databases(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        let known = try names.query(
            "SELECT id, name FROM databases WHERE substr(name, 1, length(?1)) = ?1 ORDER BY id", [.text(database)]
        ).map { $0.values[1] }
        let own = known.firstIndex(of: .text(database))
        // (a longer name made before this one is found first; one made after is not)
        if case .text(let name)? = known[..<(own ?? known.endIndex)].first {
            throw ClusterError.refused(
                "refused: a dqlite 1.11 node would open the database \(name) for the name \(database) "
                    + "(it finds a database by the beginning of its name, and \(name) was made first): choose a name that does not begin another's")
        }
        if own == nil { try names.execute("INSERT OR IGNORE INTO databases(name) VALUES (?)", [.text(database)]) }
    }
}
