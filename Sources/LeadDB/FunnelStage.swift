import Foundation
import LeadSQLite

/// One stage of the funnel.
///
///     for stage in try store.funnel() { print(stage.stage, stage.leads, stage.percent) }
public struct FunnelStage: Sendable, Hashable {
    /// The lifecycle stage.
    public let stage: Stage
    /// Its place in the funnel (lower first).
    public let position: Int
    /// `won`, `lost`, or nil for an open stage.
    public let outcome: String?
    /// How many leads are in it now.
    public let leads: Int
    /// Share of all leads, 0 to 100.
    public let percent: Double

    init(row: Row) throws {
        stage = Stage(try row.get("stage", as: String.self))
        position = try row.get("position")
        outcome = try row.get("outcome")
        leads = try row.get("leads")
        percent = try row.get("percent", as: Double?.self) ?? 0
    }
}
