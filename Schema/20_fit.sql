-- Fit: points from fit_rules over a lead's attributes. The match of a rule and a lead is defined once,
-- in fit_matches; everything else (the stored fit_score, score_breakdown) reads from it.
--
-- Operators: = and != compare case-insensitively; contains is a case-insensitive substring; word matches
-- a whole word or phrase (or any of a JSON array of them), ignoring case and punctuation, so "intern"
-- matches "Sales Intern" but not "Director of International Sales", and "co-founder" matches
-- "CTO / Co-Founder"; >= and <= compare numbers as numbers; in takes a JSON array of accepted values
-- (case-insensitive); free_email matches an email whose domain is in free_email_domains. A NULL
-- attribute matches nothing. Rules on country compare ISO codes: a rule naming "UK" or "Germany"
-- matches a lead stored as GB or DE.

-- What each rule compares with, derived from its operator and value (fit_rules.match_list keeps it, so
-- a lead is matched without parsing the rule): `in`, the accepted values lower-cased between char(31)
-- separators; `word`, a JSON array with one entry per word or phrase: its first word, char(31) and its
-- GLOB pattern (word_pattern); =, != and contains, the
-- value lower-cased. Country values are read as country_input reads a lead's country.
CREATE VIEW fit_rule_lists AS
SELECT r.id,
       CASE r.operator
           WHEN 'in' THEN (SELECT char(31) || group_concat(lower(CASE WHEN r.attribute = 'country'
                                   THEN (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(j.value AS TEXT)))
                                   ELSE j.value END), char(31)) || char(31)
                             FROM json_each(r.value) AS j)
           WHEN 'word' THEN (SELECT json_group_array(w.token || char(31) || w.pattern)
                               FROM (SELECT j.value FROM json_each(CASE WHEN json_valid(r.value) THEN r.value ELSE json_array(r.value) END) AS j) AS p,
                                    word_pattern AS w
                              WHERE w.arg = json_array(CAST(p.value AS TEXT)) AND trim(p.value) <> '')
           WHEN 'free_email' THEN NULL
           WHEN '>=' THEN NULL
           WHEN '<=' THEN NULL
           ELSE lower(CASE WHEN r.attribute = 'country'
                           THEN (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(r.value AS TEXT)))
                           ELSE r.value END)
       END AS match_list
  FROM fit_rules AS r;

-- The entries of the `word` rules' match lists, one row per word or phrase: what _fit_words holds.
CREATE VIEW fit_rule_words AS
SELECT r.id AS rule_id, substr(w.value, 1, instr(w.value, char(31)) - 1) AS token,
       substr(w.value, instr(w.value, char(31)) + 1) AS pattern
  FROM fit_rules AS r, json_each(CASE WHEN r.operator = 'word' AND json_valid(r.match_list) THEN r.match_list END) AS w;

CREATE VIEW fit_matches AS
SELECT l.id AS lead_id, r.id AS rule_id, r.attribute, r.operator, r.value, r.points, r.description,
       CASE r.attribute
           WHEN 'email' THEN l.email WHEN 'first_name' THEN l.first_name WHEN 'last_name' THEN l.last_name
           WHEN 'phone' THEN l.phone WHEN 'company' THEN l.company WHEN 'title' THEN l.title
           WHEN 'industry' THEN l.industry WHEN 'company_size' THEN l.company_size
           WHEN 'country' THEN l.country WHEN 'source' THEN l.source WHEN 'campaign' THEN l.campaign
           -- a custom field (33_custom_fields.sql): custom.NAME
           ELSE CASE WHEN r.attribute GLOB 'custom.?*' AND json_valid(l.custom) THEN json_extract(l.custom, '$."' || substr(r.attribute, 8) || '"') END
       END AS lead_value
  FROM lead_records AS l, fit_rules AS r
 WHERE CASE r.operator
        WHEN 'free_email' THEN EXISTS (
            SELECT 1 FROM free_email_domains d WHERE d.domain = substr(l.email, instr(l.email, '@') + 1))
        WHEN 'contains' THEN instr(lower(lead_value), r.match_list) > 0
        WHEN 'word' THEN lead_value IS NOT NULL AND EXISTS (
            SELECT 1 FROM _fit_words AS w
             WHERE w.rule_id = r.id AND instr(lower(lead_value), w.token) > 0
               AND ' ' || lower(lead_value) || ' ' GLOB w.pattern)
        WHEN 'in' THEN instr(r.match_list, char(31) || lower(lead_value) || char(31)) > 0
        WHEN '=' THEN lower(lead_value) = r.match_list
        WHEN '!=' THEN lower(lead_value) <> r.match_list
        WHEN '>=' THEN CASE WHEN typeof(lead_value) IN ('integer', 'real') THEN lead_value >= CAST(r.value AS REAL) ELSE lead_value >= r.value END
        WHEN '<=' THEN CASE WHEN typeof(lead_value) IN ('integer', 'real') THEN lead_value <= CAST(r.value AS REAL) ELSE lead_value <= r.value END
        END;

-- A change to an attribute a rule can read recomputes that lead's fit (a new lead gets its fit when its
-- scoring row is created: see lead_records_after_insert in 30_leads.sql).
CREATE TRIGGER lead_records_after_update_fit
AFTER UPDATE OF email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign, custom
ON lead_records
WHEN NEW.email IS NOT OLD.email OR NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name
  OR NEW.phone IS NOT OLD.phone OR NEW.company IS NOT OLD.company OR NEW.title IS NOT OLD.title
  OR NEW.industry IS NOT OLD.industry OR NEW.company_size IS NOT OLD.company_size OR NEW.country IS NOT OLD.country
  OR NEW.source IS NOT OLD.source OR NEW.campaign IS NOT OLD.campaign OR NEW.custom IS NOT OLD.custom
BEGIN
    UPDATE lead_scores SET fit_score = (SELECT total(points) FROM fit_matches WHERE lead_id = NEW.id)
     WHERE lead_id = NEW.id;
END;

-- A rule added, changed or removed changes the fit of every lead: each lead's fit as the rules give it
-- now (45_rescoring.sql rescores them, tick.batch leads at a time).
CREATE VIEW fit_recomputed AS
SELECT l.id AS lead_id, (SELECT total(points) FROM fit_matches m WHERE m.lead_id = l.id) AS fit_score
  FROM lead_records AS l;

-- When the schema is re-created (every deploy that changes a migration or a Schema/ file), derived
-- rule data is derived again (before the triggers below exist: a match list derived differently starts
-- a rescore of every lead, done by ticks, 45_rescoring.sql) and the leads a data migration queued in
-- _fit_queue are rescored; all are no-ops when nothing changed.
INSERT INTO _rescoring(kind, next_id, last_id, since)
SELECT 'fit', 1, coalesce((SELECT max(id) FROM lead_records), 0), (SELECT now FROM clock)
 WHERE EXISTS (SELECT 1 FROM fit_rules AS r
                WHERE r.match_list IS NOT (SELECT l.match_list FROM fit_rule_lists AS l WHERE l.id = r.id))
ON CONFLICT (kind) DO UPDATE SET next_id = 1, last_id = excluded.last_id, since = excluded.since;
UPDATE fit_rules SET match_list = (SELECT l.match_list FROM fit_rule_lists AS l WHERE l.id = fit_rules.id)
 WHERE match_list IS NOT (SELECT l.match_list FROM fit_rule_lists AS l WHERE l.id = fit_rules.id);

DELETE FROM _fit_words
 WHERE NOT EXISTS (SELECT 1 FROM fit_rule_words AS w
                    WHERE w.rule_id = _fit_words.rule_id AND w.token = _fit_words.token AND w.pattern = _fit_words.pattern);
INSERT INTO _fit_words(rule_id, token, pattern) SELECT DISTINCT rule_id, token, pattern FROM fit_rule_words WHERE true
    ON CONFLICT DO NOTHING;

UPDATE lead_scores SET fit_score = (SELECT total(m.points) FROM fit_matches AS m WHERE m.lead_id = lead_scores.lead_id)
 WHERE lead_id IN (SELECT lead_id FROM _fit_queue);

DELETE FROM _fit_queue;

-- Each trigger first derives the rule's match_list, then rescores. One trigger per event, so the order
-- is certain. A match_list written by hand is derived again.
CREATE TRIGGER fit_rules_after_insert_rescore AFTER INSERT ON fit_rules
BEGIN
    UPDATE fit_rules SET match_list = (SELECT match_list FROM fit_rule_lists WHERE id = NEW.id) WHERE id = NEW.id;
    DELETE FROM _fit_words
     WHERE rule_id IN (NEW.id) AND NOT EXISTS (SELECT 1 FROM fit_rule_words AS w
                                            WHERE w.rule_id = _fit_words.rule_id AND w.token = _fit_words.token AND w.pattern = _fit_words.pattern);
    -- (an upsert, not OR IGNORE: a trigger's OR IGNORE gives way to the firing statement's OR ABORT or OR FAIL)
    INSERT INTO _fit_words(rule_id, token, pattern) SELECT DISTINCT rule_id, token, pattern FROM fit_rule_words WHERE rule_id = NEW.id
        ON CONFLICT DO NOTHING;
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;

CREATE TRIGGER fit_rules_after_update_rescore AFTER UPDATE OF id, attribute, operator, value, points, match_list ON fit_rules
BEGIN
    UPDATE fit_rules SET match_list = (SELECT match_list FROM fit_rule_lists WHERE id = NEW.id) WHERE id = NEW.id;
    DELETE FROM _fit_words
     WHERE rule_id IN (OLD.id, NEW.id) AND NOT EXISTS (SELECT 1 FROM fit_rule_words AS w
                                            WHERE w.rule_id = _fit_words.rule_id AND w.token = _fit_words.token AND w.pattern = _fit_words.pattern);
    -- (an upsert, not OR IGNORE: a trigger's OR IGNORE gives way to the firing statement's OR ABORT or OR FAIL)
    INSERT INTO _fit_words(rule_id, token, pattern) SELECT DISTINCT rule_id, token, pattern FROM fit_rule_words WHERE rule_id = NEW.id
        ON CONFLICT DO NOTHING;
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;

CREATE TRIGGER fit_rules_after_delete_rescore AFTER DELETE ON fit_rules
BEGIN
    DELETE FROM _fit_words WHERE rule_id = OLD.id;
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;

-- A free-mail domain added, changed or removed changes the fit of the leads with that domain.
CREATE TRIGGER free_email_domains_after_insert_rescore AFTER INSERT ON free_email_domains
BEGIN
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;

CREATE TRIGGER free_email_domains_after_update_rescore AFTER UPDATE ON free_email_domains
BEGIN
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;

CREATE TRIGGER free_email_domains_after_delete_rescore AFTER DELETE ON free_email_domains
BEGIN
    INSERT INTO _rescoring_start(kind) VALUES ('fit');
END;
