import Foundation
import LeadSQLite

/// What went wrong talking to a cluster: a node's refusal (its code and message, as SQLite's on a
/// file), a connection lost or refused, or a message this client cannot read.
public enum ClusterError: RemoteFailure, Equatable {
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
        case .failure(let code, let message):
            if outcomeUnknown {
                "outcome unknown: the leader lost its office before the write was confirmed (\(message), \(code)); it may be stored: "
                    + "read it back before sending it again (a capture is safe to send again with its capture key)"
            } else if isNotLeader {
                "\(message): the node is no longer the leader, and ran nothing"
            } else {
                message
            }
        case .unreachable(let text): "cluster unreachable: \(text)"
        case .protocolError(let text): "cluster protocol error: \(text)"
        case .refused(let text): text
        }
    }

    /// The description of a leader that lost its office says what it means for the write.
    public var saysTheOutcome: Bool { outcomeUnknown && !isUnreachable }

    private var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }

    /// The node is not the leader and ran nothing: ask again for the leader and retry.
    public var isNotLeader: Bool {
        if case .failure(let code, _) = self { return [10250, 8202].contains(code) }
        return false
    }

    /// Whether the request may have taken effect though no answer said so: the connection broke after
    /// it was sent, or the leader lost its office while committing. Retry only what is safe twice (a
    /// capture with its capture_key).
    public var outcomeUnknown: Bool {
        switch self {
        case .unreachable: true
        case .failure(let code, _): [10506, 8458].contains(code)
        default: false
        }
    }
}
