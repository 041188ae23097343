import Foundation
import LeadDB
import LeadSQLite
import LeadTestSupport
import Testing

/// The replayed history behind `leads demo --days N --leads N --seed S`: the same for a seed, whole
/// (the check clean), and rich enough that every report has something to say.
@Suite struct DemoHistoryTests {
    func replay(seed: UInt64) throws -> (LeadStore, TemporaryDirectory) {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("history.db"))
        let summary = try DemoHistory.replay(into: store, days: 90, leads: 300, seed: seed)
        #expect(summary.leads == 300)
        return (store, dir)
    }

    func digest(_ store: LeadStore) throws -> String {
        try store.read { db in
            try db.scalar("""
                SELECT count(*) || ' ' || total(amount) || ' ' || group_concat(stage || coalesce(owner_id, '-'), ',')
                  FROM (SELECT * FROM leads ORDER BY id)
                """, as: String.self) ?? ""
        }
    }

    @Test func aSeedGivesTheSameHistoryAndEveryReportHasRows() throws {
        // (the folders stay until the test ends)
        let (first, firstDir) = try replay(seed: 7)
        let (again, againDir) = try replay(seed: 7)
        let (other, otherDir) = try replay(seed: 8)
        defer { _ = (firstDir, againDir, otherDir) }
        // (the replay ends with its history in the file itself, not in the -wal beside it)
        #expect(((try? FileManager.default.attributesOfItem(atPath: first.path + "-wal"))?[.size] as? Int ?? 0) == 0)
        #expect(try digest(first) == digest(again))
        #expect(try digest(first) != digest(other))
        let db = try Database(path: first.path)
        do {
            #expect(try LeadDatabase.check(db).isEmpty)
            for view in ["funnel_conversion", "stage_velocity", "source_performance", "rep_performance", "sla_compliance", "cohorts",
                         "attribution", "pipeline_forecast", "lead_win_probability", "score_outcomes"] {
                #expect(try db.scalar("SELECT count(*) FROM \(view)", as: Int.self)! > 0, "\(view)")
            }
            // Won and lost, with amounts and reasons; recycled and erased leads among them.
            #expect(try db.scalar("SELECT count(*) FROM leads WHERE stage = 'customer' AND amount > 0", as: Int.self)! > 10)
            #expect(try db.scalar("SELECT count(*) FROM leads WHERE stage = 'disqualified' AND lost_reason IS NOT NULL", as: Int.self)! > 10)
            #expect(try db.scalar("SELECT count(*) FROM sla_compliance WHERE missed > 0", as: Int.self)! > 0)
            // Better sources win more often: referrals beat ads.
            let referral = try db.scalar("SELECT 1.0 * sum(won) / count(*) FROM lead_outcomes WHERE source = 'referral'", as: Double.self) ?? 0
            let ads = try db.scalar("SELECT 1.0 * sum(won) / count(*) FROM lead_outcomes WHERE source = 'ads'", as: Double.self) ?? 0
            #expect(referral > ads)
        }
    }

    /// A replay asked to stop (Ctrl-C in `leads demo`) stops between two leads, keeps what it replayed,
    /// and leaves the clock real: a frozen one would stamp every later write with the history's time.
    @Test func aStoppedReplayKeepsItsHistoryAndGivesTheClockBack() throws {
        let dir = TemporaryDirectory()
        let store = try LeadStore(path: dir.file("stopped.db"))
        var asked = 0
        // (300 leads over 90 days: 3 or 4 a day, fewer at weekends; asked before each lead and each evening)
        let error = #expect(throws: DemoHistory.Stopped.self) {
            try DemoHistory.replay(into: store, days: 90, leads: 300, seed: 7, shouldStop: {
                asked += 1
                return asked > 18
            })
        }
        #expect(error?.day == 4)
        #expect(error?.days == 90)
        let db = try Database(path: store.path)
        #expect(try db.scalar("SELECT value FROM settings WHERE key = 'clock.now'", as: String?.self) == nil)
        #expect(try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) == 14)
        #expect(try LeadDatabase.check(db).isEmpty)
    }
}
