// swift-tools-version: 6.0
// LeadDB: an embedded lead database. No package dependencies: the toolchain and the system's SQLite.
import PackageDescription

let package = Package(
    name: "LeadDB",
    products: [
        .library(name: "LeadDB", targets: ["LeadDB"]),
        .library(name: "LeadCluster", targets: ["LeadCluster"]),
        .executable(name: "leads", targets: ["leads"]),
    ],
    targets: [
        // The system's SQLite (libsqlite3-dev), wrapped once, at the bottom.
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The thin SQLite layer and the migration runner.
        .target(name: "LeadSQLite", dependencies: ["CSQLite"]),
        // The domain: the embedded SQL (Migrations/, Schema/) and the typed API.
        // Sources/LeadDB/SQL holds two symbolic links to the top-level folders. They are excluded from
        // the sources, but SwiftPM watches the target folder's structure through them, so adding,
        // renaming or removing a .sql file re-plans the build and the plugin lists the files again.
        .target(name: "LeadDB", dependencies: ["LeadSQLite"], exclude: ["SQL"], plugins: ["EmbedSQL"]),
        // A client for a dqlite cluster (its wire protocol over the system's sockets): the same SQL on
        // replicated nodes. No dqlite library is linked: a machine without dqlite builds and tests as before.
        .target(name: "LeadCluster", dependencies: ["LeadSQLite", "CSQLite"]),
        // The interactive shell, as a library so tests can drive it.
        .target(name: "LeadsShell", dependencies: ["LeadDB", "LeadSQLite", "LeadCluster"]),
        .executableTarget(name: "leads", dependencies: ["LeadsShell"]),
        // Throughput and latency against raw SQLite, in one run: swift run -c release leads-bench
        .executableTarget(name: "leads-bench", dependencies: ["LeadDB", "LeadSQLite", "LeadCluster", "CSQLite"]),

        // Build-time embedding of Migrations/ and Schema/ into the LeadDB module.
        .executableTarget(name: "embed-sql", path: "Sources/embed-sql"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["embed-sql"]),

        .target(name: "LeadTestSupport", dependencies: ["LeadSQLite"], path: "Tests/Support"),
        .testTarget(name: "LeadSQLiteTests", dependencies: ["LeadSQLite", "LeadTestSupport"]),
        .testTarget(name: "LeadDBTests", dependencies: ["LeadDB", "LeadSQLite", "LeadTestSupport"]),
        .testTarget(name: "LeadClusterTests", dependencies: ["LeadCluster", "LeadDB", "LeadSQLite", "LeadsShell", "LeadTestSupport"]),
        // Transcripts and fixtures are read through #filePath, not bundled as resources.
        .testTarget(
            name: "LeadsShellTests", dependencies: ["LeadsShell", "LeadDB", "LeadSQLite", "LeadTestSupport"],
            exclude: ["Transcripts", "Fixtures"]),
    ]
)
