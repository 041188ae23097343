-- Fit: points from fit_rules over a lead's attributes. The match of a rule and a lead is defined once,
-- in fit_matches; everything else (the stored fit_score, score_breakdown) reads from it.
--
-- Operators: = and != compare case-insensitively; contains is a case-insensitive substring; >= and <=
-- compare numbers as numbers; in takes a JSON array of accepted values (case-insensitive);
-- free_email matches an email whose domain is in free_email_domains. A NULL attribute matches nothing.

CREATE VIEW fit_matches AS
SELECT l.id AS lead_id, r.id AS rule_id, r.attribute, r.operator, r.value, r.points, r.description
  FROM lead_records AS l
  JOIN fit_rules AS r
    ON CASE r.operator
        WHEN 'free_email' THEN EXISTS (
            SELECT 1 FROM free_email_domains d WHERE d.domain = substr(l.email, instr(l.email, '@') + 1))
        ELSE (SELECT CASE
                WHEN v IS NULL THEN 0
                WHEN r.operator = '=' THEN lower(v) = lower(r.value)
                WHEN r.operator = '!=' THEN lower(v) <> lower(r.value)
                WHEN r.operator = 'contains' THEN instr(lower(v), lower(r.value)) > 0
                WHEN r.operator = '>=' THEN CASE WHEN typeof(v) IN ('integer', 'real') THEN v >= CAST(r.value AS REAL) ELSE v >= r.value END
                WHEN r.operator = '<=' THEN CASE WHEN typeof(v) IN ('integer', 'real') THEN v <= CAST(r.value AS REAL) ELSE v <= r.value END
                WHEN r.operator = 'in' THEN EXISTS (SELECT 1 FROM json_each(r.value) j WHERE lower(j.value) = lower(v))
                END
              FROM (SELECT CASE r.attribute
                        WHEN 'email' THEN l.email WHEN 'first_name' THEN l.first_name WHEN 'last_name' THEN l.last_name
                        WHEN 'phone' THEN l.phone WHEN 'company' THEN l.company WHEN 'title' THEN l.title
                        WHEN 'industry' THEN l.industry WHEN 'company_size' THEN l.company_size
                        WHEN 'country' THEN l.country WHEN 'source' THEN l.source WHEN 'campaign' THEN l.campaign
                        END AS v))
        END;

-- A new lead, or a change to an attribute a rule can read, recomputes that lead's fit.
CREATE TRIGGER lead_records_after_insert_fit AFTER INSERT ON lead_records
BEGIN
    UPDATE lead_records SET fit_score = (SELECT total(points) FROM fit_matches WHERE lead_id = NEW.id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER lead_records_after_update_fit
AFTER UPDATE OF email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign
ON lead_records
WHEN NEW.email IS NOT OLD.email OR NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name
  OR NEW.phone IS NOT OLD.phone OR NEW.company IS NOT OLD.company OR NEW.title IS NOT OLD.title
  OR NEW.industry IS NOT OLD.industry OR NEW.company_size IS NOT OLD.company_size OR NEW.country IS NOT OLD.country
  OR NEW.source IS NOT OLD.source OR NEW.campaign IS NOT OLD.campaign
BEGIN
    UPDATE lead_records SET fit_score = (SELECT total(points) FROM fit_matches WHERE lead_id = NEW.id)
     WHERE id = NEW.id;
END;

-- A rule added, changed or removed recomputes every lead whose fit it changes.
CREATE VIEW fit_recomputed AS
SELECT l.id AS lead_id, (SELECT total(points) FROM fit_matches m WHERE m.lead_id = l.id) AS fit_score
  FROM lead_records AS l
 WHERE l.erased_at IS NULL;

CREATE TRIGGER fit_rules_after_insert_rescore AFTER INSERT ON fit_rules
BEGIN
    UPDATE lead_records SET fit_score = f.fit_score FROM fit_recomputed f
     WHERE f.lead_id = lead_records.id AND lead_records.fit_score IS NOT f.fit_score;
END;

CREATE TRIGGER fit_rules_after_update_rescore AFTER UPDATE ON fit_rules
BEGIN
    UPDATE lead_records SET fit_score = f.fit_score FROM fit_recomputed f
     WHERE f.lead_id = lead_records.id AND lead_records.fit_score IS NOT f.fit_score;
END;

CREATE TRIGGER fit_rules_after_delete_rescore AFTER DELETE ON fit_rules
BEGIN
    UPDATE lead_records SET fit_score = f.fit_score FROM fit_recomputed f
     WHERE f.lead_id = lead_records.id AND lead_records.fit_score IS NOT f.fit_score;
END;

CREATE TRIGGER free_email_domains_after_insert_rescore AFTER INSERT ON free_email_domains
BEGIN
    UPDATE lead_records SET fit_score = f.fit_score FROM fit_recomputed f
     WHERE f.lead_id = lead_records.id AND lead_records.fit_score IS NOT f.fit_score
       AND lead_records.email LIKE '%@' || NEW.domain;
END;
