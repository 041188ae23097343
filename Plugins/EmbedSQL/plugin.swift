import Foundation
import PackagePlugin

/// Turns the package's top-level `Migrations/` and `Schema/` folders into generated Swift source,
/// so the built `leads` binary carries its SQL and works from any directory.
///
/// The folders stay the only copy of the SQL in the repository; the generated file lives in the
/// plugin's work directory under `.build/`.
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
