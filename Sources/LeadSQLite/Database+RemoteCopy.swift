import CSQLite
import Foundation

// A remote database copied into a file. SQLite's backup API copies pages, which a remote node does not
// hand out: the copy is made from the schema and the rows instead, read in one transaction on the node,
// so it is a consistent snapshot as a backup is. Tables are made first (a full-text index makes its own
// tables), then filled, rowids kept; indexes, views and triggers are made after the rows, so no rule
// runs on a copied row; the header's user_version and application_id follow.
extension Database {
    /// Rows read from the node per request.
    private static let copyChunk = 2_000

    /// Copies this remote database into `destination`, an empty file's connection.
    func copyRemote(into destination: Database) throws {
        guard remote != nil, destination.remote == nil else { return }
        guard try destination.scalar("SELECT count(*) FROM sqlite_schema", as: Int.self) == 0 else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "a copy of a database on a cluster is made into an empty file only")
        }
        // (a read transaction on the node: every read below sees one snapshot)
        try transaction(.deferred) {
            let objects = try query("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid").map {
                (type: try $0.get(0, as: String.self), name: try $0.get(1, as: String.self), sql: try $0.get(2, as: String.self))
            }
            let header = try query("SELECT user_version, application_id FROM pragma_user_version, pragma_application_id").first?.values ?? []
            // (rows arrive table by table: a row may come before the one it refers to)
            try destination.execute("PRAGMA foreign_keys = OFF")
            try destination.transaction {
                for object in objects where object.type == "table" {
                    // (a full-text index's own tables exist once it is made; sqlite_sequence once a table
                    // with AUTOINCREMENT is)
                    if try destination.exists(object.name) { continue }
                    // (ANALYZE's tables are SQLite's to make)
                    try destination.execute(object.name.hasPrefix("sqlite_stat") ? "ANALYZE sqlite_schema" : object.sql)
                }
                for object in objects where object.type == "table" && !object.sql.uppercased().hasPrefix("CREATE VIRTUAL") {
                    // (sqlite_stat4 only where SQLite was built with it)
                    if try destination.exists(object.name) { try copyRows(of: object.name, into: destination) }
                }
                for object in objects where object.type != "table" {
                    try destination.execute(object.sql)
                }
                if header.count == 2, case .integer(let version) = header[0], case .integer(let application) = header[1] {
                    try destination.execute("PRAGMA user_version = \(version)")
                    try destination.execute("PRAGMA application_id = \(application)")
                }
            }
            try destination.execute("PRAGMA foreign_keys = ON")
        }
    }

    /// Whether the schema has an object of that name.
    private func exists(_ name: String) throws -> Bool {
        try scalar("SELECT count(*) FROM sqlite_schema WHERE name = ?", [name], as: Int.self) == 1
    }

    /// Copies one table's rows, in rowid order and chunks (all at once without rowid), rowids kept.
    private func copyRows(of table: String, into destination: Database) throws {
        let quoted = quoteIdentifier(table)
        // (generated columns are computed again; the destination's schema is the node's)
        let columns = try destination.query("SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", [table])
            .map { quoteIdentifier(try $0.get(0, as: String.self)) }
        // (the rowid by a name no column took: a column may be called rowid)
        let names = Set(try destination.query("SELECT lower(name) FROM pragma_table_xinfo(?)", [table]).map { try $0.get(0, as: String.self) })
        let rowid = try destination.scalar("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", [table], as: Int.self) == 1
            ? nil : ["rowid", "_rowid_", "oid"].first { !names.contains($0) }
        // (a full-text index's tables hold rows made with it: the copied ones replace them)
        try destination.execute("DELETE FROM \(quoted)")
        let list = columns.joined(separator: ", ")
        let insert = "INSERT INTO \(quoted)(\(rowid.map { "\($0), " } ?? "")\(list)) VALUES (\(Array(repeating: "?", count: columns.count + (rowid == nil ? 0 : 1)).joined(separator: ", ")))"
        guard let rowid else {
            for row in try query("SELECT \(list) FROM \(quoted)") { try destination.execute(insert, row.values) }
            return
        }
        var after = Int64.min
        while true {
            let rows = try query("SELECT \(rowid), \(list) FROM \(quoted) WHERE \(rowid) > ? ORDER BY \(rowid) LIMIT \(Self.copyChunk)", [after])
            for row in rows { try destination.execute(insert, row.values) }
            guard rows.count == Self.copyChunk, case .integer(let last)? = rows.last?.values.first else { return }
            after = last
        }
    }
}
