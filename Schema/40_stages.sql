-- Stage changes: validated against stage_transitions and the target stage's requirements, recorded in
-- stage_history, and reflected in converted_at / closed_at. Stages and moves are data: a stage a user
-- adds with its transitions works with no change here.

CREATE TRIGGER lead_records_before_update_stage_check BEFORE UPDATE OF stage ON lead_records
WHEN NEW.stage IS NOT OLD.stage
BEGIN
    -- Each refusal carries the lead, the stages and (for a move that is not allowed) the allowed ones.
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = CASE
        WHEN s.name IS NULL
            THEN json_array('unknown_stage: lead ' || OLD.id || ' cannot move to ' || coalesce(NEW.stage, 'NULL')
                 || ': no such stage (stages: ' || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages ORDER BY position)) || ')',
                 json_object('lead', OLD.id, 'from', OLD.stage, 'to', NEW.stage))
        WHEN t.to_stage IS NULL
            THEN json_array('invalid_transition: lead ' || OLD.id || ' cannot move from ' || OLD.stage || ' to ' || NEW.stage
                 || ' (allowed: ' || coalesce((SELECT group_concat(to_stage, ', ') FROM (
                        SELECT t2.to_stage FROM stage_transitions t2 JOIN stages s2 ON s2.name = t2.to_stage
                         WHERE t2.from_stage = OLD.stage ORDER BY s2.position)), 'none') || ')',
                 json_object('lead', OLD.id, 'from', OLD.stage, 'to', NEW.stage,
                             'allowed', (SELECT json_group_array(to_stage) FROM (
                                 SELECT t2.to_stage FROM stage_transitions t2 JOIN stages s2 ON s2.name = t2.to_stage
                                  WHERE t2.from_stage = OLD.stage ORDER BY s2.position))))
        -- The amount rule is lead_problems' (30_leads.sql), copied here so a move that brings a bad
        -- amount says what is wrong with it rather than that it is missing; a test checks both agree.
        WHEN NEW.amount IS NOT NULL AND NOT (typeof(NEW.amount) IN ('integer', 'real') AND NEW.amount > 0 AND NEW.amount < 1e15)
            THEN json_array('invalid_amount: lead ' || OLD.id || ' amount ' || CASE typeof(NEW.amount) WHEN 'blob' THEN 'of bytes' ELSE quote(NEW.amount) END
                 || ' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)',
                 json_object('lead', OLD.id))
        WHEN s.requires_amount AND NOT (typeof(NEW.amount) IN ('integer', 'real') AND NEW.amount > 0)
            THEN json_array('missing_amount: lead ' || OLD.id || ' needs an amount above 0 to move to ' || NEW.stage
                 || ' (set both: UPDATE leads SET stage = ..., amount = ...)', json_object('lead', OLD.id, 'to', NEW.stage))
        WHEN s.requires_lost_reason AND NEW.lost_reason IS NULL
            THEN json_array('missing_lost_reason: lead ' || OLD.id || ' needs a lost_reason to move to ' || NEW.stage
                 || ' (one of: ' || (SELECT group_concat(reason, ', ') FROM lost_reasons) || ')', json_object('lead', OLD.id, 'to', NEW.stage))
        WHEN s.requires_owner AND NEW.owner_id IS NULL
            THEN json_array('missing_owner: lead ' || OLD.id || ' needs an owner to move to ' || NEW.stage
                 || ' (set both: UPDATE leads SET stage = ..., owner_id = ...)', json_object('lead', OLD.id, 'to', NEW.stage))
        END)
      FROM (SELECT 1)
      LEFT JOIN stages AS s ON s.name = NEW.stage
      LEFT JOIN stage_transitions AS t ON t.from_stage = OLD.stage AND t.to_stage = NEW.stage;
END;

-- What a move does, in order: history (with the lost reason of a lost lead), the funnel's counts, the
-- owner's capacity, closing or reopening, nurture, and what reaching mql sets off.
CREATE TRIGGER lead_records_after_update_stage AFTER UPDATE OF stage ON lead_records
WHEN NEW.stage IS NOT OLD.stage
BEGIN
    INSERT INTO stage_history(lead_id, from_stage, to_stage, changed_at, lost_reason)
    SELECT NEW.id, OLD.stage, NEW.stage, c.now,
           CASE WHEN (SELECT outcome FROM stages WHERE name = NEW.stage) = 'lost' THEN NEW.lost_reason END
      FROM clock AS c;

    -- The funnel's counts (97_reports.sql).
    UPDATE stage_counts SET leads = leads - 1 WHERE stage = OLD.stage;
    INSERT INTO stage_counts(stage, leads) VALUES (NEW.stage, 1)
        ON CONFLICT (stage) DO UPDATE SET leads = leads + 1;

    -- A lead reopened (won or lost before, open now) whose owner cannot take it back (inactive, or at
    -- capacity) is released while it is still closed, so no count moves; it is routed below like a new
    -- lead. A stage that requires an owner keeps it (over capacity rather than ownerless).
    INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at)
    SELECT NEW.id, NULL, r.id, r.team, NULL, tm.method,
           'reopened: ' || r.name || CASE WHEN r.active = 0 THEN ' is inactive' ELSE ' is at capacity (' || r.open_leads || ' of ' || r.capacity || ')' END,
           (SELECT now FROM clock)
      FROM reps AS r JOIN teams AS tm ON tm.name = r.team
     WHERE r.id = NEW.owner_id
       AND (SELECT outcome FROM stages WHERE name = OLD.stage) IS NOT NULL
       AND (SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL
       AND (r.active = 0 OR r.open_leads >= r.capacity)
       AND (SELECT requires_owner FROM stages WHERE name = NEW.stage) = 0;

    -- Closing a lead (won or lost) frees its owner's capacity; reopening takes it again (the owner it
    -- has now: a released lead has none). The rep's load is one rule (80_routing.sql).
    INSERT INTO _rep_load(lead_id, rep, open, applies)
    VALUES (NEW.id, (SELECT owner_id FROM lead_records WHERE id = NEW.id),
            (SELECT outcome IS NULL FROM stages WHERE name = NEW.stage),
            (SELECT outcome IS NULL FROM stages WHERE name = NEW.stage) <> (SELECT outcome IS NULL FROM stages WHERE name = OLD.stage));

    -- Won and lost leads are closed (won ones converted); a reopened one is open again and loses its
    -- lost reason (stage_history keeps it). Whoever moved the stage set updated_at.
    UPDATE lead_records
       SET converted_at = CASE WHEN s.outcome = 'won' THEN coalesce(lead_records.converted_at, c.now) ELSE lead_records.converted_at END,
           closed_at = CASE WHEN s.outcome IS NOT NULL THEN c.now END,
           lost_reason = CASE WHEN s.outcome = 'lost' THEN lead_records.lost_reason END
      FROM stages AS s, clock AS c
     WHERE lead_records.id = NEW.id AND s.name = NEW.stage
       AND (s.outcome IS NOT NULL OR lead_records.closed_at IS NOT NULL);

    -- A reopened lead with no owner is routed like a new one (when leads are routed at capture).
    INSERT INTO routing_requests(lead_id, reason)
    SELECT NEW.id, 'reopened'
     WHERE (SELECT outcome FROM stages WHERE name = OLD.stage) IS NOT NULL
       AND (SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL
       AND (SELECT owner_id FROM lead_records WHERE id = NEW.id) IS NULL
       AND (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'capture';

    -- Nurture (90_nurture.sql): entering nurturing enrolls (ended at once without consent); leaving it ends.
    INSERT INTO _nurture_end(lead_id, reason, applies) VALUES (NEW.id, 'moved to ' || NEW.stage, OLD.stage = 'nurturing');
    INSERT INTO nurture_enrollments(lead_id, sequence_id, next_step, next_due_at, status, end_reason, enrolled_at, ended_at)
    SELECT NEW.id, ch.sequence_id, st.position,
           CASE WHEN NEW.consent IS 1 THEN strftime('%Y-%m-%dT%H:%M:%fZ', c.now, '+' || st.delay_days || ' days') END,
           CASE WHEN NEW.consent IS 1 THEN 'active' ELSE 'ended' END,
           CASE WHEN NEW.consent IS 1 THEN NULL ELSE 'no_consent' END,
           c.now,
           CASE WHEN NEW.consent IS 1 THEN NULL ELSE c.now END
      FROM nurture_choice AS ch
      JOIN nurture_steps AS st ON st.sequence_id = ch.sequence_id
       AND st.position = (SELECT min(position) FROM nurture_steps WHERE sequence_id = ch.sequence_id)
     CROSS JOIN clock AS c
     WHERE ch.lead_id = NEW.id AND NEW.stage = 'nurturing';

    -- Reaching mql with an owner it already had starts a follow-up deadline for that owner (the first
    -- sla_policies row that applies at mql; 85_sla.sql). A lead routed at mql gets its deadline from the
    -- assignment instead.
    UPDATE lead_records
       SET response_due_at = f.due,
           first_response_at = NULL,
           sla_met = NULL
      FROM mql_follow_up AS f
     WHERE NEW.stage = 'mql' AND OLD.owner_id IS NOT NULL
       AND f.lead_id = NEW.id AND lead_records.id = NEW.id AND f.due IS NOT NULL;

    -- With routing.assign_at = mql, an unowned lead is routed when it reaches mql (80_routing.sql).
    INSERT INTO routing_requests(lead_id, reason)
    SELECT NEW.id, 'reached mql'
     WHERE NEW.stage = 'mql' AND NEW.owner_id IS NULL
       AND (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'mql';

    -- Entering mql notifies the owner the lead has now (after routing). A lead with no owner yet is
    -- notified to rep_id NULL; the notice follows the lead to the owner it gets before it is delivered
    -- (assignments_after_insert in 80_routing.sql), so a lead that qualifies while it is captured is
    -- announced to the rep it is routed to.
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_mql', NEW.id, l.owner_id,
           json_object('lead_id', NEW.id, 'email', l.email,
                       'name', nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       'company', l.company, 'score', round(l.score, 2), 'from_stage', OLD.stage),
           c.now
      FROM leads AS l, clock AS c
     WHERE NEW.stage = 'mql' AND l.id = NEW.id;
END;

-- Qualification: when a change raises a lead's current score to at least score.mql_threshold and the
-- lead is in a stage that qualifies (new, contacted, nurturing by default) with a move to mql allowed,
-- it moves to mql through the normal stage path. The score compared is leads.score, to 6 decimals.
--
-- mql_ready says which leads may move now; the writers that raise a score (a scored activity, in
-- 50_activities.sql, and a rise in fit, below) move the lead they changed when it is in mql_ready.
CREATE VIEW mql_ready AS
SELECT l.id AS lead_id, l.score
  FROM leads AS l
  JOIN stages AS s ON s.name = l.stage
 WHERE s.qualifies_to_mql = 1 AND l.erased_at IS NULL
   AND l.score >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold')
   AND EXISTS (SELECT 1 FROM stage_transitions t WHERE t.from_stage = l.stage AND t.to_stage = 'mql');

CREATE TRIGGER lead_scores_after_update_fit_qualify AFTER UPDATE OF fit_score ON lead_scores
-- (a lead a rule change has not rescored yet: its stored values are no measure of a rise, so it is checked)
WHEN NEW.fit_score > OLD.fit_score
  OR EXISTS (SELECT 1 FROM _rescoring AS x WHERE NEW.lead_id BETWEEN x.next_id AND x.last_id)
BEGIN
    UPDATE lead_records SET stage = 'mql', updated_at = (SELECT now FROM clock)
     WHERE id = NEW.lead_id AND EXISTS (SELECT 1 FROM mql_ready WHERE lead_id = NEW.lead_id);
END;

-- stage_history is append-only.
CREATE TRIGGER stage_history_before_update_append_only BEFORE UPDATE ON stage_history
BEGIN
    SELECT RAISE(ABORT, 'append_only: stage_history rows cannot be changed');
END;

CREATE TRIGGER stage_history_before_delete_append_only BEFORE DELETE ON stage_history
BEGIN
    SELECT RAISE(ABORT, 'append_only: stage_history rows cannot be deleted');
END;

-- Stages, transitions and lost reasons are configuration that leads and history point to by name, and
-- that other programs may edit with foreign keys off. A name in use is never changed or deleted (add a
-- new stage or reason and move the leads instead); the stages the rules name (new, mql, nurturing) are
-- always in use. An unused stage's transitions follow its rename or deletion.
CREATE VIEW stage_usage AS
SELECT s.name AS stage,
       s.name IN ('new', 'mql', 'nurturing') AS required,
       (SELECT count(*) FROM stage_counts AS c WHERE c.stage = s.name AND c.leads > 0) > 0
           OR EXISTS (SELECT 1 FROM stage_history AS h WHERE h.to_stage = s.name) AS in_use,
       coalesce((SELECT c.leads FROM stage_counts AS c WHERE c.stage = s.name), 0) AS leads
  FROM stages AS s;

CREATE TRIGGER stages_before_update_name BEFORE UPDATE OF name ON stages
WHEN NEW.name IS NOT OLD.name
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN u.required THEN 'required_stage: stage ' || OLD.name || ' is named by the rules and cannot be renamed'
        WHEN u.in_use THEN 'stage_in_use: stage ' || OLD.name || ' holds ' || u.leads
             || ' leads or appears in their history; add a stage named ' || NEW.name || ' and move the leads instead'
        END))
      FROM stage_usage AS u WHERE u.stage = OLD.name;
END;

CREATE TRIGGER stages_after_update_name AFTER UPDATE OF name ON stages
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE stage_transitions SET from_stage = NEW.name WHERE from_stage = OLD.name;
    UPDATE stage_transitions SET to_stage = NEW.name WHERE to_stage = OLD.name;
    DELETE FROM stage_counts WHERE stage = OLD.name;
    -- (custom fields required there: 33_custom_fields.sql; lost reasons sending leads there: 34_deals.sql)
    UPDATE custom_fields SET required_at_stage = NEW.name WHERE required_at_stage = OLD.name;
    UPDATE lost_reasons SET lead_stage = NEW.name WHERE lead_stage = OLD.name;
END;

CREATE TRIGGER stages_before_update_outcome BEFORE UPDATE OF outcome ON stages
WHEN NEW.outcome IS NOT OLD.outcome
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('stage_in_use: stage ' || OLD.name || ' holds ' || u.leads
        || ' leads or appears in their history; its outcome decides whether they are open and which of their moves were wins, '
        || 'so it cannot change while leads are or were in it (add a stage with the outcome instead)'))
      FROM stage_usage AS u WHERE u.stage = OLD.name AND u.in_use;
END;

CREATE TRIGGER stages_before_delete BEFORE DELETE ON stages
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN u.required THEN 'required_stage: stage ' || OLD.name || ' is named by the rules and cannot be deleted'
        WHEN u.in_use THEN 'stage_in_use: stage ' || OLD.name || ' holds ' || u.leads
             || ' leads or appears in their history; remove its transitions instead so no lead can enter it'
        END))
      FROM stage_usage AS u WHERE u.stage = OLD.name;
END;

CREATE TRIGGER stages_after_delete AFTER DELETE ON stages
BEGIN
    DELETE FROM stage_transitions WHERE from_stage = OLD.name OR to_stage = OLD.name;
    DELETE FROM stage_counts WHERE stage = OLD.name;
END;

-- A transition names stages that exist: one definition of the problem, checked on insert and update.
CREATE VIEW transition_problems AS
SELECT t.from_stage, t.to_stage,
       'unknown_stage: a transition from ' || t.from_stage || ' to ' || t.to_stage
       || ' names a stage that does not exist (stages: ' || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages ORDER BY position)) || ')'
           AS problem
  FROM stage_transitions AS t
 WHERE NOT EXISTS (SELECT 1 FROM stages WHERE name = t.from_stage)
    OR NOT EXISTS (SELECT 1 FROM stages WHERE name = t.to_stage);

CREATE TRIGGER stage_transitions_after_insert_check AFTER INSERT ON stage_transitions
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem))
      FROM transition_problems WHERE from_stage = NEW.from_stage AND to_stage = NEW.to_stage;
END;

CREATE TRIGGER stage_transitions_after_update_check AFTER UPDATE ON stage_transitions
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem))
      FROM transition_problems WHERE from_stage = NEW.from_stage AND to_stage = NEW.to_stage;
END;

-- stage_counts is kept by the rules: each change moves a count by one lead. The true count may always
-- be written (lead_repair, 99_checks.sql); it is counted only for a write that is not a rule's.
CREATE TRIGGER stage_counts_before_update_maintained BEFORE UPDATE ON stage_counts
WHEN NEW.stage IS NOT OLD.stage
  OR CASE WHEN abs(NEW.leads - OLD.leads) = 1 AND NEW.leads >= 0 THEN 0
          ELSE NEW.leads IS NOT (SELECT count(*) FROM lead_records WHERE stage = NEW.stage AND merged_into IS NULL) END
BEGIN
    SELECT RAISE(ABORT, 'maintained: stage_counts is kept by LeadDB (one lead at a time) and cannot be set by hand');
END;

CREATE TRIGGER stage_counts_before_delete_maintained BEFORE DELETE ON stage_counts
WHEN OLD.leads <> 0 OR EXISTS (SELECT 1 FROM stages WHERE name = OLD.stage)
BEGIN
    SELECT RAISE(ABORT, 'maintained: stage_counts is kept by LeadDB and its rows cannot be deleted');
END;

CREATE TRIGGER lost_reasons_before_update BEFORE UPDATE OF reason ON lost_reasons
WHEN NEW.reason IS NOT OLD.reason
 AND (EXISTS (SELECT 1 FROM lead_records WHERE lost_reason = OLD.reason)
      OR EXISTS (SELECT 1 FROM stage_history WHERE lost_reason = OLD.reason)
      -- (and deals: 34_deals.sql)
      OR EXISTS (SELECT 1 FROM deals WHERE lost_reason = OLD.reason)
      OR EXISTS (SELECT 1 FROM deal_history WHERE lost_reason = OLD.reason))
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('reason_in_use: lost reason ' || OLD.reason
        || ' is recorded on leads or deals or in their history; add a reason named ' || NEW.reason || ' instead'));
END;

CREATE TRIGGER lost_reasons_before_delete BEFORE DELETE ON lost_reasons
WHEN EXISTS (SELECT 1 FROM lead_records WHERE lost_reason = OLD.reason)
  OR EXISTS (SELECT 1 FROM stage_history WHERE lost_reason = OLD.reason)
  OR EXISTS (SELECT 1 FROM deals WHERE lost_reason = OLD.reason)
  OR EXISTS (SELECT 1 FROM deal_history WHERE lost_reason = OLD.reason)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('reason_in_use: lost reason ' || OLD.reason
        || ' is recorded on leads or deals or in their history and cannot be deleted'));
END;

-- A requirement switched on holds for the leads already in the stage: it is refused while one of them
-- does not meet it (give them an amount, a reason or an owner first).
CREATE TRIGGER stages_before_update_requirements BEFORE UPDATE OF requires_amount, requires_lost_reason, requires_owner ON stages
WHEN (NEW.requires_amount = 1 AND OLD.requires_amount = 0
      AND EXISTS (SELECT 1 FROM lead_records WHERE stage = OLD.name AND erased_at IS NULL
                   AND NOT (typeof(amount) IN ('integer', 'real') AND amount > 0)))
  OR (NEW.requires_lost_reason = 1 AND OLD.requires_lost_reason = 0
      AND EXISTS (SELECT 1 FROM lead_records WHERE stage = OLD.name AND erased_at IS NULL AND lost_reason IS NULL))
  OR (NEW.requires_owner = 1 AND OLD.requires_owner = 0
      AND EXISTS (SELECT 1 FROM lead_records WHERE stage = OLD.name AND erased_at IS NULL AND owner_id IS NULL))
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('stage_in_use: leads in ' || OLD.name || ' do not meet the new requirement yet ('
        || (SELECT count(*) FROM lead_records WHERE stage = OLD.name AND erased_at IS NULL
              AND (NEW.requires_amount = 1 AND NOT (typeof(amount) IN ('integer', 'real') AND amount > 0)
                   OR NEW.requires_lost_reason = 1 AND lost_reason IS NULL
                   OR NEW.requires_owner = 1 AND owner_id IS NULL))
        || ' leads); give them what it needs first'));
END;
