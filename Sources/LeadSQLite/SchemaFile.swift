import Foundation

/// A re-creatable file of views and triggers: `Schema/name.sql`.
public struct SchemaFile: Sendable, Hashable {
    public let fileName: String
    public let sql: String
    public let checksum: String

    public init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
        self.checksum = Migration.checksum(sql)
    }
}

extension String {
    func replacingCRLF() -> String {
        guard contains("\r") else { return self }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(scalar)
        }
        return String(out)
    }
}
