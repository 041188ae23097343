-- Ticks: INSERT INTO ticks DEFAULT VALUES runs the rules that depend on time passing, as of now:
-- SLA escalation steps that fell due, and nurture steps that fell due. Run it every minute or so (a
-- cron job, the shell's `tick`, the Swift API); running it more often changes nothing.
--
-- One tick does at most tick.batch items of each kind of work (escalation steps, retried reassignments,
-- nurture messages, search entries), oldest first, so it never holds the write lock for long however
-- much fell due (a night without ticks, a deadline change for many leads). When it left work,
-- ticks.more_due is 1 and the next tick goes on; the shell's `tick` and LeadStore.tick() tick again, each
-- time in a transaction of its own, until nothing due is left.
CREATE TRIGGER ticks_after_insert AFTER INSERT ON ticks
BEGIN
    UPDATE ticks SET ticked_at = (SELECT now FROM clock) WHERE id = NEW.id;

    -- Leads a rule change left to rescore (45_rescoring.sql): the next tick.batch of them.
    INSERT INTO lead_rescore(leads) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch'));

    -- The search index catches up with the leads captured or changed since the last tick, and is merged
    -- tick.batch / 2 pages (about 60 ms at a million leads) further while an erased person's terms may
    -- remain in it (95_privacy.sql).
    INSERT INTO lead_search_refresh(pending) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch'));
    INSERT INTO lead_search_purge(pages) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch') / 2);

    -- SLA escalations: each step whose minutes_overdue has passed runs once per lead, step, assignment
    -- and deadline (a reassignment or an mql follow-up restarts the clock, and the steps with it). A
    -- reassign step never takes a lead past mql (a stage after mql in the funnel, or one that needs an
    -- owner: an sql or opportunity lead stays with the rep working it).
    -- Only steps that fell due since the previous tick's escalated_through are looked at (with a minute
    -- to spare): every step due before it has run. Each step is an index range of breached leads (the
    -- steps are the outer loop), so the cost follows what fell due, not how many leads are breached.
    INSERT INTO sla_escalation_runs(tick_id, lead_id, escalation_id, assignment_id, response_due_at, action, ran_at, status, finished_at)
    SELECT NEW.id, b.lead_id, e.id, a.id, b.response_due_at, e.action, c.now,
           CASE WHEN e.action = 'notify_manager' THEN 'done'
                WHEN (SELECT s.requires_owner OR s.position > (SELECT position FROM stages WHERE name = 'mql') FROM stages AS s WHERE s.name = l.stage) THEN 'dropped'
                ELSE 'waiting' END,
           CASE WHEN e.action = 'notify_manager'
                  OR (SELECT s.requires_owner OR s.position > (SELECT position FROM stages WHERE name = 'mql') FROM stages AS s WHERE s.name = l.stage) THEN c.now END
      FROM sla_escalations AS e
     CROSS JOIN sla_breaches AS b
      JOIN lead_records AS l ON l.id = b.lead_id
      JOIN assignments AS a ON a.id = (SELECT max(id) FROM assignments WHERE lead_id = b.lead_id)
     CROSS JOIN clock AS c
     WHERE e.minutes_overdue <= b.minutes_overdue
       AND b.response_due_at >= coalesce(strftime('%Y-%m-%dT%H:%M:%fZ',
               (SELECT t.escalated_through FROM ticks AS t WHERE t.id < NEW.id ORDER BY t.id DESC LIMIT 1),
               '-' || (e.minutes_overdue + 1) || ' minutes'), '')
       AND NOT EXISTS (SELECT 1 FROM sla_escalation_runs r
                        WHERE r.lead_id = b.lead_id AND r.escalation_id = e.id AND r.assignment_id = a.id
                          AND r.response_due_at = b.response_due_at)
     ORDER BY b.lead_id, e.minutes_overdue
     LIMIT (SELECT value FROM settings WHERE key = 'tick.batch');

    -- Notify the owner's manager, else the team's manager, whoever is active (rep_escalation_managers;
    -- rep_problems warns about reps with neither).
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'sla_escalation', r.lead_id, m.manager_id,
           json_object('lead_id', r.lead_id, 'owner_id', l.owner_id, 'owner_name', o.name,
                       'manager_id', m.manager_id,
                       'response_due_at', l.response_due_at,
                       'minutes_overdue', CAST(round((julianday(r.ran_at) - julianday(l.response_due_at)) * 86400) AS INTEGER) / 60),
           r.ran_at
      FROM sla_escalation_runs AS r
      JOIN lead_records AS l ON l.id = r.lead_id
      LEFT JOIN reps AS o ON o.id = l.owner_id
      LEFT JOIN rep_escalation_managers AS m ON m.rep_id = l.owner_id
     WHERE r.tick_id = NEW.id AND r.action = 'notify_manager';

    -- Reassign steps wait until a rep can take the lead, and are retried on every tick. One that is no
    -- longer needed (answered, closed, erased, past mql, reassigned or given a new deadline since) is
    -- dropped; the rest are routed (the lead stays with its owner while nobody can take it).
    -- (the oldest tick.batch leads' waiting steps, by lead: the partial index on waiting runs gives that
    -- order, so the cost follows the batch, not how many wait)
    UPDATE sla_escalation_runs
       SET status = 'dropped', finished_at = (SELECT now FROM clock)
     WHERE status = 'waiting'
       AND lead_id IN (SELECT lead_id FROM sla_escalation_runs WHERE status = 'waiting' ORDER BY lead_id
                        LIMIT (SELECT value FROM settings WHERE key = 'tick.batch'))
       AND NOT EXISTS (SELECT 1 FROM lead_records AS l
                        WHERE l.id = sla_escalation_runs.lead_id AND l.first_response_at IS NULL AND l.closed_at IS NULL
                          AND l.erased_at IS NULL AND l.response_due_at IS sla_escalation_runs.response_due_at
                          AND NOT (SELECT s.requires_owner OR s.position > (SELECT position FROM stages WHERE name = 'mql') FROM stages AS s WHERE s.name = l.stage)
                          AND (SELECT max(a.id) FROM assignments AS a WHERE a.lead_id = l.id) = sla_escalation_runs.assignment_id);

    INSERT INTO routing_requests(lead_id, reason)
    SELECT r.lead_id, 'SLA escalation ' || min(r.escalation_id) || ' (reassign)'
      FROM sla_escalation_runs AS r
     WHERE r.status = 'waiting'
       AND r.lead_id IN (SELECT lead_id FROM sla_escalation_runs WHERE status = 'waiting' ORDER BY lead_id
                          LIMIT (SELECT value FROM settings WHERE key = 'tick.batch'))
     GROUP BY r.lead_id
     ORDER BY r.lead_id + 0;

    UPDATE sla_escalation_runs
       SET status = 'done', finished_at = (SELECT now FROM clock)
     WHERE status = 'waiting'
       AND lead_id IN (SELECT lead_id FROM sla_escalation_runs WHERE status = 'waiting' ORDER BY lead_id
                        LIMIT (SELECT value FROM settings WHERE key = 'tick.batch'))
       AND (SELECT max(a.id) FROM assignments AS a WHERE a.lead_id = sla_escalation_runs.lead_id) <> assignment_id;

    -- A reassign step that found nobody tells the manager once, on the tick it first ran.
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'sla_reassign_waiting', r.lead_id, m.manager_id,
           json_object('lead_id', r.lead_id, 'owner_id', l.owner_id, 'owner_name', o.name,
                       'manager_id', m.manager_id,
                       'reason', 'no active rep below capacity can take it; it stays with its owner and is retried on every tick'),
           r.ran_at
      FROM sla_escalation_runs AS r
      JOIN lead_records AS l ON l.id = r.lead_id
      LEFT JOIN reps AS o ON o.id = l.owner_id
      LEFT JOIN rep_escalation_managers AS m ON m.rep_id = l.owner_id
     WHERE r.tick_id = NEW.id AND r.status = 'waiting';

    -- Nurture: a due step of a lead with consent is one message; without consent the enrollment ends.
    -- The next step falls due its delay_days after this one is sent (now), never earlier: a sequence
    -- that fell behind does not send its steps in a burst.
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'nurture_email', d.lead_id, NULL,
           json_object('lead_id', d.lead_id, 'email', d.email,
                       'name', nullif(trim(coalesce(d.first_name, '') || ' ' || coalesce(d.last_name, '')), ''),
                       'sequence', d.sequence, 'step', d.position, 'subject', d.subject),
           c.now
      FROM (SELECT * FROM nurture_due ORDER BY enrollment_id LIMIT (SELECT value FROM settings WHERE key = 'tick.batch')) AS d
     CROSS JOIN clock AS c
     WHERE d.consent = 1 AND d.subject IS NOT NULL
     ORDER BY d.enrollment_id;

    UPDATE nurture_enrollments
       SET next_step = d.following_step,
           next_due_at = CASE WHEN d.following_step IS NULL THEN NULL
                              ELSE strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '+' ||
                                   (SELECT delay_days FROM nurture_steps WHERE sequence_id = d.sequence_id AND position = d.following_step) || ' days') END,
           status = CASE WHEN d.following_step IS NULL THEN 'completed' ELSE 'active' END,
           end_reason = CASE WHEN d.following_step IS NULL THEN 'completed' END,
           ended_at = CASE WHEN d.following_step IS NULL THEN (SELECT now FROM clock) END
      FROM (SELECT * FROM nurture_due ORDER BY enrollment_id LIMIT (SELECT value FROM settings WHERE key = 'tick.batch')) AS d
     WHERE nurture_enrollments.id = d.enrollment_id AND d.consent = 1;

    -- (after the sent ones have moved on, so the batch is read afresh: it holds no sent enrollment)
    INSERT INTO _nurture_end(lead_id, enrollment_id, reason, applies)
    SELECT lead_id, enrollment_id, 'no_consent', 1
      FROM (SELECT * FROM nurture_due ORDER BY enrollment_id LIMIT (SELECT value FROM settings WHERE key = 'tick.batch'))
     WHERE consent IS NOT 1;

    -- Renewals (34_deals.sql): a won subscription whose contract ends within renewal.notice_days gets its
    -- renewal deal, for the same amount and term, owned by the account's owner (the deal's while the
    -- account has none active), answered within renewal.response_days, and a renewal_due notice.
    -- (by contract end, through deals_contract_end: the cost follows the renewals that fell due)
    INSERT INTO deals(account_id, lead_id, owner_id, kind, name, amount, stage, expected_close_on, contract_start, contract_end, renewal_of, response_due_at)
    SELECT d.account_id,
           -- (an erased contact is no renewal's contact)
           (SELECT l.id FROM lead_records AS l WHERE l.id = d.lead_id AND l.erased_at IS NULL),
           -- (the account's owner, else the deal's, else the contact's, whoever is active)
           coalesce((SELECT r.id FROM accounts AS a JOIN reps AS r ON r.id = a.owner_id WHERE a.id = d.account_id AND r.active = 1),
                    (SELECT r.id FROM reps AS r WHERE r.id = d.owner_id AND r.active = 1),
                    (SELECT r.id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id WHERE l.id = d.lead_id AND r.active = 1),
                    -- (else whoever active rep holds the account's people now, the latest assigned first)
                    (SELECT r.id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id
                      WHERE l.account_id = d.account_id AND r.active = 1 ORDER BY l.assigned_at DESC, l.id DESC LIMIT 1)),
           'renewal', d.name, d.amount, (SELECT name FROM deal_stages WHERE outcome IS NULL ORDER BY position LIMIT 1),
           d.contract_end, d.contract_end,
           -- The next term is as long as the last: so many months when the last ran whole months (from a
           -- day to the same day, from a month's end to a month's end, or from a month's first day to the
           -- day before a first), each end a month's end again when it was one; else so many days.
           CASE WHEN date(d.contract_end, '+1 day') = date(d.contract_end, '+1 day', 'start of month')
                     AND (date(d.contract_start, '+1 day') = date(d.contract_start, '+1 day', 'start of month')
                          OR d.contract_start = date(d.contract_start, 'start of month'))
                THEN date(d.contract_end, 'start of month', '+' || (m.value + 1) || ' months', '-1 day')
                WHEN strftime('%d', d.contract_start) = strftime('%d', d.contract_end)
                THEN CASE WHEN strftime('%d', date(d.contract_end, '+' || m.value || ' months')) = strftime('%d', d.contract_end)
                          THEN date(d.contract_end, '+' || m.value || ' months')
                          ELSE date(d.contract_end, 'start of month', '+' || (m.value + 1) || ' months', '-1 day') END
                ELSE date(d.contract_end, '+' || CAST(julianday(d.contract_end) - julianday(d.contract_start) AS INTEGER) || ' days') END,
           d.id,
           strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '+' || (SELECT value FROM settings WHERE key = 'renewal.response_days') || ' days')
      FROM deals AS d
      JOIN deal_stages AS s ON s.name = d.stage AND s.outcome = 'won'
      JOIN accounts AS a ON a.id = d.account_id AND a.merged_into IS NULL AND a.erased_at IS NULL AND a.customer_since IS NOT NULL
      -- (whole months from the start to the end; a contract from the 1st to a month's end counts its last month)
      JOIN json_each(json_array((strftime('%Y', d.contract_end) - strftime('%Y', d.contract_start)) * 12
                                + strftime('%m', d.contract_end) - strftime('%m', d.contract_start)
                                + (d.contract_start = date(d.contract_start, 'start of month')
                                   AND date(d.contract_end, '+1 day') = date(d.contract_end, '+1 day', 'start of month')))) AS m
     WHERE d.contract_end IS NOT NULL
       AND d.contract_end <= date((SELECT now FROM clock), '+' || (SELECT value FROM settings WHERE key = 'renewal.notice_days') || ' days')
       AND NOT EXISTS (SELECT 1 FROM deals AS n WHERE n.renewal_of = d.id)
     ORDER BY d.contract_end, d.id
     LIMIT (SELECT value FROM settings WHERE key = 'tick.batch');

    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'renewal_due', d.lead_id, d.owner_id,
           json_object('deal_id', d.id, 'account_id', d.account_id, 'renews', d.renewal_of, 'amount', d.amount,
                       'contract_ends_on', d.contract_start, 'response_due_at', d.response_due_at),
           d.created_at
      FROM deals AS d
     WHERE d.kind = 'renewal' AND d.created_at = (SELECT now FROM clock) AND d.renewal_of IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.kind = 'renewal_due' AND json_extract(o.payload, '$.deal_id') = d.id AND o.lead_id IS d.lead_id);

    -- Renewals left unanswered past their response_due_at (renewal_responses, 34_deals.sql): the owner's
    -- manager, else the team's, hears of each once (renewal_overdue). Each renewal that fell due is looked
    -- at once, answered or not, and recorded in renewal_escalations, so a tick's cost follows what fell
    -- due since the last one (and the open renewals past their deadline, one index lookup each).
    INSERT INTO renewal_escalations(deal_id, tick_id, response_due_at, owner_id, manager_id, status, answered_at, ran_at)
    SELECT d.id, NEW.id, d.response_due_at, d.owner_id,
           (SELECT m.manager_id FROM rep_escalation_managers AS m WHERE m.rep_id = d.owner_id),
           CASE WHEN p.answered_at IS NULL THEN 'notified' ELSE 'answered' END, p.answered_at, c.now
      FROM deals AS d INDEXED BY deals_response_due
      CROSS JOIN clock AS c
      JOIN renewal_responses AS p ON p.deal_id = d.id
     WHERE d.response_due_at IS NOT NULL AND d.closed_at IS NULL AND d.response_due_at < c.now
       AND NOT EXISTS (SELECT 1 FROM renewal_escalations AS e WHERE e.deal_id = d.id)
     ORDER BY d.response_due_at, d.id
     LIMIT (SELECT value FROM settings WHERE key = 'tick.batch');

    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'renewal_overdue', l.id, e.manager_id,
           json_object('deal_id', d.id, 'account_id', d.account_id, 'owner_id', e.owner_id, 'owner_name', o.name,
                       'manager_id', e.manager_id, 'amount', d.amount, 'contract_ends_on', d.contract_start,
                       'response_due_at', e.response_due_at,
                       'minutes_overdue', CAST(round((julianday(e.ran_at) - julianday(e.response_due_at)) * 86400) AS INTEGER) / 60),
           e.ran_at
      FROM renewal_escalations AS e
      JOIN deals AS d ON d.id = e.deal_id
      -- (an erased contact is named by no message)
      LEFT JOIN lead_records AS l ON l.id = d.lead_id AND l.erased_at IS NULL
      LEFT JOIN reps AS o ON o.id = e.owner_id
     WHERE e.tick_id = NEW.id AND e.status = 'notified'
     ORDER BY e.id;

    -- Tasks that fell due (88_tasks.sql): each tells its owner once (task_due; again after a new due time).
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'task_due', t.lead_id, t.owner_id,
           json_object('task_id', t.id, 'lead_id', t.lead_id, 'account_id', t.account_id, 'deal_id', t.deal_id,
                       'kind', t.kind, 'due_at', t.due_at, 'note', t.note),
           (SELECT now FROM clock)
      FROM (SELECT * FROM tasks INDEXED BY tasks_due_notice
             WHERE done_at IS NULL AND notified_at IS NULL AND due_at <= (SELECT now FROM clock)
             ORDER BY due_at, id LIMIT (SELECT value FROM settings WHERE key = 'tick.batch')) AS t
     ORDER BY t.due_at, t.id;
    UPDATE tasks SET notified_at = (SELECT now FROM clock)
     WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_due_notice
                   WHERE done_at IS NULL AND notified_at IS NULL AND due_at <= (SELECT now FROM clock)
                   ORDER BY due_at, id LIMIT (SELECT value FROM settings WHERE key = 'tick.batch'));

    -- Work left that another tick now would do: a full batch of escalation steps, search entries still
    -- queued, nurture steps still due, leads a rule change left to rescore, erasures whose terms may remain
    -- in the search index. (Reassign steps waiting for a free rep are not: trying them again at once finds
    -- no rep either; every tick retries the oldest tick.batch of them.)
    -- escalated_through: now when every step that fell due has run, else (a full batch) where the
    -- previous tick left it, so the next tick looks at the same steps again.
    UPDATE ticks
       SET escalated_through = CASE
               WHEN (SELECT count(*) FROM sla_escalation_runs WHERE tick_id = NEW.id) >= (SELECT value FROM settings WHERE key = 'tick.batch')
                   THEN (SELECT t.escalated_through FROM ticks AS t WHERE t.id < NEW.id ORDER BY t.id DESC LIMIT 1)
               ELSE ticked_at END,
           more_due = (SELECT count(*) FROM sla_escalation_runs WHERE tick_id = NEW.id) >= (SELECT value FROM settings WHERE key = 'tick.batch')
                   OR EXISTS (SELECT 1 FROM _search_queue)
                   OR EXISTS (SELECT 1 FROM nurture_due)
                   OR EXISTS (SELECT 1 FROM _rescoring)
                   OR EXISTS (SELECT 1 FROM _search_purge)
                   OR (SELECT count(*) FROM renewal_escalations WHERE tick_id = NEW.id) >= (SELECT value FROM settings WHERE key = 'tick.batch')
                   OR EXISTS (SELECT 1 FROM tasks INDEXED BY tasks_due_notice WHERE done_at IS NULL AND notified_at IS NULL AND due_at <= (SELECT now FROM clock))
                   OR EXISTS (SELECT 1 FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage AND s.outcome = 'won'
                               WHERE d.contract_end IS NOT NULL
                                 AND d.contract_end <= date((SELECT now FROM clock), '+' || (SELECT value FROM settings WHERE key = 'renewal.notice_days') || ' days')
                                 AND NOT EXISTS (SELECT 1 FROM deals AS n WHERE n.renewal_of = d.id)
                                 AND EXISTS (SELECT 1 FROM accounts AS a WHERE a.id = d.account_id AND a.merged_into IS NULL AND a.erased_at IS NULL))
     WHERE id = NEW.id;
END;

-- Escalation runs are history: a run's lead, step, assignment and deadline never change, and only a
-- waiting reassign step changes its state; no run is deleted.
CREATE TRIGGER sla_escalation_runs_before_update BEFORE UPDATE ON sla_escalation_runs
WHEN NEW.id IS NOT OLD.id OR NEW.lead_id IS NOT OLD.lead_id OR NEW.escalation_id IS NOT OLD.escalation_id
  OR NEW.assignment_id IS NOT OLD.assignment_id OR NEW.response_due_at IS NOT OLD.response_due_at
  OR NEW.action IS NOT OLD.action OR NEW.tick_id IS NOT OLD.tick_id OR OLD.status <> 'waiting'
BEGIN
    SELECT RAISE(ABORT, 'append_only: escalation runs cannot be changed');
END;

CREATE TRIGGER sla_escalation_runs_before_delete BEFORE DELETE ON sla_escalation_runs
BEGIN
    SELECT RAISE(ABORT, 'append_only: escalation runs cannot be deleted');
END;

-- Old ticks may be pruned, but not the latest: tick ids number the escalation runs of each tick, and a
-- reused id would send a past tick's notices again.
CREATE TRIGGER ticks_before_delete_latest BEFORE DELETE ON ticks
WHEN OLD.id = (SELECT max(id) FROM ticks)
BEGIN
    SELECT RAISE(ABORT, 'maintained: the latest tick is kept (its id numbers escalation runs); delete older ticks only');
END;

-- escalated_through is where a tick left the escalations: a value another writer sets (other than clearing
-- it, which makes the next tick look at every breached lead) would skip steps that are due.
CREATE TRIGGER ticks_before_update_escalated_through BEFORE UPDATE OF escalated_through ON ticks
WHEN NEW.escalated_through IS NOT OLD.escalated_through AND NEW.escalated_through IS NOT NULL
 AND NEW.escalated_through IS NOT NEW.ticked_at
 AND NEW.escalated_through IS NOT (SELECT t.escalated_through FROM ticks AS t WHERE t.id < NEW.id ORDER BY t.id DESC LIMIT 1)
BEGIN
    SELECT RAISE(ABORT, 'maintained: ticks.escalated_through is kept by the ticks; set it to NULL to have the next tick look at every breached lead');
END;

-- A new or changed escalation step, and a clock set or shifted back before the latest tick's
-- escalated_through, make the next tick look at every breached lead again: steps may then be due that fell
-- due before it.
CREATE TRIGGER sla_escalations_after_insert_watermark AFTER INSERT ON sla_escalations
BEGIN
    UPDATE ticks SET escalated_through = NULL WHERE id = (SELECT max(id) FROM ticks);
END;

CREATE TRIGGER sla_escalations_after_update_watermark AFTER UPDATE OF minutes_overdue, action ON sla_escalations
BEGIN
    UPDATE ticks SET escalated_through = NULL WHERE id = (SELECT max(id) FROM ticks);
END;

CREATE TRIGGER settings_after_update_clock_watermark AFTER UPDATE OF value ON settings
WHEN NEW.key IN ('clock.now', 'clock.shift') AND NEW.value IS NOT OLD.value
BEGIN
    UPDATE ticks SET escalated_through = NULL
     WHERE id = (SELECT max(id) FROM ticks) AND escalated_through > (SELECT now FROM clock);
END;

-- A deadline set before the mark (an assignment a program wrote with a past time, say) has steps that fell
-- due before it: the next tick looks at every breached lead.
CREATE TRIGGER lead_records_after_update_deadline_watermark AFTER UPDATE OF response_due_at ON lead_records
WHEN NEW.response_due_at < (SELECT t.escalated_through FROM ticks AS t ORDER BY t.id DESC LIMIT 1)
BEGIN
    UPDATE ticks SET escalated_through = NULL WHERE id = (SELECT max(id) FROM ticks);
END;
