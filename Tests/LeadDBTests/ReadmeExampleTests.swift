import Foundation
import LeadDB
import Testing

/// The README's "Use from Swift" example, run as written: the lines between the markers below must be
/// the README's code block (after its `import LeadDB` line), so the documented program compiles and works.
@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleRunsAndMatchesTheReadme() throws {
        // BEGIN README EXAMPLE
        let store = try LeadStore.inMemory()  // or LeadStore(path: "leads.db")
        let ada = try store.capture(NewLead(email: "ada@example.com", name: "Ada Lovelace", title: "CTO")).lead
        try store.log(.pricingPageView, for: ada.id)
        try store.log(.demoRequest, for: ada.id)

        if let lead = try store.lead(id: ada.id) {
            print(lead.stage, lead.score.rounded())  // mql 70.0 (decay starts at once: 69.99999...)
        }
        for part in try store.scoreBreakdown(lead: ada.id) {
            print(part.reason, part.points)  // title in [...] (C-level or founder) 20.0, form_submit 10.0, ...
        }
        do {
            try store.move(ada.id, to: .customer)
        } catch let error as LeadError {
            print(error.message)  // invalid_transition: lead 1 cannot move from mql to customer (allowed: ...)
        }
        // END README EXAMPLE

        #expect(try store.lead(id: ada.id)?.stage == .mql)
        #expect(abs((try store.lead(id: ada.id)?.score ?? 0) - 70) < 0.01)

        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let example = try #require(Self.block(in: source, from: "// BEGIN README EXAMPLE", to: "// END README EXAMPLE"))
        let readmePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md").path
        let readme = try String(contentsOfFile: readmePath, encoding: .utf8)
        let section = try #require(readme.range(of: "## Use from Swift").map { String(readme[$0.upperBound...]) })
        let code = try #require(Self.block(in: section, from: "```swift", to: "```"))
        #expect(code.first == "import LeadDB")
        #expect(Array(code.drop { $0 == "import LeadDB" || $0.isEmpty }) == example)
    }

    /// The lines strictly between two marker lines, without common indentation.
    static func block(in text: String, from start: String, to end: String) -> [String]? {
        let lines = text.components(separatedBy: "\n")
        guard let first = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == start }),
            let last = lines[(first + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == end })
        else { return nil }
        let body = Array(lines[(first + 1)..<last])
        let indent = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return body.map { $0.count >= indent ? String($0.dropFirst(indent)) : $0.trimmingCharacters(in: .whitespaces) }
    }
}
