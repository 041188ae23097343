import Foundation
import LeadSQLite
import LeadsShell
import LeadTestSupport
import Testing

/// The bad-input corpus: malformed CSV files and hostile values, each imported into a new database by
/// the shell. Each bad row or value is refused with its line, field and reason, or stored as it was
/// written and printed safely; the good rows are kept; nothing crashes and nothing raw reaches the
/// terminal.
@Suite struct CorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        /// Leads stored afterwards.
        let leads: Int
        /// Text the shell's messages must hold (line, field, reason), in order.
        let messages: [String]
        var testDescription: String { name }
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    static let cases: [Case] = [
        Case(name: "unterminated quote", bytes: text("email,name\na@x.example,\"Ann\nb@x.example,Bob\n"), leads: 1,
             messages: ["line 2, field -: a quoted field opens here and is never closed"]),
        Case(name: "ragged rows", bytes: text("email,name\na@x.example,Ann,extra\nb@x.example\nc@x.example,Cy\n"), leads: 1,
             messages: ["line 2, field -: the row has 3 fields, the header 2", "line 3, field -: the row has 1 field, the header 2"]),
        Case(name: "invalid UTF-8", bytes: text("email,name\na@x.example,Ann") + [0xC3, 0x28] + text("\nb@x.example,Bob\n"), leads: 1,
             messages: ["line 2"]),
        Case(name: "NUL byte", bytes: text("email,name\na@x.example,An") + [0] + text("n\nb@x.example,Bob\n"), leads: 1,
             messages: ["line 2"]),
        Case(name: "a 1 MB field", bytes: text("email,name\na@x.example," + String(repeating: "x", count: 1_000_000) + "\nb@x.example,Bob\n"), leads: 1,
             messages: ["line 2, field name: invalid_text: name has 1000000 characters (at most 500)"]),
        Case(name: "5,000 columns", bytes: text("email," + (1..<5_000).map { "c\($0)" }.joined(separator: ",") + "\na@x.example,"
                                          + (1..<5_000).map { _ in "v" }.joined(separator: ",") + "\n"), leads: 0,
             messages: ["columns c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 and 4989 more are not lead fields",
                        "line 2, field -: invalid_text: detail has 58882 characters (at most 10000)"]),
        Case(name: "byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + text("email,name\na@x.example,Ann\n"), leads: 1, messages: []),
        Case(name: "CR-only line ends", bytes: text("email,name\ra@x.example,Ann\rb@x.example,Bob\r"), leads: 2, messages: []),
        Case(name: "empty file", bytes: [], leads: 0, messages: ["is empty: a header row is needed"]),
        Case(name: "header only", bytes: text("email,name\n"), leads: 0, messages: []),
        Case(name: "SQL-looking text", bytes: text("email,name,company\na@x.example,\"Robert'); DROP TABLE leads;--\",\"1 OR 1=1\"\n"), leads: 1, messages: []),
        Case(name: "terminal escapes", bytes: text("email,name\na@x.example,Eve\u{1B}[31mRED\u{1B}]0;pwned\u{7}\nb@x.example,Bob\n"), leads: 1,
             messages: ["line 2, field name: invalid_text: name contains a control character (U+001B) at character 4"]),
        Case(name: "right-to-left and zero-width text", bytes: text("email,name\na@x.example,\u{202E}nnA\u{200B}\n"), leads: 1, messages: []),
        Case(name: "look-alike emails", bytes: text("email,name\nann@example.com,Ann\nann@ex\u{0430}mple.com,Ann\n"), leads: 2, messages: []),
        Case(name: "10^30 employees and a negative size", bytes: text("email,employees\na@x.example,1000000000000000000000000000000\nb@x.example,-5\nc@x.example,250\n"),
             leads: 1, messages: ["line 2, field employees: invalid_company_size", "line 3, field employees: invalid_company_size"]),
        Case(name: "future and impossible dates", bytes: text("email,created\na@x.example,2099-01-01\nb@x.example,2026-02-30\nc@x.example,2026-11-01\n"),
             leads: 1, messages: ["line 2, field created:", "line 3, field created:"]),
    ]

    @Test(arguments: cases)
    func eachFileIsImportedOrRefusedRowByRow(_ item: Case) throws {
        let dir = TemporaryDirectory()
        let csv = dir.file("corpus.csv")
        try Data(item.bytes).write(to: URL(fileURLWithPath: csv))
        let db = dir.file("t.db")
        let run = ShellRun(["--db", db], stdin: ".import \(csv) --no-rejects\n.mode table\nSELECT email, first_name, company FROM leads;\n")
        let printed = run.out + run.err
        #expect(!printed.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(item.name): raw control character printed")
        let count = Int(ShellRun(["--db", db], stdin: "SELECT count(*) FROM leads;\n").out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(count == item.leads, "\(item.name): \(printed)")
        var rest = Substring(run.err)
        for message in item.messages {
            guard let range = rest.range(of: message) else {
                Issue.record("\(item.name): no \"\(message)\" in: \(run.err)")
                break
            }
            rest = rest[range.upperBound...]
        }
        // What was stored is stored as it was written (the SQL-looking text) and the file stays whole.
        let check = ShellRun(["check", "--db", db])
        #expect(check.status == 0, "\(item.name): \(check.out)")
    }
}
