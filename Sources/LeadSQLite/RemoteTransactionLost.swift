/// A remote connection failed inside a transaction, on a statement that did not end it: the node that
/// held the transaction dropped it, so nothing of it was committed, whatever the statement was. The
/// connection refuses every statement until the caller's ROLLBACK (Database+Remote.swift).
public struct RemoteTransactionLost: RemoteFailure {
    /// What the client said of the connection.
    public let cause: any RemoteFailure
    /// The transaction is over here too (its COMMIT failed, or the caller's transaction rolled back).
    public var ended = false

    public init(cause: any RemoteFailure, ended: Bool = false) {
        self.cause = cause
        self.ended = ended
    }

    public var outcomeUnknown: Bool { false }

    public var description: String {
        "\(cause); the transaction was lost with the connection to the node that held it: nothing of it was committed" + (ended ? "" : "; ROLLBACK ends it")
    }
}
