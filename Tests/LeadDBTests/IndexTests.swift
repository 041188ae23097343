import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The rule index (Schema/RULES.md) and the error contract (Schema/README.md) stay complete: every code
/// the schema can raise is listed in both and in `LeadError.ruleCodes`, and some test expects it; every
/// procedure and front door is in the index; every test the index names exists.
@Suite struct IndexTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Prefixes that look like a code in the schema's text but are not raised: assignment reasons and
    /// a warning that `rep_problems` lists without refusing anything.
    static let notRaised: Set<String> = ["captured", "reopened", "none", "code", "no_manager"]

    /// Every `'code: ...` text in the live schema's views and triggers (a migrated database, so what
    /// is checked is what runs, not what a file once said).
    func raisedCodes() throws -> Set<String> {
        let f = try LeadFixture(.project)
        let sql = try f.db.query("SELECT sql FROM sqlite_schema WHERE type IN ('view', 'trigger')").map { try $0.get(0, as: String.self) }
        let pattern = try NSRegularExpression(pattern: "'([a-z][a-z_]*): ")
        var codes: Set<String> = []
        for text in sql {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        // `captured` is an assignment's reason and also a code (65_imports.sql raises it).
        return codes.subtracting(Self.notRaised).union(codes.contains("captured") ? ["captured"] : [])
    }

    @Test func everyCodeIsIndexedDocumentedTypedAndTested() throws {
        let codes = try raisedCodes()
        #expect(codes.count >= 50)
        let index = try Self.text("Schema/RULES.md")
        let contract = try Self.text("Schema/README.md")
        let errorTable = contract.split(separator: "\n").filter { $0.hasPrefix("| `") }.joined(separator: "\n")
        let tests = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Tests/LeadDBTests").path)
            .filter { $0.hasSuffix(".swift") && $0 != "IndexTests.swift" }
            .map { try Self.text("Tests/LeadDBTests/" + $0) }.joined()
        for code in codes.sorted() {
            let indexed = index.contains("`\(code)`"), documented = errorTable.contains("`\(code)`")
            let typed = LeadError.ruleCodes.contains(code), tested = tests.contains("\"\(code)\"") || tests.contains("\(code): ")
            #expect(indexed, "\(code) is raised but not in Schema/RULES.md")
            #expect(documented, "\(code) is raised but not in Schema/README.md's error table")
            #expect(typed, "\(code) is raised but not in LeadError.ruleCodes")
            #expect(tested, "no test expects \(code)")
        }
        #expect(LeadError.ruleCodes.subtracting(codes).isEmpty, "listed but never raised: \(LeadError.ruleCodes.subtracting(codes).sorted())")
    }

    @Test func everyProcedureAndFrontDoorIsIndexed() throws {
        let f = try LeadFixture(.project)
        let views = try f.db.query(
            "SELECT DISTINCT tbl_name FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%INSTEAD OF INSERT%' ORDER BY 1"
        ).map { try $0.get(0, as: String.self) }
        let text = try Self.text("Schema/RULES.md")
        #expect(views.count >= 20)
        for view in views {
            let indexed = text.contains("`\(view)`")
            #expect(indexed, "\(view) is not in Schema/RULES.md")
        }
    }

    /// Every test the index names exists, and one that does not run through both connections says so.
    @Test func everyTestTheIndexNamesExists() throws {
        let text = try Self.text("Schema/RULES.md")
        let pattern = try NSRegularExpression(pattern: "`([A-Z][A-Za-z]*Tests)\\.([a-zA-Z]+)`( \\*\\(one connection\\)\\*)?")
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(matches.count >= 60)
        for match in matches {
            let suite = String(text[Range(match.range(at: 1), in: text)!])
            let test = String(text[Range(match.range(at: 2), in: text)!])
            let marked = match.range(at: 3).location != NSNotFound
            let source = (try? Self.text("Tests/LeadDBTests/\(suite).swift")) ?? (try? Self.text("Tests/LeadsShellTests/\(suite).swift")) ?? ""
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            guard let line = lines.firstIndex(where: { $0.contains("func \(test)(") }) else {
                Issue.record("Schema/RULES.md names \(suite).\(test), which does not exist")
                continue
            }
            let attributes = lines[max(0, line - 2)...line].filter { $0.contains("@Test") }
            let both = attributes.contains { $0.contains("Writer.allCases") }
            #expect(both != marked, "\(suite).\(test): \(both ? "runs through both connections but is marked (one connection)" : "runs on one connection: mark it *(one connection)*")")
        }
    }
}
