import Foundation
import LeadTestSupport
import LeadsShell
import Testing

/// Transcript tests, after sqlite3's `.testcase`: each `Transcripts/NAME.in` is a script run by `leads`
/// on a new database, and `NAME.out` is its exact output (stdout and stderr interleaved as a person
/// sees them). `$DIR` stands for a temporary directory and `$FIXTURES` for a copy of `Fixtures/` in it.
/// `LEADS_UPDATE_TRANSCRIPTS=1 swift test --filter Transcript` rewrites the expected outputs.
@Suite struct TranscriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("Transcripts").path)) ?? []
        return files.filter { $0.hasSuffix(".in") }.map { String($0.dropLast(3)) }.sorted()
    }

    @Test(arguments: TranscriptTests.names)
    func transcript(_ name: String) throws {
        let dir = TemporaryDirectory()
        // Fixtures are copied, so whatever a transcript writes beside them stays out of the repository.
        let source = Self.folder.appendingPathComponent("Fixtures").path
        let fixtures = dir.file("fixtures")
        try FileManager.default.copyItem(atPath: source, toPath: fixtures)
        let transcripts = Self.folder.appendingPathComponent("Transcripts")
        let input = try String(contentsOf: transcripts.appendingPathComponent(name + ".in"), encoding: .utf8)
            .replacingOccurrences(of: "$DIR", with: dir.path).replacingOccurrences(of: "$FIXTURES", with: fixtures)
        let output = BufferOutput()
        let status = LeadsCLI.run(
            arguments: ["--db", dir.file("t.db"), "--create"], environment: [:], input: StringInput(input), out: output, err: output,
            interactive: false)
        let actual = "exit \(status)\n" + output.text.replacingOccurrences(of: dir.path, with: "$DIR")
            .replacingOccurrences(of: fixtures, with: "$FIXTURES")
        let expectedURL = transcripts.appendingPathComponent(name + ".out")
        if ProcessInfo.processInfo.environment["LEADS_UPDATE_TRANSCRIPTS"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        if actual != expected {
            let a = actual.components(separatedBy: "\n")
            let e = expected.components(separatedBy: "\n")
            let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            Issue.record("""
                \(name): output differs from \(name).out at line \(first + 1)
                expected: \(first < e.count ? e[first] : "<end>")
                actual:   \(first < a.count ? a[first] : "<end>")
                """)
        }
    }
}
