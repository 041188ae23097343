import Foundation
import Testing

/// The shell's folders are layers, each using only those below it, and its files call each other in no
/// circle: a newcomer can read it from the bottom up. Checked from the source text: which names each
/// file declares (types, top-level functions, and the methods its extensions add), and which of the
/// other files' names it uses.
@Suite struct LayoutTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LeadsShell")
    /// Bottom to top.
    static let layers = ["Rendering", "Terminal", "Import", "Commands", "REPL", "CommandLine"]

    struct File {
        let path: String
        let folder: String
        let text: String
        var declared: Set<String> = []
    }

    static func files() throws -> [File] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        var files: [File] = []
        for case let path as String in enumerator where path.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            files.append(File(path: path, folder: String(path.prefix { $0 != "/" }), text: text))
        }
        let declaration = try NSRegularExpression(
            pattern: #"^(?:public |internal |private |fileprivate |final |static )*(?:struct|class|enum|protocol|func|let|var) ([A-Za-z_][A-Za-z0-9_]*)"#,
            options: .anchorsMatchLines)
        let member = try NSRegularExpression(pattern: #"^    (?:public |internal |static )*func ([A-Za-z_][A-Za-z0-9_]*)"#, options: .anchorsMatchLines)
        for index in files.indices {
            let text = files[index].text
            var names = Set(names(declaration, in: text))
            // Methods an extension adds are found by name where they are called.
            for block in extensionBlocks(text) { names.formUnion(Self.names(member, in: block)) }
            // Names private to a file are not reached from others.
            files[index].declared = names.filter { name in !text.contains("private func \(name)(") && !text.contains("private let \(name) ") }
        }
        return files
    }

    /// The top-level `extension ... { ... }` blocks of a file.
    static func extensionBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("extension ") { current = [] }
            if current != nil { current!.append(line) }
            if line == "}", let lines = current {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            }
        }
        return blocks
    }

    /// The code of a file without its comments (a doc comment may name a type it does not use).
    static func code(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.drop { $0 == " " }.hasPrefix("//") }.joined(separator: "\n")
    }

    static func names(_ pattern: NSRegularExpression, in text: String) -> [String] {
        pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
    }

    /// file -> the files whose names it uses.
    static func uses(_ files: [File]) -> [String: Set<String>] {
        var uses: [String: Set<String>] = [:]
        for file in files {
            let words = Set(code(file.text).split { !$0.isLetter && !$0.isNumber && $0 != "_" }.map(String.init))
            for other in files where other.path != file.path && !other.declared.isDisjoint(with: words) {
                uses[file.path, default: []].insert(other.path)
            }
        }
        return uses
    }

    @Test func everyFileIsInALayer() throws {
        let files = try Self.files()
        #expect(files.count >= 30)
        for file in files {
            #expect(Self.layers.contains(file.folder), "\(file.path) is not in one of \(Self.layers)")
        }
    }

    @Test func eachLayerUsesOnlyTheLayersBelowIt() throws {
        let files = try Self.files()
        let folder = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.folder) })
        for (file, used) in Self.uses(files) {
            let level = Self.layers.firstIndex(of: folder[file]!)!
            for other in used.sorted() {
                let otherLevel = Self.layers.firstIndex(of: folder[other]!)!
                #expect(otherLevel <= level, "\(file) uses \(other), a layer above it")
            }
        }
    }

    @Test func noFilesCallEachOtherInACircle() throws {
        let uses = Self.uses(try Self.files())
        // Depth-first search for a cycle, reporting the first one found.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var path: [String] = []
        var cycle: [String]?
        func visit(_ file: String) {
            guard cycle == nil else { return }
            state[file] = 1
            path.append(file)
            for next in (uses[file] ?? []).sorted() {
                if state[next] == 1 { cycle = Array(path.drop { $0 != next }) + [next]; return }
                if state[next] == nil { visit(next) }
            }
            path.removeLast()
            state[file] = 2
        }
        for file in uses.keys.sorted() where state[file] == nil { visit(file) }
        #expect(cycle == nil, "a circle: \(cycle?.joined(separator: " -> ") ?? "")")
    }

    /// Across the package, a file holds at most one type that other files use, and is named after it
    /// (`Shell+Completion.swift` extends `Shell`); a file-private helper may sit beside it. The
    /// executables' `main.swift` are scripts, not types.
    @Test func oneTypePerFileNamedAfterIt() throws {
        let root = Self.sources.deletingLastPathComponent()
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        let type = try NSRegularExpression(
            pattern: #"^(?:public |internal |package )?(?:final )?(?:struct|class|enum|protocol|actor) ([A-Za-z_][A-Za-z0-9_]*)"#,
            options: .anchorsMatchLines)
        var checked = 0
        for case let path as String in enumerator where path.hasSuffix(".swift") && !path.hasSuffix("main.swift") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            let types = Self.names(type, in: text)
            let file = String(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.prefix { $0 != "+" })
            #expect(types.count <= 1, "\(path) declares \(types.joined(separator: ", "))")
            if let name = types.first { #expect(name == file, "\(path) declares \(name)") }
            checked += 1
        }
        #expect(checked >= 60)
    }
}
