-- Routing and assignment.
--
-- A lead's owner changes only through `assignments`: routing inserts a decision, and
-- `UPDATE leads SET owner_id = ?` inserts a manual one (see 30_leads.sql). The assignment trigger keeps
-- every rep's open-lead count exact, stamps assigned_at and restarts the SLA clock for the new owner.

-- Which routing rules match which lead (a NULL condition matches anything; a text condition may be a
-- JSON array of accepted values; comparisons ignore case).
CREATE VIEW routing_matches AS
SELECT l.id AS lead_id, r.id AS rule_id, r.priority, r.team
  FROM lead_records AS l, routing_rules AS r
 WHERE (r.country IS NULL OR CASE WHEN json_valid(r.country) AND json_type(r.country) = 'array'
            THEN EXISTS (SELECT 1 FROM json_each(r.country) j WHERE lower(j.value) = lower(l.country))
            ELSE lower(r.country) = lower(l.country) END)
   AND (r.industry IS NULL OR CASE WHEN json_valid(r.industry) AND json_type(r.industry) = 'array'
            THEN EXISTS (SELECT 1 FROM json_each(r.industry) j WHERE lower(j.value) = lower(l.industry))
            ELSE lower(r.industry) = lower(l.industry) END)
   AND (r.source IS NULL OR CASE WHEN json_valid(r.source) AND json_type(r.source) = 'array'
            THEN EXISTS (SELECT 1 FROM json_each(r.source) j WHERE lower(j.value) = lower(l.source))
            ELSE lower(r.source) = lower(l.source) END)
   AND (r.min_company_size IS NULL OR l.company_size >= r.min_company_size)
   AND (r.max_company_size IS NULL OR l.company_size <= r.max_company_size);

-- The routing decision for each lead, made now: the first matching rule (lowest priority number) picks
-- the team, else `default`; inside the team, an active rep below capacity other than the current
-- owner, by the team's method: round_robin = assigned least recently (never first, ties by id),
-- load_balanced = fewest open leads (ties: least recently assigned, then id). rep_id is NULL when no
-- rep is eligible.
CREATE VIEW routing_decisions AS
SELECT l.id AS lead_id, tm.name AS team, rr.id AS rule_id, tm.method, rep.id AS rep_id, rep.name AS rep_name,
       CASE WHEN rr.id IS NULL THEN 'no routing rule matched, team default'
            ELSE 'routing rule ' || rr.id || coalesce(' (' || rr.description || ')', '') || ', team ' || tm.name END
       || '; ' ||
       CASE WHEN rep.id IS NULL THEN 'no active rep below capacity'
            WHEN tm.method = 'load_balanced' THEN rep.name || ' has the fewest open leads (' || rep.open_leads || ')'
            ELSE rep.name || ' was assigned least recently (' || coalesce(rep.last_assigned_at, 'never') || ')' END
           AS reason
  FROM lead_records AS l
  LEFT JOIN routing_rules AS rr
    ON rr.id = (SELECT m.rule_id FROM routing_matches m WHERE m.lead_id = l.id ORDER BY m.priority, m.rule_id LIMIT 1)
  JOIN teams AS tm ON tm.name = coalesce(rr.team, 'default')
  LEFT JOIN reps AS rep
    ON rep.id = (SELECT r.id FROM reps r
                  WHERE r.team = tm.name AND r.active = 1 AND r.open_leads < r.capacity AND r.id IS NOT l.owner_id
                  ORDER BY CASE WHEN (SELECT t.method FROM teams t WHERE t.name = r.team) = 'load_balanced' THEN r.open_leads END,
                           r.last_assigned_at, r.id
                  LIMIT 1);

-- INSERT INTO routing_requests(lead_id, reason): route one lead now. Nothing is stored: the decision
-- lands in assignments, or, when no rep is eligible, the lead stays as it is and the outbox gets one
-- `lead_unassigned` notification (once per lead while it waits).
CREATE TRIGGER routing_requests_before_insert BEFORE INSERT ON routing_requests
BEGIN
    INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at)
    SELECT d.lead_id, d.rep_id, l.owner_id, d.team, d.rule_id, d.method,
           coalesce(NEW.reason || ': ', '') || d.reason, c.now
      FROM routing_decisions AS d, lead_records AS l, clock AS c
     WHERE d.lead_id = NEW.lead_id AND l.id = NEW.lead_id AND d.rep_id IS NOT NULL;

    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_unassigned', d.lead_id, NULL,
           json_object('lead_id', d.lead_id, 'team', d.team, 'reason', coalesce(NEW.reason || ': ', '') || d.reason), c.now
      FROM routing_decisions AS d, lead_records AS l, clock AS c
     -- The first test involves no table: a lead the statement above assigned skips the rest at once.
     WHERE (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id) IS NULL
       AND d.lead_id = NEW.lead_id AND l.id = NEW.lead_id AND d.rep_id IS NULL AND l.owner_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.lead_id = NEW.lead_id AND o.kind = 'lead_unassigned' AND o.created_at >= coalesce(l.assigned_at, ''));

    SELECT RAISE(IGNORE);
END;

-- Assignments: checked (known, active rep with room), then applied to the lead and the reps' counts.
CREATE TRIGGER assignments_before_insert_check BEFORE INSERT ON assignments
BEGIN
    SELECT json_extract('{}', CASE
        WHEN l.id IS NULL
            THEN 'unknown_lead: no lead has id ' || coalesce(NEW.lead_id, 'NULL')
        WHEN l.erased_at IS NOT NULL
            THEN 'erased_lead: lead ' || l.id || ' was erased; it cannot be assigned'
        WHEN NEW.rep_id IS NOT NULL AND r.id IS NULL
            THEN 'unknown_rep: no rep has id ' || NEW.rep_id
        WHEN NEW.rep_id IS NOT NULL AND r.active = 0
            THEN 'inactive_rep: rep ' || r.id || ' (' || r.name || ') is inactive; assign an active rep'
        WHEN NEW.rep_id IS NOT NULL AND l.closed_at IS NULL AND r.open_leads >= r.capacity AND r.id IS NOT l.owner_id
            THEN 'capacity: rep ' || r.id || ' (' || r.name || ') already holds ' || r.open_leads
                 || ' open leads (capacity ' || r.capacity || ')'
        END)
      FROM (SELECT 1)
      LEFT JOIN lead_records AS l ON l.id = NEW.lead_id
      LEFT JOIN reps AS r ON r.id = NEW.rep_id;
END;

CREATE TRIGGER assignments_after_insert AFTER INSERT ON assignments
BEGIN
    -- Open-lead counts: the lead leaves its old owner and joins the new one (closed leads count nowhere).
    UPDATE reps SET open_leads = open_leads - 1
     WHERE id = (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id AND closed_at IS NULL AND erased_at IS NULL)
       AND id IS NOT NEW.rep_id;
    UPDATE reps SET open_leads = open_leads + 1
     WHERE id = NEW.rep_id
       AND id IS NOT (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id)
       AND EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.lead_id AND closed_at IS NULL AND erased_at IS NULL);
    UPDATE reps SET last_assigned_at = NEW.assigned_at WHERE id = NEW.rep_id;

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
END;

-- Reps: a known team and manager (as a view of problems, checked after each write); deactivating a rep
-- redistributes their open leads by the same rules.
CREATE VIEW rep_problems AS
SELECT r.id, CASE
    WHEN NOT EXISTS (SELECT 1 FROM teams t WHERE t.name = r.team)
        THEN 'unknown_team: team ' || r.team || ' does not exist (teams: ' || (SELECT group_concat(name, ', ') FROM teams) || ')'
    WHEN r.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reps m WHERE m.id = r.manager_id)
        THEN 'unknown_rep: manager ' || r.manager_id || ' is not a rep'
    END AS problem
  FROM reps AS r
 WHERE problem IS NOT NULL;

CREATE TRIGGER reps_after_insert_check AFTER INSERT ON reps
BEGIN
    SELECT json_extract('{}', problem) FROM rep_problems WHERE id = NEW.id;
END;

CREATE TRIGGER reps_after_update_check AFTER UPDATE OF team, manager_id ON reps
BEGIN
    SELECT json_extract('{}', problem) FROM rep_problems WHERE id = NEW.id;
END;

CREATE TRIGGER reps_after_update_deactivate AFTER UPDATE OF active ON reps
WHEN OLD.active = 1 AND NEW.active = 0
BEGIN
    -- The ids are sorted before any is routed, so each routing sees the counts the previous one left.
    INSERT INTO routing_requests(lead_id, reason)
    SELECT id, 'rep ' || NEW.id || ' (' || NEW.name || ') deactivated'
      FROM lead_records
     WHERE owner_id = NEW.id AND closed_at IS NULL AND erased_at IS NULL
     ORDER BY id + 0;
END;

CREATE TRIGGER teams_before_delete_default BEFORE DELETE ON teams
WHEN OLD.name = 'default'
BEGIN
    SELECT RAISE(ABORT, 'required_team: the default team receives leads no routing rule matches; it cannot be deleted');
END;

-- Leads waiting for an owner.
CREATE VIEW unassigned_leads AS
SELECT l.id AS lead_id, l.email, l.first_name, l.last_name, l.company, l.stage, l.score, l.created_at,
       (SELECT d.team FROM routing_decisions d WHERE d.lead_id = l.id) AS team
  FROM leads AS l
 WHERE l.owner_id IS NULL AND l.closed_at IS NULL AND l.erased_at IS NULL
 ORDER BY l.created_at, l.id;
