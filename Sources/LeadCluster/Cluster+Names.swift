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
    func checkName() throws {
        guard !database.hasPrefix(Self.namesDatabase) && !Self.namesDatabase.hasPrefix(database) else {
            throw ClusterError.refused(
                "refused: the name \(database) \(database.count < Self.namesDatabase.count ? "begins" : "is or begins with") \(Self.namesDatabase), "
                    + "where this client keeps the names of the cluster's databases (dqlite 1.11 would open that): choose another")
        }
        guard !database.contains("\0") else { throw ClusterError.refused("refused: a database name holds no NUL") }
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
                    try record(in: names)
                    try names.execute("COMMIT", [], holdingTransaction: true, prepared: false)
                } catch {
                    do { try names.execute("ROLLBACK", [], holdingTransaction: true, prepared: false) } catch {}
                    throw error
                }
                return
            } catch ClusterError.failure(let code, _) where code & 0xFF == 5 && Date() < deadline {
                // (SQLITE_BUSY: another client records a name)
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// Inside the names' transaction: refuses the name when a longer one that begins with it was made
    /// first, else records it when new.
    private func record(in names: Cluster) throws {
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
    }
}
