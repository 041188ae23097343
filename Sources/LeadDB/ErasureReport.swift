import Foundation

/// What an erasure did: the person's data is gone from the database at once; `walCleared` says whether
/// the write-ahead log, which keeps copies of the old pages until a checkpoint, was cleared too (another
/// connection reading an older snapshot holds it back: erase again, or checkpoint, when it is done).
public struct ErasureReport: Sendable, Hashable {
    /// The erased lead.
    public let lead: Int64
    /// Whether the checkpoint completed, so no file of the database holds the erased data.
    public let walCleared: Bool
    /// Whether the search index's pages that held the person's terms were all rewritten (ticks finish
    /// it otherwise: `SELECT pending FROM lead_search_purge`).
    public let searchPurged: Bool
}
