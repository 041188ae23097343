-- The outbox's delivery (migration 0025): which kinds are written, and the protocol the programs that
-- send them follow, so that two senders never send one message twice and a failed one is retried.
--
-- A sender names itself (claimed_by: its host and process, say) and, in a write transaction
-- (BEGIN IMMEDIATE, so no other sender claims between its read and its write):
--
--     UPDATE outbox SET claimed_by = :me, claimed_at = (SELECT now FROM clock)
--      WHERE id IN (SELECT id FROM outbox_claimable LIMIT :n)
--     RETURNING id, kind, lead_id, rep_id, payload, attempts;
--
-- then, for each message, once sent:   UPDATE outbox SET delivered_at = (SELECT now FROM clock) WHERE id = ? AND claimed_by = :me
--                      or, on failure: UPDATE outbox SET last_error = ? WHERE id = ? AND claimed_by = :me
--
-- A claim lasts outbox.claim_seconds: a sender that stops (or takes longer) leaves its messages to be
-- claimed again, and its late update changes no row (claimed_by is another's): it must not count the
-- message as its own. A failure reported on a claimed message releases it to be retried
-- outbox.retry_seconds later, twice as long after each further failure (at most a day); the
-- outbox.max_attempts-th failure gives it up (failed_at; outbox_failed lists those), and
-- UPDATE outbox SET failed_at = NULL WHERE id = ? tries it again from the start. A delivered message is
-- final.

-- A kind turned off (outbox_kinds.enabled = 0) is not written: the statement that writes it writes no
-- row of it (each statement of the rules writes one kind).
CREATE TRIGGER outbox_before_insert_kind BEFORE INSERT ON outbox
WHEN (SELECT enabled FROM outbox_kinds WHERE kind = NEW.kind) = 0
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER outbox_before_insert_delivery BEFORE INSERT ON outbox
WHEN coalesce(NEW.claimed_by, NEW.claimed_at, NEW.retry_at, NEW.last_error, NEW.failed_at, NEW.delivered_at) IS NOT NULL OR NEW.attempts IS NOT 0
BEGIN
    SELECT RAISE(ABORT, 'maintained: a message is written undelivered, unclaimed and never tried; delivered_at, claimed_by, claimed_at, attempts, retry_at, last_error and failed_at are the senders'' (see the outbox protocol)');
END;

-- (a replace would bring a delivered message back, or take a sender's claim away)
CREATE TRIGGER outbox_before_insert_no_replace BEFORE INSERT ON outbox
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM outbox WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'already_exists: that outbox message exists; a message is written once');
END;

-- Undelivered messages are not deleted (a rule that sends a notice once looks for it); delivered ones
-- older than 30 days may be pruned.
CREATE TRIGGER outbox_before_delete BEFORE DELETE ON outbox
WHEN OLD.delivered_at IS NULL OR OLD.delivered_at > strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '-30 days')
BEGIN
    SELECT RAISE(ABORT, 'read_only: outbox messages are kept until delivered and 30 days after; DELETE FROM outbox WHERE delivered_at < strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'', ''-30 days'') prunes');
END;

-- A delivered message is final: what it said and to whom too.
CREATE TRIGGER outbox_before_update_delivered BEFORE UPDATE OF kind, lead_id, rep_id, created_at ON outbox
WHEN OLD.delivered_at IS NOT NULL
 AND (NEW.kind IS NOT OLD.kind OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id)) OR NEW.rep_id IS NOT OLD.rep_id OR NEW.created_at IS NOT OLD.created_at)
BEGIN
    SELECT RAISE(ABORT, 'read_only: a delivered outbox message is final');
END;

CREATE TRIGGER outbox_before_update_delivery
BEFORE UPDATE OF delivered_at, claimed_by, claimed_at, attempts, retry_at, last_error, failed_at ON outbox
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN OLD.delivered_at IS NOT NULL
             AND (NEW.delivered_at IS NOT OLD.delivered_at OR NEW.claimed_by IS NOT OLD.claimed_by OR NEW.claimed_at IS NOT OLD.claimed_at
                  OR NEW.attempts IS NOT OLD.attempts OR NEW.retry_at IS NOT OLD.retry_at OR NEW.last_error IS NOT OLD.last_error
                  OR NEW.failed_at IS NOT OLD.failed_at)
            AND NOT (NEW.delivered_at IS strftime('%Y-%m-%dT%H:%M:%fZ', OLD.delivered_at) AND NEW.claimed_by IS OLD.claimed_by AND NEW.last_error IS OLD.last_error
                     AND NEW.attempts IS OLD.attempts AND NEW.retry_at IS OLD.retry_at AND NEW.failed_at IS OLD.failed_at AND NEW.claimed_at IS OLD.claimed_at)
            THEN 'read_only: outbox message ' || OLD.id || ' was delivered at ' || OLD.delivered_at || '; a delivered message is final'
        WHEN NEW.delivered_at IS NOT OLD.delivered_at AND NEW.delivered_at IS NOT NULL
             AND (typeof(NEW.delivered_at) <> 'text'
                  OR (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.delivered_at AS TEXT))) IS NOT NULL)
            THEN 'invalid_time: delivered_at ' || CAST(NEW.delivered_at AS TEXT) || ' '
                 || (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.delivered_at AS TEXT)))
        WHEN NEW.claimed_by IS NOT OLD.claimed_by AND NEW.claimed_by IS NOT NULL
             AND (typeof(NEW.claimed_by) <> 'text' OR length(NEW.claimed_by) NOT BETWEEN 1 AND 200 OR NEW.claimed_by GLOB '*[^ -~]*'
                  OR instr(NEW.claimed_by, char(0)) > 0)
            THEN 'invalid_text: claimed_by names a sender in 1 to 200 printable ASCII characters, such as mailer@host-1:4242'
        WHEN (NEW.claimed_by IS NULL) <> (NEW.claimed_at IS NULL)
            THEN 'invalid_text: claimed_by and claimed_at are set together (a claim) and cleared together'
        -- (a live claim is its sender's until it runs out)
        WHEN NEW.claimed_by IS NOT NULL AND OLD.claimed_by IS NOT NULL AND NEW.claimed_by IS NOT OLD.claimed_by
             AND OLD.claimed_at >= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '-' || (SELECT value FROM settings WHERE key = 'outbox.claim_seconds') || ' seconds')
            THEN 'read_only: outbox message ' || OLD.id || ' is claimed by ' || OLD.claimed_by || ' since ' || OLD.claimed_at || '; claim what outbox_claimable lists'
        -- (a failure is reported by the sender holding the claim, alone)
        WHEN NEW.last_error IS NOT OLD.last_error AND NEW.last_error IS NOT NULL AND (OLD.claimed_by IS NULL OR NEW.claimed_by IS NOT OLD.claimed_by)
            THEN 'read_only: a failure is reported by the sender holding the claim, alone: UPDATE outbox SET last_error = ? WHERE id = ? AND claimed_by = ?'
        WHEN NEW.claimed_at IS NOT OLD.claimed_at AND NEW.claimed_at IS NOT NULL
             AND (typeof(NEW.claimed_at) <> 'text' OR NEW.claimed_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', NEW.claimed_at)
                  OR (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.claimed_at AS TEXT))) IS NOT NULL)
            THEN 'invalid_time: claimed_at ' || CAST(NEW.claimed_at AS TEXT) || ' '
                 || coalesce((SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.claimed_at AS TEXT))),
                             'is not a time as the clock gives it (SELECT now FROM clock)')
        WHEN NEW.last_error IS NOT OLD.last_error AND NEW.last_error IS NOT NULL
             AND (typeof(NEW.last_error) <> 'text' OR length(NEW.last_error) > 2000 OR instr(NEW.last_error, char(0)) > 0
                  OR (SELECT erased_at FROM lead_records WHERE id = OLD.lead_id) IS NOT NULL)
            THEN 'invalid_text: last_error is text of at most 2,000 characters without NUL bytes, and names nothing of an erased lead (it keeps none)'
        -- (attempts, retry_at and failed_at move as a failure or a retry from the start moves them: below)
        WHEN (NEW.attempts IS NOT OLD.attempts OR NEW.retry_at IS NOT OLD.retry_at OR NEW.failed_at IS NOT OLD.failed_at)
             AND NOT (NEW.attempts = OLD.attempts + 1 AND OLD.claimed_by IS NOT NULL AND NEW.claimed_by IS NULL AND NEW.last_error IS OLD.last_error
                      AND ((NEW.failed_at IS NULL AND NEW.retry_at > (SELECT now FROM clock) AND NEW.retry_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.retry_at))
                           OR (NEW.failed_at IS (SELECT now FROM clock) AND NEW.retry_at IS NULL)))
             -- (an erasure gives up the person's undelivered messages: 95_privacy.sql)
             AND NOT (NEW.failed_at IS (SELECT now FROM clock) AND OLD.failed_at IS NULL AND NEW.attempts = OLD.attempts AND NEW.retry_at IS NULL
                      AND (SELECT erased_at FROM lead_records WHERE id = OLD.lead_id) IS NOT NULL)
             AND NOT (OLD.failed_at IS NOT NULL AND NEW.failed_at IS NULL AND NEW.attempts IN (0, OLD.attempts) AND NEW.retry_at IS NULL)
             AND NOT (NEW.attempts = 0 AND NEW.retry_at IS NULL AND NEW.failed_at IS NULL)
            THEN 'maintained: attempts, retry_at and failed_at follow the failures a sender reports (UPDATE outbox SET last_error = ...); '
                 || 'a message given up is tried again with UPDATE outbox SET failed_at = NULL'
        END, json_object('outbox', OLD.id)));
END;

-- Times are stored as the clock gives them.
CREATE TRIGGER outbox_after_update_delivered_at AFTER UPDATE OF delivered_at ON outbox
WHEN NEW.delivered_at IS NOT NULL AND NEW.delivered_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', NEW.delivered_at)
BEGIN
    UPDATE outbox SET delivered_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.delivered_at) WHERE id = NEW.id;
END;

-- A failure reported by the sender holding the claim: the message is released and waits to be retried,
-- or, at outbox.max_attempts, is given up.
CREATE TRIGGER outbox_after_update_failure AFTER UPDATE OF last_error ON outbox
WHEN NEW.last_error IS NOT NULL AND NEW.claimed_by IS NOT NULL AND NEW.delivered_at IS NULL
BEGIN
    UPDATE outbox
       SET attempts = OLD.attempts + 1, claimed_by = NULL, claimed_at = NULL,
           retry_at = CASE WHEN OLD.attempts + 1 >= (SELECT value FROM settings WHERE key = 'outbox.max_attempts') THEN NULL
                           ELSE strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '+'
                                || min(86400, (SELECT value FROM settings WHERE key = 'outbox.retry_seconds') * (1 << min(OLD.attempts, 20))) || ' seconds') END,
           failed_at = CASE WHEN OLD.attempts + 1 >= (SELECT value FROM settings WHERE key = 'outbox.max_attempts') THEN (SELECT now FROM clock) END
     WHERE id = NEW.id;
END;

-- A message given up, tried again from the start.
CREATE TRIGGER outbox_after_update_retry AFTER UPDATE OF failed_at ON outbox
WHEN OLD.failed_at IS NOT NULL AND NEW.failed_at IS NULL AND NEW.attempts <> 0
BEGIN
    UPDATE outbox SET attempts = 0, retry_at = NULL WHERE id = NEW.id;
END;

-- Messages a sender may claim now, oldest first: not delivered, not given up, not claimed (or the claim
-- is older than outbox.claim_seconds), and not waiting for a retry.
CREATE VIEW outbox_claimable AS
SELECT o.id, o.kind, o.lead_id, o.rep_id, o.payload, o.created_at, o.attempts
  FROM outbox AS o INDEXED BY outbox_pending
 CROSS JOIN clock AS c
 WHERE o.delivered_at IS NULL AND o.failed_at IS NULL
   AND (o.claimed_at IS NULL
        OR o.claimed_at < strftime('%Y-%m-%dT%H:%M:%fZ', c.now, '-' || (SELECT value FROM settings WHERE key = 'outbox.claim_seconds') || ' seconds'))
   AND (o.retry_at IS NULL OR o.retry_at <= c.now)
 ORDER BY o.id;

-- Messages not delivered yet, with where each stands: waiting, claimed (by whom), retrying (when), or
-- given up (failed).
CREATE VIEW outbox_status AS
SELECT o.id, o.kind, o.lead_id, o.rep_id, r.name AS rep, o.payload, o.created_at, o.attempts, o.last_error,
       CASE WHEN o.failed_at IS NOT NULL THEN 'failed'
            WHEN o.claimed_at IS NOT NULL
                 AND o.claimed_at >= strftime('%Y-%m-%dT%H:%M:%fZ', c.now, '-' || (SELECT value FROM settings WHERE key = 'outbox.claim_seconds') || ' seconds')
                THEN 'claimed'
            WHEN o.retry_at > c.now THEN 'retrying'
            ELSE 'waiting' END AS status,
       o.claimed_by, o.claimed_at, o.retry_at, o.failed_at
  FROM outbox AS o INDEXED BY outbox_pending
 CROSS JOIN clock AS c
  LEFT JOIN reps AS r ON r.id = o.rep_id
 WHERE o.delivered_at IS NULL
 ORDER BY o.id;

-- Messages given up after outbox.max_attempts failures, the latest first.
CREATE VIEW outbox_failed AS
SELECT o.id, o.kind, o.lead_id, o.rep_id, o.payload, o.created_at, o.attempts, o.last_error, o.failed_at
  FROM outbox AS o INDEXED BY outbox_given_up
 WHERE o.failed_at IS NOT NULL AND o.delivered_at IS NULL
 ORDER BY o.failed_at DESC, o.id DESC;

-- Internal: after an activity with points (50_activities.sql), an owned open lead whose score reached
-- score.hot_threshold with it tells its owner (lead_hot), and a won or lost lead active again tells its
-- owner, once per close (lead_reengaged).
CREATE VIEW _lead_signals AS SELECT NULL AS lead_id, NULL AS activity_id, NULL AS applies, NULL AS signal WHERE 0;

CREATE TRIGGER _lead_signals_instead_of_insert INSTEAD OF INSERT ON _lead_signals
WHEN NEW.applies
BEGIN
    -- (the score without this activity's points, decayed to now, was under the threshold)
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_hot', l.id, l.owner_id,
           json_object('lead_id', l.id, 'email', l.email,
                       'name', nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       'company', l.company, 'score', round(l.score, 1), 'activity', x.kind),
           s.now
      FROM leads AS l
      JOIN activity_log AS x ON x.id = NEW.activity_id
     CROSS JOIN score_settings AS s
     WHERE NEW.signal = 'hot' AND l.id = NEW.lead_id AND l.owner_id IS NOT NULL AND l.closed_at IS NULL AND l.erased_at IS NULL
       AND l.score >= s.hot_threshold - 1e-6
       AND l.score - x.points * pow(0.5, max(0.0, julianday(s.now) - julianday(x.occurred_at)) / s.half_life_days) < s.hot_threshold - 1e-6;
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_reengaged', l.id, (SELECT r.id FROM reps AS r WHERE r.id = l.owner_id AND r.active = 1),
           json_object('lead_id', l.id, 'email', l.email,
                       'name', nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       'company', l.company, 'stage', l.stage, 'closed_at', l.closed_at, 'activity', x.kind,
                       -- (the move that closed it: once per close, even two closes in one millisecond)
                       'close', (SELECT max(h.id) FROM stage_history AS h WHERE h.lead_id = l.id)),
           (SELECT now FROM clock)
      FROM lead_records AS l
      JOIN activity_log AS x ON x.id = NEW.activity_id
     WHERE NEW.signal = 'reengaged' AND l.id = NEW.lead_id AND l.closed_at IS NOT NULL AND l.erased_at IS NULL AND x.occurred_at >= l.closed_at
       -- (once per close: undelivered messages, and delivered ones for 30 days, are kept)
       AND NOT EXISTS (SELECT 1 FROM outbox AS o
                        WHERE o.lead_id = l.id AND o.kind = 'lead_reengaged'
                          AND CASE WHEN json_extract(o.payload, '$.close') IS NOT NULL
                                   THEN json_extract(o.payload, '$.close') = (SELECT max(h.id) FROM stage_history AS h WHERE h.lead_id = l.id)
                                   ELSE o.created_at >= l.closed_at END);
END;

-- Notification kinds are configuration: a kind the rules write keeps its name; enabled is 0 or 1.
CREATE TRIGGER outbox_kinds_before_update BEFORE UPDATE ON outbox_kinds
WHEN NEW.kind IS NOT OLD.kind OR NEW.enabled NOT IN (0, 1) OR typeof(NEW.enabled) <> 'integer'
BEGIN
    SELECT RAISE(ABORT, 'invalid_config: an outbox kind keeps its name (the rules write it), and enabled is 0 or 1');
END;

CREATE TRIGGER outbox_kinds_before_delete BEFORE DELETE ON outbox_kinds
BEGIN
    SELECT RAISE(ABORT, 'required_kind: the rules write this outbox kind; turn it off with UPDATE outbox_kinds SET enabled = 0');
END;

CREATE TRIGGER outbox_kinds_before_insert BEFORE INSERT ON outbox_kinds
WHEN EXISTS (SELECT 1 FROM outbox_kinds WHERE kind = NEW.kind) OR NEW.enabled NOT IN (0, 1) OR typeof(NEW.enabled) <> 'integer'
  OR typeof(NEW.kind) <> 'text' OR NEW.kind GLOB '*[^a-z0-9_]*' OR NEW.kind NOT GLOB '[a-z]*' OR length(NEW.kind) > 64 OR instr(NEW.kind, char(0)) > 0
  OR (NEW.recipient IS NOT NULL AND (typeof(NEW.recipient) <> 'text' OR NEW.recipient GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')))
  OR (NEW.description IS NOT NULL AND (typeof(NEW.description) <> 'text' OR NEW.description GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*')))
BEGIN
    SELECT RAISE(ABORT, 'invalid_config: an outbox kind is new (no replace), lower-case letters, digits and _ (a program''s own kind, such as crm_sync), with enabled 0 or 1 and a recipient and description of one printable line');
END;
