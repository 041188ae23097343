import Foundation
import LeadSQLite

/// The lead after a capture, and whether it was new.
///
///     let result = try store.capture(NewLead(email: "ada@example.com"))
///     print(result.lead.id, result.outcome)
public struct CaptureResult: Sendable, Hashable {
    /// The lead as stored after the capture.
    public let lead: Lead
    /// Whether the lead was new or merged.
    public let outcome: CaptureOutcome
}
