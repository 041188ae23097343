import Foundation

/// What went wrong talking to a cluster: a node's refusal (its code and message, as SQLite's on a
/// file), a connection lost or refused, or a message this client cannot read.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
    /// The node refused the request: SQLite's result code (extended) and message.
    case failure(code: UInt64, message: String)
    /// No node answered, or the connection broke; a write's outcome is then unknown.
    case unreachable(String)
    /// A message did not follow the protocol.
    case protocolError(String)
    /// A statement a cluster connection does not run (it would break the nodes).
    case refused(String)

    public var description: String {
        switch self {
        case .failure(_, let message): message
        case .unreachable(let text): "cluster unreachable: \(text)"
        case .protocolError(let text): "cluster protocol error: \(text)"
        case .refused(let text): text
        }
    }

    /// The node is not (or no longer) the leader: ask again for the leader and retry.
    public var isNotLeader: Bool {
        if case .failure(let code, _) = self { return [10250, 10506, 8202, 8458].contains(code) }
        return false
    }
}
