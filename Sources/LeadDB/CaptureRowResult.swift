import Foundation
import LeadSQLite

/// The result of one row of ``LeadStore/captureMany(_:chunkSize:progress:)``.
///
///     for row in try store.captureMany(rows) { if case .failure(let error) = row.outcome { print(row.index, error.message) } }
public struct CaptureRowResult: Sendable {
    /// The row's position in the input, from 0.
    public let index: Int
    /// The lead's id, or nil when the row was rejected.
    public let leadID: Int64?
    /// Created, merged, or why it was rejected.
    public let outcome: Result<CaptureOutcome, LeadError>
}
