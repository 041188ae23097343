/// A lifecycle stage. Stages are data (the `stages` table), so this is an open set of names with the
/// defaults as constants.
///
///     try store.move(lead.id, to: .contacted)
///     try store.move(lead.id, to: Stage("discovery"))   // a stage a user added
public struct Stage: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as stored in the database.
    public let rawValue: String
    /// Makes a value from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Makes a value from its stored name.
    public init(_ name: String) { self.rawValue = name }
    /// Makes a value from its stored name.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The name.
    public var description: String { rawValue }

    /// The default `new`.
    public static let new = Stage("new")
    /// The default `contacted`.
    public static let contacted = Stage("contacted")
    /// The default `nurturing`.
    public static let nurturing = Stage("nurturing")
    /// The default `mql`.
    public static let mql = Stage("mql")
    /// The default `sql`.
    public static let sql = Stage("sql")
    /// The default `opportunity`.
    public static let opportunity = Stage("opportunity")
    /// Won.
    public static let customer = Stage("customer")
    /// Lost; needs a lost reason; can be recycled into nurturing.
    public static let disqualified = Stage("disqualified")
}
