-- A lead's field history (migration 0026): every change of the fields people and programs edit (email,
-- first_name, last_name, phone, company, title, industry, company_size, country, source, campaign,
-- consent, amount, custom), by every writer, one row per field with its old and new value as stored.
--
-- Who or what made it: UPDATE leads SET title = 'CTO', changed_by = 'Ana' WHERE id = 42 names Ana
-- (leads.changed_by reads NULL; 1 to 100 printable characters); a change through leads that names nobody
-- is 'sql'; a capture that fills a field is 'capture'; a change written to lead_records directly names
-- nobody (NULL). Stage moves and owners have their own histories (stage_history, assignments).
--
-- The history is append-only: rows are written by the rules, their changed_by given once, never changed
-- or deleted; an erasure removes the person's values from it (95_privacy.sql).
CREATE TRIGGER lead_records_after_update_field_history
AFTER UPDATE OF email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign,
                consent, amount, custom ON lead_records
-- (an undo of a merge brings its merged lead back as it was: no change of its own, 89_merges.sql)
WHEN NEW.erased_at IS NULL AND OLD.erased_at IS NULL
 AND (NEW.email IS NOT OLD.email OR NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name
      OR NEW.phone IS NOT OLD.phone OR NEW.company IS NOT OLD.company OR NEW.title IS NOT OLD.title
      OR NEW.industry IS NOT OLD.industry OR NEW.company_size IS NOT OLD.company_size OR NEW.country IS NOT OLD.country
      OR NEW.source IS NOT OLD.source OR NEW.campaign IS NOT OLD.campaign OR NEW.consent IS NOT OLD.consent
      OR NEW.amount IS NOT OLD.amount OR NEW.custom IS NOT OLD.custom)
BEGIN
    INSERT INTO field_history(lead_id, field, old_value, new_value, changed_at, changed_by)
    SELECT NEW.id, c.field, c.old, c.new, (SELECT now FROM clock), (SELECT a.changed_by FROM _field_history_actor AS a WHERE a.lead_id = NEW.id)
      FROM (SELECT 1 AS n, 'email' AS field, OLD.email AS old, NEW.email AS new
            UNION ALL SELECT 2, 'first_name', OLD.first_name, NEW.first_name
            UNION ALL SELECT 3, 'last_name', OLD.last_name, NEW.last_name
            UNION ALL SELECT 4, 'phone', OLD.phone, NEW.phone
            UNION ALL SELECT 5, 'company', OLD.company, NEW.company
            UNION ALL SELECT 6, 'title', OLD.title, NEW.title
            UNION ALL SELECT 7, 'industry', OLD.industry, NEW.industry
            UNION ALL SELECT 8, 'company_size', OLD.company_size, NEW.company_size
            UNION ALL SELECT 9, 'country', OLD.country, NEW.country
            UNION ALL SELECT 10, 'source', OLD.source, NEW.source
            UNION ALL SELECT 11, 'campaign', OLD.campaign, NEW.campaign
            UNION ALL SELECT 12, 'consent', OLD.consent, NEW.consent
            UNION ALL SELECT 13, 'amount', OLD.amount, NEW.amount
            UNION ALL SELECT 14, 'custom', OLD.custom, NEW.custom) AS c
     WHERE c.old IS NOT c.new;
END;

-- Internal: who changes a lead in the statement under way (a change through leads names it before it
-- writes the lead, a capture too, and each takes it away after: _field_history_actor is empty between
-- statements).
CREATE VIEW _field_history_by AS SELECT NULL AS lead_id, NULL AS changed_by WHERE 0;

CREATE TRIGGER _field_history_by_instead_of_insert INSTEAD OF INSERT ON _field_history_by
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_text: changed_by names who made a change in 1 to 100 printable characters (a person or a program); got ' || quote(NEW.changed_by),
               json_object('lead', NEW.lead_id)))
     WHERE NEW.changed_by IS NOT NULL
       AND (typeof(NEW.changed_by) <> 'text' OR length(NEW.changed_by) NOT BETWEEN 1 AND 100
            OR NEW.changed_by GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(NEW.changed_by, char(0)) > 0);
    DELETE FROM _field_history_actor WHERE lead_id = NEW.lead_id AND NEW.changed_by IS NULL;
    INSERT INTO _field_history_actor(lead_id, changed_by) SELECT NEW.lead_id, NEW.changed_by WHERE NEW.changed_by IS NOT NULL
        ON CONFLICT (lead_id) DO UPDATE SET changed_by = excluded.changed_by;
END;

-- Append-only: a row is what the trigger above wrote (the lead's value now, at now, by whoever is
-- changing the lead); an erasure takes the person's values out.
CREATE TRIGGER field_history_before_insert BEFORE INSERT ON field_history
WHEN NEW.changed_by IS NOT (SELECT a.changed_by FROM _field_history_actor AS a WHERE a.lead_id = NEW.lead_id)
  OR NEW.changed_at IS NOT (SELECT now FROM clock)
  OR NEW.new_value IS NOT (SELECT CASE NEW.field WHEN 'email' THEN l.email WHEN 'first_name' THEN l.first_name WHEN 'last_name' THEN l.last_name
                                      WHEN 'phone' THEN l.phone WHEN 'company' THEN l.company WHEN 'title' THEN l.title
                                      WHEN 'industry' THEN l.industry WHEN 'company_size' THEN l.company_size WHEN 'country' THEN l.country
                                      WHEN 'source' THEN l.source WHEN 'campaign' THEN l.campaign WHEN 'consent' THEN l.consent
                                      WHEN 'amount' THEN l.amount WHEN 'custom' THEN l.custom END
                             FROM lead_records AS l WHERE l.id = NEW.lead_id)
  OR (NEW.id <> -1 AND EXISTS (SELECT 1 FROM field_history WHERE id = NEW.id))
BEGIN
    SELECT RAISE(ABORT, 'append_only: field_history is written by LeadDB as a lead''s fields change; change the lead (UPDATE leads SET ...)');
END;

CREATE TRIGGER field_history_before_update BEFORE UPDATE ON field_history
WHEN NEW.id IS NOT OLD.id OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id)) OR NEW.field IS NOT OLD.field OR NEW.changed_at IS NOT OLD.changed_at
  OR NEW.changed_by IS NOT OLD.changed_by
  OR ((NEW.old_value IS NOT OLD.old_value OR NEW.new_value IS NOT OLD.new_value)
      AND NOT (NEW.old_value IS NULL AND NEW.new_value IS NULL
               AND ((SELECT erased_at FROM lead_records WHERE id = OLD.lead_id) IS NOT NULL
                    -- (a person merged into this lead and taken back out, erased since: 95_privacy.sql)
                    OR EXISTS (SELECT 1 FROM merges AS m JOIN erasures AS x ON x.lead_id = m.merged_id
                                WHERE m.kept_id = OLD.lead_id AND m.undone_at IS NOT NULL))))
BEGIN
    SELECT RAISE(ABORT, 'append_only: field_history cannot be changed');
END;

CREATE TRIGGER field_history_before_delete BEFORE DELETE ON field_history
BEGIN
    SELECT RAISE(ABORT, 'append_only: field_history cannot be deleted');
END;
