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
WHEN coalesce(NEW.claimed_by, NEW.claimed_at, NEW.retry_at, NEW.last_error, NEW.failed_at) IS NOT NULL OR NEW.attempts IS NOT 0
BEGIN
    SELECT RAISE(ABORT, 'maintained: a message is written unclaimed and never tried; claimed_by, claimed_at, attempts, retry_at, last_error and failed_at are the senders'' (see the outbox protocol)');
END;

CREATE TRIGGER outbox_before_update_delivery
BEFORE UPDATE OF delivered_at, claimed_by, claimed_at, attempts, retry_at, last_error, failed_at ON outbox
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN OLD.delivered_at IS NOT NULL
             AND (NEW.delivered_at IS NOT OLD.delivered_at OR NEW.claimed_by IS NOT OLD.claimed_by OR NEW.claimed_at IS NOT OLD.claimed_at
                  OR NEW.attempts IS NOT OLD.attempts OR NEW.retry_at IS NOT OLD.retry_at OR NEW.last_error IS NOT OLD.last_error
                  OR NEW.failed_at IS NOT OLD.failed_at)
            THEN 'read_only: outbox message ' || OLD.id || ' was delivered at ' || OLD.delivered_at || '; a delivered message is final'
        WHEN NEW.delivered_at IS NOT OLD.delivered_at
             AND (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.delivered_at AS TEXT))) IS NOT NULL
            THEN 'invalid_time: delivered_at ' || CAST(NEW.delivered_at AS TEXT) || ' '
                 || (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.delivered_at AS TEXT)))
        WHEN NEW.claimed_by IS NOT OLD.claimed_by AND NEW.claimed_by IS NOT NULL
             AND (typeof(NEW.claimed_by) <> 'text' OR length(NEW.claimed_by) NOT BETWEEN 1 AND 200 OR NEW.claimed_by GLOB '*[^ -~]*')
            THEN 'invalid_text: claimed_by names a sender in 1 to 200 printable ASCII characters, such as mailer@host-1:4242'
        WHEN NEW.claimed_at IS NOT OLD.claimed_at AND NEW.claimed_at IS NOT NULL
             AND (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.claimed_at AS TEXT))) IS NOT NULL
            THEN 'invalid_time: claimed_at ' || CAST(NEW.claimed_at AS TEXT) || ' '
                 || (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.claimed_at AS TEXT)))
        WHEN NEW.last_error IS NOT OLD.last_error AND NEW.last_error IS NOT NULL
             AND (typeof(NEW.last_error) <> 'text' OR length(NEW.last_error) > 2000 OR instr(NEW.last_error, char(0)) > 0)
            THEN 'invalid_text: last_error is text of at most 2,000 characters without NUL bytes'
        -- (attempts, retry_at and failed_at move as a failure or a retry from the start moves them: below)
        WHEN (NEW.attempts IS NOT OLD.attempts OR NEW.retry_at IS NOT OLD.retry_at OR NEW.failed_at IS NOT OLD.failed_at)
             AND NOT (NEW.attempts = OLD.attempts + 1 AND OLD.claimed_by IS NOT NULL AND NEW.claimed_by IS NULL)
             AND NOT (OLD.failed_at IS NOT NULL AND NEW.failed_at IS NULL AND NEW.attempts IN (0, OLD.attempts) AND NEW.retry_at IS NULL)
             AND NOT (NEW.attempts = 0 AND NEW.retry_at IS NULL AND NEW.failed_at IS NULL)
            THEN 'maintained: attempts, retry_at and failed_at follow the failures a sender reports (UPDATE outbox SET last_error = ...); '
                 || 'a message given up is tried again with UPDATE outbox SET failed_at = NULL'
        END, json_object('outbox', OLD.id)));
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
CREATE VIEW _lead_signals AS SELECT NULL AS lead_id, NULL AS activity_id, NULL AS applies WHERE 0;

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
     WHERE l.id = NEW.lead_id AND l.owner_id IS NOT NULL AND l.closed_at IS NULL AND l.erased_at IS NULL
       AND l.score >= s.hot_threshold - 1e-6
       AND l.score - x.points * pow(0.5, max(0.0, julianday(s.now) - julianday(x.occurred_at)) / s.half_life_days) < s.hot_threshold - 1e-6;
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_reengaged', l.id, (SELECT r.id FROM reps AS r WHERE r.id = l.owner_id AND r.active = 1),
           json_object('lead_id', l.id, 'email', l.email,
                       'name', nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       'company', l.company, 'stage', l.stage, 'closed_at', l.closed_at, 'activity', x.kind),
           (SELECT now FROM clock)
      FROM lead_records AS l
      JOIN activity_log AS x ON x.id = NEW.activity_id
     WHERE l.id = NEW.lead_id AND l.closed_at IS NOT NULL AND l.erased_at IS NULL AND x.occurred_at >= l.closed_at
       AND NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.lead_id = l.id AND o.kind = 'lead_reengaged' AND o.created_at >= l.closed_at);
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
BEGIN
    SELECT RAISE(ABORT, 'invalid_config: an outbox kind is new (no replace) and enabled is 0 or 1');
END;
