import Foundation
import LeadSQLite

/// What a capture did.
///
///     if try store.capture(lead).outcome == .merged { print("known lead") }
public enum CaptureOutcome: Sendable, Hashable {
    /// A new lead.
    case created
    /// The email was known (or, without an email, the phone of a lead without one): the capture
    /// filled empty fields of that lead and counted as engagement.
    case merged
    /// The capture key was captured before: nothing changed (a retry, or a row imported before).
    case alreadyCaptured
}
