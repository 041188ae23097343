import Foundation
import PackagePlugin

/// Turns the package's top-level `Migrations/` and `Schema/` folders into generated Swift source,
/// so the built `leads` binary carries its SQL and works from any directory.
///
/// The folders stay the only copy of the SQL in the repository; the generated file lives in the
/// plugin's work directory under `.build/`.
///
/// Every file is an input, so an edit made in place re-runs the command. SwiftPM runs this plugin only
/// when it plans the build, and it plans again when a target folder's structure changes: the links in
/// `Sources/LeadDB/SQL` put both folders inside the LeadDB target's folder, so a file added, renamed or
/// removed there is seen and the list below is made again (without them a removed file would stay a
/// missing input until Package.swift changed).
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folders = ["Migrations", "Schema"].map { root.appending(path: $0, directoryHint: .isDirectory) }
        var inputs: [URL] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path())) ?? []
            inputs += names.filter { $0.hasSuffix(".sql") }.sorted().map { folder.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding Migrations/ and Schema/ into \(target.name)",
                executable: try context.tool(named: "embed-sql").url,
                arguments: [output.path()] + folders.map { $0.path() },
                inputFiles: inputs + folders,
                outputFiles: [output]
            )
        ]
    }
}
