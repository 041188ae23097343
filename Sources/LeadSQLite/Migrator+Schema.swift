import Foundation

/// The life of Schema/'s objects (views and triggers): recorded in `_schema_objects` and `_schema_files`,
/// compared with a reference built from the same SQL, dropped and made again on a deploy.
extension Migrator {
    /// One object of `sqlite_schema`.
    struct SchemaObject: Hashable, Sendable {
        let type: String
        let name: String
        let sql: String?
        /// Made by a schema file (a view or trigger re-created on every deploy), not by a migration.
        var madeBySchema = false
        /// A table's columns as `name type notnull default pk` (none for a virtual table, whose columns
        /// SQLite reads through its module).
        var columns: [String] = []
    }

    /// What a file holds against what the migrations and Schema/ make.
    struct Comparison {
        /// Views, triggers and indexes that are missing or differ, as the reference has them.
        var drifted: [SchemaObject] = []
        /// Objects the reference does not have, as `type name`.
        var added: [String] = []
        var missingTables: [String] = []
        /// Columns of the migrations' tables added by hand, as `table.column`.
        var addedColumns: [String] = []
        /// Columns of the migrations' tables dropped or changed by hand, as `table.column`.
        var changedColumns: [String] = []
    }

    /// The objects a new file has after every migration and the schema: built in memory, once per
    /// process and set of SQL.
    func referenceObjects() throws -> [SchemaObject] {
        let key = (migrations.map(\.checksum) + schema.map(\.checksum)).joined(separator: ",")
        if let cached = ReferenceCache.shared.objects(for: key) { return cached }
        let memory = try Database(path: ":memory:")
        try migrate(memory)
        let madeBySchema = Set(try memory.query("SELECT name FROM _schema_objects").compactMap { String.fromDatabaseValue($0[0]) })
        let objects = try Self.objects(memory).map { object in
            var object = object
            object.madeBySchema = madeBySchema.contains(object.name)
            return object
        }
        ReferenceCache.shared.store(objects, for: key)
        return objects
    }

    static func objects(_ db: Database) throws -> [SchemaObject] {
        try db.query("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").map {
            var object = SchemaObject(type: try $0.get(0), name: try $0.get(1), sql: try $0.get(2))
            if object.type == "table", !(object.sql ?? "").uppercased().hasPrefix("CREATE VIRTUAL TABLE") {
                object.columns = try db.query(
                    "SELECT name, upper(type), \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", [object.name]
                ).map { row in row.values.map { $0.description }.joined(separator: " ") }
            }
            return object
        }
    }

    func compareWithReference(_ db: Database) throws -> Comparison {
        let reference = try referenceObjects()
        let expected = Dictionary(reference.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let actual = Dictionary(try Self.objects(db).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var comparison = Comparison()
        for object in reference {
            let found = actual[object.name]
            if object.type == "table" {
                // A table's text changes with every ALTER TABLE, in words that may differ between
                // SQLite versions: only its presence is compared.
                // Its columns are compared by what SQLite reports of them.
                guard let found, found.type == "table" else { comparison.missingTables.append(object.name); continue }
                let name = { (column: String) in String(column.prefix { $0 != " " }) }
                let expectedColumns = Dictionary(object.columns.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
                let actualColumns = Dictionary(found.columns.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
                comparison.addedColumns += found.columns.map(name).filter { expectedColumns[$0] == nil }.map { "\(object.name).\($0)" }
                comparison.changedColumns += object.columns.filter { actualColumns[name($0)] != $0 }.map { "\(object.name).\(name($0))" }
            } else if found?.type != object.type || found?.sql != object.sql {
                comparison.drifted.append(object)
            }
        }
        comparison.added = actual.values.filter { expected[$0.name] == nil }.map { "\($0.type) \($0.name)" }.sorted()
        return comparison
    }

    /// Schema objects recorded by the last deploy that are missing now, or whose text differs from the
    /// text they were created with.
    func driftedObjects(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_objects"),
            try db.scalar("SELECT count(*) FROM pragma_table_info('_schema_objects') WHERE name = 'sql'", as: Int.self) == 1
        else { return [] }
        return try db.query(
            """
            SELECT o.name FROM _schema_objects AS o LEFT JOIN sqlite_schema AS s ON s.name = o.name AND s.type = o.type
             WHERE s.name IS NULL OR (o.sql IS NOT NULL AND s.sql IS NOT o.sql)
             ORDER BY o.name
            """
        ).compactMap { String.fromDatabaseValue($0[0]) }
    }

    /// Views and triggers that the last deploy did not record and that are not the runner's guards:
    /// added by hand (or the record was changed), as `type name`.
    func unrecordedSchemaObjects(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_objects") else { return [] }
        return try db.query(
            """
            SELECT type, name FROM sqlite_schema
             WHERE type IN ('view', 'trigger') AND name NOT IN (SELECT name FROM _schema_objects)
             ORDER BY type, name
            """
        ).compactMap { row -> String? in
            let name: String = try row.get(1)
            return Self.guardNames.contains(name) ? nil : "\(try row.get(0) as String) \(name)"
        }
    }

    func changedSchemaFiles(_ db: Database) throws -> [String] {
        guard try hasTable(db, "_schema_files") else { return schema.map(\.fileName) }
        var stored: [String: String] = [:]
        for row in try db.query("SELECT file_name, checksum FROM _schema_files") {
            stored[try row.get(0)] = try row.get(1)
        }
        var changed = schema.filter { stored.removeValue(forKey: $0.fileName) != $0.checksum }.map(\.fileName)
        changed += stored.keys.sorted()  // files that were removed
        return changed
    }

    func dropSchemaObjects(_ db: Database) throws {
        for row in try db.query("SELECT type, name FROM _schema_objects ORDER BY type DESC") {
            let type: String = try row.get(0)
            let name: String = try row.get(1)
            try db.execute("DROP \(type == "view" ? "VIEW" : "TRIGGER") IF EXISTS \(quoteIdentifier(name))")
        }
        try db.execute("DELETE FROM _schema_objects")
        try db.execute("DELETE FROM _schema_files")
    }

    func createSchema(_ db: Database) throws {
        for file in schema {
            let before = try schemaNames(db)
            do {
                var views = try viewNames(db)
                try db.forEachStatement(in: file.sql) { statement, _ in
                    while try statement.step() {}
                    // SQLite checks a view's columns only when it is used: use each new one once here,
                    // so a broken view fails the migration instead of its first reader.
                    let now = try viewNames(db)
                    for view in now.subtracting(views) {
                        _ = try db.prepare("SELECT * FROM \(quoteIdentifier(view)) LIMIT 0")
                    }
                    views = now
                }
            } catch let error as SQLiteError {
                throw MigrationError.schemaFailed(fileName: file.fileName, line: error.line, message: error.message)
            }
            for row in try db.query("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'") {
                let type: String = try row.get(0)
                let name: String = try row.get(1)
                guard !before.contains(name) else { continue }
                guard type == "view" || type == "trigger" else {
                    throw MigrationError.schemaFailed(
                        fileName: file.fileName, line: nil,
                        message: "it creates the \(type) \(name); tables and indexes belong in Migrations/")
                }
                try db.execute(
                    "INSERT INTO _schema_objects(name, type, file_name, sql) VALUES (?, ?, ?, (SELECT sql FROM sqlite_schema WHERE name = ?))",
                    [name, type, file.fileName, name])
            }
            try db.execute(
                "INSERT INTO _schema_files(file_name, checksum, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                [file.fileName, file.checksum])
        }
    }

    func viewNames(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'view'").compactMap { String.fromDatabaseValue($0[0]) })
    }

    func schemaNames(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_schema").compactMap { String.fromDatabaseValue($0[0]) })
    }
}
