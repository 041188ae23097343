/// A remote database's failure that is not SQL's: no node answered, or the answer was lost.
public protocol RemoteFailure: Error, CustomStringConvertible {
    /// Whether the statement may have taken effect though no answer said so. Retry only what is safe
    /// twice (a capture with its capture key).
    var outcomeUnknown: Bool { get }
    /// Whether the description already says what an unknown outcome means for the write.
    var saysTheOutcome: Bool { get }
}

extension RemoteFailure {
    public var saysTheOutcome: Bool { false }
}
