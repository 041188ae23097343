import Foundation
import LeadDB
import LeadSQLite
import Testing

/// Tasks and reminders (Schema/88_tasks.sql): tasks checked for every writer, completing one logs its
/// activity, rules make the next task, tasks follow their lead's owner, a rep's day, task_due on a tick.
@Suite struct TaskTests {
    /// Ana and Ben; Jane of acme.com captured (Ana's) on Tuesday 2026-11-24 at 09:00.
    func team(_ writer: Writer) throws -> LeadFixture {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        try f.capture(["email": "jane@acme.com", "name": "Jane Roe"])
        return f
    }

    func tasks(_ f: LeadFixture) throws -> [String] {
        try f.db.query("""
            SELECT id || ':' || coalesce(lead_id, '-') || ':' || coalesce(owner_id, '-') || ':' || kind || ':' || coalesce(due_at, '-')
                   || ':' || coalesce(note, '-') || ':' || coalesce(done_at, 'open') || ':' || coalesce(outcome, '-') FROM tasks ORDER BY id
            """).map { try $0.get(0, as: String.self) }
    }

    @Test(arguments: Writer.allCases)
    func aTaskIsCheckedForEveryWriter(writer: Writer) throws {
        let f = try team(writer)
        // Left out: the owner is the lead's; the due time is stored as read; the note trimmed.
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (1, ' Call ', '2026-11-25 10:00', '  Ask about Q1  ')")
        #expect(try tasks(f) == ["1:1:1:call:2026-11-25T10:00:00.000Z:Ask about Q1:open:-"])
        #expect(try f.text("SELECT created_at FROM tasks WHERE id = 1") == "2026-11-24T09:00:00.000Z")
        try f.db.execute("INSERT INTO reps(id, name, active) VALUES (3, 'Cy', 0)")
        let refusals: [(String, String)] = [
            ("INSERT INTO tasks(kind) VALUES ('todo')", "invalid_task: task 2 needs a lead_id, an account_id or a deal_id"),
            ("INSERT INTO tasks(lead_id) VALUES (99)", "unknown_lead: no lead has id 99"),
            ("INSERT INTO tasks(account_id) VALUES (99)", "unknown_account: no account has id 99"),
            ("INSERT INTO tasks(deal_id) VALUES (99)", "invalid_task: no deal has id 99"),
            ("INSERT INTO tasks(lead_id, kind) VALUES (1, 'fax')", "invalid_task: 'fax' is not a task kind (kinds: call, email, meeting, todo)"),
            ("INSERT INTO tasks(lead_id, owner_id) VALUES (1, 9)", "unknown_rep: no rep has id 9 (the owner of task 2)"),
            ("INSERT INTO tasks(lead_id, owner_id) VALUES (1, 3)", "inactive_rep: rep 3 (Cy) is inactive; a task's owner is an active rep"),
            ("INSERT INTO tasks(lead_id, due_at) VALUES (1, 'tomorrow')", "invalid_time: due_at tomorrow is not a time such as 2026-11-24T09:30:00Z"),
            ("INSERT INTO tasks(lead_id, note) VALUES (1, 'a' || char(0) || 'b')", "invalid_text: the note of task 2 contains a NUL byte"),
            ("INSERT INTO tasks(lead_id, note) VALUES (1, 'Call ' || char(27) || '[2J')",
             "invalid_text: note contains a control character (U+001B) at character 6; text is printable characters, tabs and line breaks"),
            ("INSERT INTO tasks(lead_id, done_at) VALUES (1, '2026-11-24T09:00:00Z')",
             "maintained: a task is made open; created_at, done_at, outcome, activity_id and notified_at are kept by LeadDB (complete it with UPDATE tasks SET outcome = ...)"),
            ("INSERT INTO tasks(id, lead_id) VALUES (7, 1)", "maintained: tasks are numbered in order by SQLite; leave out the id"),
            ("INSERT OR REPLACE INTO tasks(id, lead_id) VALUES (1, 1)", "already_exists: a task with that id exists; update it instead (a replace would delete it)"),
            ("UPDATE tasks SET lead_id = NULL, account_id = 1", "read_only: a task keeps its lead, account, deal, kind, rule and times, and a done task is final but for its note; add another task"),
            ("UPDATE tasks SET kind = 'email'", "read_only: a task keeps its lead, account, deal, kind, rule and times, and a done task is final but for its note; add another task"),
            ("UPDATE tasks SET owner_id = 3", "inactive_rep: rep 3 (Cy) is inactive; a task's owner is an active rep"),
            ("UPDATE tasks SET due_at = '2026-02-30'", "invalid_time: due_at 2026-02-30 is not a day on the calendar"),
            ("UPDATE tasks SET done_at = '2027-01-01'", "invalid_time: done_at 2027-01-01 is in the future (now is 2026-11-24T09:00:00.000Z; at most 5 minutes ahead is accepted)"),
            ("UPDATE tasks SET outcome = 'no' || char(10) || 'answer'", "invalid_text: the outcome of task 1 is one line of at most 200 characters, such as connected or no_answer"),
            ("UPDATE tasks SET outcome = '   '", "invalid_text: the outcome of task 1 is one line of at most 200 characters, such as connected or no_answer"),
            ("DELETE FROM tasks", "read_only: tasks are not deleted; cancel one instead (UPDATE tasks SET outcome = 'cancelled')"),
            ("UPDATE task_kinds SET activity_kind = 'telegram' WHERE kind = 'call'",
             "invalid_config: task kind 'call' is lower-case letters, digits and _ and logs an outbound activity kind (a rep's touch) or nothing; got 'call', 'telegram'"),
            ("UPDATE task_kinds SET activity_kind = 'unsubscribe' WHERE kind = 'todo'",
             "invalid_config: task kind 'todo' is lower-case letters, digits and _ and logs an outbound activity kind (a rep's touch) or nothing; got 'todo', 'unsubscribe'"),
            ("UPDATE OR REPLACE task_kinds SET kind = 'call' WHERE kind = 'todo'", "already_exists: that task kind exists; a kind is not moved onto another (a replace would delete it)"),
            ("INSERT INTO tasks(id, lead_id) VALUES (-1, 1)", "maintained: tasks are numbered in order by SQLite; leave out the id"),
            ("INSERT INTO tasks(lead_id, account_id) VALUES (1, 2)", "invalid_task: lead 1 is of account 1, not account 2"),
            ("UPDATE tasks SET notified_at = 'garbage'", "read_only: a task keeps its lead, account, deal, kind, rule and times, and a done task is final but for its note; add another task"),
            ("UPDATE task_rules SET note = 'Call ' || char(27) || '[31m' WHERE id = 1",
             "invalid_config: task rule 1 note contains a control character (U+001B) at character 6; text is printable characters, tabs and line breaks"),
            ("UPDATE activity_kinds SET kind = 'phone_call' WHERE kind = 'call'",
             "kind_in_use: activity kind call is logged by a task kind or follows a task rule (task_kinds, task_rules); change those first"),
            ("DELETE FROM task_kinds WHERE kind = 'call'", "kind_in_use: tasks or task rules have this kind; it is not deleted"),
            ("INSERT INTO task_rules(after_stage, after_activity, kind) VALUES ('sql', 'call', 'call')",
             "invalid_config: task rule 4 needs after_stage (a stage) or after_activity (an activity kind), not both, a task kind, a whole number of delay_minutes from 0 to 525600, and business_hours and active of 0 or 1; got 'sql', 'call', 'call', 0, 1, 1"),
            ("UPDATE task_rules SET delay_minutes = 1.5 WHERE id = 1",
             "invalid_config: task rule 1 needs after_stage (a stage) or after_activity (an activity kind), not both, a task kind, a whole number of delay_minutes from 0 to 525600, and business_hours and active of 0 or 1; got 'contacted', NULL, 'call', 1.5, 1, 1"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        // Completed with an outcome: done now, final but for its note.
        try f.db.execute("UPDATE tasks SET outcome = ' connected ' WHERE id = 1")
        try f.db.execute("UPDATE tasks SET note = 'Asked; call in Q1' WHERE id = 1")
        #expect(try tasks(f).first == "1:1:1:call:2026-11-25T10:00:00.000Z:Asked; call in Q1:2026-11-24T09:00:00.000Z:connected")
        #expect(f.violation { try f.db.execute("UPDATE tasks SET outcome = 'no_answer' WHERE id = 1") }?.code == "read_only")
        #expect(f.violation { try f.db.execute("UPDATE tasks SET done_at = NULL WHERE id = 1") }?.code == "read_only")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func completingACallLogsItAndSchedulesTheNext(writer: Writer) throws {
        let f = try team(writer)
        // A demo request: a call within a business hour, for Jane's owner.
        try f.log(1, "demo_request")
        #expect(try tasks(f) == ["1:1:1:call:2026-11-24T10:00:00.000Z:Call about the demo request:open:-"])
        #expect(try f.int("SELECT rule_id FROM tasks WHERE id = 1") == 2)
        // Another demo request makes no second call task while one is open.
        try f.log(1, "demo_request")
        #expect(try f.int("SELECT count(*) FROM tasks") == 1)
        // Completed at 09:30: the call is logged then, it answers the lead, and the next call is due two
        // business days of 8 hours later (Tuesday 09:30 + 16 hours: Thursday 09:30).
        try f.setClock("2026-11-24T09:30:00Z")
        try f.db.execute("UPDATE tasks SET outcome = 'connected' WHERE id = 1")
        #expect(try f.text("SELECT kind || '|' || occurred_at || '|' || detail FROM activity_log WHERE id = (SELECT activity_id FROM tasks WHERE id = 1)")
            == "call|2026-11-24T09:30:00.000Z|task 1: connected")
        #expect(try f.text("SELECT first_response_at FROM leads WHERE id = 1") == "2026-11-24T09:30:00.000Z")
        #expect(try tasks(f) == [
            "1:1:1:call:2026-11-24T10:00:00.000Z:Call about the demo request:2026-11-24T09:30:00.000Z:connected",
            "2:1:1:call:2026-11-26T09:30:00.000Z:Follow-up call:open:-",
        ])
        // Cancelled: nothing logged, nothing scheduled.
        let activities = try f.int("SELECT count(*) FROM activity_log")
        try f.db.execute("UPDATE tasks SET outcome = 'cancelled' WHERE id = 2")
        #expect(try f.int("SELECT count(*) FROM activity_log") == activities)
        #expect(try f.int("SELECT count(*) FROM tasks WHERE done_at IS NULL") == 0)
        // A todo logs nothing; a meeting logs a meeting at the time given.
        try f.db.execute("INSERT INTO tasks(lead_id, kind) VALUES (1, 'todo'), (1, 'meeting')")
        try f.setClock("2026-11-24T09:50:00Z")
        try f.db.execute("UPDATE tasks SET done_at = '2026-11-24T09:40:00Z' WHERE id IN (3, 4)")
        #expect(try f.db.query("SELECT kind || '@' || occurred_at FROM activity_log WHERE id > ? ORDER BY id", [activities]).map { try $0.get(0, as: String.self) }
            == ["meeting@2026-11-24T09:40:00.000Z"])
        #expect(try f.text("SELECT done_at FROM tasks WHERE id = 3") == "2026-11-24T09:40:00.000Z")
        // Not before the task was made; Cancelled in any case logs nothing.
        try f.db.execute("INSERT INTO tasks(lead_id, kind) VALUES (1, 'call')")
        #expect(f.violation { try f.db.execute("UPDATE tasks SET done_at = '2026-11-24T09:00:00Z' WHERE id = 5") }?.message
            == "invalid_time: done_at 2026-11-24T09:00:00Z is before task 5 was made (2026-11-24T09:50:00.000Z)")
        try f.db.execute("UPDATE tasks SET outcome = ' Canceled ' WHERE id = 5")
        #expect(try f.text("SELECT outcome || ' ' || coalesce(activity_id, '-') FROM tasks WHERE id = 5") == "cancelled -")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func rulesMakeTheNextTaskOncePerKind(writer: Writer) throws {
        let f = try team(writer)
        // A move into contacted: a follow-up call two business days of 8 hours on (Tuesday 09:00 + 16
        // hours: Wednesday 17:00).
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = 1")
        #expect(try tasks(f) == ["1:1:1:call:2026-11-25T17:00:00.000Z:Follow-up call:open:-"])
        // A rule of another kind adds its task beside it; a rule turned off adds nothing.
        try f.db.execute("INSERT INTO task_rules(after_stage, kind, delay_minutes, business_hours, note) VALUES ('contacted', 'email', 30, 0, 'Send the deck')")
        try f.db.execute("UPDATE task_rules SET active = 0 WHERE id = 1")
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = 1")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = 1")
        #expect(try tasks(f).count == 2)
        #expect(try tasks(f).last == "2:1:1:email:2026-11-24T09:30:00.000Z:Send the deck:open:-")
        // An activity logged more than a day back (an import of history) makes no task.
        try f.capture(["email": "bob@globex.com"])
        try f.log(2, "demo_request", at: "2026-11-20T09:00:00Z")
        #expect(try f.int("SELECT count(*) FROM tasks WHERE lead_id = 2") == 0)
        // A closed lead gets none.
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'spam' WHERE id = 2")
        try f.log(2, "demo_request")
        #expect(try f.int("SELECT count(*) FROM tasks WHERE lead_id = 2") == 0)
        // A lead kept by an owner who left, as nobody could take it (sql needs an owner), gets an unowned one.
        let kim = try f.capture(["email": "kim@initech.com"])
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = ?", [stage, kim]) }
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 1")
        try f.log(kim, "demo_request")
        #expect(try f.text("SELECT coalesce(t.owner_id, '-') || ':' || coalesce(l.owner_id, '-') FROM tasks AS t JOIN leads AS l ON l.id = t.lead_id WHERE t.lead_id = ? AND t.kind = 'call'", [kim])
            == "-:1")
        // A rule that made tasks is not deleted.
        #expect(f.violation { try f.db.execute("DELETE FROM task_rules WHERE id = 1") }?.message
            == "rule_in_use: tasks were made by this rule; set active = 0 instead")
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func tasksFollowTheirLeadToANewOwner(writer: Writer) throws {
        let f = try team(writer)
        try f.db.execute("INSERT INTO tasks(lead_id, kind) VALUES (1, 'call'), (1, 'todo'), (1, 'email')")
        // The email is Ben's; the todo done already.
        try f.db.execute("UPDATE tasks SET owner_id = 2 WHERE id = 3")
        try f.db.execute("UPDATE tasks SET outcome = 'done' WHERE id = 2")
        try f.db.execute("INSERT INTO reps(id, name) VALUES (3, 'Cy')")
        try f.db.execute("UPDATE leads SET owner_id = 3 WHERE id = 1")
        #expect(try f.db.query("SELECT owner_id FROM tasks ORDER BY id").map { try $0.get(0, as: Int.self) } == [3, 1, 2])
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func myDayOrdersARepsWork(writer: Writer) throws {
        let f = try team(writer)
        // Jane: Ana's, answered within the shipped 24 hours (tomorrow). Then a policy of an hour: Bob (Ben's)
        // and Lee (Ana's) are due at 10:00; Kim, given to Ana, is moved on to mql with nothing planned.
        try f.db.execute("INSERT INTO sla_policies(priority, name, response_minutes, business_hours, applies_at) VALUES (1, 'fast', 60, 0, 'assignment')")
        try f.capture(["email": "bob@globex.com"])
        try f.capture(["email": "lee@umbrella.com"])
        try f.setClock("2026-11-24T09:10:00Z")
        let kim = try f.capture(["email": "kim@initech.com"])
        #expect(try f.db.query("SELECT owner_id || ' ' || coalesce(response_due_at, '-') FROM leads ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["1 2026-11-25T09:00:00.000Z", "2 2026-11-24T10:00:00.000Z", "1 2026-11-24T10:00:00.000Z", "2 2026-11-24T10:10:00.000Z"])
        try f.db.execute("UPDATE leads SET owner_id = 1 WHERE id = ?", [kim])
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = ?", [kim])
        try f.db.execute("UPDATE tasks SET outcome = 'cancelled' WHERE lead_id = ?", [kim])
        try f.db.execute("UPDATE leads SET stage = 'mql' WHERE id = ?", [kim])
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (1, 'call', '2026-11-24T08:00:00Z', 'Call back'), (1, 'email', '2026-11-24T15:00:00Z', NULL), (1, 'todo', '2026-11-25T15:00:00Z', 'Tomorrow')")
        #expect(try f.db.query("SELECT lead_id FROM no_next_step").map { try $0.get(0, as: Int64.self) } == [kim])
        let day = try f.db.query("SELECT rank || ' ' || item || ' ' || lead_id || ' ' || coalesce(task_id, '-') || ' ' || coalesce(due_at, '-') || ' ' || detail FROM my_day WHERE rep_id = 1")
            .map { try $0.get(0, as: String.self) }
        #expect(day == [
            "1 overdue_task 1 2 2026-11-24T08:00:00.000Z call: Call back",
            "2 sla_due 3 - 2026-11-24T10:00:00.000Z first response",
            // (Kim reached mql with her owner: the shipped mql follow-up gives Ana four hours)
            "2 sla_due 4 - 2026-11-24T13:10:00.000Z first response",
            "3 task_today 1 3 2026-11-24T15:00:00.000Z email",
            "4 new_lead 1 - 2026-11-24T09:00:00.000Z assigned 2026-11-24T09:00:00.000Z",
            "5 no_next_step 4 - - mql, score 10.0",
        ])
        #expect(try f.db.query("SELECT task_id || ' ' || minutes_overdue FROM overdue_tasks").map { try $0.get(0, as: String.self) } == ["2 70"])
        // Late, a deadline is a breach; Ben's day has his lead.
        try f.setClock("2026-11-24T10:30:00Z")
        #expect(try f.text("SELECT item FROM my_day WHERE rep_id = 1 AND rank = 2") == "sla_breached")
        #expect(try f.db.query("SELECT item || ' ' || lead_id FROM my_day WHERE rep_id = 2").map { try $0.get(0, as: String.self) } == ["sla_breached 2"])
    }

    @Test(arguments: Writer.allCases)
    func aDueTaskTellsItsOwnerOnceOnATick(writer: Writer) throws {
        let f = try team(writer)
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (1, 'call', '2026-11-24T10:00:00Z', 'Call back')")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'task_due'") == 0)
        try f.setClock("2026-11-24T10:01:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.db.query("SELECT rep_id || ' ' || payload FROM outbox WHERE kind = 'task_due'").map { try $0.get(0, as: String.self) }
            == [#"1 {"task_id":1,"lead_id":1,"account_id":1,"deal_id":null,"kind":"call","due_at":"2026-11-24T10:00:00.000Z","note":"Call back"}"#])
        // Put off, it tells again when it falls due again; done, never.
        try f.db.execute("UPDATE tasks SET due_at = '2026-11-24T11:00:00Z'")
        try f.setClock("2026-11-24T11:00:00Z")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'task_due'") == 2)
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at) VALUES (1, 'todo', '2026-11-24T11:00:00Z')")
        try f.db.execute("UPDATE tasks SET outcome = 'done' WHERE id = 2")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'task_due'") == 2)
    }

    @Test(arguments: Writer.allCases)
    func anErasureCancelsTheTasksAndKeepsNoNote(writer: Writer) throws {
        let f = try team(writer)
        try f.db.execute("INSERT INTO tasks(lead_id, kind, note) VALUES (1, 'call', 'Jane prefers mornings'), (1, 'todo', 'Jane''s deck')")
        try f.db.execute("UPDATE tasks SET outcome = 'Jane said no' WHERE id = 2")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (1)")
        #expect(try tasks(f) == ["1:1:1:call:-:-:2026-11-24T09:00:00.000Z:cancelled", "2:1:1:todo:-:-:2026-11-24T09:00:00.000Z:-"])
        #expect(try f.int("SELECT count(*) FROM tasks WHERE note LIKE '%Jane%' OR outcome LIKE '%Jane%'") == 0)
        #expect(f.violation { try f.db.execute("UPDATE tasks SET note = 'Jane again' WHERE id = 1") }?.code == "erased_lead")
        #expect(f.violation { try f.db.execute("INSERT INTO tasks(lead_id) VALUES (1)") }?.message == "erased_lead: lead 1 was erased; no task is made for it")
        try f.checkIntegrity()
    }

    /// From the attack on tasks: a task and its notice follow the rep who does the work, the same due time
    /// written again tells nobody twice, a demo request brings a planned call forward, a calendar without
    /// open hours still dates a rule's task, and an account's or deal's tasks go with an erased person.
    @Test(arguments: Writer.allCases)
    func tasksFollowTheWorkAndTheirPeople(writer: Writer) throws {
        let f = try team(writer)
        try f.capture(["email": "bob@globex.com", "name": "Bob Lee"])
        // A deal's task is its contact's and its account's.
        for stage in ["contacted", "sql"] { try f.db.execute("UPDATE leads SET stage = ? WHERE id = 2", [stage]) }
        try f.db.execute("UPDATE leads SET stage = 'opportunity', amount = 5000 WHERE id = 2")
        try f.db.execute("INSERT INTO tasks(deal_id, kind, note) VALUES (1, 'call', 'Call Bob about the deal')")
        #expect(try f.text("SELECT lead_id || ' ' || account_id || ' ' || owner_id FROM tasks WHERE deal_id = 1") == "2 2 2")
        // An overdue task tells Ana; given to Ben, the undelivered notice goes to him; the same time again tells nobody.
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at) VALUES (1, 'todo', '2026-11-24T08:00:00Z')")
        let todo = try f.int("SELECT max(id) FROM tasks")
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        try f.db.execute("UPDATE tasks SET owner_id = 2 WHERE id = ?", [todo])
        try f.db.execute("UPDATE tasks SET due_at = '2026-11-24 08:00' WHERE id = ?", [todo])
        try f.db.execute("INSERT INTO ticks DEFAULT VALUES")
        #expect(try f.db.query("SELECT rep_id FROM outbox WHERE kind = 'task_due' AND json_extract(payload, '$.task_id') = ?", [todo]).map { try $0.get(0, as: Int.self) } == [2])
        // Ben leaves: his open tasks go to the owner each lead has now.
        try f.db.execute("UPDATE reps SET active = 0 WHERE id = 2")
        #expect(try f.db.query("SELECT coalesce(owner_id, '-') FROM tasks WHERE done_at IS NULL ORDER BY id").map { try $0.get(0, as: String.self) }.allSatisfy { $0 != "2" })
        // A call planned for Friday is brought forward by a demo request.
        try f.db.execute("INSERT INTO tasks(lead_id, kind, due_at) VALUES (1, 'call', '2026-11-27T10:00:00Z')")
        try f.log(1, "demo_request")
        #expect(try f.db.query("SELECT due_at FROM tasks WHERE lead_id = 1 AND kind = 'call' AND done_at IS NULL").map { try $0.get(0, as: String.self) } == ["2026-11-24T10:00:00.000Z"])
        // With no open hours at all, a rule's task is due by the calendar.
        try f.db.execute("DELETE FROM business_hours")
        try f.db.execute("UPDATE tasks SET outcome = 'cancelled' WHERE lead_id = 1 AND done_at IS NULL")
        try f.db.execute("UPDATE leads SET stage = 'contacted' WHERE id = 1")
        #expect(try f.text("SELECT due_at FROM tasks WHERE lead_id = 1 AND done_at IS NULL") == "2026-11-25T01:00:00.000Z")
        // Erased: the person's tasks, their account's and their deal's keep no note; none is made again.
        try f.db.execute("INSERT INTO tasks(account_id, kind, note) VALUES (2, 'todo', 'Globex: ask Bob')")
        try f.db.execute("INSERT INTO erasures(lead_id) VALUES (2)")
        #expect(try f.int("SELECT count(*) FROM tasks WHERE (note LIKE '%Bob%' OR outcome LIKE '%Bob%')") == 0)
        #expect(try f.int("SELECT count(*) FROM tasks WHERE (lead_id = 2 OR account_id = 2) AND done_at IS NULL") == 0)
        #expect(f.violation { try f.db.execute("INSERT INTO tasks(account_id, kind) VALUES (2, 'todo')") }?.code == "erased_account")
        try f.checkIntegrity()
    }
}
