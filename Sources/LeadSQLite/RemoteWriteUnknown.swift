/// A write whose answer was lost outside a transaction (the connection broke after it was sent): it may
/// be stored, so it is said, with what to do before sending it again.
public struct RemoteWriteUnknown: RemoteFailure {
    /// What the client said of the connection.
    public let cause: any RemoteFailure

    public init(cause: any RemoteFailure) { self.cause = cause }

    public var outcomeUnknown: Bool { true }
    public var saysTheOutcome: Bool { true }

    /// What the description adds to the cause.
    public static let advice = "outcome unknown: the write may be stored: read it back before sending it again (a capture is safe to send again with its capture key)"

    public var description: String { "\(cause); \(Self.advice)" }
}
