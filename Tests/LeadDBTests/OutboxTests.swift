import Foundation
import LeadDB
import LeadSQLite
import Testing

/// The outbox (Schema/94_outbox.sql): kinds that can be turned off, notices that reach people (a new
/// owner, a hot lead, a closed lead active again), and the delivery protocol: claims, failures retried
/// with a doubling wait, messages given up and tried again, delivered messages final.
@Suite struct OutboxTests {
    func claim(_ f: LeadFixture, _ sender: String, _ limit: Int = 10) throws -> [Int64] {
        try f.db.query("""
            UPDATE outbox SET claimed_by = ?, claimed_at = (SELECT now FROM clock) WHERE id IN (SELECT id FROM outbox_claimable LIMIT ?) RETURNING id
            """, [sender, limit]).map { try $0.get(0, as: Int64.self) }.sorted()
    }

    func status(_ f: LeadFixture) throws -> [String] {
        try f.db.query("SELECT id || ' ' || status || ' ' || attempts || ' ' || coalesce(retry_at, '-') FROM outbox_status").map { try $0.get(0, as: String.self) }
    }

    @Test(arguments: Writer.allCases)
    func noticesReachTheRepWhoActs(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10), (2, "Ben", "default", 10)])
        let jane = try f.capture(["email": "jane@acme.com", "name": "Jane Roe", "company": "Acme", "title": "VP Sales"])
        #expect(try f.text("SELECT rep_id || ' ' || payload FROM outbox WHERE kind = 'lead_assigned'")
            == #"1 {"lead_id":1,"email":"jane@acme.com","name":"Jane Roe","company":"Acme","reason":"captured: no routing rule matched, team default; Ana was assigned least recently (never)","response_due_at":"2026-11-25T09:00:00.000Z"}"#)
        // Hot at 70: the demo requests take Jane there; the notice names the activity that did.
        try f.log(jane, "demo_request")
        try f.log(jane, "demo_request")
        #expect(try f.db.query("SELECT kind || ' ' || rep_id FROM outbox WHERE id > 1 ORDER BY id").map { try $0.get(0, as: String.self) }
            == ["lead_mql 1", "lead_hot 1"])
        #expect(try f.text("SELECT json_extract(payload, '$.score') || ' ' || json_extract(payload, '$.activity') FROM outbox WHERE kind = 'lead_hot'") == "85.0 demo_request")
        try f.log(jane, "webinar_attended")
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_hot'") == 1)
        // Lost, then active again: the owner hears once per close.
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [jane])
        try f.log(jane, "page_view")
        try f.log(jane, "email_click")
        #expect(try f.db.query("SELECT rep_id || ' ' || json_extract(payload, '$.stage') || ' ' || json_extract(payload, '$.activity') FROM outbox WHERE kind = 'lead_reengaged'")
            .map { try $0.get(0, as: String.self) } == ["1 disqualified page_view"])
        // Reopened and lost again in the same millisecond (the clock is frozen): a second close, a second notice.
        try f.db.execute("UPDATE leads SET stage = 'nurturing' WHERE id = ?", [jane])
        try f.db.execute("UPDATE leads SET stage = 'disqualified', lost_reason = 'no_budget' WHERE id = ?", [jane])
        try f.log(jane, "email_open")
        try f.log(jane, "page_view")
        #expect(try f.db.query("SELECT json_extract(payload, '$.activity') FROM outbox WHERE kind = 'lead_reengaged' ORDER BY id")
            .map { try $0.get(0, as: String.self) } == ["page_view", "email_open"])
        // A kind turned off is not written; turned on again, it is.
        try f.db.execute("UPDATE outbox_kinds SET enabled = 0 WHERE kind = 'lead_assigned'")
        try f.capture(["email": "bob@globex.com"])
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_assigned'") == 1)
        try f.db.execute("UPDATE outbox_kinds SET enabled = 1 WHERE kind = 'lead_assigned'")
        try f.capture(["email": "kim@initech.com"])
        #expect(try f.int("SELECT count(*) FROM outbox WHERE kind = 'lead_assigned'") == 2)
        let refusals: [(String, String)] = [
            ("UPDATE outbox_kinds SET enabled = 2 WHERE kind = 'lead_hot'", "invalid_config: an outbox kind keeps its name (the rules write it), and enabled is 0 or 1"),
            ("UPDATE outbox_kinds SET kind = 'hot' WHERE kind = 'lead_hot'", "invalid_config: an outbox kind keeps its name (the rules write it), and enabled is 0 or 1"),
            ("DELETE FROM outbox_kinds WHERE kind = 'lead_hot'", "required_kind: the rules write this outbox kind; turn it off with UPDATE outbox_kinds SET enabled = 0"),
            ("INSERT INTO outbox_kinds(kind) VALUES ('LEAD_HOT')",
             "invalid_config: an outbox kind is new (no replace), lower-case letters, digits and _ (a program's own kind, such as crm_sync), with enabled 0 or 1 and a recipient and description of one printable line"),
            ("INSERT INTO outbox_kinds(kind) VALUES ('x' || char(0))",
             "invalid_config: an outbox kind is new (no replace), lower-case letters, digits and _ (a program's own kind, such as crm_sync), with enabled 0 or 1 and a recipient and description of one printable line"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        try f.checkIntegrity()
    }

    @Test(arguments: Writer.allCases)
    func sendersClaimDeliverAndRetry(writer: Writer) throws {
        let f = try LeadFixture(writer)
        try f.reps([(1, "Ana", "default", 10)])
        for email in ["a@one.com", "b@two.com", "c@three.com"] { try f.capture(["email": email]) }
        try f.db.execute("UPDATE settings SET value = 3 WHERE key = 'outbox.max_attempts'")
        // Two senders: the second claims only what the first left.
        #expect(try claim(f, "a", 2) == [1, 2])
        #expect(try claim(f, "b") == [3])
        #expect(try claim(f, "c") == [])
        // Delivered by its holder; another sender's update changes nothing.
        try f.db.execute("UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = 1 AND claimed_by = 'b'")
        #expect(f.db.changes == 0)
        try f.db.execute("UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = 1 AND claimed_by = 'a'")
        // A failure: released, retried after a minute, then two, then given up.
        try f.db.execute("UPDATE outbox SET last_error = 'smtp 451' WHERE id = 2 AND claimed_by = 'a'")
        #expect(try status(f) == ["2 retrying 1 2026-11-24T09:01:00.000Z", "3 claimed 0 -"])
        #expect(try claim(f, "c") == [])
        try f.setClock("2026-11-24T09:01:00Z")
        #expect(try claim(f, "c") == [2])
        try f.db.execute("UPDATE outbox SET last_error = 'smtp 451' WHERE id = 2 AND claimed_by = 'c'")
        #expect(try status(f).first == "2 retrying 2 2026-11-24T09:03:00.000Z")
        try f.setClock("2026-11-24T09:03:00Z")
        #expect(try claim(f, "c") == [2])
        try f.db.execute("UPDATE outbox SET last_error = 'smtp 550 no such user' WHERE id = 2 AND claimed_by = 'c'")
        #expect(try f.db.query("SELECT id || ' ' || attempts || ' ' || last_error || ' ' || failed_at FROM outbox_failed").map { try $0.get(0, as: String.self) }
            == ["2 3 smtp 550 no such user 2026-11-24T09:03:00.000Z"])
        #expect(try claim(f, "c") == [])
        // Tried again from the start.
        try f.db.execute("UPDATE outbox SET failed_at = NULL WHERE id = 2")
        #expect(try status(f).first == "2 waiting 0 -")
        // A claim older than outbox.claim_seconds is taken by another sender; the first one's late update misses.
        try f.setClock("2026-11-24T09:08:01Z")
        #expect(try claim(f, "d") == [2, 3])
        try f.db.execute("UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = 3 AND claimed_by = 'b'")
        #expect(f.db.changes == 0)
        let refusals: [(String, String)] = [
            ("UPDATE outbox SET delivered_at = NULL WHERE id = 1", "read_only: outbox message 1 was delivered at 2026-11-24T09:00:00.000Z; a delivered message is final"),
            ("UPDATE outbox SET attempts = 7 WHERE id = 2",
             "maintained: attempts, retry_at and failed_at follow the failures a sender reports (UPDATE outbox SET last_error = ...); a message given up is tried again with UPDATE outbox SET failed_at = NULL"),
            ("UPDATE outbox SET failed_at = '2026-11-24T09:00:00Z' WHERE id = 2",
             "maintained: attempts, retry_at and failed_at follow the failures a sender reports (UPDATE outbox SET last_error = ...); a message given up is tried again with UPDATE outbox SET failed_at = NULL"),
            ("UPDATE outbox SET delivered_at = '2030-01-01' WHERE id = 2",
             "invalid_time: delivered_at 2030-01-01 is in the future (now is 2026-11-24T09:08:01.000Z; at most 5 minutes ahead is accepted)"),
            ("UPDATE outbox SET claimed_by = 'x' || char(27) || '[2J' WHERE id = 2",
             "invalid_text: claimed_by names a sender in 1 to 200 printable ASCII characters, such as mailer@host-1:4242"),
            ("INSERT INTO outbox(kind, payload, created_at, claimed_by) VALUES ('lead_hot', '{}', '2026-11-24T09:00:00Z', 'x')",
             "maintained: a message is written undelivered, unclaimed and never tried; delivered_at, claimed_by, claimed_at, attempts, retry_at, last_error and failed_at are the senders' (see the outbox protocol)"),
            ("INSERT OR REPLACE INTO outbox(id, kind, payload, created_at) VALUES (1, 'lead_hot', '{}', '2026-11-24T09:00:00Z')",
             "already_exists: that outbox message exists; a message is written once"),
            ("DELETE FROM outbox WHERE id = 1",
             "read_only: outbox messages are kept until delivered and 30 days after; DELETE FROM outbox WHERE delivered_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') prunes"),
            ("UPDATE outbox SET claimed_by = 'e', claimed_at = (SELECT now FROM clock) WHERE id = 2",
             "read_only: outbox message 2 is claimed by d since 2026-11-24T09:08:01.000Z; claim what outbox_claimable lists"),
            ("UPDATE outbox SET claimed_at = NULL WHERE id = 2", "invalid_text: claimed_by and claimed_at are set together (a claim) and cleared together"),
            ("UPDATE outbox SET claimed_by = 'd', claimed_at = '2026-11-24 09:08:01' WHERE id = 3",
             "invalid_time: claimed_at 2026-11-24 09:08:01 is not a time as the clock gives it (SELECT now FROM clock)"),
            ("UPDATE outbox SET last_error = 'x', claimed_by = NULL, claimed_at = NULL WHERE id = 2",
             "read_only: a failure is reported by the sender holding the claim, alone: UPDATE outbox SET last_error = ? WHERE id = ? AND claimed_by = ?"),
            ("UPDATE outbox SET attempts = attempts + 1, claimed_by = NULL, claimed_at = NULL, retry_at = 'garbage', failed_at = 'garbage' WHERE id = 2",
             "maintained: attempts, retry_at and failed_at follow the failures a sender reports (UPDATE outbox SET last_error = ...); a message given up is tried again with UPDATE outbox SET failed_at = NULL"),
            ("UPDATE settings SET value = 0 WHERE key = 'outbox.claim_seconds'",
             "invalid_setting: outbox.claim_seconds must be a whole number of seconds from 1 to 86400; got 0"),
            ("DELETE FROM settings WHERE key = 'outbox.max_attempts'", "required_setting: outbox.max_attempts cannot be deleted; set it to another value instead"),
        ]
        for (sql, message) in refusals {
            #expect(f.violation { try f.db.execute(sql) }?.message == message, "\(sql)")
        }
        try f.checkIntegrity()
    }
}
