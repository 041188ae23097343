-- Stage changes: validated against stage_transitions and the target stage's requirements, recorded in
-- stage_history, and reflected in converted_at / closed_at. Stages and moves are data: a stage a user
-- adds with its transitions works with no change here.

CREATE TRIGGER lead_records_before_update_stage_check BEFORE UPDATE OF stage ON lead_records
WHEN NEW.stage IS NOT OLD.stage
BEGIN
    SELECT json_extract('{}', CASE
        WHEN s.name IS NULL
            THEN 'unknown_stage: lead ' || OLD.id || ' cannot move to ' || coalesce(NEW.stage, 'NULL')
                 || ': no such stage (stages: ' || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages ORDER BY position)) || ')'
        WHEN t.to_stage IS NULL
            THEN 'invalid_transition: lead ' || OLD.id || ' cannot move from ' || OLD.stage || ' to ' || NEW.stage
                 || ' (allowed: ' || coalesce((SELECT group_concat(to_stage, ', ') FROM (
                        SELECT t2.to_stage FROM stage_transitions t2 JOIN stages s2 ON s2.name = t2.to_stage
                         WHERE t2.from_stage = OLD.stage ORDER BY s2.position)), 'none') || ')'
        WHEN s.requires_amount AND NOT coalesce(NEW.amount > 0, 0)
            THEN 'missing_amount: lead ' || OLD.id || ' needs an amount above 0 to move to ' || NEW.stage
                 || ' (set both: UPDATE leads SET stage = ..., amount = ...)'
        WHEN s.requires_lost_reason AND NEW.lost_reason IS NULL
            THEN 'missing_lost_reason: lead ' || OLD.id || ' needs a lost_reason to move to ' || NEW.stage
                 || ' (one of: ' || (SELECT group_concat(reason, ', ') FROM lost_reasons) || ')'
        WHEN s.requires_owner AND NEW.owner_id IS NULL
            THEN 'missing_owner: lead ' || OLD.id || ' needs an owner to move to ' || NEW.stage
                 || ' (set both: UPDATE leads SET stage = ..., owner_id = ...)'
        END)
      FROM (SELECT 1)
      LEFT JOIN stages AS s ON s.name = NEW.stage
      LEFT JOIN stage_transitions AS t ON t.from_stage = OLD.stage AND t.to_stage = NEW.stage;
END;

CREATE TRIGGER lead_records_after_update_stage AFTER UPDATE OF stage ON lead_records
WHEN NEW.stage IS NOT OLD.stage
BEGIN
    INSERT INTO stage_history(lead_id, from_stage, to_stage, changed_at)
    SELECT NEW.id, OLD.stage, NEW.stage, now FROM clock;

    -- The funnel's counts (97_reports.sql).
    UPDATE stage_counts SET leads = leads - 1 WHERE stage = OLD.stage;
    INSERT INTO stage_counts(stage, leads) VALUES (NEW.stage, 1)
        ON CONFLICT (stage) DO UPDATE SET leads = leads + 1;

    -- Won and lost leads are closed (won ones converted); a recycled one is open again. Whoever moved
    -- the stage set updated_at; this rewrites the row only when one of these changes.
    UPDATE lead_records
       SET converted_at = CASE WHEN s.outcome = 'won' THEN coalesce(lead_records.converted_at, c.now) ELSE lead_records.converted_at END,
           closed_at = CASE WHEN s.outcome IS NOT NULL THEN c.now END
      FROM stages AS s, clock AS c
     WHERE lead_records.id = NEW.id AND s.name = NEW.stage
       AND (s.outcome IS NOT NULL OR lead_records.closed_at IS NOT NULL);

    -- Closing a lead (won or lost) frees its owner's capacity; recycling takes it again.
    UPDATE reps SET open_leads = open_leads
               + CASE WHEN (SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL THEN 1 ELSE -1 END
     WHERE id = NEW.owner_id
       AND ((SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL)
           <> ((SELECT outcome FROM stages WHERE name = OLD.stage) IS NULL);

    -- A move to contacted is the first response, if nothing answered before (85_sla.sql).
    UPDATE lead_records
       SET first_response_at = c.now,
           sla_met = CASE WHEN lead_records.response_due_at IS NULL THEN NULL ELSE c.now <= lead_records.response_due_at END
      FROM clock AS c
     WHERE lead_records.id = NEW.id AND NEW.stage = 'contacted' AND lead_records.first_response_at IS NULL;

    -- Nurture (90_nurture.sql): entering nurturing enrolls (ended at once without consent); leaving it ends.
    UPDATE nurture_enrollments
       SET status = 'ended', end_reason = 'moved to ' || NEW.stage, ended_at = (SELECT now FROM clock), next_due_at = NULL
     WHERE lead_id = NEW.id AND status = 'active' AND OLD.stage = 'nurturing';
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

    -- With routing.assign_at = mql, an unowned lead is routed when it reaches mql (80_routing.sql).
    INSERT INTO routing_requests(lead_id, reason)
    SELECT NEW.id, 'reached mql'
     WHERE NEW.stage = 'mql' AND NEW.owner_id IS NULL
       AND (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'mql';

    -- Entering mql notifies the owner (or, for an unassigned lead, whoever reads rep_id IS NULL).
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'lead_mql', NEW.id, NEW.owner_id,
           json_object('lead_id', NEW.id, 'email', NEW.email,
                       'name', nullif(trim(coalesce(NEW.first_name, '') || ' ' || coalesce(NEW.last_name, '')), ''),
                       'company', NEW.company, 'score', round(l.score, 2), 'from_stage', OLD.stage),
           c.now
      FROM leads AS l, clock AS c
     WHERE NEW.stage = 'mql' AND l.id = NEW.id;
END;

-- Qualification: when a change raises a lead's current score to at least score.mql_threshold and the
-- lead is in a stage that qualifies (new, contacted, nurturing by default) with a move to mql allowed,
-- it moves to mql through the normal stage path.
--
-- mql_ready says which leads may move now; the writers that raise a score (a scored activity, in
-- 50_activities.sql, and a rise in fit, below) move the lead they changed when it is in mql_ready.
CREATE VIEW mql_ready AS
SELECT l.id AS lead_id, l.score
  FROM leads AS l
  JOIN stages AS s ON s.name = l.stage
 WHERE s.qualifies_to_mql = 1
   AND l.score >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold')
   AND EXISTS (SELECT 1 FROM stage_transitions t WHERE t.from_stage = l.stage AND t.to_stage = 'mql');

CREATE TRIGGER lead_scores_after_update_fit_qualify AFTER UPDATE OF fit_score ON lead_scores
WHEN NEW.fit_score > OLD.fit_score
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
