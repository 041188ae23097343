import Foundation
import LeadSQLite

/// One event in a lead's life: an activity, a stage change, an assignment or a field's change.
///
///     for entry in try store.timeline(lead: 42) { print(entry.at, entry.kind, entry.summary) }
public struct TimelineEntry: Sendable, Hashable {
    /// What kind of event it is.
    public enum Kind: String, Sendable, Hashable {
        /// An activity (for a score component) or a logged activity.
        case activity
        /// A stage change.
        case stageChange = "stage"
        /// An owner change.
        case assignment
        /// A field's change (`field_history`).
        case fieldChange = "field"
        /// Another lead merged into this one (`merges`).
        case merge
    }
    /// When it happened (UTC).
    public let at: Date
    /// What kind it is.
    public let kind: Kind
    /// A one-line account, e.g. `email_click (q4-launch) +3`, `new -> contacted`, `assigned to rep 2: ...`.
    public let summary: String
}
