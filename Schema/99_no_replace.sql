-- No row is replaced. INSERT OR REPLACE (and REPLACE INTO) deletes a conflicting row without firing
-- its table's DELETE triggers (unless a connection turns recursive_triggers on), so every table whose
-- rows the rules guard against deletion or change refuses an insert that would replace one: it says
-- which row exists. The tables whose counts the rules keep accept no hand-made counts either.

CREATE TRIGGER reps_before_insert_no_replace BEFORE INSERT ON reps
WHEN EXISTS (SELECT 1 FROM reps WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM reps WHERE email = NEW.email)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: reps already has a rep with id ' || coalesce(NEW.id, '') || ' or email ' || coalesce(NEW.email, '') || '; update it instead (a replace would delete the rep and their history''s owner)'));
END;

CREATE TRIGGER stages_before_insert_no_replace BEFORE INSERT ON stages
WHEN EXISTS (SELECT 1 FROM stages WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: stage ' || NEW.name || ' exists; update it instead'));
END;

CREATE TRIGGER activity_kinds_before_insert_no_replace BEFORE INSERT ON activity_kinds
WHEN EXISTS (SELECT 1 FROM activity_kinds WHERE kind = NEW.kind)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: activity kind ' || NEW.kind || ' exists; update it instead'));
END;

CREATE TRIGGER lost_reasons_before_insert_no_replace BEFORE INSERT ON lost_reasons
WHEN EXISTS (SELECT 1 FROM lost_reasons WHERE reason = NEW.reason)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: lost reason ' || NEW.reason || ' exists; update it instead'));
END;

CREATE TRIGGER teams_before_insert_no_replace BEFORE INSERT ON teams
WHEN EXISTS (SELECT 1 FROM teams WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: team ' || NEW.name || ' exists; update it instead'));
END;

CREATE TRIGGER nurture_sequences_before_insert_no_replace BEFORE INSERT ON nurture_sequences
WHEN EXISTS (SELECT 1 FROM nurture_sequences WHERE id = NEW.id OR name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture sequence ' || coalesce(NEW.id, NEW.name) || ' exists; update it instead'));
END;

CREATE TRIGGER stage_history_before_insert_no_replace BEFORE INSERT ON stage_history
WHEN EXISTS (SELECT 1 FROM stage_history WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: stage_history row ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER assignments_before_insert_no_replace BEFORE INSERT ON assignments
WHEN EXISTS (SELECT 1 FROM assignments WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: assignment ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER activity_log_before_insert_no_replace BEFORE INSERT ON activity_log
WHEN EXISTS (SELECT 1 FROM activity_log WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: activity ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER captures_before_insert_no_replace BEFORE INSERT ON captures
WHEN EXISTS (SELECT 1 FROM captures WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM captures WHERE capture_key = NEW.capture_key)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: that capture exists and cannot be replaced'));
END;

CREATE TRIGGER erasures_before_insert_no_replace BEFORE INSERT ON erasures
WHEN EXISTS (SELECT 1 FROM erasures WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: erasure ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER lead_scores_before_insert_no_replace BEFORE INSERT ON lead_scores
WHEN EXISTS (SELECT 1 FROM lead_scores WHERE lead_id = NEW.lead_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('maintained: lead_scores rows are kept by LeadDB and cannot be replaced'));
END;

CREATE TRIGGER sla_escalation_runs_before_insert_no_replace BEFORE INSERT ON sla_escalation_runs
WHEN EXISTS (SELECT 1 FROM sla_escalation_runs WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: escalation run ' || NEW.id || ' exists and cannot be replaced'));
END;

-- Erasures re-suppress a hash that is already there as a no-op; a replace is one too.
CREATE TRIGGER suppressed_emails_before_insert_no_replace BEFORE INSERT ON suppressed_emails
WHEN EXISTS (SELECT 1 FROM suppressed_emails WHERE email_hash = NEW.email_hash)
BEGIN
    SELECT RAISE(IGNORE);
END;

-- A setting is changed by UPDATE, which its checks and its effects (a half-life change rescoring, a
-- clock change resetting the escalation mark) follow; a replace would skip them.
CREATE TRIGGER settings_before_insert_no_replace BEFORE INSERT ON settings
WHEN EXISTS (SELECT 1 FROM settings WHERE key = NEW.key)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: setting ' || NEW.key || ' exists; UPDATE settings SET value = ... WHERE key = ''' || NEW.key || ''' changes it'));
END;

CREATE TRIGGER countries_before_insert_no_replace BEFORE INSERT ON countries
WHEN EXISTS (SELECT 1 FROM countries WHERE code = NEW.code OR alpha3 = NEW.alpha3)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: country ' || coalesce(NEW.code, '') || ' or ' || coalesce(NEW.alpha3, '') || ' exists; update it instead (a replace would delete the country its leads and aliases name)'));
END;

-- (an enrollment made by the rules takes the next id; one given by hand must be new)
CREATE TRIGGER nurture_enrollments_before_insert_no_replace BEFORE INSERT ON nurture_enrollments
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM nurture_enrollments WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture enrollment ' || NEW.id || ' exists; its lead and sequence never change'));
END;

-- A new rep starts with no open leads and no assignment; a stage's count starts at one lead.
CREATE TRIGGER reps_before_insert_maintained BEFORE INSERT ON reps
WHEN NEW.open_leads <> 0 OR NEW.last_assignment_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'maintained: a new rep starts with open_leads 0 and no last_assignment_id; LeadDB keeps them');
END;

CREATE TRIGGER stage_counts_before_insert_maintained BEFORE INSERT ON stage_counts
WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.stage)
  OR CASE WHEN NEW.leads IS 1 THEN 0 ELSE NEW.leads IS NOT (SELECT count(*) FROM lead_records WHERE stage = NEW.stage) END
BEGIN
    SELECT RAISE(ABORT, 'maintained: stage_counts is kept by LeadDB (one lead at a time) and cannot be set by hand');
END;

-- A rep's email is unique: taking another rep's by UPDATE OR REPLACE would delete that rep.
CREATE TRIGGER reps_before_update_email_no_replace BEFORE UPDATE OF email ON reps
WHEN NEW.email IS NOT OLD.email AND EXISTS (SELECT 1 FROM reps WHERE email = NEW.email AND id <> NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: rep email ' || NEW.email || ' belongs to another rep'));
END;
