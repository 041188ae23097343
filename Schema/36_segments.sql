-- Tags and segments (migration 0028).
--
-- INSERT INTO lead_tags(lead_id, tag[, tagged_by]) tags a lead: a tag is 1 to 40 lower-case letters,
-- digits, _ or - (the shell and the API lower-case what they are given); tagged_at is written now.
-- Deleting the row untags.
--
-- A segment is data: a name, `match` ('all' of its rules or 'any'), and its rules in segment_rules, each
-- `attribute operator value`, read as a fit rule reads them:
--   attributes  email, first_name, last_name, phone, company, title, industry, country, source, campaign,
--               stage, lost_reason, created_at (text); company_size, score, fit_score, engagement, amount
--               (numbers); consent (1 or 0); owner (a rep's name, any case, or id); tag (= the lead has
--               the tag, != it has not, in: any of them); custom.NAME (a custom field); activities (how
--               many activities of `kind` the lead had, any kind when kind is NULL, in the last `days`
--               days, ever when days is NULL)
--   operators   = and != (ignoring case), contains (a part, ignoring case), >= and <= (numbers as numbers),
--               in (a JSON array of accepted values). Countries compare ISO codes ("Germany" is DE). An
--               empty attribute meets no rule, except `= none` (a value of none or NULL: the attribute is
--               empty; `!= none`: it is not).
-- segment_members gives the leads of each segment now (live leads, read when asked: nothing is kept up
-- to date behind it). lead_filter takes the same rules as JSON for a one-off list (the shell's `list`):
--   SELECT lead_id FROM lead_filter WHERE arg = '{"match": "all", "rules": [["stage", "=", "mql"], ["score", ">=", 40]]}'
-- A nurture sequence or a routing rule with a `segment` takes only that segment's leads (90_nurture.sql,
-- 80_routing.sql).

-- Whether each live lead meets the rules of `arg`: {"match": "all"|"any", "rules": [[attribute,
-- operator, value, kind, days], ...]} (no rules: no lead). The one definition of a rule's match. Text
-- compares ignoring case (and accents, when either side has a letter beyond ASCII); a number attribute
-- reads yes/true and no/false as 1 and 0; created_at compares times (a day alone: that day).
CREATE VIEW lead_filter AS
SELECT a.arg, l.id AS lead_id
  FROM (SELECT j.json AS arg FROM json_each AS j WHERE j.key = 'rules') AS a
  JOIN leads AS l
 WHERE l.erased_at IS NULL
   -- (every rule is read: `all` needs as many met as there are rules, `any` one)
   AND (SELECT count(*) > 0 AND CASE WHEN a.arg ->> '$.match' = 'any' THEN total(rm.met) > 0 ELSE total(rm.met) = count(*) END
          FROM (SELECT coalesce((
                  SELECT CASE
                      WHEN q.att = 'tag' THEN CASE q.op
                          WHEN '=' THEN EXISTS (SELECT 1 FROM lead_tags AS t WHERE t.lead_id = l.id AND t.tag = lower(trim(q.val)))
                          WHEN '!=' THEN NOT EXISTS (SELECT 1 FROM lead_tags AS t WHERE t.lead_id = l.id AND t.tag = lower(trim(q.val)))
                          WHEN 'in' THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x JOIN lead_tags AS t ON t.lead_id = l.id AND t.tag = lower(trim(x.value)))
                          END
                      -- (`none`: the attribute is empty, or with != it is not; in a list, one of the values)
                      WHEN q.op IN ('=', '!=') AND (q.val IS NULL OR lower(q.val) = 'none') THEN CASE q.op WHEN '=' THEN q.v IS NULL ELSE q.v IS NOT NULL END
                      WHEN q.op = 'in' AND q.v IS NULL THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x WHERE x.value IS NULL OR lower(x.value) = 'none')
                      WHEN q.v IS NULL THEN 0
                      WHEN q.att = 'owner' THEN CASE q.op
                          WHEN '=' THEN EXISTS (SELECT 1 FROM reps AS p WHERE p.id = q.v AND (lower(p.name) = lower(trim(q.val)) OR CAST(p.id AS TEXT) = trim(q.val)))
                          WHEN '!=' THEN NOT EXISTS (SELECT 1 FROM reps AS p WHERE p.id = q.v AND (lower(p.name) = lower(trim(q.val)) OR CAST(p.id AS TEXT) = trim(q.val)))
                          WHEN 'in' THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x JOIN reps AS p ON p.id = q.v
                                                  WHERE lower(p.name) = lower(trim(x.value)) OR CAST(p.id AS TEXT) = trim(x.value))
                          END
                      WHEN q.op = 'in' THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x WHERE CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v = (CASE lower(trim(x.value)) WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'y' THEN 1 WHEN 'no' THEN 0 WHEN 'false' THEN 0 WHEN 'n' THEN 0 ELSE CAST(x.value AS REAL) END)
                                 WHEN q.att = 'country' THEN lower(q.v) = lower(coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(x.value AS TEXT))), x.value))
                                 WHEN q.att = 'created_at' THEN CASE WHEN x.value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(q.v, 1, 10) = x.value
                                                                    ELSE q.v = coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(CAST(x.value AS TEXT))), x.value) END
                                 WHEN (CAST(q.v AS TEXT) || x.value) NOT GLOB '*[^ -~]*' THEN lower(q.v) = lower(x.value)
                                 ELSE (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.v AS TEXT)))
                                      = (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(x.value AS TEXT))) END)
                      WHEN q.op = '=' THEN CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v = (CASE lower(trim(q.val)) WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'y' THEN 1 WHEN 'no' THEN 0 WHEN 'false' THEN 0 WHEN 'n' THEN 0 ELSE CAST(q.val AS REAL) END)
                                 WHEN q.att = 'country' THEN lower(q.v) = lower(coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(q.val AS TEXT))), q.val))
                                 WHEN q.att = 'created_at' THEN CASE WHEN q.val GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(q.v, 1, 10) = q.val
                                                                    ELSE q.v = coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(CAST(q.val AS TEXT))), q.val) END
                                 WHEN (CAST(q.v AS TEXT) || q.val) NOT GLOB '*[^ -~]*' THEN lower(q.v) = lower(q.val)
                                 ELSE (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.v AS TEXT)))
                                      = (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.val AS TEXT))) END
                      WHEN q.op = '!=' THEN NOT (CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v = (CASE lower(trim(q.val)) WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'y' THEN 1 WHEN 'no' THEN 0 WHEN 'false' THEN 0 WHEN 'n' THEN 0 ELSE CAST(q.val AS REAL) END)
                                 WHEN q.att = 'country' THEN lower(q.v) = lower(coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(q.val AS TEXT))), q.val))
                                 WHEN q.att = 'created_at' THEN CASE WHEN q.val GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(q.v, 1, 10) = q.val
                                                                    ELSE q.v = coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(CAST(q.val AS TEXT))), q.val) END
                                 WHEN (CAST(q.v AS TEXT) || q.val) NOT GLOB '*[^ -~]*' THEN lower(q.v) = lower(q.val)
                                 ELSE (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.v AS TEXT)))
                                      = (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.val AS TEXT))) END)
                      WHEN q.op = 'contains' THEN CASE WHEN (CAST(q.v AS TEXT) || q.val) NOT GLOB '*[^ -~]*' THEN instr(lower(q.v), lower(q.val)) > 0
                                                       ELSE instr((SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(CAST(q.v AS TEXT))),
                                                                  (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(q.val))) > 0 END
                      WHEN q.op = '>=' THEN CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v >= (CASE lower(trim(q.val)) WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'no' THEN 0 WHEN 'false' THEN 0 ELSE CAST(q.val AS REAL) END)
                                 WHEN q.att = 'created_at' THEN CASE WHEN q.val GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(q.v, 1, 10) >= q.val
                                                                    ELSE q.v >= coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(q.val)), q.val) END
                                 ELSE q.v >= q.val END
                      WHEN q.op = '<=' THEN CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v <= (CASE lower(trim(q.val)) WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'no' THEN 0 WHEN 'false' THEN 0 ELSE CAST(q.val AS REAL) END)
                                 WHEN q.att = 'created_at' THEN CASE WHEN q.val GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN substr(q.v, 1, 10) <= q.val
                                                                    ELSE q.v <= coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(q.val)), q.val) END
                                 ELSE q.v <= q.val END
                      END
                    FROM (SELECT r.value ->> 0 AS att, r.value ->> 1 AS op, CAST(r.value ->> 2 AS TEXT) AS val,
                                 CASE r.value ->> 0
                                     WHEN 'email' THEN l.email WHEN 'first_name' THEN l.first_name WHEN 'last_name' THEN l.last_name
                                     WHEN 'phone' THEN l.phone WHEN 'company' THEN l.company WHEN 'title' THEN l.title
                                     WHEN 'industry' THEN l.industry WHEN 'country' THEN l.country WHEN 'source' THEN l.source
                                     WHEN 'campaign' THEN l.campaign WHEN 'stage' THEN l.stage WHEN 'lost_reason' THEN l.lost_reason
                                     WHEN 'created_at' THEN l.created_at WHEN 'company_size' THEN l.company_size WHEN 'score' THEN l.score
                                     WHEN 'fit_score' THEN l.fit_score WHEN 'engagement' THEN l.engagement WHEN 'amount' THEN l.amount
                                     WHEN 'consent' THEN l.consent WHEN 'owner' THEN l.owner_id
                                     WHEN 'activities' THEN (
                                         SELECT count(*) FROM activity_log AS e
                                          WHERE e.lead_id = l.id AND (r.value ->> 3 IS NULL OR e.kind = r.value ->> 3)
                                            AND (r.value ->> 4 IS NULL
                                                 OR e.occurred_at >= strftime('%Y-%m-%dT%H:%M:%fZ', julianday((SELECT now FROM clock)) - (r.value ->> 4))))
                                     ELSE CASE WHEN (r.value ->> 0) GLOB 'custom.?*' AND json_valid(l.custom)
                                               THEN json_extract(l.custom, '$."' || substr(r.value ->> 0, 8) || '"') END
                                 END AS v) AS q), 0) AS met
                  FROM json_each(a.arg, '$.rules') AS r) AS rm);

-- The leads of each segment now (a segment with no rules has none).
CREATE VIEW segment_members AS
SELECT s.name AS segment, f.lead_id
  FROM segments AS s
  JOIN lead_filter AS f
    ON f.arg = json_object('match', s.match,
                           'rules', (SELECT json_group_array(json_array(r.attribute, r.operator, r.value, r.kind, r.days))
                                       FROM (SELECT * FROM segment_rules AS r WHERE r.segment = s.name ORDER BY r.id) AS r));

-- What is wrong with one rule, if anything: `arg` is json_array(label, attribute, operator, value, kind,
-- days), the label naming the rule in the message (segment_problems below; the API's and the shell's
-- filters). The one definition of a valid rule.
CREATE VIEW _segment_rule_problem AS
SELECT x.arg,
       CASE WHEN x.att IS NULL OR typeof(x.att) <> 'text'
                 OR (x.att NOT IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'industry', 'country',
                                   'source', 'campaign', 'stage', 'lost_reason', 'created_at', 'company_size', 'score', 'fit_score',
                                   'engagement', 'amount', 'consent', 'owner', 'tag', 'activities')
                     AND NOT EXISTS (SELECT 1 FROM custom_fields AS f WHERE 'custom.' || f.name = x.att))
                THEN 'invalid_config: ' || x.label || ' reads ' || quote(x.att) || ', which is not an attribute a segment reads'
                     || ' (email, first_name, last_name, phone, company, title, industry, country, source, campaign, stage, lost_reason, created_at,'
                     || ' company_size, score, fit_score, engagement, amount, consent, owner, tag, activities, custom.NAME)'
            WHEN x.op IS NULL OR typeof(x.op) <> 'text' OR x.op NOT IN ('=', '!=', 'contains', '>=', '<=', 'in')
                 OR (x.att = 'tag' AND x.op NOT IN ('=', '!=', 'in'))
                 OR (x.att = 'activities' AND x.op NOT IN ('=', '!=', '>=', '<='))
                THEN 'invalid_config: ' || x.label || ' compares ' || x.att || ' with ' || quote(x.op) || ' (operators: '
                     || CASE x.att WHEN 'tag' THEN '=, != and in' WHEN 'activities' THEN '=, !=, >= and <=' ELSE '=, !=, contains, >=, <= and in' END || ')'
            WHEN x.op = 'in' AND NOT (typeof(x.val) = 'text' AND json_valid(x.val) AND json_type(x.val) = 'array' AND json_array_length(x.val) > 0
                                      AND NOT EXISTS (SELECT 1 FROM json_each(x.val) AS e WHERE e.type IN ('object', 'array')))
                THEN 'invalid_config: ' || x.label || ': in takes a JSON array of accepted values such as ["webinar", "ads"]; got ' || quote(x.val)
            WHEN x.val IS NOT NULL AND (typeof(x.val) = 'blob' OR length(x.val) > 500 OR instr(x.val, char(0)) > 0
                                        OR x.val GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*'))
                THEN 'invalid_config: ' || x.label || ': a value is one line of at most 500 printable characters'
            WHEN x.op IN ('contains', '>=', '<=') AND (x.val IS NULL OR trim(x.val) = '' OR (lower(x.val) = 'none' AND x.op <> 'contains'))
                THEN 'invalid_config: ' || x.label || ': ' || x.op || ' takes a value'
            WHEN x.op IN ('=', '!=') AND x.val IS NOT NULL AND trim(x.val) = ''
                THEN 'invalid_config: ' || x.label || ': ' || x.att || ' ' || x.op || ' takes a value (none for an empty ' || x.att || ')'
            -- (numbers: every value given, but none for an empty one; consent and yes/no fields take yes and no too)
            WHEN (x.att IN ('company_size', 'score', 'fit_score', 'engagement', 'amount', 'consent', 'activities')
                  OR (SELECT f.type FROM custom_fields AS f WHERE 'custom.' || f.name = x.att) IN ('number', 'boolean'))
                 AND EXISTS (SELECT 1 FROM json_each(CASE WHEN x.op = 'in' THEN x.val ELSE json_array(x.val) END) AS e
                              WHERE NOT (e.value IS NULL AND x.att <> 'activities'
                                         OR (lower(e.value) = 'none' AND x.att <> 'activities' AND x.op IN ('=', '!=', 'in'))
                                         OR e.type IN ('integer', 'real')
                                         OR (e.type = 'text' AND trim(e.value) <> '' AND CAST(trim(e.value) AS REAL) || '' IN (trim(e.value), trim(e.value) || '.0'))
                                         OR (lower(trim(e.value)) IN ('yes', 'no', 'true', 'false')
                                             AND (x.att = 'consent' OR (SELECT f.type FROM custom_fields AS f WHERE 'custom.' || f.name = x.att) = 'boolean'))))
                THEN 'invalid_config: ' || x.label || ': ' || x.att || ' ' || x.op || ' takes '
                     || CASE WHEN x.att = 'consent' OR (SELECT f.type FROM custom_fields AS f WHERE 'custom.' || f.name = x.att) = 'boolean' THEN 'yes or no'
                             ELSE 'a number' END || '; got ' || quote(x.val)
            WHEN x.att = 'tag' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN x.op = 'in' THEN x.val ELSE json_array(x.val) END) AS e
                                            WHERE e.type <> 'text' OR lower(trim(e.value)) NOT GLOB '[a-z0-9]*' OR lower(trim(e.value)) GLOB '*[^a-z0-9_-]*')
                THEN 'invalid_config: ' || x.label || ' names tag ' || quote(x.val) || ' (a tag is lower-case letters, digits, _ or -)'
            WHEN x.att = 'stage' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN x.op = 'in' THEN x.val WHEN x.op IN ('=', '!=') THEN json_array(x.val) END) AS e
                                              WHERE e.value IS NOT NULL AND lower(e.value) <> 'none'
                                                AND NOT EXISTS (SELECT 1 FROM stages AS s WHERE s.name = lower(trim(e.value))))
                THEN 'invalid_config: ' || x.label || ' names a stage there is not: ' || quote(x.val) || ' (stages: '
                     || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages ORDER BY position)) || ')'
            WHEN x.att = 'owner' AND EXISTS (SELECT 1 FROM json_each(CASE WHEN x.op = 'in' THEN x.val WHEN x.op IN ('=', '!=') THEN json_array(x.val) END) AS e
                                              WHERE e.value IS NOT NULL AND lower(e.value) <> 'none'
                                                AND NOT EXISTS (SELECT 1 FROM reps AS p WHERE lower(p.name) = lower(trim(e.value)) OR CAST(p.id AS TEXT) = trim(e.value)))
                THEN 'invalid_config: ' || x.label || ' names a rep there is not: ' || quote(x.val)
            WHEN x.att = 'created_at' AND x.op IN ('=', '!=', '>=', '<=') AND x.val IS NOT NULL AND lower(x.val) <> 'none'
                 AND x.val NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                 AND (SELECT t.problem FROM time_input AS t WHERE t.arg = json_array(x.val)) IS NOT NULL
                THEN 'invalid_config: ' || x.label || ': created_at ' || x.op || ' takes a day or a time such as 2026-11-24T09:30:00Z; got ' || quote(x.val)
            WHEN x.kind IS NOT NULL AND (x.att IS NOT 'activities' OR NOT EXISTS (SELECT 1 FROM activity_kinds AS k WHERE k.kind = x.kind))
                THEN 'invalid_config: ' || x.label || ': kind ' || quote(x.kind) || ' is for an activities rule and names an activity kind'
            WHEN x.days IS NOT NULL AND (x.att IS NOT 'activities' OR typeof(x.days) NOT IN ('integer', 'real') OR x.days <= 0 OR x.days > 36500)
                THEN 'invalid_config: ' || x.label || ': days is for an activities rule and is a number of days above 0; got ' || quote(x.days)
       END AS problem
  FROM (SELECT j.json AS arg, j.json ->> 0 AS label, j.json ->> 1 AS att, j.json ->> 2 AS op, CAST(j.json ->> 3 AS TEXT) AS val,
               j.json ->> 4 AS kind, j.json ->> 5 AS days
          FROM json_each AS j WHERE j.key = 0) AS x;

-- What is wrong with a segment or one of its rules, if anything (each writer's insert and update is
-- refused with the first problem: invalid_config; `leads check` names any left by a later change).
CREATE VIEW segment_problems AS
SELECT 'segments' AS tbl, s.name AS row_key,
       CASE WHEN typeof(s.name) <> 'text' OR s.name NOT GLOB '[a-z0-9]*' OR s.name GLOB '*[^a-z0-9_-]*' OR length(s.name) > 40
                THEN 'invalid_config: a segment is named with 1 to 40 lower-case letters, digits, _ or -; got ' || quote(s.name)
            WHEN s.match IS NOT 'all' AND s.match IS NOT 'any'
                THEN 'invalid_config: segment ' || s.name || ' matches all of its rules or any; got ' || quote(s.match)
            WHEN s.description IS NOT NULL AND (typeof(s.description) <> 'text' OR length(s.description) > 500
                                                OR s.description GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(s.description, char(0)) > 0)
                THEN 'invalid_config: segment ' || s.name || ': a description is one line of at most 500 printable characters'
       END AS problem
  FROM segments AS s
UNION ALL
SELECT 'segment_rules', r.id,
       CASE WHEN NOT EXISTS (SELECT 1 FROM segments AS s WHERE s.name = r.segment)
                THEN 'invalid_config: segment rule ' || r.id || ' names segment ' || quote(r.segment) || ', which does not exist'
            ELSE (SELECT p.problem FROM _segment_rule_problem AS p
                   WHERE p.arg = json_array('segment rule ' || r.id, r.attribute, r.operator,
                                            CASE WHEN typeof(r.value) = 'blob' THEN char(1) ELSE r.value END, r.kind, r.days))
       END
  FROM segment_rules AS r;

-- A segment's name is new (no replace of another segment and its rules' meaning).
CREATE TRIGGER segments_before_insert BEFORE INSERT ON segments
WHEN EXISTS (SELECT 1 FROM segments WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: segment ' || NEW.name || ' exists; change it with UPDATE segments'));
END;

CREATE TRIGGER segments_after_insert_check AFTER INSERT ON segments
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem))
      FROM segment_problems AS p WHERE p.tbl = 'segments' AND p.row_key = NEW.name AND p.problem IS NOT NULL;
END;

-- A renamed segment keeps its rules and the sequences and routing rules that target it (as the foreign
-- keys cascade for a connection that has them on).
CREATE TRIGGER segments_after_update AFTER UPDATE ON segments
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem))
      FROM segment_problems AS p WHERE p.tbl = 'segments' AND p.row_key = NEW.name AND p.problem IS NOT NULL;
    UPDATE segment_rules SET segment = NEW.name WHERE segment = OLD.name AND NEW.name IS NOT OLD.name;
    UPDATE nurture_sequences SET segment = NEW.name WHERE segment = OLD.name AND NEW.name IS NOT OLD.name;
    UPDATE routing_rules SET segment = NEW.name WHERE segment = OLD.name AND NEW.name IS NOT OLD.name;
END;

-- A segment a sequence or a routing rule targets stays; a deleted one takes its rules along.
CREATE TRIGGER segments_before_delete BEFORE DELETE ON segments
WHEN EXISTS (SELECT 1 FROM nurture_sequences WHERE segment = OLD.name) OR EXISTS (SELECT 1 FROM routing_rules WHERE segment = OLD.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('rule_in_use: segment ' || OLD.name || ' is targeted by '
        || coalesce((SELECT 'nurture sequence ' || name FROM nurture_sequences WHERE segment = OLD.name LIMIT 1),
                    (SELECT 'routing rule ' || id FROM routing_rules WHERE segment = OLD.name LIMIT 1))
        || '; point that elsewhere first'));
END;

CREATE TRIGGER segments_after_delete AFTER DELETE ON segments
BEGIN
    DELETE FROM segment_rules WHERE segment = OLD.name;
END;

CREATE TRIGGER segment_rules_after_insert_check AFTER INSERT ON segment_rules
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem))
      FROM segment_problems AS p WHERE p.tbl = 'segment_rules' AND p.row_key = NEW.id AND p.problem IS NOT NULL;
END;

CREATE TRIGGER segment_rules_after_update_check AFTER UPDATE ON segment_rules
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem))
      FROM segment_problems AS p WHERE p.tbl = 'segment_rules' AND p.row_key = NEW.id AND p.problem IS NOT NULL;
END;

-- A sequence or a routing rule targets a segment there is.
CREATE TRIGGER nurture_sequences_after_insert_segment AFTER INSERT ON nurture_sequences
WHEN NEW.segment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM segments WHERE name = NEW.segment)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: nurture sequence ' || NEW.name || ' targets segment ' || quote(NEW.segment) || ', which does not exist'));
END;

CREATE TRIGGER nurture_sequences_after_update_segment AFTER UPDATE OF segment ON nurture_sequences
WHEN NEW.segment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM segments WHERE name = NEW.segment)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: nurture sequence ' || NEW.name || ' targets segment ' || quote(NEW.segment) || ', which does not exist'));
END;

CREATE TRIGGER routing_rules_after_insert_segment AFTER INSERT ON routing_rules
WHEN NEW.segment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM segments WHERE name = NEW.segment)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: routing rule ' || NEW.id || ' targets segment ' || quote(NEW.segment) || ', which does not exist'));
END;

CREATE TRIGGER routing_rules_after_update_segment AFTER UPDATE OF segment ON routing_rules
WHEN NEW.segment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM segments WHERE name = NEW.segment)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: routing rule ' || NEW.id || ' targets segment ' || quote(NEW.segment) || ', which does not exist'));
END;

-- Tags: a lead there is, a tag as a tag is written, by someone named in printable text; tagged_at now.
CREATE TRIGGER lead_tags_before_insert BEFORE INSERT ON lead_tags
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN l.id IS NULL THEN 'unknown_lead: no lead has id ' || coalesce(quote(NEW.lead_id), 'NULL')
        WHEN l.merged_into IS NOT NULL THEN 'merged_lead: lead ' || l.id || ' was merged into lead ' || l.merged_into || '; tag lead ' || l.merged_into
        WHEN l.erased_at IS NOT NULL THEN 'erased_lead: lead ' || l.id || ' was erased; it takes no tag'
        WHEN typeof(NEW.tag) <> 'text' OR NEW.tag NOT GLOB '[a-z0-9]*' OR NEW.tag GLOB '*[^a-z0-9_-]*' OR length(NEW.tag) > 40
            THEN 'invalid_text: a tag is 1 to 40 lower-case letters, digits, _ or -; got ' || quote(NEW.tag)
        -- (no replace: the tag stays as it was put on)
        WHEN EXISTS (SELECT 1 FROM lead_tags AS t WHERE t.lead_id = NEW.lead_id AND t.tag = NEW.tag)
            THEN 'already_exists: lead ' || l.id || ' has tag ' || NEW.tag
        WHEN NEW.tagged_at IS NOT NULL AND NEW.tagged_at IS NOT (SELECT now FROM clock)
            THEN 'maintained: tagged_at is when the tag was put on, written by LeadDB; give none'
        WHEN NEW.tagged_by IS NOT NULL
             AND (typeof(NEW.tagged_by) <> 'text' OR length(NEW.tagged_by) NOT BETWEEN 1 AND 100
                  OR NEW.tagged_by GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(NEW.tagged_by, char(0)) > 0)
            THEN 'invalid_text: tagged_by names who tagged in 1 to 100 printable characters; got ' || quote(NEW.tagged_by)
        END, json_object('lead', CASE WHEN typeof(NEW.lead_id) = 'blob' THEN quote(NEW.lead_id) ELSE NEW.lead_id END)))
      FROM (SELECT 1) LEFT JOIN lead_records AS l ON l.id = NEW.lead_id;
END;

CREATE TRIGGER lead_tags_after_insert AFTER INSERT ON lead_tags
WHEN NEW.tagged_at IS NULL
BEGIN
    UPDATE lead_tags SET tagged_at = (SELECT now FROM clock) WHERE lead_id = NEW.lead_id AND tag = NEW.tag;
END;

CREATE TRIGGER lead_tags_before_update BEFORE UPDATE ON lead_tags
WHEN NOT (NEW.tag IS OLD.tag AND NEW.tagged_by IS OLD.tagged_by
          AND ((OLD.tagged_at IS NULL AND NEW.tagged_at IS (SELECT now FROM clock) AND NEW.lead_id IS OLD.lead_id)
               -- (a merge moves its merged lead's tags to the kept lead, an undo moves them back: 89_merges.sql)
               OR (NEW.tagged_at IS OLD.tagged_at
                   AND EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id))))
BEGIN
    SELECT RAISE(ABORT, 'read_only: a tag is put on or taken off (INSERT or DELETE), not changed');
END;

-- A segment is renamed to a name not in use (a replace would delete the other), and a rule keeps its id.
CREATE TRIGGER segments_before_update_name BEFORE UPDATE OF name ON segments
WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM segments WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: segment ' || NEW.name || ' exists; rename to a name not in use'));
END;

CREATE TRIGGER segment_rules_before_update_id BEFORE UPDATE OF id ON segment_rules
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'read_only: a segment rule keeps its id; add another rule');
END;

-- What a rule names stays: an activity kind, a custom field or a rep's name a rule reads (a rep renamed
-- takes the rules that name it along).
CREATE TRIGGER activity_kinds_before_delete_segments BEFORE DELETE ON activity_kinds
WHEN EXISTS (SELECT 1 FROM segment_rules WHERE kind = OLD.kind)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('kind_in_use: activity kind ' || OLD.kind || ' is counted by segment rule '
        || (SELECT min(id) FROM segment_rules WHERE kind = OLD.kind) || '; change that rule first'));
END;

CREATE TRIGGER activity_kinds_before_update_segments BEFORE UPDATE OF kind ON activity_kinds
WHEN NEW.kind IS NOT OLD.kind AND EXISTS (SELECT 1 FROM segment_rules WHERE kind = OLD.kind)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('kind_in_use: activity kind ' || OLD.kind || ' is counted by segment rule '
        || (SELECT min(id) FROM segment_rules WHERE kind = OLD.kind) || '; change that rule first'));
END;

CREATE TRIGGER custom_fields_before_delete_segments BEFORE DELETE ON custom_fields
WHEN EXISTS (SELECT 1 FROM segment_rules WHERE attribute = 'custom.' || OLD.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('field_in_use: custom field ' || OLD.name || ' is read by segment rule '
        || (SELECT min(id) FROM segment_rules WHERE attribute = 'custom.' || OLD.name) || '; change that rule first'));
END;

CREATE TRIGGER custom_fields_before_update_segments BEFORE UPDATE OF name, type ON custom_fields
WHEN (NEW.name IS NOT OLD.name OR NEW.type IS NOT OLD.type) AND EXISTS (SELECT 1 FROM segment_rules WHERE attribute = 'custom.' || OLD.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('field_in_use: custom field ' || OLD.name || ' is read by segment rule '
        || (SELECT min(id) FROM segment_rules WHERE attribute = 'custom.' || OLD.name) || '; its name and type stay while it is'));
END;

CREATE TRIGGER reps_after_update_name_segments AFTER UPDATE OF name ON reps
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE segment_rules SET value = NEW.name WHERE attribute = 'owner' AND operator IN ('=', '!=') AND lower(trim(value)) = lower(OLD.name);
    UPDATE segment_rules
       SET value = (SELECT json_group_array(CASE WHEN lower(trim(e.value)) = lower(OLD.name) THEN NEW.name ELSE e.value END) FROM json_each(segment_rules.value) AS e)
     WHERE attribute = 'owner' AND operator = 'in' AND EXISTS (SELECT 1 FROM json_each(segment_rules.value) AS e WHERE lower(trim(e.value)) = lower(OLD.name));
END;
