import Foundation
import LeadSQLite

/// A realistic history to show the reports on: `days` of a sales team replayed through the public API
/// only, the clock moved to each event and a tick run every evening. Leads arrive every day (fewer at
/// weekends) from several sources and campaigns; better sources, bigger companies and senior titles go
/// further; reps answer after realistic delays (some breaching their SLA); deals are won with amounts or
/// lost with reasons; some lost leads are recycled into nurturing; a few people ask to be erased.
/// Deterministic for a seed. Memory holds the events of the leads still in flight (a lead's journey
/// ends within about four months), not the whole history.
///
///     try DemoHistory.replay(into: store, days: 365, leads: 5_000, seed: 7)
public enum DemoHistory {
    /// One planned step of a lead's journey.
    enum Step {
        case log(ActivityKind, campaign: String?)
        case move(Stage, amount: Decimal? = nil, lostReason: String? = nil)
        case erase
    }

    /// An event in time order (a min-heap on `at`, then `order`).
    struct Event {
        let at: Date
        let order: Int
        let lead: Int64
        let step: Step
    }

    /// A replay stopped on request (`shouldStop`) on `day` of `days`: the file keeps the history so far,
    /// with its real clock back.
    public struct Stopped: Error, Equatable {
        public let day: Int
        public let days: Int
    }

    /// Replays the history into an empty store, ending now; `progress` is told the days done. When
    /// `shouldStop` (asked before each lead and each evening) says so, the replay gives the file its
    /// real clock back and throws `Stopped`.
    @discardableResult
    public static func replay(
        into store: LeadStore, days: Int = 365, leads count: Int = 5_000, seed: UInt64 = 1,
        shouldStop: (() -> Bool)? = nil,
        progress: ((_ day: Int, _ days: Int) -> Void)? = nil
    ) throws -> DemoData.Summary {
        let existing = try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) ?? 0 }
        guard existing == 0 else {
            throw LeadError.rule(code: "demo_refused", message: "demo_refused: the database already has \(existing) lead\(existing == 1 ? "" : "s"); the demo fills only an empty one (give a new file with --db)")
        }
        guard days >= 1, days <= 3_650, count >= 1, count <= 10_000_000 else {
            throw LeadError.rule(code: "demo_refused", message: "demo_refused: --days is 1 to 3650 and --leads 1 to 10000000")
        }
        var random = DemoData.Generator(seed: seed)
        let end = try store.now()
        let start = end.addingTimeInterval(-Double(days) * 86_400)
        try store.freezeClock(at: start)
        try DemoData.setUpTeam(store)
        try store.write { db in
            // (room for a year of leads)
            try db.execute("UPDATE reps SET capacity = ? WHERE capacity > 0", [min(100_000, 2 * max(80, count / 8))])
            try db.executeScript("""
                INSERT INTO campaigns(name, source, cost) VALUES ('spring-webinar', 'webinar', 12000), ('q4-launch', 'ads', 30000),
                    ('pricing-page', 'organic', 2000), ('expo-2026', 'tradeshow', 45000);
                """)
        }
        // A replay that fails part-way gives the file its real clock back (a frozen one would stamp
        // every later write with the history's time).
        var finished = false
        defer { if !finished { _ = try? store.unfreezeClock() } }
        var heap = EventHeap()
        var order = 0
        var activities = 0
        let perDay = Double(count) / Double(days)
        var captured = 0
        for day in 0..<days {
            let dayStart = start.addingTimeInterval(Double(day) * 86_400)
            let weekday = Calendar(identifier: .gregorian).component(.weekday, from: dayStart)  // 1 Sunday, 7 Saturday
            // The day's arrivals: the leads due by the end of this day, fewer at weekends.
            let due = day == days - 1 ? count : min(count, Int((Double(day + 1) * perDay).rounded()))
            var arrivals = due - captured
            if weekday == 1 || weekday == 7, arrivals > 1 { arrivals /= 2 }
            if day == days - 1 { arrivals = count - captured }
            for n in 0..<arrivals {
                if shouldStop?() == true { throw Stopped(day: day, days: days) }
                let at = dayStart.addingTimeInterval(8 * 3_600 + Double(n) / Double(max(arrivals, 1)) * 10 * 3_600 + Double(random.next(600)))
                try flush(until: at, &heap, store, &activities)
                try store.freezeClock(at: at)
                let (lead, quality) = newLead(&random, index: captured)
                captured += 1
                let id: Int64
                do {
                    id = try store.capture(lead).lead.id
                } catch let error as LeadError where error.code == "suppressed" {
                    continue  // (someone erased earlier: they are not captured again)
                }
                for (offset, step) in journey(&random, quality: quality, campaign: lead.campaign) {
                    order += 1
                    heap.push(Event(at: at.addingTimeInterval(offset), order: order, lead: id, step: step))
                }
            }
            // Every evening the time-driven rules run (escalations, nurture steps, the search index).
            if shouldStop?() == true { throw Stopped(day: day, days: days) }
            let evening = dayStart.addingTimeInterval(23 * 3_600)
            try flush(until: evening, &heap, store, &activities)
            try store.freezeClock(at: evening)
            try store.tick()
            progress?(day + 1, days)
        }
        try flush(until: end, &heap, store, &activities)
        try store.freezeClock(at: end)
        try store.tick()
        try store.unfreezeClock()
        finished = true
        // (the history into the file itself: a copy of it without its -wal holds all of it, the real clock too;
        // a cluster's nodes keep their files themselves)
        try store.withWriter { db in if !db.isRemote { _ = try db.query("PRAGMA wal_checkpoint(TRUNCATE)") } }
        let reps = try store.reps().count
        let leads = try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) ?? 0 }
        return DemoData.Summary(reps: reps, leads: leads, activities: activities + leads)
    }

    /// Replays every planned event up to `time`, each at its own moment.
    static func flush(until time: Date, _ heap: inout EventHeap, _ store: LeadStore, _ activities: inout Int) throws {
        while let next = heap.peek, next.at <= time {
            let event = heap.pop()!
            try store.freezeClock(at: event.at)
            do {
                switch event.step {
                case .log(let kind, let campaign):
                    try store.log(kind, for: event.lead, at: event.at, campaign: campaign)
                    activities += 1
                case .move(let stage, let amount, let lostReason):
                    try store.move(event.lead, to: stage, amount: amount, lostReason: lostReason)
                case .erase:
                    try store.erase(event.lead)
                }
            } catch let error as LeadError where ["invalid_transition", "erased_lead", "missing_owner", "unknown_lead"].contains(error.code) {
                // The rules took the lead elsewhere first (to mql on its score, say), or it was erased:
                // the rest of the rep's plan no longer applies.
                continue
            }
        }
    }

    /// A new lead and how likely it is to go far (0 to 1), from its source, company size and title.
    static func newLead(_ random: inout DemoData.Generator, index: Int) -> (NewLead, Double) {
        let first = DemoData.firstNames[random.next(DemoData.firstNames.count)]
        let last = DemoData.lastNames[random.next(DemoData.lastNames.count)]
        let company = DemoData.companies[random.next(DemoData.companies.count)]
        let domain = company.lowercased().filter { $0.isLetter } + ".com"
        let source = DemoData.sources[random.next(DemoData.sources.count)]
        let size = [12, 45, 120, 250, 800, 2_000, 12_000][random.next(7)]
        let title = DemoData.titles[random.next(DemoData.titles.count)]
        let campaign = ["spring-webinar", "q4-launch", "pricing-page", "expo-2026", nil][random.next(5)]
        var quality = ["referral": 0.75, "demo_request": 0.7, "partner": 0.6, "webinar": 0.5, "tradeshow": 0.45, "organic": 0.4, "ads": 0.3][source] ?? 0.4
        quality *= size >= 800 ? 1.2 : size <= 45 ? 0.7 : 1.0
        quality *= ["CEO", "CTO", "Chief Revenue Officer", "VP Sales"].contains(title) ? 1.25 : ["Intern", "Analyst"].contains(title) ? 0.6 : 1.0
        let lead = NewLead(
            email: "\(first.lowercased().filter { $0.isLetter }).\(last.lowercased().filter { $0.isLetter })\(index)@\(random.next(5) == 0 ? "gmail.com" : domain)",
            // (a phone of each lead's own: an erased person's is never drawn again)
            firstName: first, lastName: last, phone: random.next(3) == 0 ? nil : "+1 415 \(String(format: "%03d %04d", 200 + index / 10_000 % 800, index % 10_000))",
            company: company, title: title, industry: DemoData.industries[random.next(DemoData.industries.count)],
            companySize: String(size), country: DemoData.countries[random.next(DemoData.countries.count)], source: source,
            campaign: campaign, consent: random.next(3) != 0)
        return (lead, min(quality, 0.95))
    }

    /// A lead's journey after its capture: offsets in seconds and steps.
    static func journey(_ random: inout DemoData.Generator, quality: Double, campaign: String?) -> [(TimeInterval, Step)] {
        func chance(_ p: Double) -> Bool { Double(random.next(10_000)) < p * 10_000 }
        var steps: [(TimeInterval, Step)] = []
        let hour = 3_600.0, day = 86_400.0
        // Interest: a few inbound touches over the first weeks, some through another campaign.
        let campaigns = ["spring-webinar", "q4-launch", "pricing-page", "expo-2026"]
        for _ in 0..<random.next(chance(quality) ? 7 : 3) {
            let kind = DemoData.inbound[random.next(DemoData.inbound.count - 1)]  // (no unsubscribe here)
            steps.append((Double(1 + random.next(Int(21 * day))), .log(kind, campaign: random.next(3) == 0 ? campaigns[random.next(4)] : campaign)))
        }
        // The rep answers: most within hours, some the next day, some late (a breach), some never.
        guard chance(0.9) else { return steps }
        let delay: TimeInterval = chance(0.6) ? Double(300 + random.next(Int(3 * hour))) : chance(0.7) ? Double(Int(4 * hour) + random.next(Int(20 * hour)))
            : Double(Int(day) + random.next(Int(3 * day)))
        var t = delay
        steps.append((t, .log(.call, campaign: nil)))
        steps.append((t + 60, .move(.contacted)))
        // Then, step by step, the better leads go further.
        t += Double(Int(day) + random.next(Int(6 * day)))
        if !chance(0.35 + 0.5 * quality) {
            if chance(0.5) {
                steps.append((t, .move(.disqualified, lostReason: ["no_budget", "bad_timing", "competitor", "unresponsive"][random.next(4)])))
                if chance(0.2) { steps.append((t + Double(Int(30 * day) + random.next(Int(30 * day))), .move(.nurturing))) }
            } else {
                steps.append((t, .move(.nurturing)))
            }
            if chance(0.01) { steps.append((t + Double(random.next(Int(20 * day))), .erase)) }
            return steps
        }
        steps.append((t, .move(.sql)))
        t += Double(Int(2 * day) + random.next(Int(10 * day)))
        guard chance(0.4 + 0.5 * quality) else {
            steps.append((t, .move(.disqualified, lostReason: ["no_budget", "bad_timing", "competitor"][random.next(3)])))
            return steps
        }
        steps.append((t, .log(.meeting, campaign: nil)))
        steps.append((t + 3_600, .move(.opportunity, amount: Decimal(5_000 + random.next(90) * 500))))
        t += Double(Int(7 * day) + random.next(Int(60 * day)))
        if chance(0.25 + 0.6 * quality) {
            steps.append((t, .move(.customer)))
        } else {
            steps.append((t, .move(.disqualified, lostReason: ["competitor", "no_budget", "bad_timing"][random.next(3)])))
        }
        return steps
    }

    /// A binary min-heap of events by time, then by the order they were planned.
    struct EventHeap {
        private var items: [Event] = []
        var peek: Event? { items.first }

        mutating func push(_ event: Event) {
            items.append(event)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard less(items[child], items[parent]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Event? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, less(items[left], items[smallest]) { smallest = left }
                if right < items.count, less(items[right], items[smallest]) { smallest = right }
                guard smallest != parent else { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
            return top
        }

        private func less(_ a: Event, _ b: Event) -> Bool { (a.at, a.order) < (b.at, b.order) }
    }
}
