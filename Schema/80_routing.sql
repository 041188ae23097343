-- Routing and assignment.
--
-- A lead's owner changes only through `assignments`: routing inserts a decision, and
-- `UPDATE leads SET owner_id = ?` inserts a manual one (see 30_leads.sql). The assignment trigger keeps
-- every rep's open-lead count exact, numbers the rep's latest assignment (round robin reads it), stamps
-- assigned_at and restarts the SLA clock for the new owner.

-- A condition of a routing rule as a list: a JSON array of accepted values, or one value.
-- Which routing rules match which lead (a NULL condition matches anything; comparisons ignore case;
-- countries compare ISO codes, so "Germany", "DE" and "DEU" in a rule all match a lead stored as DE).
CREATE VIEW routing_matches AS
SELECT l.id AS lead_id, r.id AS rule_id, r.priority, r.team
  FROM lead_records AS l, routing_rules AS r
 WHERE (r.country IS NULL OR EXISTS (
            SELECT 1 FROM json_each(CASE WHEN json_valid(r.country) AND json_type(r.country) = 'array' THEN r.country ELSE json_array(r.country) END) AS j,
                   country_input AS c
             WHERE c.arg = json_array(CAST(j.value AS TEXT)) AND lower(c.country) = lower(l.country)))
   AND (r.industry IS NULL OR EXISTS (
            SELECT 1 FROM json_each(CASE WHEN json_valid(r.industry) AND json_type(r.industry) = 'array' THEN r.industry ELSE json_array(r.industry) END) AS j
             WHERE lower(trim(j.value)) = lower(l.industry)))
   AND (r.source IS NULL OR EXISTS (
            SELECT 1 FROM json_each(CASE WHEN json_valid(r.source) AND json_type(r.source) = 'array' THEN r.source ELSE json_array(r.source) END) AS j
             WHERE lower(trim(j.value)) = lower(l.source)))
   AND (r.min_company_size IS NULL OR l.company_size >= r.min_company_size)
   AND (r.max_company_size IS NULL OR l.company_size <= r.max_company_size)
   -- segment: the lead is in the segment now (36_segments.sql)
   AND (r.segment IS NULL OR EXISTS (SELECT 1 FROM segment_members AS m WHERE m.segment = r.segment AND m.lead_id = l.id))
   -- custom: a JSON object of custom fields (33_custom_fields.sql), each with an accepted value or a JSON
   -- array of them, compared ignoring case; every field named must match
   AND (r.custom IS NULL OR NOT EXISTS (
            SELECT 1 FROM json_each(CASE WHEN json_valid(r.custom) AND json_type(r.custom) = 'object' THEN r.custom ELSE '{"": null}' END) AS c
             WHERE NOT EXISTS (
                 SELECT 1 FROM json_each(CASE WHEN c.type = 'array' THEN c.value ELSE json_array(c.value) END) AS v
                  WHERE lower(CAST(v.value AS TEXT))
                        = lower(CAST((CASE WHEN json_valid(l.custom) THEN json_extract(l.custom, '$."' || c.key || '"') END) AS TEXT)))));

-- The routing decision for each lead, made now. With routing.by_account = 1, a lead of an account whose
-- owner is active, below capacity and not already its owner goes to that owner (method `account`).
-- Otherwise the first matching rule (lowest priority number) picks the team, else `default`; inside the
-- team, an active rep below capacity other than the current owner, by the team's method: round_robin =
-- the rep whose latest assignment is the oldest (by the assignment's number, never by a time many
-- assignments can share; reps never assigned first, ties by id), load_balanced = fewest open leads
-- (ties: the same order as round robin). rep_id is NULL when no rep is eligible. The reason says why,
-- and why an account's owner was passed by.
CREATE VIEW routing_decisions AS
SELECT l.id AS lead_id, coalesce(ao.team, tm.name) AS team, CASE WHEN ao.id IS NULL THEN rr.id END AS rule_id,
       CASE WHEN ao.id IS NULL THEN tm.method ELSE 'account' END AS method,
       coalesce(ao.id, rep.id) AS rep_id, coalesce(ao.name, rep.name) AS rep_name,
       CASE WHEN ao.id IS NOT NULL
            THEN 'account ' || acc.id || ' is owned by ' || ao.name
            ELSE CASE WHEN acc.owner_id IS NOT NULL AND acc.owner_id IS NOT l.owner_id AND (SELECT value FROM settings WHERE key = 'routing.by_account') = 1
                      THEN 'account ' || acc.id || ' owner ' || coalesce(ar.name, 'rep ' || acc.owner_id)
                           || CASE WHEN ar.id IS NULL THEN ' is not a rep' WHEN ar.active = 0 THEN ' is inactive'
                                   ELSE ' is at capacity (' || ar.open_leads || ' of ' || ar.capacity || ')' END || '; '
                      ELSE '' END
                 || CASE WHEN rr.id IS NULL THEN 'no routing rule matched, team default'
                         ELSE 'routing rule ' || rr.id || coalesce(' (' || rr.description || ')', '') || ', team ' || tm.name END
                 || '; ' ||
                 CASE WHEN rep.id IS NULL THEN 'no active rep below capacity'
                      WHEN tm.method = 'load_balanced' THEN rep.name || ' has the fewest open leads (' || rep.open_leads || ')'
                      ELSE rep.name || ' was assigned least recently (' || coalesce(rep.last_assigned_at, 'never') || ')' END END
           AS reason
  FROM lead_records AS l
  LEFT JOIN accounts AS acc ON acc.id = l.account_id
  LEFT JOIN reps AS ar ON ar.id = acc.owner_id
  LEFT JOIN reps AS ao
    ON ao.id = acc.owner_id AND ao.active = 1 AND ao.open_leads < ao.capacity AND ao.id IS NOT l.owner_id
   AND (SELECT value FROM settings WHERE key = 'routing.by_account') = 1
  LEFT JOIN routing_rules AS rr
    ON rr.id = (SELECT m.rule_id FROM routing_matches m WHERE m.lead_id = l.id ORDER BY m.priority, m.rule_id LIMIT 1)
  JOIN teams AS tm ON tm.name = coalesce(rr.team, 'default')
  -- (each order is an index, reps_round_robin and reps_load_balanced: the walk stops at the first rep with room)
  LEFT JOIN reps AS rep
    ON ao.id IS NULL
   AND rep.id = CASE WHEN tm.method = 'load_balanced'
                     THEN (SELECT r.id FROM reps r
                            WHERE r.team = tm.name AND r.active = 1 AND r.open_leads < r.capacity AND r.id IS NOT l.owner_id
                            ORDER BY r.open_leads, coalesce(r.last_assignment_id, 0), r.id
                            LIMIT 1)
                     ELSE (SELECT r.id FROM reps r
                            WHERE r.team = tm.name AND r.active = 1 AND r.open_leads < r.capacity AND r.id IS NOT l.owner_id
                            ORDER BY coalesce(r.last_assignment_id, 0), r.id
                            LIMIT 1) END;

-- INSERT INTO routing_requests(lead_id, reason[, release]): route one lead now. Nothing is stored: the
-- decision lands in assignments. When no rep is eligible the lead keeps its owner, unless release = 1
-- (its owner cannot keep it: deactivated) and its stage does not require an owner: then it is released.
-- A lead left without an owner waits in unassigned_leads, and the outbox gets one `lead_unassigned`
-- notification per wait (a wait starts at capture or at the lead's latest assignment).
CREATE TRIGGER routing_requests_before_insert BEFORE INSERT ON routing_requests
BEGIN
    -- No rep can take it and its owner cannot keep it: released first, so nothing below assigns it.
    INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at)
    SELECT l.id, NULL, l.owner_id, d.team, d.rule_id, d.method,
           coalesce(NEW.reason || ': ', '') || d.reason || '; released to wait for a rep', c.now
      FROM routing_decisions AS d, lead_records AS l, clock AS c, stages AS s
     WHERE NEW.release = 1
       AND d.lead_id = NEW.lead_id AND l.id = NEW.lead_id AND d.rep_id IS NULL AND l.owner_id IS NOT NULL
       AND s.name = l.stage AND s.requires_owner = 0;

    INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at)
    SELECT d.lead_id, d.rep_id, l.owner_id, d.team, d.rule_id, d.method,
           coalesce(NEW.reason || ': ', '') || d.reason, c.now
      FROM routing_decisions AS d, lead_records AS l, clock AS c
     WHERE d.lead_id = NEW.lead_id AND l.id = NEW.lead_id AND d.rep_id IS NOT NULL;

    -- The first test involves no table: a lead the statement above assigned skips the rest at once.
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_unassigned', d.lead_id, NULL,
           json_object('lead_id', d.lead_id, 'team', d.team, 'reason', coalesce(NEW.reason || ': ', '') || d.reason,
                       'wait', w.since),
           c.now
      FROM routing_decisions AS d, lead_records AS l, clock AS c,
           (SELECT (SELECT max(id) FROM assignments WHERE lead_id = NEW.lead_id) AS since) AS w
     WHERE (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id) IS NULL
       AND d.lead_id = NEW.lead_id AND l.id = NEW.lead_id AND d.rep_id IS NULL AND l.owner_id IS NULL
       AND l.closed_at IS NULL AND l.erased_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.lead_id = NEW.lead_id AND o.kind = 'lead_unassigned'
                          AND json_extract(o.payload, '$.wait') IS w.since);

    SELECT RAISE(IGNORE);
END;

-- Assignments: checked (known, active rep with room; an owner kept while the stage requires one), then
-- applied to the lead and the reps' counts.
CREATE TRIGGER assignments_before_insert_check BEFORE INSERT ON assignments
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN l.id IS NULL
            THEN 'unknown_lead: no lead has id ' || coalesce(NEW.lead_id, 'NULL')
        WHEN l.merged_into IS NOT NULL
            THEN 'merged_lead: lead ' || l.id || ' was merged into lead ' || l.merged_into || '; assign lead ' || l.merged_into
        WHEN l.erased_at IS NOT NULL
            THEN 'erased_lead: lead ' || l.id || ' was erased; it cannot be assigned'
        WHEN NEW.rep_id IS NOT NULL AND r.id IS NULL
            THEN 'unknown_rep: no rep has id ' || NEW.rep_id
        WHEN NEW.rep_id IS NOT NULL AND r.active = 0
            THEN 'inactive_rep: rep ' || r.id || ' (' || r.name || ') is inactive; assign an active rep'
        WHEN NEW.rep_id IS NOT NULL AND l.closed_at IS NULL AND r.open_leads >= r.capacity AND r.id IS NOT l.owner_id
            THEN 'capacity: rep ' || r.id || ' (' || r.name || ') already holds ' || r.open_leads
                 || ' open leads (capacity ' || r.capacity || ')'
        WHEN NEW.rep_id IS NULL AND l.owner_id IS NOT NULL AND s.requires_owner = 1
            THEN 'missing_owner: lead ' || l.id || ' is in ' || l.stage
                 || ', which needs an owner; assign another rep instead (UPDATE leads SET owner_id = ...)'
        END, json_object('lead', NEW.lead_id, 'rep', NEW.rep_id)))
      FROM (SELECT 1)
      LEFT JOIN lead_records AS l ON l.id = NEW.lead_id
      LEFT JOIN stages AS s ON s.name = l.stage
      LEFT JOIN reps AS r ON r.id = NEW.rep_id;
END;

-- A rep's load (one rule): reps.open_leads counts the leads the rep owns that are open (no won or lost
-- outcome) and not erased. Every event that changes a lead's owner or whether it is open calls this,
-- before it writes the lead, with what the lead will be: `rep` its owner and `open` whether it is
-- open. The lead as stored says what it was. Callers: an assignment (below), a move that closes or
-- reopens a lead (40_stages.sql), an erasure (95_privacy.sql). Test: RoutingTests.theLoadHasOneRule.
-- (`applies`, as for _nurture_end: a caller on a hot path says with VALUES whether it is called.)
CREATE VIEW _rep_load(lead_id, rep, open, applies) AS SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER _rep_load_insert INSTEAD OF INSERT ON _rep_load
WHEN NEW.applies
BEGIN
    UPDATE reps SET open_leads = open_leads - 1
     WHERE id = (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id AND closed_at IS NULL AND erased_at IS NULL)
       AND (id IS NOT NEW.rep OR NOT NEW.open);
    UPDATE reps SET open_leads = open_leads + 1
     WHERE id = NEW.rep AND NEW.open
       AND NOT EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.lead_id AND owner_id = NEW.rep
                                                    AND closed_at IS NULL AND erased_at IS NULL);
END;

CREATE TRIGGER assignments_after_insert AFTER INSERT ON assignments
BEGIN
    -- The rep's load (above): the lead leaves its old owner and joins the new one if it is open.
    INSERT INTO _rep_load(lead_id, rep, open, applies)
    VALUES (NEW.lead_id, NEW.rep_id,
            EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.lead_id AND closed_at IS NULL AND erased_at IS NULL), 1);
    UPDATE reps SET last_assigned_at = NEW.assigned_at, last_assignment_id = NEW.id
     WHERE id = NEW.rep_id;

    -- The lead: its owner, when, and a fresh SLA deadline for the new owner (85_sla.sql), in one write.
    UPDATE lead_records
       SET owner_id = NEW.rep_id,
           assigned_at = CASE WHEN NEW.rep_id IS NOT NULL THEN NEW.assigned_at END,
           response_due_at = CASE WHEN NEW.rep_id IS NOT NULL
                                  THEN (SELECT response_due_at FROM assignment_deadlines WHERE assignment_id = NEW.id) END,
           first_response_at = NULL,
           sla_met = NULL,
           updated_at = NEW.assigned_at
     WHERE id = NEW.lead_id;

    -- The new owner hears of it (lead_assigned, 94_outbox.sql).
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_assigned', l.id, NEW.rep_id,
           json_object('lead_id', l.id, 'email', l.email,
                       'name', nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       'company', l.company, 'reason', NEW.reason, 'response_due_at', l.response_due_at),
           NEW.assigned_at
      FROM lead_records AS l
     WHERE NEW.rep_id IS NOT NULL AND l.id = NEW.lead_id AND l.erased_at IS NULL;

    -- An account without an owner takes the owner of its first assigned lead (32_accounts.sql).
    UPDATE accounts SET owner_id = NEW.rep_id
     WHERE id = (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) AND owner_id IS NULL AND NEW.rep_id IS NOT NULL;

    -- The lead's open tasks that were its old owner's, or nobody's, follow it to its new owner (88_tasks.sql).
    UPDATE tasks SET owner_id = NEW.rep_id
     WHERE NEW.rep_id IS NOT NULL AND lead_id = NEW.lead_id AND done_at IS NULL AND owner_id IS NOT NEW.rep_id
       AND (owner_id IS NULL OR owner_id IS NEW.previous_rep_id);

    -- Notices for a lead's owner that are not delivered yet follow the lead to its new owner.
    UPDATE outbox SET rep_id = NEW.rep_id
     WHERE lead_id = NEW.lead_id AND kind IN ('lead_mql', 'lead_hot') AND delivered_at IS NULL AND rep_id IS NOT NEW.rep_id;
END;

-- The assignment log is history: never changed or deleted.
CREATE TRIGGER assignments_before_update BEFORE UPDATE ON assignments
BEGIN
    SELECT RAISE(ABORT, 'append_only: assignments cannot be changed; a new assignment changes the owner');
END;

CREATE TRIGGER assignments_before_delete BEFORE DELETE ON assignments
BEGIN
    SELECT RAISE(ABORT, 'append_only: assignments cannot be deleted');
END;

-- Who hears of a rep's escalations: their own manager if active, else their team's manager if active.
CREATE VIEW rep_escalation_managers AS
SELECT r.id AS rep_id,
       coalesce((SELECT m.id FROM reps AS m WHERE m.id = r.manager_id AND m.active = 1),
                (SELECT m.id FROM teams AS t JOIN reps AS m ON m.id = t.manager_id WHERE t.name = r.team AND m.active = 1)) AS manager_id
  FROM reps AS r;

-- What is wrong with a rep, one row per problem. An error (a team or manager that does not exist, a
-- rep who is their own manager, a capacity that is not a whole number) is refused when the rep is
-- written; a warning is shown and allowed: an escalation for the rep would reach nobody (no active
-- manager of their own, none for the team).
CREATE VIEW rep_problems AS
SELECT r.id, 'error' AS severity,
       'unknown_team: team ' || r.team || ' does not exist (teams: ' || (SELECT group_concat(name, ', ') FROM teams) || ')' AS problem
  FROM reps AS r
 WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.name = r.team)
UNION ALL
SELECT r.id, 'error', 'unknown_rep: manager ' || r.manager_id || ' is not a rep'
  FROM reps AS r
 WHERE r.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reps m WHERE m.id = r.manager_id)
UNION ALL
SELECT r.id, 'error', 'invalid_config: rep ' || r.id || ' (' || r.name || ') cannot be their own manager'
  FROM reps AS r
 WHERE r.manager_id = r.id
UNION ALL
SELECT r.id, 'error', 'invalid_config: reps.capacity of rep ' || r.id || ' must be a whole number from 0 to 100000; got ' || quote(r.capacity)
  FROM reps AS r
 WHERE NOT (typeof(r.capacity) = 'integer' AND r.capacity BETWEEN 0 AND 100000)
UNION ALL
SELECT r.id, 'warning',
       'no_manager: escalations for rep ' || r.id || ' (' || r.name || ') reach nobody: set reps.manager_id or teams.manager_id for team '
       || r.team || ' to an active rep'
  FROM reps AS r
 WHERE r.active = 1 AND (SELECT e.manager_id FROM rep_escalation_managers AS e WHERE e.rep_id = r.id) IS NULL
   AND EXISTS (SELECT 1 FROM sla_escalations e WHERE e.action = 'notify_manager');

CREATE TRIGGER reps_after_insert_check AFTER INSERT ON reps
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM rep_problems WHERE id = NEW.id AND severity = 'error';
END;

CREATE TRIGGER reps_after_update_check AFTER UPDATE OF team, manager_id, capacity ON reps
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM rep_problems WHERE id = NEW.id AND severity = 'error';
END;

-- The counts a rep carries are kept by the rules: an assignment moves open_leads by one lead and
-- numbers last_assignment_id with its own id. A hand-written value is refused (deactivate a rep, or
-- change capacity, instead), except the true count (lead_repair, 99_checks.sql), counted only then.
CREATE TRIGGER reps_before_update_maintained BEFORE UPDATE OF id, open_leads, last_assignment_id ON reps
WHEN NEW.id IS NOT OLD.id
  OR CASE WHEN typeof(NEW.open_leads) = 'integer' AND NEW.open_leads >= 0 AND abs(NEW.open_leads - OLD.open_leads) <= 1 THEN 0
          ELSE NEW.open_leads IS NOT (SELECT count(*) FROM lead_records
                                       WHERE owner_id = NEW.id AND closed_at IS NULL AND erased_at IS NULL) END
  OR (NEW.last_assignment_id IS NOT OLD.last_assignment_id
      AND NOT EXISTS (SELECT 1 FROM assignments AS a WHERE a.id = NEW.last_assignment_id AND a.rep_id = NEW.id))
BEGIN
    SELECT RAISE(ABORT, 'maintained: reps.id, open_leads and last_assignment_id are kept by LeadDB; set active or capacity instead');
END;

-- A rep who has held leads is part of their history: deactivate instead of deleting.
CREATE TRIGGER reps_before_delete BEFORE DELETE ON reps
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN EXISTS (SELECT 1 FROM assignments WHERE rep_id = OLD.id OR previous_rep_id = OLD.id)
          OR EXISTS (SELECT 1 FROM lead_records WHERE owner_id = OLD.id)
            THEN 'rep_in_use: rep ' || OLD.id || ' (' || OLD.name || ') owns ' || OLD.open_leads
                 || ' open leads and appears in their history; deactivate instead: UPDATE reps SET active = 0 WHERE id = ' || OLD.id
        WHEN EXISTS (SELECT 1 FROM reps WHERE manager_id = OLD.id) OR EXISTS (SELECT 1 FROM teams WHERE manager_id = OLD.id)
            THEN 'rep_in_use: rep ' || OLD.id || ' (' || OLD.name || ') manages other reps or a team; name another manager first'
        WHEN EXISTS (SELECT 1 FROM accounts WHERE owner_id = OLD.id)
            THEN 'rep_in_use: rep ' || OLD.id || ' (' || OLD.name || ') owns accounts; give them another owner first (UPDATE accounts SET owner_id = ... WHERE owner_id = ' || OLD.id || ')'
        END));
END;

CREATE TRIGGER reps_after_update_deactivate AFTER UPDATE OF active ON reps
WHEN OLD.active = 1 AND NEW.active = 0
BEGIN
    -- The ids are sorted before any is routed, so each routing sees the counts the previous one left.
    INSERT INTO routing_requests(lead_id, reason, release)
    SELECT id, 'rep ' || NEW.id || ' (' || NEW.name || ') deactivated', 1
      FROM lead_records
     WHERE owner_id = NEW.id AND closed_at IS NULL AND erased_at IS NULL
     ORDER BY id + 0;
    -- Their open tasks go to the lead's owner now (after the routing above), else the account's,
    -- whoever is active, else nobody (88_tasks.sql).
    UPDATE tasks
       SET owner_id = coalesce((SELECT r.id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id WHERE l.id = tasks.lead_id AND r.active = 1),
                               (SELECT r.id FROM accounts AS a JOIN reps AS r ON r.id = a.owner_id WHERE a.id = tasks.account_id AND r.active = 1))
     WHERE owner_id = NEW.id AND done_at IS NULL;
END;

-- Teams: a manager who is a rep; a rename follows into reps and routing rules (the assignment log keeps
-- the name it had); a team with reps or rules is not deleted, and the default team never.
CREATE TRIGGER teams_after_insert_check AFTER INSERT ON teams
WHEN NEW.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reps WHERE id = NEW.manager_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_rep: manager ' || NEW.manager_id || ' of team ' || NEW.name || ' is not a rep'));
END;

CREATE TRIGGER teams_after_update_check AFTER UPDATE OF manager_id ON teams
WHEN NEW.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reps WHERE id = NEW.manager_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_rep: manager ' || NEW.manager_id || ' of team ' || NEW.name || ' is not a rep'));
END;

CREATE TRIGGER teams_before_update_name BEFORE UPDATE OF name ON teams
WHEN NEW.name IS NOT OLD.name AND OLD.name = 'default'
BEGIN
    SELECT RAISE(ABORT, 'required_team: the default team receives leads no routing rule matches; it cannot be renamed');
END;

CREATE TRIGGER teams_after_update_name AFTER UPDATE OF name ON teams
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE reps SET team = NEW.name WHERE team = OLD.name;
    UPDATE routing_rules SET team = NEW.name WHERE team = OLD.name;
END;

CREATE TRIGGER teams_before_delete BEFORE DELETE ON teams
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN OLD.name = 'default'
            THEN 'required_team: the default team receives leads no routing rule matches; it cannot be deleted'
        WHEN EXISTS (SELECT 1 FROM reps WHERE team = OLD.name) OR EXISTS (SELECT 1 FROM routing_rules WHERE team = OLD.name)
            THEN 'team_in_use: team ' || OLD.name || ' has reps or routing rules; move them to another team first'
        END));
END;

-- Routing rules name a team that exists.
CREATE TRIGGER routing_rules_after_insert_check AFTER INSERT ON routing_rules
WHEN NOT EXISTS (SELECT 1 FROM teams WHERE name = NEW.team)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('unknown_team: routing rule ' || NEW.id || ' names team ' || coalesce(NEW.team, 'NULL')
        || ', which does not exist (teams: ' || (SELECT group_concat(name, ', ') FROM teams) || ')'));
END;

CREATE TRIGGER routing_rules_after_update_check AFTER UPDATE OF team ON routing_rules
WHEN NOT EXISTS (SELECT 1 FROM teams WHERE name = NEW.team)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('unknown_team: routing rule ' || NEW.id || ' names team ' || coalesce(NEW.team, 'NULL')
        || ', which does not exist (teams: ' || (SELECT group_concat(name, ', ') FROM teams) || ')'));
END;

-- Leads waiting for an owner: none, or an inactive one (a lead whose stage requires an owner stays with
-- a deactivated rep when nobody can take it, and waits here until a manager assigns it).
CREATE VIEW unassigned_leads AS
SELECT l.id AS lead_id, l.email, l.first_name, l.last_name, l.company, l.stage, l.score, l.created_at,
       (SELECT d.team FROM routing_decisions d WHERE d.lead_id = l.id) AS team,
       l.owner_id AS inactive_owner_id
  FROM leads AS l
 WHERE (l.owner_id IS NULL OR l.owner_id IN (SELECT id FROM reps WHERE active = 0))
   AND l.closed_at IS NULL AND l.erased_at IS NULL
 ORDER BY l.created_at, l.id;
