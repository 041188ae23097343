/// Quotes an SQL identifier: `lead "x"` becomes `"lead ""x"""`.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
