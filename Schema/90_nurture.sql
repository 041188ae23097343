-- Nurture.
--
-- A lead entering `nurturing` is enrolled in the first sequence (by priority) whose source, industry and
-- segment match, else the default sequence (see 40_stages.sql). Each tick sends every enrollment's due step as
-- one outbox message and schedules the next (one step per enrollment per tick). An enrollment ends, with
-- its reason, on an activity whose kind ends nurture (email_reply, meeting, demo_request, unsubscribe,
-- email_bounce), on a move out of nurturing, or when marketing consent is missing or withdrawn: no
-- message is ever queued for a lead without consent.

-- The sequence each lead would be enrolled in now.
CREATE VIEW nurture_choice AS
SELECT l.id AS lead_id,
       coalesce((SELECT s.id FROM nurture_sequences s
                  WHERE s.is_default = 0
                    AND (s.source IS NULL OR lower(s.source) = lower(l.source))
                    AND (s.industry IS NULL OR lower(s.industry) = lower(l.industry))
                    -- (a sequence for a segment takes its leads only: 36_segments.sql)
                    AND (s.segment IS NULL OR EXISTS (SELECT 1 FROM segment_members AS m WHERE m.segment = s.segment AND m.lead_id = l.id))
                    -- (a sequence with no steps yet takes nobody: the lead goes on to the next)
                    AND EXISTS (SELECT 1 FROM nurture_steps AS st WHERE st.sequence_id = s.id)
                  ORDER BY s.priority, s.id LIMIT 1),
                (SELECT s.id FROM nurture_sequences s WHERE s.is_default = 1 ORDER BY s.priority, s.id LIMIT 1)) AS sequence_id
  FROM lead_records AS l;

-- How an enrollment ends, the one definition: INSERT INTO _nurture_end(lead_id, reason, applies)
-- VALUES (...) ends the lead's active enrollment (or only enrollment_id, when given) with its reason, now,
-- when `applies` is true. The events that end one call it: a move out of nurturing (40_stages.sql), an
-- activity whose kind ends nurture (50_activities.sql), consent withdrawn (below), an erasure
-- (95_privacy.sql), a due step of a lead without consent (96_ticks.sql). (`applies` lets a hot path
-- call it with VALUES, whose trigger decides, rather than INSERT ... SELECT, which would build a
-- temporary table every time.)
CREATE VIEW _nurture_end AS SELECT NULL AS lead_id, NULL AS enrollment_id, NULL AS reason, NULL AS applies WHERE 0;

CREATE TRIGGER _nurture_end_instead_of_insert INSTEAD OF INSERT ON _nurture_end
WHEN NEW.applies
BEGIN
    UPDATE nurture_enrollments
       SET status = 'ended', end_reason = NEW.reason, ended_at = (SELECT now FROM clock), next_due_at = NULL
     WHERE lead_id = NEW.lead_id AND status = 'active' AND (NEW.enrollment_id IS NULL OR id = NEW.enrollment_id);
END;

-- Consent withdrawn ends the enrollment.
CREATE TRIGGER lead_records_after_update_consent AFTER UPDATE OF consent ON lead_records
WHEN NEW.consent IS NOT 1 AND OLD.consent IS 1
BEGIN
    INSERT INTO _nurture_end(lead_id, reason, applies) VALUES (NEW.id, 'no_consent', 1);
END;

-- What each tick does for nurture, as a view of the due steps (also useful to preview a tick).
CREATE VIEW nurture_due AS
SELECT e.id AS enrollment_id, e.lead_id, e.sequence_id, q.name AS sequence, e.next_step AS position, st.subject,
       e.next_due_at, l.consent, l.email, l.first_name, l.last_name,
       (SELECT n.position FROM nurture_steps n WHERE n.sequence_id = e.sequence_id AND n.position > e.next_step
         ORDER BY n.position LIMIT 1) AS following_step
  FROM nurture_enrollments AS e
  JOIN nurture_sequences AS q ON q.id = e.sequence_id
  JOIN lead_records AS l ON l.id = e.lead_id
  LEFT JOIN nurture_steps AS st ON st.sequence_id = e.sequence_id AND st.position = e.next_step
 CROSS JOIN clock AS c
 WHERE e.status = 'active' AND e.next_due_at <= c.now;

-- Sequences that leads were enrolled in stay (their enrollments point to them); so does the default one.
CREATE TRIGGER nurture_sequences_before_delete BEFORE DELETE ON nurture_sequences
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN EXISTS (SELECT 1 FROM nurture_enrollments WHERE sequence_id = OLD.id)
            THEN 'sequence_in_use: nurture sequence ' || OLD.id || ' (' || OLD.name || ') has enrollments; give it a priority no lead reaches instead'
        WHEN OLD.is_default = 1 AND NOT EXISTS (SELECT 1 FROM nurture_sequences WHERE is_default = 1 AND id <> OLD.id)
            THEN 'required_sequence: nurture sequence ' || OLD.id || ' (' || OLD.name || ') is the default one; mark another as default first'
        END));
END;

-- An enrollment is a lead's history in one sequence: it keeps its lead and its sequence.
CREATE TRIGGER nurture_enrollments_before_update_keys BEFORE UPDATE OF lead_id, sequence_id ON nurture_enrollments
WHEN NEW.lead_id IS NOT OLD.lead_id OR NEW.sequence_id IS NOT OLD.sequence_id
BEGIN
    SELECT RAISE(ABORT, 'append_only: a nurture enrollment keeps its lead and its sequence');
END;

CREATE TRIGGER nurture_sequences_before_update_id BEFORE UPDATE OF id ON nurture_sequences
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM nurture_enrollments WHERE sequence_id = OLD.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('sequence_in_use: nurture sequence ' || OLD.id || ' has enrollments; its id cannot change'));
END;
