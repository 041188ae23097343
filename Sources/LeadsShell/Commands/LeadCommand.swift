import Foundation
import LeadDB
import LeadSQLite

/// A lead command (no dot): its name, usage, summary and handler. Dispatched from `LeadCommand.all`;
/// every one goes through ``LeadStore`` (the SQL contract), with bound parameters.
struct LeadCommand: Sendable {
    let name: String
    let arguments: String
    let summary: String
    /// Accepted argument counts (the REPL refuses others before the command runs, as for dot-commands).
    let arity: ClosedRange<Int>
    let run: @Sendable (any ShellSession, LeadStore, [String]) throws -> Void

    init(
        name: String, arguments: String, summary: String, arity: ClosedRange<Int> = 0...Int.max,
        run: @escaping @Sendable (any ShellSession, LeadStore, [String]) throws -> Void
    ) {
        (self.name, self.arguments, self.summary, self.arity, self.run) = (name, arguments, summary, arity, run)
    }

    var usage: String { name + (arguments.isEmpty ? "" : " " + arguments) }

    static let all: [LeadCommand] = [
        LeadCommand(name: "capture", arguments: captureArguments,
                    summary: "capture a lead (quotes for spaces: company=\"Acme Inc\")", arity: 1...Int.max) { shell, store, args in
            var lead = NewLead()
            let custom = try store.customFields()
            for (index, argument) in args.enumerated() {
                guard let equals = argument.firstIndex(of: "=") else {
                    throw UsageError(argument: index, message: "expected key=value, not \(argument)")
                }
                let key = String(argument[..<equals])
                let value = String(argument[argument.index(after: equals)...])
                // (a custom field by its name or label: product_interest=Analytics)
                if NewLead.field(named: key) == nil, let field = custom.first(where: { $0.isNamed(key) }) {
                    lead.custom[field.name] = value
                    continue
                }
                guard let field = NewLead.field(named: key) else {
                    throw UsageError(argument: index, message: "unknown field \(key) (fields: \(NewLead.fields.filter { if case .custom = $0.value { false } else { true } }.map(\.name).joined(separator: ", "))\(custom.isEmpty ? "" : "; custom fields: " + custom.map(\.name).joined(separator: ", ")))")
                }
                switch field.value {
                case .custom:
                    throw UsageError(argument: index, message: "give custom fields by name: \(custom.map { "\($0.name)=..." }.joined(separator: " "))")
                case .text(let path): lead[keyPath: path] = value
                case .consent:
                    let reading = try store.readConsent(value)
                    if case .invalid(let problem) = reading { throw UsageError(argument: index, message: problem) }
                    lead.consent = reading.consent
                case .time:
                    guard let time = SQLiteDate.parse(value) else {
                        throw UsageError(argument: index, message: "\(value) is not a time such as 2026-11-24T09:30:00Z or 2026-11-24")
                    }
                    lead.capturedAt = time
                }
            }
            guard !args.isEmpty else { throw UsageError(argument: nil, message: "give at least an email or a phone") }
            let result: CaptureResult
            do {
                result = try store.capture(lead)
            } catch let error as LeadError {
                // A value the database refused is pointed at, as a word the command refused would be.
                var column = NewLead.field(refusedWith: error.code)?.column
                if case .invalidText(let field, _) = error, !field.isEmpty { column = field }
                var index = args.firstIndex { argument in
                    NewLead.field(named: String(argument.prefix { $0 != "=" }))?.column == column
                }
                // (a custom field the message names: "invalid_field: authority must be ...")
                if error.code == "invalid_field" || error.code == "missing_field" {
                    let words = Set(error.message.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
                    index = args.firstIndex { argument in
                        custom.first { $0.isNamed(String(argument.prefix { $0 != "=" })) }.map { words.contains($0.name) } ?? false
                    }
                    if index != nil { column = "custom" }
                }
                guard column != nil, let index else { throw error }
                throw UsageError(argument: index, message: error.message, showsUsage: false)
            }
            let verb = switch result.outcome {
            case .created: "Created"
            case .merged: "Merged into"
            case .alreadyCaptured: "Already captured:"
            }
            shell.out.write("\(verb) lead \(result.lead.id): \(describe(result.lead)), stage \(result.lead.stage), score \(score(result.lead.score))\(try ownerText(result.lead, store))\n")
        },
        LeadCommand(name: "show", arguments: "ID|EMAIL", summary: "a lead's card: fields, score breakdown, owner, SLA, open tasks, timeline", arity: 1...1) { shell, store, args in
            guard args.count == 1 else { throw UsageError(argument: nil, message: "show takes one lead id or email") }
            let lead = try resolveLead(args[0], store, argument: 0)
            shell.out.write(try card(lead, store))
        },
        LeadCommand(name: "log", arguments: "ID|EMAIL KIND [campaign=...] [NOTE...]", summary: "log an activity (kinds: see SELECT * FROM activity_kinds)", arity: 2...Int.max) { shell, store, args in
            guard args.count >= 2 else { throw UsageError(argument: nil, message: "log takes a lead and a kind") }
            let before = try resolveLead(args[0], store, argument: 0)
            var campaign: String?
            var note: [String] = []
            for argument in args.dropFirst(2) {
                if argument.hasPrefix("campaign=") { campaign = String(argument.dropFirst(9)) } else { note.append(argument) }
            }
            let lastTask = try lastTaskID(store)
            do {
                try store.log(ActivityKind(args[1]), for: before.id, campaign: campaign, detail: note.isEmpty ? nil : note.joined(separator: " "))
            } catch LeadError.unknownKind(let kind, let message) {
                throw UsageError(argument: 1, message: message.isEmpty ? "unknown kind \(kind)" : message)
            }
            let after = try requireLead(before.id, store)
            var text = "Logged \(args[1]) for lead \(after.id): score \(score(before.score)) -> \(score(after.score))"
            if after.stage != before.stage { text += ", now \(after.stage)" }
            shell.out.write(text + "\n" + (try tasksMade(lead: after.id, after: lastTask, store)))
        },
        LeadCommand(name: "move", arguments: "ID|EMAIL STAGE [amount=...] [reason=...]", summary: "move a lead to a stage (opportunity needs amount=, disqualified reason=)", arity: 2...4) { shell, store, args in
            guard args.count >= 2 else { throw UsageError(argument: nil, message: "move takes a lead and a stage") }
            let lead = try resolveLead(args[0], store, argument: 0)
            var amount: Decimal?
            var reason: String?
            for (offset, argument) in args.dropFirst(2).enumerated() {
                if argument.hasPrefix("amount=") {
                    guard let value = parseAmount(String(argument.dropFirst(7))) else {
                        throw UsageError(
                            argument: offset + 2,
                            message: "amount is a number such as 12500.50 or 12,500.50 (digits, thousands commas, one decimal point; no units)")
                    }
                    amount = value
                } else if argument.hasPrefix("reason=") {
                    reason = String(argument.dropFirst(7))
                } else {
                    throw UsageError(argument: offset + 2, message: "expected amount=... or reason=..., not \(argument)")
                }
            }
            let moved: Lead
            let lastTask = try lastTaskID(store)
            do {
                moved = try store.move(lead.id, to: Stage(args[1].lowercased()), amount: amount, lostReason: reason)
            } catch let error as LeadError {
                // The word the refusal is about: the amount, the reason, or else the stage.
                let key = switch error.code {
                case "missing_amount", "invalid_amount": "amount="
                case "missing_lost_reason", "unknown_lost_reason": "reason="
                default: "\u{0}"
                }
                throw UsageError(argument: args.indices.dropFirst(2).first { args[$0].hasPrefix(key) } ?? 1, message: error.message, showsUsage: false)
            }
            if moved.stage == lead.stage {
                // Only the amount or the reason changed: say what did.
                var changed: [String] = []
                if let amount, moved.amount != lead.amount { changed.append("amount \(amount)") }
                if let reason, moved.lostReason != lead.lostReason { changed.append("lost reason \(reason)") }
                shell.out.write("Lead \(moved.id) stays in \(moved.stage)\(changed.isEmpty ? "; nothing changed" : "; set \(changed.joined(separator: " and "))")\n")
            } else {
                shell.out.write("Moved lead \(moved.id) from \(lead.stage) to \(moved.stage)\n" + (try tasksMade(lead: moved.id, after: lastTask, store)))
            }
        },
        LeadCommand(name: "assign", arguments: "ID|EMAIL REP", summary: "assign a lead to a rep (id or name; none to unassign)", arity: 2...2) { shell, store, args in
            guard args.count == 2 else { throw UsageError(argument: nil, message: "assign takes a lead and a rep") }
            let lead = try resolveLead(args[0], store, argument: 0)
            let rep = args[1].lowercased() == "none" ? nil : try resolveRep(args[1], store, argument: 1)
            let assigned = try store.assign(lead.id, to: rep?.id)
            shell.out.write(rep.map { "Assigned lead \(assigned.id) to \($0.name) (rep \($0.id)), response due \(assigned.responseDueAt.map(SQLiteDate.format) ?? "-")\n" }
                ?? "Unassigned lead \(assigned.id)\n")
        },
        LeadCommand(
            name: "hot", arguments: "[REP|rep=ID|all] [LIMIT]",
            summary: "open leads by current score, for one rep or all (default 20); a number alone is the limit: hot 3 is the top 3",
            arity: 0...2
        ) { shell, store, args in
            var rep: Rep?
            var limit = 20
            for (index, argument) in args.enumerated() {
                if let number = Int(argument) {
                    // A number is always the limit: a rep by id is rep=ID, so `hot 3` cannot mean two things.
                    guard number > 0, index == args.count - 1 else {
                        throw UsageError(argument: index, message: number > 0 ? "the limit comes last; a rep by id is rep=\(argument)" : "the limit is 1 or more")
                    }
                    limit = number
                } else if argument.lowercased().hasPrefix("rep=") {
                    rep = try resolveRep(String(argument.dropFirst(4)), store, argument: index)
                } else if argument.lowercased() != "all" {
                    guard index == 0 else { throw UsageError(argument: index, message: "give the rep first, then the limit") }
                    rep = try resolveRep(argument, store, argument: index)
                }
            }
            let leads = try store.hotLeads(owner: rep?.id, limit: limit)
            if leads.isEmpty { shell.out.write(rep.map { "\($0.name) has no open leads.\n" } ?? "No open leads yet: capture email=...\n"); return }
            shell.render(ResultSet(
                columns: ["id", "name", "email", "company", "stage", "owner", "score", "hot"],
                rows: leads.map { [.integer($0.id), nullableText($0.name), nullableText($0.email), nullableText($0.company), .text($0.stage.rawValue), nullableText($0.ownerName), .real(($0.score * 10).rounded() / 10), .text($0.isHot ? "yes" : "")] }))
        },
        LeadCommand(name: "due", arguments: "", summary: "SLA breaches and leads due soon", arity: 0...0) { shell, store, _ in
            let rows = (try store.slaBreaches() + store.slaDueSoon()).map { item -> [DatabaseValue] in
                [.integer(item.leadID), nullableText(item.name ?? item.email), nullableText(item.ownerName), .text(SQLiteDate.format(item.responseDueAt)),
                 .text(item.minutesOverdue >= 0 ? "breached \(duration(item.minutesOverdue)) ago" : "due in \(duration(-item.minutesOverdue))")]
            }
            if rows.isEmpty { shell.out.write("No SLA breaches and nothing due soon.\n"); return }
            shell.render(ResultSet(columns: ["lead", "name", "owner", "due", "status"], rows: rows))
        },
        LeadCommand(name: "funnel", arguments: "", summary: "leads per stage with a bar chart", arity: 0...0) { shell, store, _ in
            let stages = try store.funnel()
            let most = max(1, stages.map(\.leads).max() ?? 1)
            shell.render(ResultSet(
                columns: ["stage", "leads", "%", "bar"],
                rows: stages.map { [.text($0.stage.rawValue), .integer(Int64($0.leads)), .real($0.percent), .text(String(repeating: "█", count: Int((Double($0.leads) / Double(most) * 30).rounded(.up))))] }))
        },
        LeadCommand(name: "report", arguments: "NAME [since=...] [until=...] [rep=...] [team=...]",
                    summary: "a manager's report (report alone lists them): funnel, velocity, stalled, sources, reps, sla, cohorts, attribution, forecast, win, calibration, scores",
                    arity: 0...5) { shell, store, args in
            guard let name = args.first else {
                shell.out.write("Reports (report NAME; .mode csv or json for other tools):\n")
                for report in Report.all { shell.out.write("  " + report.name.padding(toLength: 9, withPad: " ", startingAt: 0) + "  " + report.summary + "\n") }
                return
            }
            guard let report = Report.named(name) else {
                throw UsageError(argument: 0, message: "no report named \(name) (reports: \(Report.all.map(\.name).joined(separator: ", ")))")
            }
            let filter = try ReportFilter.parse(Array(args.dropFirst()), allowed: report.filters, byMonth: report.byMonth, repID: { value in
                let reps = try store.read { db in
                    try db.query("SELECT id, name FROM reps ORDER BY id").map { (try $0.get(0, as: Int64.self), try $0.get(1, as: String.self)) }
                }
                if let id = Int64(value) { return reps.first { $0.0 == id }?.0 }
                // (names compared as people read them: upper and lower case of any script)
                let named = reps.filter { $0.1.compare(value, options: [.caseInsensitive]) == .orderedSame }.map(\.0)
                guard named.count <= 1 else {
                    throw UsageError(argument: nil, message: "\(named.count) reps are named \(value): give rep= the id (\(named.map(String.init).joined(separator: ", ")))")
                }
                return named.first
            }, teamExists: { team in
                try store.read { db in try db.scalar("SELECT count(*) FROM teams WHERE name = ?", [team], as: Int.self) ?? 0 > 0 }
            })
            let (sql, arguments) = report.query(filter)
            let (columns, all) = try store.read { db -> ([String], [[DatabaseValue]]) in
                let statement = try db.query(sql, arguments)
                return (statement.first?.columns ?? [], statement.map(\.values))
            }
            guard !all.isEmpty else { shell.out.write("Nothing to report yet for \(report.name).\n"); return }
            let rows = report.limit.map { Array(all.prefix($0)) } ?? all
            defer {
                if rows.count < all.count {
                    shell.out.write("(\(rows.count) of \(all.count) rows: SELECT * FROM \(report.name == "win" ? "lead_win_probability" : "stalled_leads") has them all)\n")
                }
            }
            // The bar chart: a column of bars, proportional to the chart's column, for people's modes.
            if shell.mode.drawsCharts, let chart = report.chart, let index = columns.firstIndex(of: chart) {
                let numbers = rows.map { row -> Double in
                    switch row[index] { case .integer(let n): Double(n); case .real(let x): x; default: 0 }
                }
                let most = numbers.max() ?? 0
                // (30 characters at most, fewer when the table would not fit the terminal with them, none
                // when fewer than 4 would: the numbers come first)
                var longest = 30
                if let screen = shell.screenColumns {
                    let table = shell.mode.render(ResultSet(columns: columns, rows: rows), RenderOptions(headers: shell.headers, nullValue: shell.nullValue))
                    let width = table.split(separator: "\n").map { displayWidth(String($0)) }.max() ?? 0
                    longest = min(30, screen - width - 3)
                }
                guard longest >= 4 else { shell.render(ResultSet(columns: columns, rows: rows)); return }
                let bars = numbers.map { most > 0 && $0 > 0 ? String(repeating: "█", count: max(1, Int(($0 / most * Double(longest)).rounded()))) : "" }
                shell.render(ResultSet(columns: columns + ["bar"], rows: zip(rows, bars).map { $0 + [.text($1)] }))
            } else {
                shell.render(ResultSet(columns: columns, rows: rows))
            }
        },
        LeadCommand(name: "reps", arguments: "", summary: "reps with their workload and SLA record", arity: 0...0) { shell, store, _ in
            let rows = try store.read { db in try db.query("SELECT rep_id AS id, name, team, active, open_leads, capacity, breaches, due_soon, sla_met, sla_missed FROM rep_workload") }
            guard let first = rows.first else { shell.out.write("No reps yet: INSERT INTO reps(name, team, capacity) VALUES ('Ana', 'default', 50);\n"); return }
            shell.render(ResultSet(columns: first.columns, rows: rows.map(\.values)))
        },
        LeadCommand(name: "accounts", arguments: "", summary: "companies with their owner, people and score, highest score first", arity: 0...0) { shell, store, _ in
            let shown = 100
            let accounts = try store.accounts(limit: shown + 1)
            guard !accounts.isEmpty else {
                shell.out.write("No accounts yet: a lead captured with a company email joins its domain's account (or INSERT INTO accounts(domain, name) VALUES ('acme.com', 'Acme')).\n")
                return
            }
            shell.render(ResultSet(
                columns: ["id", "domain", "name", "owner", "people", "open", "won", "score", "won_revenue"],
                rows: accounts.prefix(shown).map {
                    [.integer($0.id), .text($0.domain), nullableText($0.name), nullableText($0.ownerName), .integer(Int64($0.people)),
                     .integer(Int64($0.openLeads)), .integer(Int64($0.wonLeads)), .real(($0.score * 10).rounded() / 10), .real($0.wonRevenue)]
                }))
            if accounts.count > shown { shell.out.write("(more than \(shown) accounts: the \(shown) with the highest scores are shown; SELECT * FROM account_overview has them all)\n") }
        },
        LeadCommand(name: "account", arguments: "ID|DOMAIN", summary: "an account's card: owner, score, people by stage, buying committee", arity: 1...1) { shell, store, args in
            guard args.count == 1 else { throw UsageError(argument: nil, message: "account takes an account id or a domain") }
            let found = try Int64(args[0]).flatMap { try store.account(id: $0) } ?? store.account(domain: args[0])
            guard let account = found else {
                throw UsageError(argument: 0, message: "no account \(args[0]) (accounts: SELECT account_id, domain FROM account_overview)", showsUsage: false)
            }
            shell.out.write(try accountCard(account, store))
        },
        LeadCommand(name: "deals", arguments: "[open] [account=ID|DOMAIN]", summary: "deals, newest first: all, or open ones, or an account's", arity: 0...2) { shell, store, args in
            var open = false
            var account: Int64?
            for (index, argument) in args.enumerated() {
                if argument == "open" { open = true; continue }
                guard argument.hasPrefix("account=") else { throw UsageError(argument: index, message: "expected open or account=ID|DOMAIN, not \(argument)") }
                let value = String(argument.dropFirst(8))
                guard let found = try Int64(value).flatMap({ try store.account(id: $0) }) ?? store.account(domain: value) else {
                    throw UsageError(argument: index, message: "no account \(value)", showsUsage: false)
                }
                account = found.id
            }
            let deals = try store.deals(account: account, open: open)
            guard !deals.isEmpty else { shell.out.write("No deals\(open ? " open" : "") yet: a lead moved to opportunity opens one (or INSERT INTO deals(account_id, kind, amount) VALUES (...)).\n"); return }
            shell.render(ResultSet(
                columns: ["id", "kind", "name", "account_id", "lead_id", "owner_id", "stage", "amount", "expected_close_on", "contract_end"],
                rows: deals.map { [.integer($0.id), .text($0.kind), nullableText($0.name), $0.accountID.map(DatabaseValue.integer) ?? .null,
                                   $0.leadID.map(DatabaseValue.integer) ?? .null, $0.ownerID.map(DatabaseValue.integer) ?? .null, .text($0.stage),
                                   $0.amount.map(DatabaseValue.real) ?? .null, nullableText($0.expectedCloseOn), nullableText($0.contractEnd)] }))
        },
        LeadCommand(name: "deal", arguments: "ID [STAGE [amount=...] [reason=...]]", summary: "a deal's card, or move it (won needs an amount, lost reason=)", arity: 1...4) { shell, store, args in
            guard let id = Int64(args[0]), let before = try store.deal(id: id) else {
                throw UsageError(argument: 0, message: "no deal \(args[0]) (deals: SELECT id, kind, stage FROM deals)", showsUsage: false)
            }
            guard args.count > 1 else { shell.out.write(try dealCard(before, store)); return }
            var amount: Double?
            var reason: String?
            for (index, argument) in args.enumerated().dropFirst(2) {
                if argument.hasPrefix("amount=") {
                    guard let value = Double(argument.dropFirst(7)) else { throw UsageError(argument: index, message: "amount= takes a number such as 12000 or 12000.50") }
                    amount = value
                } else if argument.hasPrefix("reason=") {
                    reason = String(argument.dropFirst(7))
                } else {
                    throw UsageError(argument: index, message: "expected amount=... or reason=..., not \(argument)")
                }
            }
            if before.stage == args[1] && amount == nil && reason == nil { shell.out.write("Deal \(id) is \(before.stage) already\n"); return }
            let after = try store.moveDeal(id, to: args[1], amount: amount, lostReason: reason)
            shell.out.write("Moved deal \(id) from \(before.stage) to \(after.stage)\(after.amount.map { ", amount \(formatAmount($0))" } ?? "")\(after.lostReason.map { " (\($0))" } ?? "")\n")
        },
        LeadCommand(name: "renewals", arguments: "", summary: "open renewals, soonest contract end first, with their owner, deadline and answer", arity: 0...0) { shell, store, _ in
            let rows = try store.read { db in
                try db.query("SELECT deal_id, account, owner, amount, stage, contract_ends_on, days_left, response_due_at, answered_at, response_overdue, escalated_at FROM renewals_due ORDER BY contract_ends_on, deal_id")
            }
            guard let first = rows.first else { shell.out.write("No renewals due: a tick opens one renewal.notice_days before a won subscription's contract ends.\n"); return }
            shell.render(ResultSet(columns: first.columns, rows: rows.map(\.values)))
        },
        LeadCommand(name: "find", arguments: "TEXT", summary: "leads whose name, email, company or phone contains TEXT (case and accents ignored)", arity: 1...Int.max) { shell, store, args in
            guard !args.isEmpty else { throw UsageError(argument: nil, message: "find takes the text to look for") }
            let needle = args.joined(separator: " ")
            let shown = 50
            var leads = try store.find(needle, limit: shown + 1)
            // Read-only, the index is as the last tick left it: say when leads wait to be indexed.
            // (or another program held the write lock: the index is searched as it is)
            let waiting = try store.searchPending()
            if waiting > 0 && shell.readOnly {
                shell.out.write("note: \(waiting) lead\(waiting == 1 ? "" : "s") changed since the last tick \(waiting == 1 ? "is" : "are") not searchable yet, and --readonly cannot index \(waiting == 1 ? "it" : "them"): a tick (or find without --readonly) does.\n")
            } else if waiting > 0 {
                shell.out.write("note: \(waiting) lead\(waiting == 1 ? "" : "s") changed since the last tick \(waiting == 1 ? "is" : "are") not searchable yet: another program is writing; find again in a moment.\n")
            }
            if leads.isEmpty { shell.out.write("No lead matches \(needle).\n"); return }
            let cut = leads.count > shown
            if cut { leads.removeLast() }
            defer { if cut { shell.out.write("(more than \(shown) leads match: the \(shown) with the highest scores are shown; add more text to narrow it)\n") } }
            shell.render(ResultSet(
                columns: ["id", "name", "email", "company", "stage", "score"],
                rows: leads.map { [.integer($0.id), nullableText($0.name), nullableText($0.email), nullableText($0.company), .text($0.stage.rawValue), .real(($0.score * 10).rounded() / 10)] }))
        },
        LeadCommand(name: "tick", arguments: "", summary: "run the time-driven rules now (escalations, nurture steps)", arity: 0...0) { shell, store, _ in
            let tick = try store.tick()
            let rounds = tick.ticks > 1 ? " (in \(tick.ticks) ticks of at most tick.batch items each)" : ""
            shell.out.write("Tick \(tick.tickID) at \(SQLiteDate.format(tick.at)): \(tick.escalations) escalation\(tick.escalations == 1 ? "" : "s"), \(tick.messages) new outbox message\(tick.messages == 1 ? "" : "s")\(rounds)\n")
        },
        LeadCommand(
            name: "erase", arguments: "ID|EMAIL [--yes]",
            summary: "erase a person: personal data removed (database, WAL, search index, shell history), facts kept, email and phone blocked",
            arity: 1...2
        ) { shell, store, args in
            let confirmed = args.contains("--yes")
            let targets = args.indices.filter { args[$0] != "--yes" }
            guard targets.count == 1 else { throw UsageError(argument: nil, message: "erase takes one lead id or email (and --yes in scripts)") }
            let lead = try resolveLead(args[targets[0]], store, argument: targets[0])
            if !confirmed {
                guard shell.interactive, let input = shell.input else {
                    throw UsageError(argument: nil, message: "erasing cannot be undone: add --yes to erase lead \(lead.id) from a script")
                }
                let answer = input.readAnswer(prompt: "Erase lead \(lead.id) (\(describe(lead)))? This cannot be undone. Type yes to erase: ")
                guard answer?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    shell.out.write("Not erased.\n")
                    return
                }
            }
            // What identifies the person in what was typed, to scrub from the history afterwards: an entry
            // goes when it holds the email, or a word of 3 letters or more that is part of a name, the
            // email or the company (as find matches), or 7 digits or more of the phone.
            let values = [lead.email, lead.firstName, lead.lastName, lead.company].compactMap { $0?.lowercased() }
            // Words are matched against the person's own parts: not the email's domain, which others share.
            let parts = [lead.email.map { String($0.prefix { $0 != "@" }) }, lead.firstName, lead.lastName, lead.company].compactMap { $0?.lowercased() }
            let phoneDigits = (lead.phone ?? "").filter(\.isNumber)
            let report = try store.erase(lead.id)
            let forget: (String) -> Bool = { entry in
                let lower = entry.lowercased()
                if values.contains(where: { $0.count >= 3 && lower.contains($0) }) { return true }
                let words = lower.split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count >= 3 && !$0.allSatisfy(\.isNumber) }
                if words.contains(where: { word in parts.contains { $0.contains(word) } && !LeadCommand.isCommandWord(word) }) { return true }
                let digits = entry.filter(\.isNumber)
                return phoneDigits.count >= 7 && digits.count >= 7 && (phoneDigits.contains(digits) || digits.contains(phoneDigits))
            }
            shell.input?.forget(where: forget)
            if let file = shell.historyFile { TerminalLineReader.forget(inHistoryFile: file, where: forget) }
            if !report.searchPurged {
                shell.out.write(
                    "Erased lead \(lead.id) in the database and this shell's history, but older pages of the search index may still hold "
                        + "fragments of its terms: ticks rewrite them (SELECT pending FROM lead_search_purge says how many erasures wait).\n")
            } else if shell.db.isRemote {
                shell.out.write(
                    "Erased lead \(lead.id): personal data removed from the database, the search index and this shell's history; the email and phone can no longer be captured. "
                        + "Each node of the cluster still holds the earlier changes in its Raft log until a snapshot lets it drop them (docs/cluster.md, \"Erasure\").\n")
            } else if report.walCleared {
                shell.out.write("Erased lead \(lead.id): personal data removed from the database, its WAL, the search index and this shell's history; the email and phone can no longer be captured.\n")
            } else {
                shell.out.write(
                    "Erased lead \(lead.id) in the database and this shell's history, but another connection is still reading an older snapshot: "
                        + "the old pages cannot be overwritten yet, so copies remain in the database file and its WAL until it finishes. "
                        + "Run PRAGMA wal_checkpoint(TRUNCATE); when it is done (it returns 0 first).\n")
            }
            shell.out.write("note: files outside the database are not changed: delete any import rejects file, export or .output file that holds this person.\n")
        },
    ] + editCommands + taskCommands + outboxCommands + mergeCommands + segmentCommands + [
        LeadCommand(name: "help", arguments: "[COMMAND]", summary: "list the lead commands, or show one's usage", arity: 0...1) { shell, _, args in
            if let name = args.first {
                guard let command = named(name) else { throw UsageError(argument: 0, message: "no lead command \(name)") }
                shell.out.write("\(command.usage)\n    \(command.summary)\n")
                return
            }
            let width = all.map(\.name.count).max() ?? 0
            var text = "Lead commands (SQL and .commands work too; .help lists those):\n"
            for command in all { text += "  " + pad(command.name, width) + "  " + command.summary + "\n" }
            text += "help COMMAND shows a command's usage; .help lists the dot-commands.\n"
            shell.out.write(text)
        },
    ]

    /// `email=... [first=... ... consent=yes|no ...]`, from the capture fields' table.
    static let captureArguments = "email=... [" + NewLead.fields.dropFirst().compactMap { field in
        switch field.value {
        case .consent: "consent=yes|no"
        case .custom: nil
        default: field.name + "=..."
        }
    }.joined(separator: " ") + "] [FIELD=... for a custom field]"

    static func named(_ name: String) -> LeadCommand? { all.first { $0.name == name.lowercased() } }

    /// The shell's own words (commands, fields, SQL keywords), which say nothing about a person.
    static func isCommandWord(_ word: String) -> Bool {
        named(word) != nil || SQLKeywords.all.contains(word.uppercased())
            || ["email", "name", "first", "last", "phone", "company", "title", "yes", "capture", "note", "notes"].contains(word)
    }
}
