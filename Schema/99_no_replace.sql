-- No row is replaced. INSERT OR REPLACE (and REPLACE INTO) deletes a conflicting row without firing
-- its table's DELETE triggers (unless a connection turns recursive_triggers on), so every table whose
-- rows the rules guard against deletion or change refuses an insert that would replace one: it says
-- which row exists. The tables whose counts the rules keep accept no hand-made counts either. (In a
-- BEFORE INSERT trigger a row SQLite numbers reads as id -1: a row a script stored with id -1 must not
-- make every later insert look like a replace, so -1 is never looked up.)

CREATE TRIGGER reps_before_insert_no_replace BEFORE INSERT ON reps
WHEN (NEW.id <> -1 AND EXISTS (SELECT 1 FROM reps WHERE id = NEW.id)) OR EXISTS (SELECT 1 FROM reps WHERE email = NEW.email)
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
WHEN EXISTS (SELECT 1 FROM nurture_sequences WHERE (id = NEW.id AND NEW.id <> -1) OR name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture sequence ' || coalesce(NEW.id, NEW.name) || ' exists; update it instead'));
END;

CREATE TRIGGER stage_history_before_insert_no_replace BEFORE INSERT ON stage_history
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM stage_history WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: stage_history row ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER assignments_before_insert_no_replace BEFORE INSERT ON assignments
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM assignments WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: assignment ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER activity_log_before_insert_no_replace BEFORE INSERT ON activity_log
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM activity_log WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: activity ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER captures_before_insert_no_replace BEFORE INSERT ON captures
WHEN (NEW.id <> -1 AND EXISTS (SELECT 1 FROM captures WHERE id = NEW.id)) OR EXISTS (SELECT 1 FROM captures WHERE capture_key = NEW.capture_key)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: that capture exists and cannot be replaced'));
END;

CREATE TRIGGER erasures_before_insert_no_replace BEFORE INSERT ON erasures
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM erasures WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('append_only: erasure ' || NEW.id || ' exists and cannot be replaced'));
END;

CREATE TRIGGER lead_scores_before_insert_no_replace BEFORE INSERT ON lead_scores
WHEN EXISTS (SELECT 1 FROM lead_scores WHERE lead_id = NEW.lead_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('maintained: lead_scores rows are kept by LeadDB and cannot be replaced'));
END;

CREATE TRIGGER sla_escalation_runs_before_insert_no_replace BEFORE INSERT ON sla_escalation_runs
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM sla_escalation_runs WHERE id = NEW.id)
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
WHEN NEW.id IS NOT NULL AND NEW.id <> -1 AND EXISTS (SELECT 1 FROM nurture_enrollments WHERE id = NEW.id)
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
  OR CASE WHEN NEW.leads IS 1 THEN 0 ELSE NEW.leads IS NOT (SELECT count(*) FROM lead_records WHERE stage = NEW.stage AND merged_into IS NULL) END
BEGIN
    SELECT RAISE(ABORT, 'maintained: stage_counts is kept by LeadDB (one lead at a time) and cannot be set by hand');
END;

-- A rep's email is unique: taking another rep's by UPDATE OR REPLACE would delete that rep.
CREATE TRIGGER reps_before_update_email_no_replace BEFORE UPDATE OF email ON reps
WHEN NEW.email IS NOT OLD.email AND EXISTS (SELECT 1 FROM reps WHERE email = NEW.email AND id <> NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: rep email ' || NEW.email || ' belongs to another rep'));
END;

-- No key is moved onto another row's: UPDATE OR REPLACE would delete that row without its delete rules.
-- (One trigger per key column, set off only by an UPDATE that names the column.)
CREATE TRIGGER countries_before_update_code_no_replace BEFORE UPDATE OF code ON countries
WHEN NEW.code IS NOT OLD.code AND EXISTS (SELECT 1 FROM countries WHERE code = NEW.code)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: country ' || NEW.code || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER countries_before_update_alpha3_no_replace BEFORE UPDATE OF alpha3 ON countries
WHEN NEW.alpha3 IS NOT OLD.alpha3 AND EXISTS (SELECT 1 FROM countries WHERE alpha3 = NEW.alpha3)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: country alpha-3 code ' || NEW.alpha3 || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER fit_rules_before_update_id_no_replace BEFORE UPDATE OF id ON fit_rules
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM fit_rules WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: fit rule ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER free_email_domains_before_update_domain_no_replace BEFORE UPDATE OF domain ON free_email_domains
WHEN NEW.domain IS NOT OLD.domain AND EXISTS (SELECT 1 FROM free_email_domains WHERE domain = NEW.domain)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: free email domain ' || NEW.domain || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER lead_imports_before_update_id_no_replace BEFORE UPDATE OF id ON lead_imports
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM lead_imports WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: staged import row ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER lead_scores_before_update_lead_id_no_replace BEFORE UPDATE OF lead_id ON lead_scores
WHEN NEW.lead_id IS NOT OLD.lead_id AND EXISTS (SELECT 1 FROM lead_scores WHERE lead_id = NEW.lead_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: scoring row of lead ' || NEW.lead_id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER lost_reasons_before_update_reason_no_replace BEFORE UPDATE OF reason ON lost_reasons
WHEN NEW.reason IS NOT OLD.reason AND EXISTS (SELECT 1 FROM lost_reasons WHERE reason = NEW.reason)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: lost reason ' || NEW.reason || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER outbox_before_update_id_no_replace BEFORE UPDATE OF id ON outbox
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM outbox WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: outbox message ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER sla_escalations_before_update_id_no_replace BEFORE UPDATE OF id ON sla_escalations
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM sla_escalations WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: SLA escalation ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER sla_policies_before_update_id_no_replace BEFORE UPDATE OF id ON sla_policies
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM sla_policies WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: SLA policy ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER stages_before_update_name_no_replace BEFORE UPDATE OF name ON stages
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM stages WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: stage ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER settings_before_update_key_no_replace BEFORE UPDATE OF key ON settings
WHEN NEW.key IS NOT OLD.key AND EXISTS (SELECT 1 FROM settings WHERE key = NEW.key)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: setting ' || NEW.key || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER nurture_enrollments_before_update_id_no_replace BEFORE UPDATE OF id ON nurture_enrollments
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM nurture_enrollments WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture enrollment ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER erasures_before_update_id_no_replace BEFORE UPDATE OF id ON erasures
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM erasures WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: erasure ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER nurture_sequences_before_update_id_no_replace BEFORE UPDATE OF id ON nurture_sequences
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM nurture_sequences WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture sequence ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER routing_rules_before_update_id_no_replace BEFORE UPDATE OF id ON routing_rules
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM routing_rules WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: routing rule ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER ticks_before_update_id_no_replace BEFORE UPDATE OF id ON ticks
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM ticks WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: tick ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER teams_before_update_name_no_replace BEFORE UPDATE OF name ON teams
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM teams WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: team ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER activity_kinds_before_update_kind_no_replace BEFORE UPDATE OF kind ON activity_kinds
WHEN NEW.kind IS NOT OLD.kind AND EXISTS (SELECT 1 FROM activity_kinds WHERE kind = NEW.kind)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: activity kind ' || NEW.kind || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER captures_before_update_id_no_replace BEFORE UPDATE OF id ON captures
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM captures WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: capture ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER activity_log_before_update_id_no_replace BEFORE UPDATE OF id ON activity_log
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM activity_log WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: activity ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER stage_history_before_update_id_no_replace BEFORE UPDATE OF id ON stage_history
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM stage_history WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: stage move ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER assignments_before_update_id_no_replace BEFORE UPDATE OF id ON assignments
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM assignments WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: assignment ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER reps_before_update_id_no_replace BEFORE UPDATE OF id ON reps
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM reps WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: rep ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER lead_records_before_update_id_no_replace BEFORE UPDATE OF id ON lead_records
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: lead ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER suppressed_emails_before_update_email_hash_no_replace BEFORE UPDATE OF email_hash ON suppressed_emails
WHEN NEW.email_hash IS NOT OLD.email_hash AND EXISTS (SELECT 1 FROM suppressed_emails WHERE email_hash = NEW.email_hash)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: suppressed contact ' || NEW.email_hash || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER holidays_before_update_day_no_replace BEFORE UPDATE OF day ON holidays
WHEN NEW.day IS NOT OLD.day AND EXISTS (SELECT 1 FROM holidays WHERE day = NEW.day)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: holiday ' || NEW.day || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER country_aliases_before_update_alias_no_replace BEFORE UPDATE OF alias ON country_aliases
WHEN NEW.alias IS NOT OLD.alias AND EXISTS (SELECT 1 FROM country_aliases WHERE alias = NEW.alias)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: country alias ' || NEW.alias || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER sla_escalation_runs_before_update_id_no_replace BEFORE UPDATE OF id ON sla_escalation_runs
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM sla_escalation_runs WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: escalation run ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER nurture_sequences_before_update_name_no_replace BEFORE UPDATE OF name ON nurture_sequences
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM nurture_sequences WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: nurture sequence ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER stall_limits_before_update_stage_no_replace BEFORE UPDATE OF stage ON stall_limits
WHEN NEW.stage IS NOT OLD.stage AND EXISTS (SELECT 1 FROM stall_limits WHERE stage = NEW.stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: stall limit of stage ' || NEW.stage || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER campaigns_before_update_name_no_replace BEFORE UPDATE OF name ON campaigns
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM campaigns WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: campaign ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;
