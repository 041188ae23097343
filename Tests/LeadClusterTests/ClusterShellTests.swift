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
                arguments: ["--cluster", cluster, "--create"], environment: [:], input: StringInput(input), out: output, err: output, interactive: false)
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

    /// What a file has and a cluster's database now has too, or refuses with its reason: a script on a
    /// database that is not there, a deploy's backup, a backup, a what-if; a name dqlite would take for
    /// another database's.
    @Test func backupsWhatIfAndNamesOnACluster() throws {
        let nodes = try ClusterNodes()
        defer { nodes.stop() }
        let dir = TemporaryDirectory()
        let cluster = nodes.addresses.joined(separator: ",") + "/sales-eu"
        func leads(_ arguments: [String], _ input: String = "") -> (status: Int32, out: String) {
            let output = BufferOutput()
            let status = LeadsCLI.run(arguments: arguments, environment: [:], input: StringInput(input), out: output, err: output, interactive: false)
            return (status, output.text)
        }
        let missing = leads(["--cluster", cluster, "-c", "SELECT 1;"])
        #expect(missing.status == 1 && missing.out
            == "leads: error: no database sales-eu on the cluster: check the name, or create it with `leads migrate --cluster \(cluster)` (or add --create)\n")
        let deploy = leads(["migrate", "--backup", "--cluster", cluster])
        #expect(deploy.status == 0 && deploy.out.hasPrefix("No backup taken: dqlite://\(cluster) is new.\n"), "\(deploy.out)")
        let captured = leads(["--cluster", cluster], "capture email=ada@acme.com first=Ada\ncapture email=bob@globex.com\nSELECT count(*) FROM lead_records;\n")
        #expect(captured.status == 0 && captured.out.hasSuffix("2\n"), "\(captured.out)")

        let backup = leads(["backup", dir.file("sales.db"), "--cluster", cluster])
        #expect(backup.status == 0 && backup.out.hasPrefix("Backed up dqlite://\(cluster) to \(dir.file("sales.db")): 2 leads, "), "\(backup.out)")
        #expect(backup.out.hasSuffix(" KiB, integrity ok. `leads --db \(dir.file("sales.db"))` opens it.\n"))
        let check = leads(["check", "--db", dir.file("sales.db")])
        #expect(check.status == 0, "\(check.out)")
        #expect(leads(["--db", dir.file("sales.db"), "-c", "SELECT email FROM lead_records ORDER BY id;"]).out == "ada@acme.com\nbob@globex.com\n")

        // A what-if works on a private copy; the cluster's database is untouched.
        let whatIf = leads(["--cluster", cluster], ".whatif\nUPDATE lead_records SET company = 'Changed';\nSELECT count(*) FROM lead_records WHERE company = 'Changed';\n.whatif end\nSELECT count(*) FROM lead_records WHERE company = 'Changed';\n")
        #expect(whatIf.status == 0 && whatIf.out.hasPrefix("What-if: a private copy of dqlite://\(cluster)"), "\(whatIf.out)")
        #expect(whatIf.out.hasSuffix("2\nBack on dqlite://\(cluster); the what-if copy and everything done in it were discarded.\n0\n"), "\(whatIf.out)")

        // "sales" would open sales-eu's files on a dqlite 1.11 node.
        let prefix = leads(["--cluster", nodes.addresses.joined(separator: ",") + "/sales", "migrate"])
        #expect(prefix.status == 1 && prefix.out == "leads: error: refused: a dqlite 1.11 node would open the database sales-eu for the name sales "
            + "(it finds a database by the beginning of its name, and sales-eu was made first): choose a name that does not begin another's\n")
        let registry = leads(["--cluster", nodes.addresses.joined(separator: ",") + "/lead", "--create", "-c", "SELECT 1;"])
        #expect(registry.status == 1 && registry.out == "leads: error: refused: the name lead begins leaddb-names, where this client keeps the names "
            + "of the cluster's databases (dqlite 1.11 would open that): choose another\n")
        let restore = leads(["restore", dir.file("sales.db"), "--cluster", cluster])
        #expect(restore.status == 2)
    }
}
