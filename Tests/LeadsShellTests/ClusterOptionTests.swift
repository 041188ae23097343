import Foundation
import LeadTestSupport
import LeadsShell
import Testing

/// `--cluster` and `$LEADS_CLUSTER` are read and checked before anything is opened; what works only on a
/// file is refused on a cluster with its reason. (A cluster's sessions: Tests/LeadClusterTests.)
@Suite struct ClusterOptionTests {
    static let usage = "--cluster needs HOST:PORT[,HOST:PORT...][/NAME], e.g. 10.0.0.1:9001,10.0.0.2:9001,10.0.0.3:9001"

    @Test(arguments: ["127.0.0.1", "127.0.0.1:9001,,127.0.0.1:9002", "127.0.0.1:99999", "127.0.0.1:9001/", "127.0.0.1:9001/a b", ":9001", "host name:9001"])
    func aMalformedClusterIsAUsageError(_ spec: String) {
        let run = ShellRun(["--cluster", spec, "-c", "SELECT 1;"])
        #expect(run.status == 2)
        #expect(run.err == "leads: \(Self.usage) (got \(spec))\nRun 'leads --help' for usage.\n")
        let fromEnvironment = ShellRun(["-c", "SELECT 1;"], environment: ["LEADS_CLUSTER": spec])
        #expect(fromEnvironment.err == "leads: \(Self.usage) ($LEADS_CLUSTER is \(spec))\nRun 'leads --help' for usage.\n")
    }

    @Test func oneDatabaseIsNamedAndFilesOnlyCommandsAreRefused() throws {
        let dir = TemporaryDirectory()
        let both = ShellRun(["--db", dir.file("t.db"), "--cluster", "127.0.0.1:9001", "-c", "SELECT 1;"])
        #expect(both.status == 2 && both.err == "leads: --db and --cluster name two databases: give one\nRun 'leads --help' for usage.\n")
        #expect(ShellRun(["--cluster"]).err == "leads: \(Self.usage)\nRun 'leads --help' for usage.\n")
        // An explicit --db wins over $LEADS_CLUSTER (and nothing is asked of the cluster).
        let file = ShellRun(["--db", dir.file("t.db"), "-c", "SELECT 40 + 2;"], environment: ["LEADS_CLUSTER": "127.0.0.1:1"])
        #expect(file.status == 0 && file.out == "42\n")
        // (a backup of a cluster's database is a file: Tests/LeadClusterTests; nothing is restored over one)
        let run = ShellRun(["restore", dir.file("copy.db"), "--cluster", "127.0.0.1:9001"])
        #expect(run.status == 2)
        #expect(run.err == "leads: restore replaces a file: a cluster's nodes keep their files themselves; open the backup with --db, or copy it into a new database (docs/cluster.md)\nRun 'leads --help' for usage.\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("copy.db")))
    }
}
