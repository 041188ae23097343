import Foundation
import LeadTestSupport
import LeadsShell
import Testing

/// `leads --cluster` gives the shell session `leads --db` gives: every transcript of the shell's tests
/// (Tests/LeadsShellTests/Transcripts) run on a database of a 3-node cluster prints exactly its `.out`,
/// the database named as the file is.
@Suite(.enabled(if: ClusterNodes.available, "needs dqlite-demo (Debian's go-dqlite)"), .serialized)
struct ClusterShellTests {
    static let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("LeadsShellTests")

    @Test func everyTranscriptGivesTheSameSessionOnAClusterAsOnAFile() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.transcripts.appendingPathComponent("Transcripts").path)
            .filter { $0.hasSuffix(".in") }.map { String($0.dropLast(3)) }.sorted()
        #expect(names.count == 7)
        for name in names {
            let dir = TemporaryDirectory()
            let fixtures = dir.file("fixtures")
            try FileManager.default.copyItem(atPath: Self.transcripts.appendingPathComponent("Fixtures").path, toPath: fixtures)
            let folder = Self.transcripts.appendingPathComponent("Transcripts")
            let input = try String(contentsOf: folder.appendingPathComponent(name + ".in"), encoding: .utf8)
                .replacingOccurrences(of: "$DIR", with: dir.path).replacingOccurrences(of: "$FIXTURES", with: fixtures)
            let cluster = nodes.addresses.joined(separator: ",") + "/" + name
            let output = BufferOutput()
            let status = LeadsCLI.run(
                arguments: ["--cluster", cluster], environment: [:], input: StringInput(input), out: output, err: output, interactive: false)
            // (what an erasure leaves on a cluster is not what it leaves on a file: the one difference)
            let erasedOnCluster = "personal data removed from the database, the search index and this shell's history; the email and phone can no longer be captured. "
                + "Each node of the cluster still holds the earlier changes in its Raft log until a snapshot lets it drop them (docs/cluster.md, \"Erasure\")."
            let erasedOnFile = "personal data removed from the database, its WAL, the search index and this shell's history; the email and phone can no longer be captured."
            let actual = ("exit \(status)\n" + output.text.replacingOccurrences(of: erasedOnCluster, with: erasedOnFile))
                .replacingOccurrences(of: "dqlite://" + cluster, with: "$DIR/t.db")
                .replacingOccurrences(of: "--cluster " + cluster, with: "--db $DIR/t.db")
                .replacingOccurrences(of: dir.path, with: "$DIR").replacingOccurrences(of: fixtures, with: "$FIXTURES")
            #expect(output.text.components(separatedBy: erasedOnCluster).count - 1 == (name == "lead_commands" ? 1 : 0), "\(name)")
            let expected = try String(contentsOf: folder.appendingPathComponent(name + ".out"), encoding: .utf8)
            let a = actual.components(separatedBy: "\n")
            let e = expected.components(separatedBy: "\n")
            if let first = (0..<max(a.count, e.count)).first(where: { $0 >= a.count || $0 >= e.count || a[$0] != e[$0] }) {
                Issue.record("""
                    \(name): the cluster's session differs from \(name).out at line \(first + 1)
                    expected: \(first < e.count ? e[first] : "<end>")
                    actual:   \(first < a.count ? a[first] : "<end>")
                    """)
                try? actual.write(toFile: "/tmp/cluster-\(name).out", atomically: true, encoding: .utf8)
            }
        }
    }
}
