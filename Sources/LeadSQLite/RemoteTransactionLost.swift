/// A remote connection failed inside a transaction, on a statement that did not end it: the node that
/// held the transaction dropped it, so nothing of it was committed, whatever the statement was. The
/// connection refuses every statement until the caller's ROLLBACK (Database+Remote.swift).
public struct RemoteTransactionLost: RemoteFailure {
    /// What the client said of the connection.
    public let cause: any RemoteFailure

    public var outcomeUnknown: Bool { false }

    public var description: String {
        "\(cause); the transaction was lost with the connection to the node that held it: nothing of it was committed; ROLLBACK ends it"
    }
}
