import Foundation
import LeadCluster
import LeadSQLite

/// Where `leads` finds its database: a file, or a database on a dqlite cluster (docs/cluster.md).
///
///     leads --db leads.db
///     leads --cluster 10.0.0.1:9001,10.0.0.2:9001,10.0.0.3:9001        (database "leads")
///     leads --cluster 10.0.0.1:9001,10.0.0.2:9001,10.0.0.3:9001/sales  (database "sales")
enum Location: CustomStringConvertible {
    case file(String)
    case cluster(addresses: [String], database: String)

    static let clusterUsage = "--cluster needs HOST:PORT[,HOST:PORT...][/NAME], e.g. 10.0.0.1:9001,10.0.0.2:9001,10.0.0.3:9001"

    /// Reads `HOST:PORT[,HOST:PORT...][/NAME]`; nil when it is not that.
    static func cluster(_ text: String) -> Location? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.count == 2 ? String(parts[1]) : "leads"
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else { return nil }
        let addresses = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        for address in addresses {
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                  let port = Int(address[address.index(after: colon)...]), (1...65_535).contains(port),
                  !address[..<colon].contains(where: { $0.isWhitespace })
            else { return nil }
        }
        return .cluster(addresses: addresses, database: name)
    }

    /// The path, or `dqlite://HOST:PORT,.../NAME`.
    var description: String {
        switch self {
        case .file(let path): path
        case .cluster(let addresses, let database): "dqlite://\(addresses.joined(separator: ","))/\(database)"
        }
    }

    /// The option that names this database on a command line: `--db PATH` or `--cluster ...`.
    var option: String { Database.option(forLocation: description) }

    var path: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    /// The client of the cluster's database (which the cluster makes when it is new).
    func cluster() throws -> Cluster {
        guard case .cluster(let addresses, let database) = self else { preconditionFailure("not a cluster") }
        return try Cluster(addresses: addresses, database: database)
    }

    /// A connection: to the file (as `Database(path:mode:wal:)`), or to the cluster's database.
    func open(_ mode: Database.Mode, wal: Bool = true) throws -> Database {
        switch self {
        case .file(let path): try Database(path: path, mode: mode, wal: wal)
        case .cluster: try Database(remote: cluster(), mode: mode)
        }
    }
}
