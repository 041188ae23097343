import Foundation
import LeadSQLite

/// Realistic sample data for a first look: reps in two teams, a routing rule, a few hundred leads
/// captured over three weeks with their activities, moves and SLA breaches. Deterministic (seeded), and
/// written through the API like any other data.
///
///     try DemoData.load(into: store)
public enum DemoData {
    /// What was loaded.
    public struct Summary: Sendable, Hashable {
        /// Reps loaded.
        public let reps: Int
        /// How many leads are in it now.
        public let leads: Int
        /// Activities loaded.
        public let activities: Int
    }

    /// Loads the sample into an empty store; refuses a store that already has leads.
    @discardableResult
    public static func load(into store: LeadStore, leads count: Int = 240) throws -> Summary {
        let existing = try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) ?? 0 }
        guard existing == 0 else {
            throw LeadError.rule(code: "demo_refused", message: "demo_refused: the database already has \(existing) lead\(existing == 1 ? "" : "s"); the demo fills only an empty one (give a new file with --db)")
        }
        var random = Generator(seed: 2026)
        let end = try store.now()
        let start = end.addingTimeInterval(-21 * 86_400)
        try setUpTeam(store)
        // Plan every event first, then replay them in time order with the clock at each one, as a real
        // team would have produced them: nothing is logged before it happened.
        enum Step {
            case capture(NewLead)
            case log(ActivityKind)
            case move(Stage, amount: Decimal? = nil, lostReason: String? = nil)
        }
        var plan: [(at: Date, order: Int, lead: Int, step: Step)] = []
        func add(_ at: Date, _ lead: Int, _ step: Step) { plan.append((at, plan.count, lead, step)) }
        for i in 0..<count {
            // Leads arrive through the three weeks, in order.
            let at = start.addingTimeInterval(Double(i) / Double(count) * 21 * 86_400 + Double(random.next(3_600)))
            let first = firstNames[random.next(firstNames.count)]
            let last = lastNames[random.next(lastNames.count)]
            let company = companies[random.next(companies.count)]
            let domain = company.lowercased().filter { $0.isLetter } + ".com"
            add(at, i, .capture(NewLead(
                email: "\(first.lowercased()).\(last.lowercased().filter { $0.isLetter })\(i)@\(random.next(5) == 0 ? "gmail.com" : domain)",
                firstName: first, lastName: last, phone: random.next(3) == 0 ? nil : "+1 415 555 \(String(format: "%04d", random.next(10_000)))",
                company: company, title: titles[random.next(titles.count)], industry: industries[random.next(industries.count)],
                companySize: String([12, 45, 120, 250, 800, 2_000, 12_000][random.next(7)]),
                country: countries[random.next(countries.count)], source: sources[random.next(sources.count)],
                campaign: ["spring-webinar", "q4-launch", "pricing-page", "expo-2026"][random.next(4)], consent: random.next(3) != 0)))
            // Interest: a few inbound touches, sometimes a lot.
            for _ in 0..<random.next(random.next(4) == 0 ? 9 : 4) {
                add(at.addingTimeInterval(Double(1 + random.next(172_800))).clamped(to: at...end), i, .log(inbound[random.next(inbound.count)]))
            }
            // Reps answer most leads within a day; some are missed.
            if random.next(10) < 7 {
                let call = at.addingTimeInterval(Double(1 + random.next(30 * 3_600))).clamped(to: at...end)
                add(call, i, .log(.call))
                add(call, i, .move(.contacted))
                let roll = random.next(10)
                if roll < 2 {
                    add(call, i, .move(.disqualified, lostReason: ["no_budget", "bad_timing", "competitor"][random.next(3)]))
                } else if roll < 4 {
                    add(call, i, .move(.nurturing))
                } else if roll < 7 {
                    add(call, i, .move(.sql))
                    if random.next(2) == 0 {
                        add(call, i, .move(.opportunity, amount: Decimal(5_000 + random.next(60) * 500)))
                        if random.next(2) == 0 { add(call, i, .move(.customer)) }
                    }
                }
            }
        }
        plan.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        var ids: [Int: Int64] = [:]
        var total = 0
        for event in plan {
            try store.freezeClock(at: event.at)
            switch event.step {
            case .capture(let lead):
                ids[event.lead] = try store.capture(lead).lead.id
            case .log(let kind):
                guard let id = ids[event.lead] else { continue }
                try store.log(kind, for: id, at: event.at)
                total += 1
            case .move(let stage, let amount, let lostReason):
                guard let id = ids[event.lead] else { continue }
                do {
                    try store.move(id, to: stage, amount: amount, lostReason: lostReason)
                } catch let error as LeadError where error.code == "invalid_transition" {
                    // The rules moved the lead first (to mql, say): the rep's plan no longer applies.
                    continue
                }
            }
        }
        try store.freezeClock(at: end)
        try store.tick()
        try store.unfreezeClock()
        let reps = try store.reps().count
        let leads = try store.read { db in try db.scalar("SELECT count(*) FROM lead_records", as: Int.self) ?? 0 }
        return Summary(reps: reps, leads: leads, activities: total + leads)
    }

    /// The demo's team: a manager, two reps in each of two teams, and a routing rule for Europe.
    static func setUpTeam(_ store: LeadStore) throws {
        try store.write { db in
            try db.executeScript(
                """
                INSERT INTO teams(name, method) VALUES ('emea', 'load_balanced');
                INSERT INTO reps(name, email, team, capacity) VALUES ('Morgan Lee', 'morgan@demo.example', 'default', 0);
                INSERT INTO reps(name, email, team, capacity, manager_id) VALUES
                    ('Sam Ortiz', 'sam@demo.example', 'default', 80, 1),
                    ('Priya Nair', 'priya@demo.example', 'default', 80, 1),
                    ('Lars Berg', 'lars@demo.example', 'emea', 60, 1),
                    ('Chloé Martin', 'chloe@demo.example', 'emea', 60, 1);
                INSERT INTO routing_rules(priority, team, country, description)
                VALUES (10, 'emea', '["DE","FR","UK","GB","ES","NL","SE","IT"]', 'Europe to the EMEA team');
                """)
        }
    }

    /// A small seeded generator (SplitMix64), so every demo is the same.
    struct Generator {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(max(1, bound)))
        }
    }

    static let firstNames = ["Ada", "Grace", "Alan", "Margaret", "Linus", "Zoë", "José", "Ömer", "Priya", "Chen", "Aoife", "Mateo", "Fatima", "Yuki", "Søren", "Élodie"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Hamilton", "Nguyen", "García", "Müller", "O'Brien", "Tanaka", "Kowalski", "Silva", "Rossi", "Patel", "Johansson"]
    static let companies = ["Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Industries", "Wayne Enterprises", "Hooli", "Pied Piper", "Wonka GmbH", "Nakatomi Trading", "Cyberdyne", "Aperture Science"]
    static let titles = ["CEO", "CTO", "VP Sales", "Head of Operations", "Director of IT", "Marketing Manager", "Analyst", "Software Engineer", "Intern", "Chief Revenue Officer", "Procurement Lead"]
    static let industries = ["software", "fintech", "retail", "manufacturing", "healthcare", "saas"]
    static let countries = ["US", "US", "US", "UK", "DE", "FR", "CA", "ES", "JP", "BR"]
    static let sources = ["webinar", "tradeshow", "referral", "ads", "organic", "partner", "demo_request"]
    static let inbound: [ActivityKind] = [.emailOpen, .emailOpen, .pageView, .pageView, .emailClick, .pricingPageView, .contentDownload, .webinarAttended, .demoRequest, .unsubscribe]
}

extension Date {
    fileprivate func clamped(to range: ClosedRange<Date>) -> Date { min(max(self, range.lowerBound), range.upperBound) }
}
