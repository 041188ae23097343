import Foundation
import LeadSQLite

extension LeadStore {
    // MARK: - Capture

    /// Captures a lead through `lead_intake`: normalised, de-duplicated by email, scored, routed,
    /// logged. Returns the lead and whether it was new or merged into an existing one.
    ///
    ///     let result = try store.capture(NewLead(email: "Ada@Example.com", company: "Analytical"))
    ///     if result.outcome == .merged { print("welcome back", result.lead.id) }
    ///
    /// Throws ``LeadError`` with the field and value when the database refuses the input.
    public func capture(_ lead: NewLead) throws -> CaptureResult {
        try write { db in try Self.capture(lead, in: db) }
    }

    /// Captures many leads in chunked transactions. Every row gets a result: created, merged, already
    /// captured, or rejected with the database's reason; a rejected row never undoes the others.
    /// `progress` is called after each chunk with (rows done, rows in all), outside the write lock.
    ///
    /// A row without a ``NewLead/captureKey`` is keyed by its content (``NewLead/contentKey``), so running
    /// the same rows again, or again after an interruption, captures each row once.
    ///
    ///     let results = try store.captureMany(rows, chunkSize: 500) { done, total in print(done, "/", total) }
    ///     let rejected = results.filter { if case .failure = $0.outcome { true } else { false } }
    public func captureMany(
        _ leads: [NewLead], chunkSize: Int = 500, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [CaptureRowResult] {
        var results: [CaptureRowResult] = []
        results.reserveCapacity(leads.count)
        var start = 0
        // An interrupt from before this call is not for it.
        _ = try withWriter { db in db.takeInterrupt() }
        while start < leads.count {
            let end = min(leads.count, start + max(1, chunkSize))
            do {
                let chunk = try write { db -> [CaptureRowResult] in
                    if let staged = try Self.captureStaged(leads, start..<end, in: db) { return staged }
                    return try (start..<end).map { index in
                        // Ctrl-C between two statements, where SQLite would not see it.
                        if db.takeInterrupt() { throw SQLiteError(code: 9, message: "interrupted") }
                        var lead = leads[index]
                        if lead.captureKey == nil { lead.captureKey = lead.contentKey }
                        do {
                            let (id, outcome) = try Self.captureID(lead, in: db)
                            return CaptureRowResult(index: index, leadID: id, outcome: .success(outcome))
                        } catch let error where Self.stopsTheBatch(error, db) {
                            // Interrupted, disk full, I/O: SQLite rolled the chunk back; stop here.
                            throw error
                        } catch {
                            // The refused statement was rolled back on its own; the transaction goes on.
                            return CaptureRowResult(index: index, leadID: nil, outcome: .failure(LeadError(error)))
                        }
                    }
                }
                results += chunk
            } catch {
                var reason = (error as? SQLiteError).map { $0.resultCode == .interrupt ? "interrupted" : $0.message } ?? "\(error)"
                var unknown = (error as? any RemoteFailure)?.outcomeUnknown == true
                if case LeadError.unavailable(true, _) = error { unknown = true }
                if unknown {
                    // (the chunk's COMMIT was sent and its answer lost: it may be stored; running the rows
                    // again is the way on, which the general advice does not say)
                    reason = reason.replacingOccurrences(of: "; " + RemoteWriteUnknown.advice, with: "")
                    reason += "; the answer for rows \(start + 1) to \(end) was lost: they may be stored too"
                }
                throw LeadError.stopped(committed: start, total: leads.count, reason: reason)
            }
            start = end
            progress?(end, leads.count)
        }
        return results
    }

    /// Captures `range` of `leads` in one statement: staged in `lead_imports` and captured by
    /// `lead_import_run`, which gives each row the result `INSERT INTO lead_intake` would. Returns nil,
    /// having staged nothing, when the run refuses a row (the caller captures the rows one by one, each
    /// with its own result) or another program's rows are waiting in `lead_imports` (a run would capture
    /// them too).
    static func captureStaged(_ leads: [NewLead], _ range: Range<Int>, in db: Database) throws -> [CaptureRowResult]? {
        guard try db.scalar("SELECT count(*) FROM lead_imports WHERE status = 'pending'", as: Int.self) == 0 else { return nil }
        let first = (try db.scalar("SELECT coalesce(max(id), 0) FROM lead_imports", as: Int64.self) ?? 0) + 1
        for index in range {
            // Ctrl-C between two statements, where SQLite would not see it.
            if db.takeInterrupt() { throw SQLiteError(code: 9, message: "interrupted") }
            var lead = leads[index]
            if lead.captureKey == nil { lead.captureKey = lead.contentKey }
            try db.execute(
                "INSERT INTO lead_imports(id, \(NewLead.columns)) VALUES (?, \(NewLead.placeholders))",
                [first + Int64(index - range.lowerBound)] + lead.arguments)
        }
        let last = first + Int64(range.count) - 1
        do {
            try db.execute("INSERT INTO lead_import_run DEFAULT VALUES")
        } catch let error where stopsTheBatch(error, db) {
            throw error
        } catch {
            // A refused row: the run changed nothing; the rows are captured one by one instead.
            try db.execute("DELETE FROM lead_imports WHERE id BETWEEN ? AND ?", [first, last])
            return nil
        }
        let rows = try db.query("SELECT id, status, lead_id FROM lead_imports WHERE id BETWEEN ? AND ? ORDER BY id", [first, last])
        guard rows.count == range.count else {
            throw LeadError.unknownLead(message: "unknown_lead: \(range.count) rows were staged and \(rows.count) came back")
        }
        let results = try zip(range, rows).map { index, row -> CaptureRowResult in
            let status: String = try row.get("status")
            let outcome: CaptureOutcome
            switch status {
            case "created": outcome = .created
            case "merged": outcome = .merged
            case "already_captured": outcome = .alreadyCaptured
            default: throw LeadError.unknownLead(message: "unknown_lead: staged row \(try row.get("id") as Int64) is \(status) after its run")
            }
            return CaptureRowResult(index: index, leadID: try row.get("lead_id"), outcome: .success(outcome))
        }
        // The staged rows hold no values now; the results are returned.
        try db.execute("DELETE FROM lead_imports WHERE id BETWEEN ? AND ?", [first, last])
        return results
    }

    /// An error after which a batch cannot go on: the statement was interrupted, the disk is full or
    /// failing, or SQLite rolled the whole transaction back.
    static func stopsTheBatch(_ error: any Error, _ db: Database) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.resultCode == .interrupt || error.resultCode == .full || error.resultCode == .ioError || !db.isInTransaction
    }

    static func capture(_ lead: NewLead, in db: Database) throws -> CaptureResult {
        let (id, outcome) = try captureID(lead, in: db)
        guard let stored = try fetchLead(id: id, in: db) else {
            throw LeadError.unknownLead(message: "unknown_lead: lead \(id) vanished after its capture")
        }
        return CaptureResult(lead: stored, outcome: outcome)
    }

    /// Inserts into lead_intake and reads what it did from `captures`, the contract's record of every
    /// capture: by the key when there is one (a key captured before inserts nothing), else the newest row.
    static func captureID(_ lead: NewLead, in db: Database) throws -> (Int64, CaptureOutcome) {
        let before = try db.scalar("SELECT coalesce(max(id), 0) FROM captures", as: Int64.self) ?? 0
        try db.execute(
            "INSERT INTO lead_intake(\(NewLead.columns)) VALUES (\(NewLead.placeholders))", lead.arguments)
        let rows =
            if let key = lead.captureKey {
                try db.query("SELECT id, lead_id, outcome FROM captures WHERE capture_key = ?", [key])
            } else {
                try db.query("SELECT id, lead_id, outcome FROM captures WHERE id > ? ORDER BY id DESC LIMIT 1", [before])
            }
        guard let row = rows.first, let id: Int64 = try row.get("lead_id") else {
            throw LeadError.unknownLead(message: "unknown_lead: the capture recorded no lead")
        }
        let captureID: Int64 = try row.get("id")
        if captureID <= before { return (id, .alreadyCaptured) }
        let outcome: String = try row.get("outcome")
        return (id, outcome == "created" ? .created : .merged)
    }

    // MARK: - Activities and stages

    /// Logs an activity for a lead; scoring, qualification, SLA and nurture rules follow.
    ///
    ///     try store.log(.emailClick, for: 42, campaign: "q4-launch")
    ///     try store.log(.call, for: 42, detail: "left a voicemail")
    @discardableResult
    public func log(
        _ kind: ActivityKind, for lead: Int64, at time: Date? = nil, campaign: String? = nil,
        source: String? = nil, detail: String? = nil
    ) throws -> Activity {
        try write { db in
            let activity = NewActivity(leadID: lead, kind: kind, occurredAt: time, campaign: campaign, source: source, detail: detail)
            // The activity is given the next id (the database checks it is that), and read back by it.
            let id = try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM activity_log", as: Int64.self) ?? 1
            try db.execute(
                "INSERT INTO activities(id, lead_id, kind, occurred_at, campaign, source, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [id] + activity.arguments)
            let row = try db.query("SELECT * FROM activities WHERE id = ?", [id])
            return try Activity(row: row[0])
        }
    }

    /// Logs many activities in chunked transactions; each gets its own result (nil when logged, or
    /// the database's reason), and a refused one never undoes the others.
    ///
    ///     let failures = try store.logMany(clicks, chunkSize: 1_000).compactMap { $0 }
    public func logMany(
        _ activities: [NewActivity], chunkSize: Int = 1_000, progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [LeadError?] {
        var results: [LeadError?] = []
        results.reserveCapacity(activities.count)
        var start = 0
        while start < activities.count {
            let end = min(activities.count, start + max(1, chunkSize))
            results += try write { db in
                activities[start..<end].map { activity -> LeadError? in
                    do {
                        try db.execute(
                            "INSERT INTO activities(lead_id, kind, occurred_at, campaign, source, detail) VALUES (?, ?, ?, ?, ?, ?)",
                            activity.arguments)
                        return nil
                    } catch {
                        return LeadError(error)
                    }
                }
            }
            start = end
            progress?(end, activities.count)
        }
        return results
    }

    /// Moves a lead to a stage, with the amount or lost reason the stage needs.
    ///
    ///     try store.move(42, to: .opportunity, amount: 12_500)
    ///     try store.move(43, to: .disqualified, lostReason: "no_budget")
    @discardableResult
    public func move(_ lead: Int64, to stage: Stage, amount: Decimal? = nil, lostReason: String? = nil) throws -> Lead {
        try write { db in
            try db.execute(
                "UPDATE leads SET stage = ?, amount = coalesce(?, amount), lost_reason = coalesce(?, lost_reason) WHERE id = ?",
                [stage.rawValue, amount, lostReason, lead])
            return try Self.requireLead(id: lead, in: db)
        }
    }

    /// Wins a lead: moves it to `customer` (which needs it to be an opportunity with an amount).
    ///
    ///     try store.convert(42)
    @discardableResult
    public func convert(_ lead: Int64) throws -> Lead { try move(lead, to: .customer) }

    /// Loses a lead: moves it to `disqualified` with a reason from `lost_reasons`.
    ///
    ///     try store.disqualify(42, reason: "no_budget")
    @discardableResult
    public func disqualify(_ lead: Int64, reason: String) throws -> Lead {
        try move(lead, to: .disqualified, lostReason: reason)
    }

    /// Assigns a lead to a rep by hand (nil unassigns); checked, logged, counted, SLA clock restarted.
    ///
    ///     try store.assign(42, to: 7)
    @discardableResult
    public func assign(_ lead: Int64, to rep: Int64?) throws -> Lead {
        try write { db in
            try Self.requireLead(id: lead, in: db)
            try db.execute("UPDATE leads SET owner_id = ? WHERE id = ?", [rep, lead])
            return try Self.requireLead(id: lead, in: db)
        }
    }

    /// Routes a lead again by the routing rules, excluding its current owner.
    @discardableResult
    public func route(_ lead: Int64, reason: String = "routed on request") throws -> Lead {
        try write { db in
            try Self.requireLead(id: lead, in: db)
            try db.execute("INSERT INTO routing_requests(lead_id, reason) VALUES (?, ?)", [lead, reason])
            return try Self.requireLead(id: lead, in: db)
        }
    }

    /// Erases a person: personal data scrubbed everywhere, facts kept, email suppressed, the search
    /// index's older pages rewritten, and the WAL checkpointed so no byte of it stays in the files (when
    /// no reader holds an old snapshot).
    @discardableResult
    public func erase(_ lead: Int64) throws -> ErasureReport {
        try write { db in try db.execute("INSERT INTO erasures(lead_id) VALUES (?)", [lead]) }
        // The search index keeps the person's terms in older pages until they are merged: a step of
        // tick.batch / 2 pages per transaction, so other writers get the lock in between, until none waits.
        var searchPurged = false
        for _ in 0..<100_000 {
            searchPurged = try write { db -> Bool in
                try db.execute("INSERT INTO lead_search_purge(pages) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch') / 2)")
                return try db.scalar("SELECT pending FROM lead_search_purge", as: Int.self) == 0
            }
            if searchPurged { break }
        }
        // The old pages are overwritten in the database (secure_delete); the WAL still holds copies
        // until a checkpoint copies it back and truncates it, which waits for readers of older snapshots.
        // (A cluster's nodes keep their own files and Raft logs: docs/cluster.md, "Erasure".)
        if try withWriter({ $0.isRemote }) { return ErasureReport(lead: lead, walCleared: false, searchPurged: searchPurged) }
        let deadline = ContinuousClock.now + .seconds(2)
        while true {
            let complete = try withWriter { db -> Bool in
                let row = try db.query("PRAGMA wal_checkpoint(TRUNCATE)").first
                return (try row?.get(0, as: Int.self) ?? 1) == 0
            }
            if complete { return ErasureReport(lead: lead, walCleared: true, searchPurged: searchPurged) }
            if ContinuousClock.now >= deadline { return ErasureReport(lead: lead, walCleared: false, searchPurged: searchPurged) }
            usleep(50_000)
        }
    }

    /// Runs the time-driven rules (SLA escalations, nurture steps) as of now.
    ///
    ///     let tick = try store.tick()
    ///     print(tick.escalations, "escalations,", tick.messages, "messages")
    @discardableResult
    ///
    /// One tick does at most `tick.batch` items of each kind of due work in its transaction; while it
    /// leaves work (`ticks.more_due`), this ticks again, each time in a transaction of its own, so other
    /// writers get the lock in between. The result adds up every tick it ran (`ticks`).
    public func tick() throws -> TickResult {
        var (total, moreDue) = try tickOnce()
        // A bound on the rounds, so a rule that kept leaving work could never keep this going for ever.
        while moreDue && total.ticks < 10_000 {
            let (round, more) = try tickOnce()
            total = TickResult(
                tickID: round.tickID, at: round.at, escalations: total.escalations + round.escalations,
                messages: total.messages + round.messages, ticks: total.ticks + 1)
            moreDue = more
        }
        return total
    }

    /// One tick, in its own transaction, and whether it left work for another.
    private func tickOnce() throws -> (TickResult, Bool) {
        try write { db in
            let before = try db.scalar("SELECT coalesce(max(id), 0) FROM outbox", as: Int64.self) ?? 0
            try db.execute("INSERT INTO ticks DEFAULT VALUES")
            let id = db.lastInsertRowID
            let result = TickResult(
                tickID: id,
                at: try db.scalar("SELECT ticked_at FROM ticks WHERE id = ?", [id], as: Date.self) ?? Date(),
                escalations: try db.scalar("SELECT count(*) FROM sla_escalation_runs WHERE tick_id = ?", [id], as: Int.self) ?? 0,
                messages: try db.scalar("SELECT count(*) FROM outbox WHERE id > ?", [before], as: Int.self) ?? 0)
            return (result, try db.scalar("SELECT more_due FROM ticks WHERE id = ?", [id], as: Int.self) == 1)
        }
    }

    // MARK: - Outbox

    /// Marks outbox messages delivered.
    public func markDelivered(_ ids: [Int64], at time: Date? = nil) throws {
        try write { db in
            for id in ids {
                try db.execute(
                    "UPDATE outbox SET delivered_at = coalesce(?, (SELECT now FROM clock)) WHERE id = ? AND delivered_at IS NULL",
                    [time, id])
            }
        }
    }

    // MARK: - Settings and the clock

    /// A setting's value, or nil.
    public func setting(_ key: String) throws -> DatabaseValue? {
        try read { db in try db.query("SELECT value FROM settings WHERE key = ?", [key]).first?[0] }
    }

    /// Sets a setting (checked by the database: see `setting_problems`): an existing one by UPDATE,
    /// which its effects follow (the database refuses to replace one), a new one by INSERT.
    ///
    ///     try store.setSetting("score.mql_threshold", to: 60)
    public func setSetting(_ key: String, to value: any DatabaseValueConvertible) throws {
        try write { db in
            if try db.scalar("SELECT count(*) FROM settings WHERE key = ?", [key], as: Int.self) == 1 {
                try db.execute("UPDATE settings SET value = ? WHERE key = ?", [value, key])
            } else {
                try db.execute("INSERT INTO settings(key, value) VALUES (?, ?)", [key, value])
            }
        }
    }

    /// Now, as every rule sees it.
    public func now() throws -> Date {
        try read { db in try db.scalar("SELECT now FROM clock", as: Date.self) } ?? Date()
    }

    /// Freezes the clock every rule reads at `time` (tests, replays, what-if).
    public func freezeClock(at time: Date) throws { try setSetting("clock.now", to: time) }

    /// Moves the clock by `interval` seconds from now as the rules see it, and freezes it there.
    ///
    ///     try store.moveClock(by: 30 * 86_400)   // a month later: engagement has halved
    public func moveClock(by interval: TimeInterval) throws {
        try freezeClock(at: try now().addingTimeInterval(interval))
    }

    /// Returns the clock to the real time (and removes any shift).
    public func unfreezeClock() throws {
        try setSetting("clock.now", to: DatabaseValue.null)
        try setSetting("clock.shift", to: DatabaseValue.null)
    }

    /// Shifts the clock every rule reads by a SQLite modifier (`+2 hours`, `-3 days`), frozen or not;
    /// nil removes the shift.
    ///
    ///     try store.shiftClock("+1 day")   // what would breach tomorrow?
    public func shiftClock(_ modifier: String?) throws {
        try setSetting("clock.shift", to: modifier.map(DatabaseValue.text) ?? .null)
    }
}
