-- Custom fields (migration 0020): what a team records about its leads beyond the built-in columns.
--
-- custom_fields(name, type, choices, label, required_at_stage, position) defines them; a lead's values
-- are one JSON object, lead_records.custom (leads.custom), NULL when it has none. Values are read as
-- custom_values reads them, on every write by every writer:
--   text     a string (a number is taken as its text), trimmed, at most 500 characters, one line
--   number   a JSON number, or a string that is a plain number (12500 or -3.5: no separators or units),
--            below 1e15 in size
--   date     a day on the calendar as YYYY-MM-DD
--   choice   one of the field's choices, in any case, stored as the choices spell it
--   boolean  true/false, 1/0, yes/no, y/n (any case), stored 1 or 0
-- A value of null, or an empty string, means no value.
--
-- Writes: a capture gives values in lead_intake.custom (a JSON object); a merge fills only the fields
-- the lead has no value for, as the other columns are filled. UPDATE leads SET custom = '{...}' applies
-- the object as a JSON merge patch: the fields it names are set (null removes one), the others keep their
-- values. A program writing lead_records.custom directly must write it as it is stored (what
-- custom_input gives). A value that cannot be read is refused with `invalid_field`, naming the field.
--
-- A field with required_at_stage needs a value for a lead to be in that stage or any later one that is
-- open or won (by position): entering one without it, or removing it there, is refused with
-- `missing_field`.

-- Each field of a JSON object of custom values (arg = json_array(the object's text)): its definition,
-- its value as stored (NULL for none), and why it cannot be read, if so. Not an object: one row, field
-- NULL, with the problem.
CREATE VIEW custom_values AS
SELECT j.json AS arg, e.key AS field, f.type, e.type AS given_type, e.value AS given,
       CASE WHEN e.type = 'null' OR f.name IS NULL THEN NULL
            WHEN f.type = 'text' AND e.type IN ('text', 'integer', 'real') THEN nullif(trim(CAST(e.value AS TEXT), char(32, 9, 10, 13)), '')
            -- (a whole number is stored as one: 50000.00 is 50000)
            WHEN f.type = 'number' AND e.type IN ('integer', 'real')
                THEN CASE WHEN e.value = CAST(e.value AS INTEGER) AND abs(e.value) < 1e15 THEN CAST(e.value AS INTEGER) ELSE e.value END
            WHEN f.type = 'number' AND e.type = 'text' AND trim(e.value) = '' THEN NULL
            WHEN f.type = 'number' AND e.type = 'text' AND ltrim(trim(e.value), '-') GLOB '[0-9]*'
                 AND ltrim(trim(e.value), '-') NOT GLOB '*[^0-9.]*' AND ltrim(trim(e.value), '-') NOT GLOB '*.*.*'
                 AND ltrim(trim(e.value), '-') NOT GLOB '*.' AND trim(e.value) NOT GLOB '?*-*' AND trim(e.value) NOT GLOB '--*'
                THEN CASE WHEN CAST(trim(e.value) AS REAL) = CAST(CAST(trim(e.value) AS REAL) AS INTEGER) AND abs(CAST(trim(e.value) AS REAL)) < 1e15
                          THEN CAST(CAST(trim(e.value) AS REAL) AS INTEGER) ELSE CAST(trim(e.value) AS REAL) END
            WHEN f.type = 'date' AND e.type = 'text' THEN nullif(trim(e.value), '')
            WHEN f.type = 'choice' AND e.type IN ('text', 'integer', 'real') AND trim(CAST(e.value AS TEXT)) = '' THEN NULL
            WHEN f.type = 'choice' AND e.type IN ('text', 'integer', 'real')
                THEN (SELECT c.value FROM json_each(CASE WHEN json_valid(f.choices) THEN f.choices END) AS c
                       WHERE lower(c.value) = lower(trim(CAST(e.value AS TEXT))) ORDER BY c.key LIMIT 1)
            WHEN f.type = 'boolean' AND e.type = 'true' THEN 1
            WHEN f.type = 'boolean' AND e.type = 'false' THEN 0
            WHEN f.type = 'boolean' AND e.type IN ('text', 'integer')
                THEN CASE lower(trim(CAST(e.value AS TEXT))) WHEN '1' THEN 1 WHEN 'true' THEN 1 WHEN 'yes' THEN 1 WHEN 'y' THEN 1
                                                            WHEN '0' THEN 0 WHEN 'false' THEN 0 WHEN 'no' THEN 0 WHEN 'n' THEN 0 END
       END AS value,
       CASE
           WHEN j.value IS NULL THEN NULL
           WHEN instr(j.json, '\u0000') > 0 THEN 'custom contains a NUL byte'
           WHEN typeof(j.value) = 'text' AND trim(j.value, char(32, 9, 10, 13)) = '' THEN NULL
           WHEN NOT json_valid(j.value) OR json_type(j.value) <> 'object'
               THEN 'custom must be a JSON object of field values such as {"budget": 50000}; got '
                    || CASE WHEN length(j.value) > 60 THEN substr(j.value, 1, 60) || '...' ELSE j.value END
           WHEN length(j.value) > 10000 THEN 'custom has ' || length(j.value) || ' characters (at most 10000)'
           WHEN (SELECT count(*) FROM json_each(j.value) AS e2 WHERE e2.key = e.key) > 1
               THEN 'custom names ' || e.key || ' more than once'
           WHEN f.name IS NULL
               THEN 'no custom field is named ' || e.key || ' (fields: '
                    || coalesce((SELECT group_concat(name, ', ') FROM (SELECT name FROM custom_fields ORDER BY position, name)), 'none') || ')'
           WHEN e.type = 'null' THEN NULL
           WHEN f.type = 'text' AND e.type NOT IN ('text', 'integer', 'real')
               THEN e.key || ' must be text; got ' || e.value
           WHEN f.type = 'text' AND length(trim(CAST(e.value AS TEXT), char(32, 9, 10, 13))) > 500
               THEN e.key || ' has ' || length(trim(CAST(e.value AS TEXT), char(32, 9, 10, 13))) || ' characters (at most 500)'
           WHEN f.type = 'text' AND e.value GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*'
               THEN e.key || ' contains a control character; text is one line of printable characters'
           WHEN f.type = 'number' AND NOT (e.type IN ('integer', 'real') OR (e.type = 'text' AND (trim(e.value) = ''
                    OR (ltrim(trim(e.value), '-') GLOB '[0-9]*' AND ltrim(trim(e.value), '-') NOT GLOB '*[^0-9.]*'
                        AND ltrim(trim(e.value), '-') NOT GLOB '*.*.*' AND ltrim(trim(e.value), '-') NOT GLOB '*.'
                        AND trim(e.value) NOT GLOB '?*-*' AND trim(e.value) NOT GLOB '--*'))))
               THEN e.key || ' must be a number such as 50000 or 12500.50 (no separators, units or currency); got '
                    || CASE WHEN e.type = 'text' THEN quote(e.value) ELSE CAST(e.value AS TEXT) END
           -- (as stored: a number is kept to 15 significant digits, so 999999999999999.9 is 1e15)
           WHEN f.type = 'number' AND abs(CAST(printf('%!.15g', CASE WHEN e.type = 'text' THEN CAST(trim(e.value) AS REAL) ELSE e.value END) AS REAL)) >= 1e15
               THEN e.key || ' must be below 1e15 in size (numbers keep 15 significant digits); got ' || CAST(e.value AS TEXT)
           WHEN f.type = 'date' AND NOT (e.type = 'text' AND (trim(e.value) = ''
                    OR (trim(e.value) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(julianday(trim(e.value))) IS trim(e.value))))
               THEN e.key || ' must be a day such as 2027-03-31; got ' || CASE WHEN e.type = 'text' THEN quote(e.value) ELSE CAST(e.value AS TEXT) END
           WHEN f.type = 'choice' AND NOT (e.type IN ('text', 'integer', 'real') AND (trim(CAST(e.value AS TEXT)) = ''
                    OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(f.choices) THEN f.choices END) AS c
                                WHERE lower(c.value) = lower(trim(CAST(e.value AS TEXT))))))
               THEN e.key || ' must be one of ' || coalesce((SELECT group_concat(c.value, ', ') FROM json_each(CASE WHEN json_valid(f.choices) THEN f.choices END) AS c), 'no choices')
                    || '; got ' || CASE WHEN e.type = 'text' THEN quote(e.value) ELSE CAST(e.value AS TEXT) END
           WHEN f.type = 'boolean' AND NOT (e.type IN ('true', 'false')
                    OR (e.type IN ('text', 'integer') AND lower(trim(CAST(e.value AS TEXT))) IN ('1', 'true', 'yes', 'y', '0', 'false', 'no', 'n')))
               THEN e.key || ' must be true or false (or yes, no, 1, 0); got ' || CASE WHEN e.type = 'text' THEN quote(e.value) ELSE CAST(e.value AS TEXT) END
       END AS problem
  FROM json_each AS j
  LEFT JOIN json_each(CASE WHEN json_valid(j.value) AND json_type(j.value) = 'object' THEN j.value END) AS e
  LEFT JOIN custom_fields AS f ON f.name = e.key;

-- A JSON object of custom values as a program gives it (arg = json_array(CAST(? AS TEXT))): `custom`, the
-- object as stored (the fields with a value, in the order given; NULL for none), `patch`, the same with
-- the fields given null or empty kept as null (what UPDATE leads applies), and the first `problem` with
-- its `field`. NULL in, NULL out.
CREATE VIEW custom_input AS
SELECT j.json AS arg, j.value AS input,
       nullif((SELECT json_group_object(v.field, v.value) FROM custom_values AS v WHERE v.arg = j.json AND v.value IS NOT NULL), '{}') AS custom,
       nullif((SELECT json_group_object(v.field, v.value) FROM custom_values AS v WHERE v.arg = j.json AND v.field IS NOT NULL), '{}') AS patch,
       (SELECT v.problem FROM custom_values AS v WHERE v.arg = j.json AND v.problem IS NOT NULL LIMIT 1) AS problem,
       (SELECT v.field FROM custom_values AS v WHERE v.arg = j.json AND v.problem IS NOT NULL LIMIT 1) AS field
  FROM json_each AS j;

-- A lead's custom values as stored, whoever wrote them: readable, and written as custom_input stores
-- them (a program writing lead_records directly writes '{"budget":50000}', not '{ "budget": "50,000" }').
CREATE TRIGGER lead_records_after_update_custom AFTER UPDATE OF custom ON lead_records
WHEN NEW.custom IS NOT OLD.custom AND NEW.custom IS NOT NULL
BEGIN
    INSERT INTO _custom_check(lead_id, custom) VALUES (NEW.id, NEW.custom);
END;

CREATE TRIGGER lead_records_after_insert_custom AFTER INSERT ON lead_records
WHEN NEW.custom IS NOT NULL
BEGIN
    INSERT INTO _custom_check(lead_id, custom) VALUES (NEW.id, NEW.custom);
END;

CREATE VIEW _custom_check AS SELECT NULL AS lead_id, NULL AS custom WHERE 0;

CREATE TRIGGER _custom_check_instead_of_insert INSTEAD OF INSERT ON _custom_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN typeof(NEW.custom) <> 'text'
            THEN 'invalid_field: the custom values of lead ' || NEW.lead_id || ' must be a JSON object; got ' || typeof(NEW.custom) || ' ' || quote(NEW.custom)
        WHEN c.problem IS NOT NULL
            THEN 'invalid_field: lead ' || NEW.lead_id || ': ' || c.problem
        WHEN c.custom IS NOT NEW.custom
            THEN 'invalid_field: the custom values of lead ' || NEW.lead_id || ' are not stored as read (' || coalesce(c.custom, 'NULL')
                 || '): write them through UPDATE leads SET custom = ... or lead_intake'
        END, json_object('lead', NEW.lead_id, 'field', c.field)))
      FROM custom_input AS c WHERE c.arg = json_array(CAST(NEW.custom AS TEXT));
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || b.problem, json_object('lead', NEW.lead_id, 'field', b.field, 'byte', b.bad_byte)))
      FROM utf8_fields AS b
     WHERE CAST(NEW.custom AS TEXT) GLOB '*[^ -~]*' AND b.arg = json_object('custom', CAST(NEW.custom AS TEXT))
     LIMIT 1;
END;

-- Required fields: a lead in a stage at or after a field's required_at_stage (open or won) has a value.
CREATE TRIGGER lead_records_before_update_required_fields BEFORE UPDATE OF stage, custom ON lead_records
WHEN (NEW.stage IS NOT OLD.stage OR NEW.custom IS NOT OLD.custom) AND NEW.erased_at IS NULL
 AND EXISTS (SELECT 1 FROM custom_fields WHERE required_at_stage IS NOT NULL)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
                'missing_field: lead ' || NEW.id || ' needs ' || f.name || coalesce(' (' || f.label || ')', '') || ' to be in ' || NEW.stage
                || CASE WHEN f.required_at_stage IS NOT NEW.stage THEN ' (required from ' || f.required_at_stage || ' on)' ELSE '' END
                || ': UPDATE leads SET custom = ''{"' || f.name || '": ...}''' || CASE WHEN NEW.stage IS NOT OLD.stage THEN ', stage = ''' || NEW.stage || '''' ELSE '' END,
                json_object('lead', NEW.id, 'field', f.name, 'to', NEW.stage)))
      FROM custom_fields AS f
      JOIN stages AS r ON r.name = f.required_at_stage
      JOIN stages AS s ON s.name = NEW.stage
     WHERE s.position >= r.position AND s.outcome IS NOT 'lost'
       AND (CASE WHEN json_valid(NEW.custom) AND json_type(NEW.custom) = 'object' THEN json_extract(NEW.custom, '$."' || f.name || '"') END) IS NULL
     ORDER BY f.position, f.name
     LIMIT 1;
END;

-- The definitions: a name that can be a key, a type, choices for a choice, a stage the rules do not enter
-- by themselves; a field with values is not renamed, retyped or deleted, nor a choice in use removed;
-- a field a fit or routing rule reads is not renamed or deleted.
CREATE VIEW custom_field_problems AS
SELECT f.name, CASE
    WHEN f.name IS NULL OR NOT (typeof(f.name) = 'text' AND f.name GLOB '[a-z]*' AND f.name NOT GLOB '*[^a-z0-9_]*' AND length(f.name) <= 64)
        THEN 'invalid_config: a custom field''s name is lower-case letters, digits and _ (starting with a letter, at most 64); got ' || quote(f.name)
    WHEN f.type IS NULL OR f.type NOT IN ('text', 'number', 'date', 'choice', 'boolean')
        THEN 'invalid_config: custom field ' || f.name || ' has type ' || quote(f.type) || ' (types: text, number, date, choice, boolean)'
    WHEN f.type = 'choice' AND NOT (json_valid(f.choices) AND json_type(f.choices) = 'array' AND json_array_length(f.choices) > 0
                                    AND NOT EXISTS (SELECT 1 FROM json_each(f.choices) AS c WHERE c.type <> 'text' OR trim(c.value) = '' OR c.value <> trim(c.value))
                                    AND (SELECT count(DISTINCT lower(c.value)) FROM json_each(f.choices) AS c) = json_array_length(f.choices))
        THEN 'invalid_config: custom field ' || f.name || ' is a choice: choices must be a JSON array of distinct texts such as ["CRM", "Analytics"]; got ' || quote(f.choices)
    WHEN f.type <> 'choice' AND f.choices IS NOT NULL
        THEN 'invalid_config: custom field ' || f.name || ' is a ' || f.type || ': only a choice has choices'
    WHEN f.required_at_stage IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stages WHERE name = f.required_at_stage)
        THEN 'unknown_stage: custom field ' || f.name || ' is required at ' || f.required_at_stage || ', which is not a stage'
    WHEN (SELECT position FROM stages WHERE name = f.required_at_stage) <= (SELECT position FROM stages WHERE name = 'mql')
         OR (SELECT outcome FROM stages WHERE name = f.required_at_stage) = 'lost'
        THEN 'invalid_config: custom field ' || f.name || ' cannot be required at ' || f.required_at_stage
             || ' (leads reach mql and the stages before it by themselves, and a lost lead needs no more facts: require it after mql)'
    WHEN f.name IN ('email', 'first_name', 'last_name', 'name', 'first', 'last', 'phone', 'company', 'title', 'industry', 'company_size', 'size',
                    'country', 'source', 'campaign', 'consent', 'consent_source', 'captured_at', 'detail', 'capture_key', 'custom', 'stage',
                    'owner_id', 'amount', 'account_id', 'id')
        THEN 'invalid_config: custom field ' || f.name || ' would be read as the lead''s own ' || f.name || '; name it otherwise'
    WHEN f.label IS NOT NULL AND (f.label GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' OR instr(f.label, char(0)) OR length(f.label) > 100)
        THEN 'invalid_config: the label of custom field ' || f.name || ' is one line of at most 100 printable characters'
    WHEN f.label IS NOT NULL AND EXISTS (SELECT 1 FROM custom_fields AS o WHERE o.name <> f.name AND (lower(o.label) = lower(f.label) OR lower(o.name) = lower(f.label)))
        THEN 'invalid_config: the label ' || quote(f.label) || ' of custom field ' || f.name || ' names another field too'
    WHEN typeof(f.position) <> 'integer'
        THEN 'invalid_config: custom_fields.position of ' || f.name || ' must be a whole number; got ' || quote(f.position)
    END AS problem
  FROM custom_fields AS f
 WHERE problem IS NOT NULL;

CREATE TRIGGER custom_fields_before_insert BEFORE INSERT ON custom_fields
WHEN EXISTS (SELECT 1 FROM custom_fields WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: custom field ' || NEW.name || ' exists; update it instead'));
END;

CREATE TRIGGER custom_fields_after_insert AFTER INSERT ON custom_fields
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_field_problems WHERE name IS NEW.name;
    INSERT INTO _custom_required_check(field) SELECT NEW.name WHERE NEW.required_at_stage IS NOT NULL;
END;

CREATE TRIGGER custom_fields_before_update BEFORE UPDATE OF name, type, choices ON custom_fields
WHEN NEW.name IS NOT OLD.name OR NEW.type IS NOT OLD.type OR NEW.choices IS NOT OLD.choices
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM custom_fields WHERE name = NEW.name)
            THEN 'already_exists: custom field ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'
        WHEN (NEW.name IS NOT OLD.name OR NEW.type IS NOT OLD.type)
             AND EXISTS (SELECT 1 FROM lead_records WHERE custom IS NOT NULL AND json_extract(custom, '$."' || OLD.name || '"') IS NOT NULL)
            THEN 'field_in_use: custom field ' || OLD.name || ' has values on '
                 || (SELECT count(*) FROM lead_records WHERE custom IS NOT NULL AND json_extract(custom, '$."' || OLD.name || '"') IS NOT NULL)
                 || ' leads; its name and type stay (add a new field instead)'
        WHEN NEW.name IS NOT OLD.name
             AND (EXISTS (SELECT 1 FROM fit_rules WHERE attribute = 'custom.' || OLD.name)
                  OR EXISTS (SELECT 1 FROM routing_rules WHERE custom IS NOT NULL AND json_valid(custom) AND json_type(custom, '$."' || OLD.name || '"') IS NOT NULL))
            THEN 'field_in_use: custom field ' || OLD.name || ' is read by a fit or routing rule; change the rule first'
        WHEN NEW.choices IS NOT OLD.choices AND OLD.type = 'choice'
             AND EXISTS (SELECT 1 FROM lead_records WHERE custom IS NOT NULL AND json_extract(custom, '$."' || OLD.name || '"') IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(NEW.choices) THEN NEW.choices END) AS c
                                             WHERE c.value = json_extract(lead_records.custom, '$."' || OLD.name || '"')))
            THEN 'field_in_use: custom field ' || OLD.name || ' has leads with a choice the new choices leave out; keep every choice in use'
        END, json_object('field', OLD.name)));
END;

CREATE TRIGGER custom_fields_after_update AFTER UPDATE ON custom_fields
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_field_problems WHERE name IS NEW.name;
    INSERT INTO _custom_required_check(field)
    SELECT NEW.name WHERE NEW.required_at_stage IS NOT NULL AND (NEW.required_at_stage IS NOT OLD.required_at_stage OR NEW.name IS NOT OLD.name);
END;

CREATE TRIGGER custom_fields_before_delete BEFORE DELETE ON custom_fields
WHEN EXISTS (SELECT 1 FROM lead_records WHERE custom IS NOT NULL AND json_extract(custom, '$."' || OLD.name || '"') IS NOT NULL)
  OR EXISTS (SELECT 1 FROM fit_rules WHERE attribute = 'custom.' || OLD.name)
  OR EXISTS (SELECT 1 FROM routing_rules WHERE custom IS NOT NULL AND json_valid(custom) AND json_type(custom, '$."' || OLD.name || '"') IS NOT NULL)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('field_in_use: custom field ' || OLD.name
        || ' has values on leads or is read by a fit or routing rule; it is not deleted', json_object('field', OLD.name)));
END;

-- Rules that read custom fields compare values as the fields store them: a routing rule's accepted
-- values and a fit rule's value are written as stored (a boolean as 1 or 0, a number as a number, a
-- choice as one of its choices); >= and <= compare numbers and days, contains and word read text.
CREATE VIEW custom_rule_problems AS
SELECT 'routing_rules' AS tbl, r.id AS row_key,
       'invalid_config: routing_rules.custom of rule ' || r.id || ': ' || c.key || ' is compared as stored; write '
       || quote(CAST(v.value AS TEXT)) || ' as ' || CASE WHEN (SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(c.key, v.value))) IS NOT NULL
                                                         THEN quote(CAST((SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(c.key, v.value))) AS TEXT))
                                                         ELSE 'a value it accepts (' || (SELECT x.problem FROM custom_values AS x WHERE x.arg = json_array(json_object(c.key, v.value))) || ')' END AS problem
  FROM routing_rules AS r
  JOIN json_each(CASE WHEN json_valid(r.custom) AND json_type(r.custom) = 'object' THEN r.custom END) AS c
  JOIN custom_fields AS f ON f.name = c.key
  JOIN json_each(CASE WHEN c.type = 'array' THEN c.value ELSE json_array(c.value) END) AS v
 WHERE lower(CAST((SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(c.key, v.value))) AS TEXT)) IS NOT lower(CAST(v.value AS TEXT))
UNION ALL
SELECT 'fit_rules', r.id,
       'invalid_config: fit rule ' || r.id || ' on ' || r.attribute || ': ' || CASE
           WHEN r.operator IN ('>=', '<=') AND f.type NOT IN ('number', 'date') THEN r.operator || ' compares numbers and days, and ' || f.name || ' is a ' || f.type
           WHEN r.operator IN ('contains', 'word') AND f.type <> 'text' THEN r.operator || ' reads text, and ' || f.name || ' is a ' || f.type
           WHEN r.operator = 'free_email' THEN 'free_email reads an email'
           WHEN r.operator = 'in' THEN 'write each value as ' || f.name || ' stores it (' || f.type || ')'
           ELSE 'write the value as ' || f.name || ' stores it: ' || CASE WHEN (SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(f.name, r.value))) IS NOT NULL
                                                                          THEN quote(CAST((SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(f.name, r.value))) AS TEXT))
                                                                          ELSE 'a value it accepts (' || (SELECT x.problem FROM custom_values AS x WHERE x.arg = json_array(json_object(f.name, r.value))) || ')' END
       END
  FROM fit_rules AS r
  JOIN custom_fields AS f ON 'custom.' || f.name = r.attribute
 WHERE (r.operator IN ('>=', '<=') AND f.type NOT IN ('number', 'date'))
    OR (r.operator IN ('contains', 'word') AND f.type <> 'text')
    OR r.operator = 'free_email'
    OR (r.operator IN ('=', '!=', '>=', '<=')
        AND lower(CAST((SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(f.name, r.value))) AS TEXT)) IS NOT lower(r.value))
    OR (r.operator = 'in' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(r.value) THEN r.value END) AS v
                                       WHERE lower(CAST((SELECT x.value FROM custom_values AS x WHERE x.arg = json_array(json_object(f.name, v.value))) AS TEXT))
                                             IS NOT lower(CAST(v.value AS TEXT))));

CREATE TRIGGER fit_rules_after_insert_custom AFTER INSERT ON fit_rules
WHEN NEW.attribute GLOB 'custom.*'
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_rule_problems WHERE tbl = 'fit_rules' AND row_key = NEW.id LIMIT 1;
END;

CREATE TRIGGER fit_rules_after_update_custom AFTER UPDATE ON fit_rules
WHEN NEW.attribute GLOB 'custom.*'
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_rule_problems WHERE tbl = 'fit_rules' AND row_key = NEW.id LIMIT 1;
END;

CREATE TRIGGER routing_rules_after_insert_custom AFTER INSERT ON routing_rules
WHEN NEW.custom IS NOT NULL
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_rule_problems WHERE tbl = 'routing_rules' AND row_key = NEW.id LIMIT 1;
END;

CREATE TRIGGER routing_rules_after_update_custom AFTER UPDATE OF custom ON routing_rules
WHEN NEW.custom IS NOT NULL
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM custom_rule_problems WHERE tbl = 'routing_rules' AND row_key = NEW.id LIMIT 1;
END;

-- Stages reordered or given another outcome: a required field stays after mql, and the leads in or
-- after its stage have it.
CREATE TRIGGER stages_after_update_custom_fields AFTER UPDATE OF position, outcome ON stages
WHEN EXISTS (SELECT 1 FROM custom_fields WHERE required_at_stage IS NOT NULL)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem))
      FROM custom_field_problems AS p JOIN custom_fields AS f ON f.name = p.name WHERE f.required_at_stage IS NOT NULL LIMIT 1;
    INSERT INTO _custom_required_check(field) SELECT name FROM custom_fields WHERE required_at_stage IS NOT NULL ORDER BY name;
END;

-- A field made required at a stage: the leads already there need a value first (the message counts them).
CREATE VIEW _custom_required_check AS SELECT NULL AS field WHERE 0;

CREATE TRIGGER _custom_required_check_instead_of_insert INSTEAD OF INSERT ON _custom_required_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
                'missing_field: ' || n || ' leads in ' || f.required_at_stage || ' or a later stage have no ' || f.name
                || ' (lead ' || first || ' first); give them one before requiring it', json_object('field', f.name, 'lead', first)))
      FROM custom_fields AS f
      JOIN (SELECT count(*) AS n, min(l.id) AS first
              FROM lead_records AS l, custom_fields AS f2, stages AS r, stages AS s
             WHERE f2.name = NEW.field AND r.name = f2.required_at_stage AND s.name = l.stage
               AND s.position >= r.position AND s.outcome IS NOT 'lost' AND l.erased_at IS NULL
               AND (l.custom IS NULL OR json_extract(l.custom, '$."' || f2.name || '"') IS NULL)) AS m
     WHERE f.name = NEW.field AND m.n > 0;
END;
