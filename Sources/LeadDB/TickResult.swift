import Foundation
import LeadSQLite

/// What one tick did.
///
///     let tick = try store.tick()
///     print(tick.escalations, tick.messages)
public struct TickResult: Sendable, Hashable {
    /// The tick's id (a row of `ticks`).
    public let tickID: Int64
    /// When it happened (UTC).
    public let at: Date
    /// Escalation steps run (notifications and reassignments).
    public let escalations: Int
    /// Outbox rows the tick wrote (escalation notices and nurture messages).
    public let messages: Int
    /// How many ticks ran, each in its own transaction: one unless a tick left work for the next
    /// (more than `tick.batch` items of one kind were due).
    public let ticks: Int

    public init(tickID: Int64, at: Date, escalations: Int, messages: Int, ticks: Int = 1) {
        self.tickID = tickID
        self.at = at
        self.escalations = escalations
        self.messages = messages
        self.ticks = ticks
    }
}
