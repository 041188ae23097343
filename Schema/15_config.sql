-- Numbers in configuration tables: a CHECK such as `x > 0` lets text through (text sorts after every
-- number), so what a valid value is for each numeric column is defined here once, as a view of
-- problems, and each table's insert and update triggers refuse a row that has one with
-- `invalid_config: table.column must be ...; got value`.
CREATE VIEW config_problems AS
SELECT 'activity_kinds' AS tbl, kind AS row_key,
       'invalid_config: activity_kinds.points of ' || kind || ' must be a number from -1000 to 1000; got ' || quote(points) AS problem
  FROM activity_kinds WHERE NOT (typeof(points) IN ('integer', 'real') AND points BETWEEN -1000 AND 1000)
UNION ALL
SELECT 'sla_policies', id,
       'invalid_config: sla_policies.response_minutes of policy ' || id || ' must be a whole number of minutes from 1 to 525600; got ' || quote(response_minutes)
  FROM sla_policies WHERE NOT (typeof(response_minutes) = 'integer' AND response_minutes BETWEEN 1 AND 525600)
UNION ALL
SELECT 'sla_policies', id,
       'invalid_config: sla_policies.min_score of policy ' || id || ' must be a number or NULL; got ' || quote(min_score)
  FROM sla_policies WHERE min_score IS NOT NULL AND NOT (typeof(min_score) IN ('integer', 'real') AND abs(min_score) <= 1000000)
UNION ALL
SELECT 'sla_policies', id,
       'invalid_config: sla_policies.priority of policy ' || id || ' must be a whole number; got ' || quote(priority)
  FROM sla_policies WHERE typeof(priority) <> 'integer'
UNION ALL
SELECT 'sla_escalations', id,
       'invalid_config: sla_escalations.minutes_overdue of step ' || id || ' must be a whole number of minutes from 0 to 525600; got ' || quote(minutes_overdue)
  FROM sla_escalations WHERE NOT (typeof(minutes_overdue) = 'integer' AND minutes_overdue BETWEEN 0 AND 525600)
UNION ALL
SELECT 'nurture_steps', sequence_id || '/' || position,
       'invalid_config: nurture_steps.delay_days of sequence ' || sequence_id || ' step ' || position || ' must be a number of days from 0 to 3650; got ' || quote(delay_days)
  FROM nurture_steps WHERE NOT (typeof(delay_days) IN ('integer', 'real') AND delay_days BETWEEN 0 AND 3650)
UNION ALL
SELECT 'nurture_steps', sequence_id || '/' || position,
       'invalid_config: nurture_steps: sequence ' || quote(sequence_id) || ' does not exist (nurture_sequences lists them)'
  FROM nurture_steps WHERE NOT EXISTS (SELECT 1 FROM nurture_sequences AS q WHERE q.id = nurture_steps.sequence_id)
UNION ALL
SELECT 'country_aliases', alias,
       'invalid_config: country_aliases: ' || alias || ' names country ' || quote(code) || ', which is not in countries'
  FROM country_aliases WHERE NOT EXISTS (SELECT 1 FROM countries AS c WHERE c.code = country_aliases.code)
UNION ALL
-- (a country's own code, lower-cased, is how its stored leads are read again: pointed elsewhere, every
-- lead stored with the code would read as another country and be refused at its next change)
SELECT 'country_aliases', a.alias,
       'invalid_config: country_aliases: ' || a.alias || ' is the code of ' || c.code || ' (' || c.name || '); it names that country only, not ' || quote(a.code)
  FROM country_aliases AS a JOIN countries AS c ON c.code = upper(a.alias)
 WHERE length(a.alias) = 2 AND a.code IS NOT c.code
UNION ALL
SELECT 'fit_rules', id,
       'invalid_config: fit_rules.value of rule ' || id || ' must be a number for ' || operator || '; got ' || quote(value)
  FROM fit_rules WHERE operator IN ('>=', '<=') AND CAST(value AS REAL) || '' <> value AND CAST(value AS INTEGER) || '' <> value
UNION ALL
SELECT 'fit_rules', id,
       'invalid_config: fit_rules.points of rule ' || id || ' must be a number from -1000 to 1000; got ' || quote(points)
  FROM fit_rules WHERE NOT (typeof(points) IN ('integer', 'real') AND points BETWEEN -1000 AND 1000)
UNION ALL
SELECT 'routing_rules', id,
       'invalid_config: routing_rules company sizes of rule ' || id || ' must be whole numbers or NULL; got ' || quote(min_company_size) || ' and ' || quote(max_company_size)
  FROM routing_rules
 WHERE (min_company_size IS NOT NULL AND typeof(min_company_size) <> 'integer')
    OR (max_company_size IS NOT NULL AND typeof(max_company_size) <> 'integer')
    OR typeof(priority) <> 'integer'
UNION ALL
-- (custom fields: 33_custom_fields.sql)
SELECT 'routing_rules', r.id,
       'invalid_config: routing_rules.custom of rule ' || r.id || ' must be a JSON object of custom fields and accepted values such as {"product_interest": ["CRM", "Analytics"]}'
       || coalesce('; no custom field is named ' || (SELECT c.key FROM json_each(CASE WHEN json_valid(r.custom) AND json_type(r.custom) = 'object' THEN r.custom END) AS c
                                                     WHERE NOT EXISTS (SELECT 1 FROM custom_fields AS f WHERE f.name = c.key) LIMIT 1), '')
       || '; got ' || quote(r.custom)
  FROM routing_rules AS r
 WHERE r.custom IS NOT NULL
   AND NOT (typeof(r.custom) = 'text' AND json_valid(r.custom) AND json_type(r.custom) = 'object' AND r.custom <> '{}'
            AND NOT EXISTS (SELECT 1 FROM json_each(r.custom) AS c
                             WHERE NOT EXISTS (SELECT 1 FROM custom_fields AS f WHERE f.name = c.key)
                                OR c.type IN ('object', 'null')
                                OR (c.type = 'array' AND (json_array_length(c.value) = 0
                                                          OR EXISTS (SELECT 1 FROM json_each(c.value) AS v WHERE v.type IN ('object', 'array', 'null'))))))
UNION ALL
SELECT 'fit_rules', id,
       'invalid_config: fit rule ' || id || ' reads ' || attribute || ', which is not a custom field (fields: '
       || coalesce((SELECT group_concat(name, ', ') FROM (SELECT name FROM custom_fields ORDER BY position, name)), 'none') || ')'
  FROM fit_rules WHERE attribute GLOB 'custom.*' AND NOT EXISTS (SELECT 1 FROM custom_fields AS f WHERE 'custom.' || f.name = attribute);

CREATE TRIGGER activity_kinds_after_insert_config AFTER INSERT ON activity_kinds
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'activity_kinds' AND row_key = NEW.kind;
END;

CREATE TRIGGER activity_kinds_after_update_config AFTER UPDATE ON activity_kinds
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'activity_kinds' AND row_key = NEW.kind;
END;

CREATE TRIGGER sla_policies_after_insert_config AFTER INSERT ON sla_policies
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'sla_policies' AND row_key = NEW.id;
END;

CREATE TRIGGER sla_policies_after_update_config AFTER UPDATE ON sla_policies
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'sla_policies' AND row_key = NEW.id;
END;

CREATE TRIGGER sla_escalations_after_insert_config AFTER INSERT ON sla_escalations
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'sla_escalations' AND row_key = NEW.id;
END;

CREATE TRIGGER sla_escalations_after_update_config AFTER UPDATE ON sla_escalations
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'sla_escalations' AND row_key = NEW.id;
END;

CREATE TRIGGER nurture_steps_after_insert_config AFTER INSERT ON nurture_steps
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'nurture_steps' AND row_key = NEW.sequence_id || '/' || NEW.position;
END;

CREATE TRIGGER nurture_steps_after_update_config AFTER UPDATE ON nurture_steps
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'nurture_steps' AND row_key = NEW.sequence_id || '/' || NEW.position;
END;

CREATE TRIGGER fit_rules_before_insert_config BEFORE INSERT ON fit_rules
WHEN NOT (typeof(NEW.points) IN ('integer', 'real') AND NEW.points BETWEEN -1000 AND 1000)
  OR (NEW.operator IN ('>=', '<=') AND CAST(NEW.value AS REAL) || '' <> NEW.value AND CAST(NEW.value AS INTEGER) || '' <> NEW.value)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('invalid_config: fit rule ' || coalesce(NEW.attribute, '') || ' ' || coalesce(NEW.operator, '')
        || ' needs points from -1000 to 1000 and, for >= and <=, a number; got ' || quote(NEW.value) || ' and ' || quote(NEW.points)));
END;

CREATE TRIGGER fit_rules_after_update_config AFTER UPDATE ON fit_rules
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'fit_rules' AND row_key = NEW.id;
END;

CREATE TRIGGER routing_rules_after_insert_config AFTER INSERT ON routing_rules
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'routing_rules' AND row_key = NEW.id;
END;

CREATE TRIGGER routing_rules_after_update_config AFTER UPDATE ON routing_rules
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'routing_rules' AND row_key = NEW.id;
END;

-- Countries and their spellings (country_input, 02_inputs.sql): an alias names a country there is, and
-- a country with aliases keeps its code.
CREATE TRIGGER country_aliases_after_insert_config AFTER INSERT ON country_aliases
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'country_aliases' AND row_key = NEW.alias;
END;

CREATE TRIGGER country_aliases_after_update_config AFTER UPDATE ON country_aliases
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM config_problems WHERE tbl = 'country_aliases' AND row_key = NEW.alias;
END;

CREATE TRIGGER countries_before_delete BEFORE DELETE ON countries
WHEN EXISTS (SELECT 1 FROM country_aliases WHERE code = OLD.code)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('country_in_use: country ' || OLD.code || ' (' || OLD.name || ') has spellings in country_aliases; delete them first'));
END;

CREATE TRIGGER countries_before_update_code BEFORE UPDATE OF code ON countries
WHEN NEW.code IS NOT OLD.code AND EXISTS (SELECT 1 FROM country_aliases WHERE code = OLD.code)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('country_in_use: country ' || OLD.code || ' (' || OLD.name || ') has spellings in country_aliases; its code stays'));
END;
