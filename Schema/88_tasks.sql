-- Tasks and reminders (migration 0024).
--
-- INSERT INTO tasks(lead_id, kind, due_at, note) VALUES (42, 'call', '2026-11-26T10:00:00Z', 'Ask about Q1'):
-- a task about a lead (or an account, or a deal: at least one of them), of a kind in task_kinds, owned by
-- owner_id or, left out, by the lead's owner (else the account's, else the deal's). due_at is a time as
-- time_input reads it (NULL: no due time); the note is one paragraph of printable text.
--
-- UPDATE tasks SET outcome = 'connected' WHERE id = 7 completes it now (done_at may be given, not in the
-- future). Completing a task whose kind logs an activity (call, email, meeting: task_kinds) logs it on
-- the lead, at done_at, so it counts as the lead's response; outcome 'cancelled' logs nothing. A done
-- task is final: only its note changes. Tasks are not deleted: cancel one instead.
--
-- Task rules (task_rules) make the next task: after a lead's move into a stage, or an activity of a kind
-- (logged no more than a day before now: an import of old history makes no work), a task of the rule's
-- kind due delay_minutes later (in business hours when business_hours = 1: business_time_from,
-- 85_sla.sql), for the lead's owner, unless the lead is closed or erased or has an open task of that kind
-- already. Shipped: a follow-up call two business days after `contacted` and after a call (completing a
-- call task schedules the next), and a call within a business hour of a demo request.
--
-- A task follows its lead to a new owner (80_routing.sql) while it is open and was the old owner's or
-- nobody's. On a tick, a task that fell due tells its owner once (task_due, 96_ticks.sql). An erasure
-- cancels the person's open tasks and removes every note and outcome (95_privacy.sql).

-- Internal: the checks of a task as written (insert) or changed (update), one problem at most.
CREATE VIEW _task_check AS SELECT NULL AS id, NULL AS old_owner_id WHERE 0;

CREATE TRIGGER _task_check_instead_of_insert INSTEAD OF INSERT ON _task_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN t.lead_id IS NULL AND t.account_id IS NULL AND t.deal_id IS NULL
            THEN 'invalid_task: task ' || t.id || ' needs a lead_id, an account_id or a deal_id'
        WHEN t.lead_id IS NOT NULL AND l.id IS NULL
            THEN 'unknown_lead: no lead has id ' || quote(t.lead_id)
        WHEN l.merged_into IS NOT NULL AND t.done_at IS NULL
            THEN 'merged_lead: lead ' || l.id || ' was merged into lead ' || l.merged_into || '; add the task to lead ' || l.merged_into
        WHEN l.erased_at IS NOT NULL AND t.done_at IS NULL
            THEN 'erased_lead: lead ' || l.id || ' was erased; no task is made for it'
        WHEN t.account_id IS NOT NULL AND a.id IS NULL
            THEN 'unknown_account: no account has id ' || quote(t.account_id)
        WHEN a.merged_into IS NOT NULL AND t.done_at IS NULL
            THEN 'merged_account: account ' || a.id || ' was merged into account ' || a.merged_into || '; give the task to ' || a.merged_into
        WHEN a.erased_at IS NOT NULL AND t.done_at IS NULL
            THEN 'erased_account: account ' || a.id || ' was erased at ' || a.erased_at || '; no task is made for it'
        WHEN t.deal_id IS NOT NULL AND d.id IS NULL
            THEN 'invalid_task: no deal has id ' || quote(t.deal_id)
        WHEN k.kind IS NULL
            THEN 'invalid_task: ' || quote(t.kind) || ' is not a task kind (kinds: ' || (SELECT group_concat(kind, ', ') FROM task_kinds) || ')'
        WHEN t.owner_id IS NOT NEW.old_owner_id AND t.owner_id IS NOT NULL AND r.id IS NULL
            THEN 'unknown_rep: no rep has id ' || quote(t.owner_id) || ' (the owner of task ' || t.id || ')'
        WHEN t.owner_id IS NOT NEW.old_owner_id AND r.active = 0
            THEN 'inactive_rep: rep ' || r.id || ' (' || r.name || ') is inactive; a task''s owner is an active rep'
        WHEN t.due_at IS NOT NULL AND (SELECT ti.problem FROM time_input AS ti WHERE ti.arg = json_array(CAST(t.due_at AS TEXT))) IS NOT NULL
            THEN 'invalid_time: due_at ' || CAST(t.due_at AS TEXT) || ' ' || (SELECT ti.problem FROM time_input AS ti WHERE ti.arg = json_array(CAST(t.due_at AS TEXT)))
        WHEN t.done_at IS NOT NULL AND (SELECT coalesce(ti.problem, ti.future) FROM time_input AS ti WHERE ti.arg = json_array(CAST(t.done_at AS TEXT))) IS NOT NULL
            THEN 'invalid_time: done_at ' || CAST(t.done_at AS TEXT) || ' ' || (SELECT coalesce(ti.problem, ti.future) FROM time_input AS ti WHERE ti.arg = json_array(CAST(t.done_at AS TEXT)))
        WHEN t.done_at IS NOT NULL AND strftime('%Y-%m-%dT%H:%M:%fZ', t.done_at) < t.created_at
            THEN 'invalid_time: done_at ' || CAST(t.done_at AS TEXT) || ' is before task ' || t.id || ' was made (' || t.created_at || ')'
        WHEN length(t.note) > 2000 OR instr(t.note, char(0))
            THEN 'invalid_text: the note of task ' || t.id || CASE WHEN instr(t.note, char(0)) THEN ' contains a NUL byte' ELSE ' has ' || length(t.note) || ' characters (at most 2000)' END
        WHEN length(t.outcome) > 200 OR instr(t.outcome, char(0)) OR instr(t.outcome, char(10)) OR instr(t.outcome, char(13)) OR trim(t.outcome) = ''
            THEN 'invalid_text: the outcome of task ' || t.id || ' is one line of at most 200 characters, such as connected or no_answer'
        END, json_object('task', t.id, 'lead', t.lead_id)))
      FROM tasks AS t
      LEFT JOIN lead_records AS l ON l.id = t.lead_id
      LEFT JOIN accounts AS a ON a.id = t.account_id
      LEFT JOIN deals AS d ON d.id = t.deal_id
      LEFT JOIN task_kinds AS k ON k.kind = t.kind
      LEFT JOIN reps AS r ON r.id = t.owner_id
     WHERE t.id = NEW.id;
    -- (a text no rule can read: the same checks as a lead's text)
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || b.problem, json_object('task', NEW.id, 'field', b.field, 'byte', b.bad_byte)))
      FROM tasks AS t, utf8_fields AS b
     WHERE t.id = NEW.id AND (coalesce(t.note, '') || coalesce(t.outcome, '')) GLOB '*[^ -~]*'
       AND b.arg = json_object('note', t.note, 'outcome', t.outcome) LIMIT 1;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || c.problem, json_object('task', NEW.id, 'field', c.field)))
      FROM tasks AS t, control_fields AS c
     WHERE t.id = NEW.id AND (coalesce(t.note, '') || coalesce(t.outcome, '')) GLOB '*[^ -~]*'
       AND c.arg = json_array(json_object('note', t.note, 'outcome', t.outcome), json_array('note')) LIMIT 1;
END;

CREATE TRIGGER tasks_before_insert BEFORE INSERT ON tasks
BEGIN
    SELECT RAISE(ABORT, 'already_exists: a task with that id exists; update it instead (a replace would delete it)')
     WHERE NEW.id <> -1 AND EXISTS (SELECT 1 FROM tasks WHERE id = NEW.id);
    -- (an id far ahead would leave SQLite no next one: tasks are numbered in order)
    SELECT RAISE(ABORT, 'maintained: tasks are numbered in order by SQLite; leave out the id')
     WHERE NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM tasks), 0) + 1;
    SELECT RAISE(ABORT, 'maintained: a task is made open; created_at, done_at, outcome, activity_id and notified_at are kept by LeadDB (complete it with UPDATE tasks SET outcome = ...)')
     WHERE coalesce(NEW.created_at, NEW.done_at, NEW.outcome, NEW.activity_id, NEW.notified_at) IS NOT NULL;
    SELECT RAISE(ABORT, 'invalid_task: rule_id names no task rule')
     WHERE NEW.rule_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task_rules WHERE id = NEW.rule_id);
END;

CREATE TRIGGER tasks_after_insert AFTER INSERT ON tasks
BEGIN
    SELECT RAISE(ABORT, 'maintained: tasks are numbered in order by SQLite; leave out the id') WHERE NEW.id < 1;
    -- (a lead's task belongs to the account of its lead; another account given is a mistake)
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_task: lead ' || l.id || ' is of ' || coalesce('account ' || l.account_id, 'no account') || ', not account ' || quote(NEW.account_id),
               json_object('task', NEW.id, 'lead', l.id)))
      FROM lead_records AS l
     WHERE l.id = NEW.lead_id AND NEW.account_id IS NOT NULL AND NEW.account_id IS NOT l.account_id;
    -- The owner left out: the lead's, else the account's, else the deal's, whoever is active. A lead's
    -- task is its lead's account's, and a deal's task its deal's contact's and account's.
    UPDATE tasks
       SET lead_id = coalesce(NEW.lead_id, (SELECT d.lead_id FROM deals AS d JOIN lead_records AS l ON l.id = d.lead_id WHERE d.id = NEW.deal_id AND l.erased_at IS NULL)),
           account_id = coalesce((SELECT account_id FROM lead_records WHERE id = NEW.lead_id), NEW.account_id, (SELECT account_id FROM deals WHERE id = NEW.deal_id)),
           owner_id = coalesce(NEW.owner_id,
                               (SELECT r.id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id WHERE l.id = NEW.lead_id AND r.active = 1),
                               (SELECT r.id FROM accounts AS a JOIN reps AS r ON r.id = a.owner_id WHERE a.id = NEW.account_id AND r.active = 1),
                               (SELECT r.id FROM deals AS d JOIN reps AS r ON r.id = d.owner_id WHERE d.id = NEW.deal_id AND r.active = 1)),
           kind = lower(trim(NEW.kind)),
           note = nullif(trim(NEW.note, char(32, 9, 10, 13)), ''),
           created_at = (SELECT now FROM clock)
     WHERE id = NEW.id;
    INSERT INTO _task_check(id, old_owner_id) VALUES (NEW.id, -1);
    -- (a due time is stored as time_input reads it)
    UPDATE tasks SET due_at = (SELECT ti.at FROM time_input AS ti WHERE ti.arg = json_array(CAST(NEW.due_at AS TEXT)))
     WHERE id = NEW.id AND NEW.due_at IS NOT NULL;
END;

-- A task keeps what it is about, its kind, its rule and when it was made; a done task is final but for
-- its note. activity_id is the one its completion logged. (created_at is NULL only while the task's
-- insert stores its values as read.)
CREATE TRIGGER tasks_before_update BEFORE UPDATE ON tasks
WHEN OLD.created_at IS NOT NULL AND (
     NEW.id IS NOT OLD.id OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id))
  -- (an account merged into another takes its tasks along: 32_accounts.sql)
  OR (NEW.account_id IS NOT OLD.account_id AND NEW.account_id IS NOT (SELECT merged_into FROM accounts WHERE id = OLD.account_id))
  OR NEW.deal_id IS NOT OLD.deal_id OR NEW.kind IS NOT OLD.kind OR NEW.rule_id IS NOT OLD.rule_id
  OR NEW.created_at IS NOT OLD.created_at
  OR (NEW.activity_id IS NOT OLD.activity_id
      AND NOT (OLD.activity_id IS NULL AND OLD.done_at IS NOT NULL AND OLD.outcome IS NOT 'cancelled'
               AND NEW.activity_id IS (SELECT max(a.id) FROM activity_log AS a WHERE a.lead_id = OLD.lead_id)
               AND (SELECT a.kind || a.occurred_at FROM activity_log AS a WHERE a.id = NEW.activity_id)
                   IS (SELECT k.activity_kind FROM task_kinds AS k WHERE k.kind = OLD.kind) || OLD.done_at))
  -- (the ticks set notified_at to now; a new due time clears it)
  OR (NEW.notified_at IS NOT OLD.notified_at AND NEW.notified_at IS NOT NULL AND NEW.notified_at IS NOT (SELECT now FROM clock))
  OR (OLD.done_at IS NOT NULL AND (
         (NEW.done_at IS NOT OLD.done_at AND NEW.done_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', OLD.done_at))
      OR NEW.owner_id IS NOT OLD.owner_id OR NEW.due_at IS NOT OLD.due_at OR NEW.notified_at IS NOT OLD.notified_at
      OR (NEW.outcome IS NOT OLD.outcome AND NEW.outcome IS NOT CASE WHEN lower(trim(OLD.outcome)) IN ('cancelled', 'canceled') THEN 'cancelled' ELSE nullif(trim(OLD.outcome), '') END
          -- (an erasure takes the outcome away)
          AND NOT (NEW.outcome IS NULL AND ((SELECT erased_at FROM lead_records WHERE id = OLD.lead_id) IS NOT NULL
                                            OR (SELECT erased_at FROM accounts WHERE id = OLD.account_id) IS NOT NULL
                                            OR (SELECT l.erased_at FROM deals AS d JOIN lead_records AS l ON l.id = d.lead_id WHERE d.id = OLD.deal_id) IS NOT NULL))))))
BEGIN
    SELECT RAISE(ABORT, 'read_only: a task keeps its lead, account, deal, kind, rule and times, and a done task is final but for its note; add another task');
END;

CREATE TRIGGER tasks_after_update AFTER UPDATE OF owner_id, due_at, note, done_at, outcome ON tasks
WHEN OLD.created_at IS NOT NULL AND (NEW.owner_id IS NOT OLD.owner_id OR NEW.due_at IS NOT OLD.due_at OR NEW.note IS NOT OLD.note
  OR NEW.done_at IS NOT OLD.done_at OR NEW.outcome IS NOT OLD.outcome)
BEGIN
    -- An erased person's task takes no note or outcome back.
    SELECT RAISE(ABORT, 'erased_lead: the lead of this task was erased; no note or outcome is written to it')
     WHERE (NEW.note IS NOT NULL OR (NEW.outcome IS NOT NULL AND lower(trim(NEW.outcome)) NOT IN ('cancelled', 'canceled')))
       AND (NEW.note IS NOT OLD.note OR NEW.outcome IS NOT OLD.outcome)
       AND (SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL;
    INSERT INTO _task_check(id, old_owner_id) VALUES (NEW.id, OLD.owner_id);
    -- A new due time is stored as read, and tells the owner again when it falls due (the same time
    -- written again, in any form, does not).
    UPDATE tasks
       SET due_at = (SELECT ti.at FROM time_input AS ti WHERE ti.arg = json_array(CAST(NEW.due_at AS TEXT))),
           notified_at = CASE WHEN (SELECT ti.at FROM time_input AS ti WHERE ti.arg = json_array(CAST(NEW.due_at AS TEXT))) IS OLD.due_at
                              THEN OLD.notified_at END
     WHERE id = NEW.id AND NEW.due_at IS NOT OLD.due_at;
    -- Its undelivered task_due follows it to a new owner.
    UPDATE outbox SET rep_id = NEW.owner_id
     WHERE NEW.owner_id IS NOT OLD.owner_id AND lead_id IS NEW.lead_id AND kind = 'task_due' AND delivered_at IS NULL
       AND json_extract(payload, '$.task_id') = NEW.id;
    -- Completed: when (now unless given), and the activity its kind logs.
    UPDATE tasks
       SET done_at = coalesce((SELECT ti.at FROM time_input AS ti WHERE ti.arg = json_array(CAST(NEW.done_at AS TEXT))), (SELECT now FROM clock)),
           outcome = CASE WHEN lower(trim(NEW.outcome)) IN ('cancelled', 'canceled') THEN 'cancelled' ELSE nullif(trim(NEW.outcome), '') END
     WHERE id = NEW.id AND OLD.done_at IS NULL AND (NEW.done_at IS NOT NULL OR NEW.outcome IS NOT NULL)
       AND (NEW.done_at IS NULL OR NEW.done_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', NEW.done_at)
            OR NEW.outcome IS NOT CASE WHEN lower(trim(NEW.outcome)) IN ('cancelled', 'canceled') THEN 'cancelled' ELSE nullif(trim(NEW.outcome), '') END);
    INSERT INTO activities(lead_id, kind, occurred_at, detail)
    SELECT t.lead_id, k.activity_kind, t.done_at, 'task ' || t.id || coalesce(': ' || t.outcome, '')
      FROM tasks AS t JOIN task_kinds AS k ON k.kind = t.kind
     WHERE t.id = NEW.id AND OLD.done_at IS NULL AND t.done_at IS NOT NULL
       AND k.activity_kind IS NOT NULL AND t.lead_id IS NOT NULL AND t.outcome IS NOT 'cancelled'
       AND (SELECT erased_at FROM lead_records WHERE id = t.lead_id) IS NULL;
    UPDATE tasks SET activity_id = (SELECT max(a.id) FROM activity_log AS a WHERE a.lead_id = NEW.lead_id)
     WHERE id = NEW.id AND OLD.done_at IS NULL AND done_at IS NOT NULL AND lead_id IS NOT NULL
       AND (SELECT k.activity_kind FROM task_kinds AS k WHERE k.kind = NEW.kind) IS NOT NULL AND outcome IS NOT 'cancelled'
       AND (SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NULL;
END;

CREATE TRIGGER tasks_before_delete BEFORE DELETE ON tasks
BEGIN
    SELECT RAISE(ABORT, 'read_only: tasks are not deleted; cancel one instead (UPDATE tasks SET outcome = ''cancelled'')');
END;

-- Task kinds and rules are configuration, checked as written.
CREATE TRIGGER task_kinds_after_insert_check AFTER INSERT ON task_kinds
BEGIN
    INSERT INTO _task_config_check(kind, rule_id) VALUES (NEW.kind, NULL);
END;

CREATE TRIGGER task_kinds_after_update_check AFTER UPDATE ON task_kinds
BEGIN
    INSERT INTO _task_config_check(kind, rule_id) VALUES (NEW.kind, NULL);
END;

CREATE TRIGGER task_kinds_before_update_kind BEFORE UPDATE OF kind ON task_kinds
WHEN NEW.kind IS NOT OLD.kind AND (EXISTS (SELECT 1 FROM tasks WHERE kind = OLD.kind) OR EXISTS (SELECT 1 FROM task_rules WHERE kind = OLD.kind))
BEGIN
    SELECT RAISE(ABORT, 'kind_in_use: tasks or task rules have this kind; it keeps its name');
END;

CREATE TRIGGER task_kinds_before_delete BEFORE DELETE ON task_kinds
WHEN EXISTS (SELECT 1 FROM tasks WHERE kind = OLD.kind) OR EXISTS (SELECT 1 FROM task_rules WHERE kind = OLD.kind)
BEGIN
    SELECT RAISE(ABORT, 'kind_in_use: tasks or task rules have this kind; it is not deleted');
END;

CREATE TRIGGER task_kinds_before_update_kind_no_replace BEFORE UPDATE OF kind ON task_kinds
WHEN NEW.kind IS NOT OLD.kind AND EXISTS (SELECT 1 FROM task_kinds WHERE kind = NEW.kind)
BEGIN
    SELECT RAISE(ABORT, 'already_exists: that task kind exists; a kind is not moved onto another (a replace would delete it)');
END;

CREATE TRIGGER task_kinds_before_insert_no_replace BEFORE INSERT ON task_kinds
WHEN EXISTS (SELECT 1 FROM task_kinds WHERE kind = NEW.kind)
BEGIN
    SELECT RAISE(ABORT, 'already_exists: that task kind exists; update it instead');
END;

CREATE TRIGGER task_rules_after_insert_check AFTER INSERT ON task_rules
BEGIN
    SELECT RAISE(ABORT, 'maintained: task rules are numbered by SQLite; leave out the id') WHERE NEW.id < 1;
    INSERT INTO _task_config_check(kind, rule_id) VALUES (NULL, NEW.id);
END;

CREATE TRIGGER task_rules_after_update_check AFTER UPDATE ON task_rules
BEGIN
    INSERT INTO _task_config_check(kind, rule_id) VALUES (NULL, NEW.id);
END;

CREATE TRIGGER task_rules_before_insert_no_replace BEFORE INSERT ON task_rules
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM task_rules WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'already_exists: a task rule with that id exists; update it instead');
END;

CREATE TRIGGER task_rules_before_update_id BEFORE UPDATE OF id ON task_rules
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'read_only: a task rule keeps its id (its tasks name it)');
END;

CREATE TRIGGER task_rules_before_delete BEFORE DELETE ON task_rules
WHEN EXISTS (SELECT 1 FROM tasks WHERE rule_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'rule_in_use: tasks were made by this rule; set active = 0 instead');
END;

CREATE VIEW _task_config_check AS SELECT NULL AS kind, NULL AS rule_id WHERE 0;

CREATE TRIGGER _task_config_check_instead_of_insert INSTEAD OF INSERT ON _task_config_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_config: task kind ' || quote(k.kind) || ' is lower-case letters, digits and _ and logs an outbound activity kind (a rep''s touch) or nothing; got '
               || quote(k.kind) || ', ' || quote(k.activity_kind), json_object('kind', k.kind)))
      FROM task_kinds AS k
     WHERE NEW.kind IS NOT NULL AND k.kind = NEW.kind
       AND (k.kind GLOB '*[^a-z0-9_]*' OR k.kind NOT GLOB '[a-z]*'
            OR (k.activity_kind IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activity_kinds WHERE kind = k.activity_kind AND direction = 'outbound')));
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_config: task rule ' || r.id || ' needs after_stage (a stage) or after_activity (an activity kind), not both, '
               || 'a task kind, a whole number of delay_minutes from 0 to 525600, and business_hours and active of 0 or 1; got '
               || quote(r.after_stage) || ', ' || quote(r.after_activity) || ', ' || quote(r.kind) || ', ' || quote(r.delay_minutes)
               || ', ' || quote(r.business_hours) || ', ' || quote(r.active), json_object('rule', r.id)))
      FROM task_rules AS r
     WHERE NEW.rule_id IS NOT NULL AND r.id = NEW.rule_id
       AND ((r.after_stage IS NULL) = (r.after_activity IS NULL)
            OR (r.after_stage IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stages WHERE name = r.after_stage))
            OR (r.after_activity IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activity_kinds WHERE kind = r.after_activity))
            OR NOT EXISTS (SELECT 1 FROM task_kinds WHERE kind = r.kind)
            OR typeof(r.delay_minutes) <> 'integer' OR r.delay_minutes NOT BETWEEN 0 AND 525600
            OR r.business_hours NOT IN (0, 1) OR typeof(r.business_hours) <> 'integer'
            OR r.active NOT IN (0, 1) OR typeof(r.active) <> 'integer'
            OR length(r.note) > 2000 OR instr(r.note, char(0)) > 0);
    -- (a rule's note becomes its tasks' notes: the same text checks)
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_config: task rule ' || r.id || ' ' || b.problem, json_object('rule', r.id, 'field', b.field)))
      FROM task_rules AS r, utf8_fields AS b
     WHERE NEW.rule_id IS NOT NULL AND r.id = NEW.rule_id AND r.note GLOB '*[^ -~]*' AND b.arg = json_object('note', r.note) LIMIT 1;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_config: task rule ' || r.id || ' ' || c.problem, json_object('rule', r.id, 'field', c.field)))
      FROM task_rules AS r, control_fields AS c
     WHERE NEW.rule_id IS NOT NULL AND r.id = NEW.rule_id AND r.note GLOB '*[^ -~]*'
       AND c.arg = json_array(json_object('note', r.note), json_array('note')) LIMIT 1;
END;

-- Internal: when a task a rule makes now is due: delay_minutes on, in business hours when the rule says
-- so (business_time_from, 85_sla.sql), else (or with no open hours at all) in calendar time.
CREATE VIEW _task_rule_due AS
SELECT r.id AS rule_id,
       coalesce(CASE WHEN r.business_hours = 1
                     THEN (SELECT b.due FROM business_time_from AS b WHERE b.arg = json_array((SELECT now FROM clock), r.delay_minutes)) END,
                strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT now FROM clock), '+' || r.delay_minutes || ' minutes')) AS due
  FROM task_rules AS r;

-- Internal: the tasks the rules make after a lead's move (stage) or activity (activity_kind) at `at`.
CREATE VIEW _task_from_rules AS SELECT NULL AS lead_id, NULL AS stage, NULL AS activity_kind, NULL AS at WHERE 0;

CREATE TRIGGER _task_from_rules_instead_of_insert INSTEAD OF INSERT ON _task_from_rules
BEGIN
    -- A lead with an open task of the rule's kind keeps it, due no later than the rule says (a demo request
    -- brings a call planned for later forward).
    UPDATE tasks
       SET due_at = (SELECT d.due FROM _task_rule_due AS d WHERE d.rule_id = (
                        SELECT r.id FROM task_rules AS r
                         WHERE r.active = 1 AND r.kind = tasks.kind
                           AND ((NEW.stage IS NOT NULL AND r.after_stage = NEW.stage) OR (NEW.activity_kind IS NOT NULL AND r.after_activity = NEW.activity_kind))
                         ORDER BY r.id LIMIT 1))
     WHERE lead_id = NEW.lead_id AND done_at IS NULL
       AND kind IN (SELECT r.kind FROM task_rules AS r WHERE r.active = 1
                     AND ((NEW.stage IS NOT NULL AND r.after_stage = NEW.stage) OR (NEW.activity_kind IS NOT NULL AND r.after_activity = NEW.activity_kind)))
       AND id = (SELECT min(t.id) FROM tasks AS t WHERE t.lead_id = NEW.lead_id AND t.kind = tasks.kind AND t.done_at IS NULL)
       AND (due_at IS NULL
            OR due_at > (SELECT d.due FROM _task_rule_due AS d WHERE d.rule_id = (
                            SELECT r.id FROM task_rules AS r
                             WHERE r.active = 1 AND r.kind = tasks.kind
                               AND ((NEW.stage IS NOT NULL AND r.after_stage = NEW.stage) OR (NEW.activity_kind IS NOT NULL AND r.after_activity = NEW.activity_kind))
                             ORDER BY r.id LIMIT 1)));
    -- (one task per kind: the first rule of each; the rules by stage or by activity kind, each through
    -- its index in id order)
    INSERT INTO tasks(lead_id, account_id, owner_id, kind, due_at, note, rule_id)
    SELECT l.id, l.account_id, (SELECT o.id FROM reps AS o WHERE o.id = l.owner_id AND o.active = 1), r.kind,
           (SELECT d.due FROM _task_rule_due AS d WHERE d.rule_id = r.id),
           r.note, r.id
      FROM task_rules AS r INDEXED BY task_rules_stage
      JOIN lead_records AS l ON l.id = NEW.lead_id
     WHERE NEW.stage IS NOT NULL AND r.after_stage = NEW.stage AND r.active = 1
       AND r.id = (SELECT min(r2.id) FROM task_rules AS r2 INDEXED BY task_rules_stage
                    WHERE r2.after_stage = NEW.stage AND r2.active = 1 AND r2.kind = r.kind)
       AND l.closed_at IS NULL AND l.erased_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM tasks AS t WHERE t.lead_id = l.id AND t.kind = r.kind AND t.done_at IS NULL);
    INSERT INTO tasks(lead_id, account_id, owner_id, kind, due_at, note, rule_id)
    SELECT l.id, l.account_id, (SELECT o.id FROM reps AS o WHERE o.id = l.owner_id AND o.active = 1), r.kind,
           (SELECT d.due FROM _task_rule_due AS d WHERE d.rule_id = r.id),
           r.note, r.id
      FROM task_rules AS r INDEXED BY task_rules_activity
      JOIN lead_records AS l ON l.id = NEW.lead_id
     WHERE NEW.activity_kind IS NOT NULL AND r.after_activity = NEW.activity_kind AND r.active = 1
       AND r.id = (SELECT min(r2.id) FROM task_rules AS r2 INDEXED BY task_rules_activity
                    WHERE r2.after_activity = NEW.activity_kind AND r2.active = 1 AND r2.kind = r.kind)
       AND l.closed_at IS NULL AND l.erased_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM tasks AS t WHERE t.lead_id = l.id AND t.kind = r.kind AND t.done_at IS NULL);
END;

CREATE TRIGGER stage_history_after_insert_tasks AFTER INSERT ON stage_history
WHEN EXISTS (SELECT 1 FROM task_rules WHERE after_stage = NEW.to_stage AND active = 1)
BEGIN
    INSERT INTO _task_from_rules(lead_id, stage, activity_kind, at) VALUES (NEW.lead_id, NEW.to_stage, NULL, NEW.changed_at);
END;

CREATE TRIGGER activity_log_after_insert_tasks AFTER INSERT ON activity_log
WHEN EXISTS (SELECT 1 FROM task_rules WHERE after_activity = NEW.kind AND active = 1)
 AND NEW.occurred_at >= (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', now, '-1 day') FROM clock)
BEGIN
    INSERT INTO _task_from_rules(lead_id, stage, activity_kind, at) VALUES (NEW.lead_id, NULL, NEW.kind, NEW.occurred_at);
END;

-- Open tasks past their due time, the longest overdue first.
CREATE VIEW overdue_tasks AS
SELECT t.id AS task_id, t.lead_id, t.account_id, t.deal_id, t.owner_id, r.name AS owner, t.kind, t.due_at, t.note,
       CAST(round((julianday(c.now) - julianday(t.due_at)) * 1440) AS INTEGER) AS minutes_overdue
  FROM clock AS c
  JOIN tasks AS t ON t.done_at IS NULL AND t.due_at < c.now
  LEFT JOIN reps AS r ON r.id = t.owner_id
 ORDER BY t.due_at, t.id;

-- Open leads at or past mql with no open task: nobody has planned what happens next.
CREATE VIEW no_next_step AS
SELECT l.id AS lead_id, l.owner_id, r.name AS owner, l.stage, l.score, l.last_activity_at
  FROM leads AS l
  JOIN stages AS s ON s.name = l.stage
  LEFT JOIN reps AS r ON r.id = l.owner_id
 WHERE l.closed_at IS NULL AND l.erased_at IS NULL AND s.outcome IS NULL
   AND s.position >= (SELECT position FROM stages WHERE name = 'mql')
   AND NOT EXISTS (SELECT 1 FROM tasks AS t WHERE t.lead_id = l.id AND t.done_at IS NULL)
 ORDER BY l.score DESC, l.id;

-- A rep's day, in the order to work it: SELECT * FROM my_day WHERE rep_id = ?. rank 1: tasks overdue;
-- 2: first responses due today or late (sla_breached, sla_due); 3: tasks due later today; 4: leads
-- assigned in the last day not yet answered (without a deadline today); 5: leads with no next step
-- (no_next_step), the highest score first. Today ends at midnight UTC.
CREATE VIEW my_day AS
SELECT r.id AS rep_id, r.name AS rep, i.rank, i.item, i.lead_id, i.task_id, i.due_at, i.detail
  FROM reps AS r
  JOIN (SELECT t.owner_id AS rep_id, 1 AS rank, 'overdue_task' AS item, t.lead_id, t.id AS task_id, t.due_at,
               t.kind || coalesce(': ' || t.note, '') AS detail, t.due_at AS sort_at, 0 AS sort_score
          FROM tasks AS t
         WHERE t.done_at IS NULL AND t.due_at < (SELECT now FROM clock)
        UNION ALL
        SELECT l.owner_id, 2, CASE WHEN l.response_due_at < (SELECT now FROM clock) THEN 'sla_breached' ELSE 'sla_due' END,
               l.id, NULL, l.response_due_at, 'first response', l.response_due_at, 0
          FROM lead_records AS l
         WHERE l.first_response_at IS NULL AND l.closed_at IS NULL AND l.erased_at IS NULL AND l.response_due_at IS NOT NULL
           AND l.response_due_at < (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', date(now, '+1 day')) FROM clock)
        UNION ALL
        SELECT t.owner_id, 3, 'task_today', t.lead_id, t.id, t.due_at, t.kind || coalesce(': ' || t.note, ''), t.due_at, 0
          FROM tasks AS t
         WHERE t.done_at IS NULL AND t.due_at >= (SELECT now FROM clock)
           AND t.due_at < (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', date(now, '+1 day')) FROM clock)
        UNION ALL
        SELECT l.owner_id, 4, 'new_lead', l.id, NULL, l.assigned_at, 'assigned ' || l.assigned_at, l.assigned_at, 0
          FROM lead_records AS l
         WHERE l.first_response_at IS NULL AND l.closed_at IS NULL AND l.erased_at IS NULL
           AND l.assigned_at >= (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', now, '-1 day') FROM clock)
           AND (l.response_due_at IS NULL OR l.response_due_at >= (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', date(now, '+1 day')) FROM clock))
        UNION ALL
        SELECT n.owner_id, 5, 'no_next_step', n.lead_id, NULL, NULL, n.stage || ', score ' || round(n.score, 1), NULL, n.score
          FROM no_next_step AS n) AS i
    ON i.rep_id = r.id
 ORDER BY r.id, i.rank, i.sort_at, i.sort_score DESC, i.lead_id;
