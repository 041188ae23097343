/// One versioned migration: the text of `Migrations/NNNN_name.sql`.
public struct Migration: Sendable, Hashable {
    /// The number the file name starts with: `0003_scoring.sql` is version 3.
    public let version: Int
    /// The file name, e.g. `0003_scoring.sql`.
    public let fileName: String
    /// The SQL text.
    public let sql: String
    /// SHA-256 of the text with line endings normalised to LF, so a checkout with CRLF endings matches.
    public let checksum: String
    /// Earlier texts of other migrations that files may have recorded and that stay acceptable, declared
    /// by a line `-- accepts NNNN_name.sql checksum HEX` in this migration (file name -> checksums). A
    /// landed migration never changes; this mends one that did, without refusing the files that ran it.
    public let acceptedChecksums: [String: Set<String>]

    /// Makes a migration from its file name (`NNNN_name.sql`) and text.
    public init(fileName: String, sql: String) throws {
        guard let version = Self.version(of: fileName) else {
            throw MigrationError.invalidFileName(fileName)
        }
        self.version = version
        self.fileName = fileName
        self.sql = sql
        self.checksum = Self.checksum(sql)
        var accepted: [String: Set<String>] = [:]
        for line in sql.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count == 5, words[0] == "--", words[1] == "accepts", words[3] == "checksum", words[4].count == 64 {
                accepted[String(words[2]), default: []].insert(String(words[4]).lowercased())
            }
        }
        self.acceptedChecksums = accepted
    }

    /// The checksum of a text: SHA-256 of its LF-normalised UTF-8 bytes.
    public static func checksum(_ text: String) -> String {
        SHA256.hex(Array(text.replacingCRLF().utf8))
    }

    static func version(of fileName: String) -> Int? {
        let parts = fileName.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count >= 4, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
            fileName.hasSuffix(".sql"), parts[1].count > 4
        else { return nil }
        return Int(parts[0])
    }
}
