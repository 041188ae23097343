import Foundation
import LeadSQLite
import Testing

@testable import LeadCluster

/// The dqlite wire protocol as this client writes and reads it (docs/cluster.md), checked byte by byte
/// against messages captured from a dqlite 1.11 node.
@Suite struct WireTests {
    @Test func textIsNulTerminatedAndPaddedToAWord() {
        var writer = WireWriter()
        writer.text("leads2")
        writer.uint64(0)
        writer.text("volatile")
        #expect(writer.bytes == Array("leads2".utf8) + [0, 0] + [UInt8](repeating: 0, count: 8) + Array("volatile".utf8) + [UInt8](repeating: 0, count: 8))
    }

    @Test func parametersAreACountTypesPaddingThenValues() throws {
        var one = WireWriter()
        try one.parameters([.integer(7)])
        #expect(one.bytes == [1, 1, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0])
        var ten = WireWriter()
        try ten.parameters(Array(repeating: .null, count: 10))
        #expect(ten.bytes.count == 16 + 80)
        #expect(Array(ten.bytes[0..<11]) == [10] + Array(repeating: 5, count: 10))
        var none = WireWriter()
        try none.parameters([])
        #expect(none.bytes.isEmpty)
        var mixed = WireWriter()
        try mixed.parameters([.text("a"), .real(2.5), .blob(Data([1, 2, 3]))])
        var reader = WireReader(mixed.bytes)
        #expect(try reader.uint64() == 0x0000_0000_0402_0303)
        #expect(try reader.text() == "a")
        #expect(try reader.double() == 2.5)
        #expect(try reader.blob() == Data([1, 2, 3]))
        #expect(reader.remaining == 0)
        var many = WireWriter()
        #expect(throws: ClusterError.self) { try many.parameters(Array(repeating: .null, count: 256)) }
    }

    /// The reply a node gave to QUERY_SQL "SELECT 1, 'a', NULL, 2.5".
    @Test func aRowsReplyIsReadColumnByColumn() throws {
        var body: [UInt8] = [4, 0, 0, 0, 0, 0, 0, 0]
        for name in ["1", "'a'", "NULL", "2.5"] {
            var writer = WireWriter()
            writer.text(name)
            body += writer.bytes
        }
        body += [0x31, 0x25, 0, 0, 0, 0, 0, 0]
        body += [1, 0, 0, 0, 0, 0, 0, 0]
        body += [0x61, 0, 0, 0, 0, 0, 0, 0]
        body += [0, 0, 0, 0, 0, 0, 0, 0]
        body += [0, 0, 0, 0, 0, 0, 0x04, 0x40]
        body += [UInt8](repeating: 0xFF, count: 8)
        var reader = WireReader(body)
        #expect(try reader.uint64() == 4)
        let columns = try (0..<4).map { _ in try reader.text() }
        #expect(columns == ["1", "'a'", "NULL", "2.5"])
        #expect(try reader.row(columns: 4) == [.integer(1), .text("a"), .null, .real(2.5)])
        #expect(try reader.peekUInt64() == 0xFFFF_FFFF_FFFF_FFFF)
    }

    /// A node that fails a query while writing its rows sends the columns (and rows) it wrote before
    /// the failure's code and message, in one FAILURE: captured from `SELECT 1 AS a, json('{bad') AS bbb`.
    @Test func aFailureIsReadFromItsEndWhateverCameBeforeIt() throws {
        let word = { (value: UInt8) in [value] + [UInt8](repeating: 0, count: 7) }
        let prefixed = word(2) + Array("a".utf8) + [UInt8](repeating: 0, count: 7) + Array("bbb".utf8) + [0, 0, 0, 0, 0]
            + word(1) + Array("malformed JSON".utf8) + [0, 0]
        #expect(try WireReader.failure(prefixed) == .failure(code: 1, message: "malformed JSON"))
        // A plain one, and one with an empty message.
        let plain = word(19) + Array("UNIQUE constraint failed: t.x".utf8) + [0, 0, 0]
        #expect(try WireReader.failure(plain) == .failure(code: 19, message: "UNIQUE constraint failed: t.x"))
        #expect(try WireReader.failure(word(1) + word(0)) == .failure(code: 1, message: ""))
        // RAISE(ABORT, '') in a query: the column's name, then the code and an empty message.
        let emptyAfterColumns = word(1) + Array("my column".utf8) + [0, 0, 0, 0, 0, 0, 0] + word(19) + word(0)
        #expect(try WireReader.failure(emptyAfterColumns) == .failure(code: 19, message: ""))
        // A message of exactly a word's length ends with a word of zeros too.
        #expect(try WireReader.failure(word(1) + Array("8 chars!".utf8) + word(0)) == .failure(code: 1, message: "8 chars!"))
        #expect(throws: ClusterError.protocolError("a message ended in the middle of a word")) { try WireReader.failure([1, 0]) }
    }

    /// What a node's failures say: a leader that lost its office while committing leaves the outcome
    /// unknown (dqlite's words for it are "disk I/O error"); a node that is not the leader ran nothing.
    @Test func failuresSayWhatTheyMeanForTheWrite() {
        let lost = ClusterError.failure(code: 10506, message: "disk I/O error")
        #expect(lost.outcomeUnknown && !lost.isNotLeader)
        #expect(lost.description == "outcome unknown: the leader lost its office before the write was confirmed (disk I/O error, 10506); it may be stored: "
            + "read it back before sending it again (a capture is safe to send again with its capture key)")
        let follower = ClusterError.failure(code: 10250, message: "not leader")
        #expect(follower.isNotLeader && !follower.outcomeUnknown && follower.description == "not leader: the node is no longer the leader, and ran nothing")
        #expect(ClusterError.failure(code: 19, message: "UNIQUE constraint failed: t.x").description == "UNIQUE constraint failed: t.x")
    }

    @Test func textHoldingANulIsRefusedNotCut() throws {
        var writer = WireWriter()
        #expect(throws: ClusterError.refused("refused: parameter 2 is text holding a NUL byte, which a cluster cannot carry (it would be cut there): send it as a blob")) {
            try writer.parameters([.text("ok"), .text("Ab\0cd")])
        }
        try writer.parameters([.blob(Data([0x41, 0, 0x42]))])
    }

    @Test func aTruncatedMessageIsAnErrorNotACrash() {
        var short = WireReader([1, 2, 3])
        #expect(throws: ClusterError.self) { try short.uint64() }
        var unended = WireReader(Array("abc".utf8))
        #expect(throws: ClusterError.self) { try unended.text() }
        var blob = WireReader([200, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: ClusterError.self) { try blob.blob() }
    }

    @Test func aScriptIsSplitWhereSQLiteSaysAStatementEnds() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t(x);
            CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; SELECT 'a;b'; END;
            /* only a comment */
            INSERT INTO t VALUES (';');
            """
        let statements = Cluster.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[1].hasPrefix("CREATE TRIGGER t_ai") && statements[1].hasSuffix("END;"))
    }

    /// Setting what a node keeps itself is refused (it can stop a node, or fail its transactions);
    /// reading it is not.
    @Test func pragmasThatStopANodeAreRefused() throws {
        let refusal = "is not set on a cluster (each node keeps its files, and the connection's settings, itself: changed, it can stop a node or fail its transactions)"
        #expect(throws: ClusterError.refused("refused: PRAGMA journal_mode \(refusal)")) { try Cluster.check("PRAGMA journal_mode = DELETE") }
        #expect(throws: ClusterError.refused("refused: PRAGMA journal_mode \(refusal)")) { try Cluster.check("PRAGMA journal_mode(MEMORY)") }
        #expect(throws: ClusterError.refused("refused: PRAGMA page_size \(refusal)")) { try Cluster.check("SELECT 1; pragma main.PAGE_SIZE=8192;") }
        #expect(throws: ClusterError.refused("refused: PRAGMA cache_spill \(refusal)")) { try Cluster.check("PRAGMA cache_spill = ON") }
        #expect(throws: ClusterError.refused("refused: PRAGMA wal_checkpoint \(refusal)")) { try Cluster.check("PRAGMA wal_checkpoint") }
        #expect(throws: ClusterError.refused("refused: PRAGMA count_changes \(refusal)")) { try Cluster.check("PRAGMA count_changes = 1") }
        #expect(throws: ClusterError.refused("refused: PRAGMA hard_heap_limit \(refusal)")) { try Cluster.check("pragma hard_heap_limit=100000") }
        // A quoted name, a value in quotes or brackets: the same pragma.
        #expect(throws: ClusterError.refused("refused: PRAGMA journal_mode \(refusal)")) { try Cluster.check("PRAGMA \"journal_mode\" = DELETE") }
        #expect(throws: ClusterError.refused("refused: PRAGMA journal_mode \(refusal)")) { try Cluster.check("PRAGMA journal_mode('memory')") }
        #expect(throws: ClusterError.refused("refused: PRAGMA page_size \(refusal)")) { try Cluster.check("PRAGMA \"main\".[page_size] = 8192") }
        #expect(throws: ClusterError.refused("refused: PRAGMA synchronous \(refusal)")) { try Cluster.check("/* x */ PRAGMA `synchronous` = 0") }
        for spaced in ["PRAGMA main . journal_mode = delete", "PRAGMA main. journal_mode=delete", "PRAGMA main/**/./**/journal_mode=0", "pragma temp .journal_mode (off)"] {
            #expect(throws: ClusterError.refused("refused: PRAGMA journal_mode \(refusal)")) { try Cluster.check(spaced) }
        }
        try Cluster.check("PRAGMA main . journal_mode")
        #expect(SQLWords.leading("/* x */ PRAGMA \"journal_\"\"mode\" = 'a b' -- c\n", limit: 5) == ["pragma", "journal_\"mode"])
        #expect(throws: ClusterError.refused("refused: ATTACH is not run on a cluster (a node replicates its own database only: an attached one would live on one node)")) {
            try Cluster.check("attach '/tmp/x.db' AS x")
        }
        #expect(SQLWords.leading("  rollback  TRANSACTION to sp1", limit: 3) == ["rollback", "transaction", "to"])
        let vacuum = ClusterError.refused("refused: VACUUM is not run on a cluster (each node keeps its files itself: it can stop a node)")
        #expect(throws: vacuum) { try Cluster.check("VACUUM") }
        #expect(throws: vacuum) { try Cluster.check("  vacuum into 'copy.db';") }
        try Cluster.check("SELECT 'vacuum'")
        try Cluster.check("PRAGMA foreign_keys")
        try Cluster.check("PRAGMA journal_mode")
        try Cluster.check("PRAGMA main.cache_spill")
    }
}
