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
-- operator, value, kind, days], ...]}. The one definition of a rule's match.
CREATE VIEW lead_filter AS
SELECT a.arg, l.id AS lead_id
  FROM (SELECT j.json AS arg FROM json_each AS j WHERE j.key = 'rules') AS a
  JOIN leads AS l
 WHERE l.erased_at IS NULL
   -- (every rule is read: `all` needs as many met as there are rules, `any` one)
   AND (SELECT CASE WHEN a.arg ->> '$.match' = 'any' THEN total(rm.met) > 0 ELSE total(rm.met) = count(*) END
          FROM (SELECT coalesce((
                  SELECT CASE
                      WHEN q.att = 'tag' THEN CASE q.op
                          WHEN '=' THEN EXISTS (SELECT 1 FROM lead_tags AS t WHERE t.lead_id = l.id AND t.tag = lower(trim(q.val)))
                          WHEN '!=' THEN NOT EXISTS (SELECT 1 FROM lead_tags AS t WHERE t.lead_id = l.id AND t.tag = lower(trim(q.val)))
                          WHEN 'in' THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x JOIN lead_tags AS t ON t.lead_id = l.id AND t.tag = lower(trim(x.value)))
                          END
                      WHEN q.val IS NULL OR lower(q.val) = 'none' THEN CASE q.op WHEN '=' THEN q.v IS NULL WHEN '!=' THEN q.v IS NOT NULL END
                      WHEN q.v IS NULL THEN 0
                      WHEN q.att = 'owner' THEN CASE q.op
                          WHEN '=' THEN EXISTS (SELECT 1 FROM reps AS p WHERE p.id = q.v AND (lower(p.name) = lower(trim(q.val)) OR CAST(p.id AS TEXT) = trim(q.val)))
                          WHEN '!=' THEN NOT EXISTS (SELECT 1 FROM reps AS p WHERE p.id = q.v AND (lower(p.name) = lower(trim(q.val)) OR CAST(p.id AS TEXT) = trim(q.val)))
                          WHEN 'in' THEN EXISTS (SELECT 1 FROM json_each(q.val) AS x JOIN reps AS p ON p.id = q.v
                                                  WHERE lower(p.name) = lower(trim(x.value)) OR CAST(p.id AS TEXT) = trim(x.value))
                          END
                      WHEN q.op = 'in' THEN EXISTS (
                          SELECT 1 FROM json_each(q.val) AS x
                           WHERE CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v = CAST(x.value AS REAL)
                                      WHEN q.att = 'country' THEN lower(q.v) = lower(coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(x.value AS TEXT))), x.value))
                                      ELSE lower(q.v) = lower(x.value) END)
                      WHEN q.op IN ('=', '!=') THEN (q.op = '!=') <> (CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v = CAST(q.val AS REAL)
                                                                         WHEN q.att = 'country' THEN lower(q.v) = lower(coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(q.val AS TEXT))), q.val))
                                                                         ELSE lower(q.v) = lower(q.val) END)
                      WHEN q.op = 'contains' THEN instr(lower(q.v), lower(q.val)) > 0
                      WHEN q.op = '>=' THEN CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v >= CAST(q.val AS REAL) ELSE q.v >= q.val END
                      WHEN q.op = '<=' THEN CASE WHEN typeof(q.v) IN ('integer', 'real') THEN q.v <= CAST(q.val AS REAL) ELSE q.v <= q.val END
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

-- The leads of each segment now.
CREATE VIEW segment_members AS
SELECT s.name AS segment, f.lead_id
  FROM segments AS s
  JOIN lead_filter AS f
    ON f.arg = json_object('match', s.match,
                           'rules', (SELECT json_group_array(json_array(r.attribute, r.operator, r.value, r.kind, r.days))
                                       FROM (SELECT * FROM segment_rules AS r WHERE r.segment = s.name ORDER BY r.id) AS r));

-- What is wrong with a segment or one of its rules, if anything (each writer's insert and update is
-- refused with the first problem: invalid_config).
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
            WHEN r.attribute IS NULL OR (r.attribute NOT IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'industry', 'country',
                                          'source', 'campaign', 'stage', 'lost_reason', 'created_at', 'company_size', 'score', 'fit_score',
                                          'engagement', 'amount', 'consent', 'owner', 'tag', 'activities')
                                         AND NOT EXISTS (SELECT 1 FROM custom_fields AS f WHERE 'custom.' || f.name = r.attribute))
                THEN 'invalid_config: segment rule ' || r.id || ' reads ' || quote(r.attribute) || ', which is not an attribute a segment reads'
                     || ' (email, first_name, last_name, phone, company, title, industry, country, source, campaign, stage, lost_reason, created_at,'
                     || ' company_size, score, fit_score, engagement, amount, consent, owner, tag, activities, custom.NAME)'
            WHEN r.operator IS NULL OR r.operator NOT IN ('=', '!=', 'contains', '>=', '<=', 'in')
                 OR (r.attribute = 'tag' AND r.operator NOT IN ('=', '!=', 'in'))
                 OR (r.attribute = 'activities' AND r.operator NOT IN ('=', '!=', '>=', '<='))
                THEN 'invalid_config: segment rule ' || r.id || ' compares ' || r.attribute || ' with ' || quote(r.operator) || ' (operators: '
                     || CASE r.attribute WHEN 'tag' THEN '=, != and in' WHEN 'activities' THEN '=, !=, >= and <=' ELSE '=, !=, contains, >=, <= and in' END || ')'
            WHEN r.operator = 'in' AND NOT (typeof(r.value) = 'text' AND json_valid(r.value) AND json_type(r.value) = 'array' AND json_array_length(r.value) > 0)
                THEN 'invalid_config: segment rule ' || r.id || ': in takes a JSON array of accepted values such as ["webinar", "ads"]; got ' || quote(r.value)
            WHEN (r.operator IN ('>=', '<=') AND r.attribute IN ('company_size', 'score', 'fit_score', 'engagement', 'amount', 'consent', 'activities')
                  OR r.attribute = 'activities')
                 AND NOT (typeof(r.value) IN ('integer', 'real') OR (typeof(r.value) = 'text' AND (CAST(r.value AS REAL) || '' = r.value OR CAST(r.value AS INTEGER) || '' = r.value)))
                THEN 'invalid_config: segment rule ' || r.id || ': ' || r.attribute || ' ' || r.operator || ' takes a number; got ' || quote(r.value)
            WHEN r.operator IN ('contains', '>=', '<=') AND (r.value IS NULL OR r.value = '')
                THEN 'invalid_config: segment rule ' || r.id || ': ' || r.operator || ' takes a value'
            WHEN r.attribute = 'tag' AND r.operator <> 'in' AND (typeof(r.value) <> 'text' OR lower(trim(r.value)) NOT GLOB '[a-z0-9]*' OR lower(trim(r.value)) GLOB '*[^a-z0-9_-]*')
                THEN 'invalid_config: segment rule ' || r.id || ' names tag ' || quote(r.value) || ' (a tag is lower-case letters, digits, _ or -)'
            WHEN r.value IS NOT NULL AND (typeof(r.value) = 'blob' OR length(r.value) > 500 OR instr(r.value, char(0)) > 0
                                         OR r.value GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*'))
                THEN 'invalid_config: segment rule ' || r.id || ': a value is one line of at most 500 printable characters'
            WHEN r.kind IS NOT NULL AND (r.attribute IS NOT 'activities' OR NOT EXISTS (SELECT 1 FROM activity_kinds AS k WHERE k.kind = r.kind))
                THEN 'invalid_config: segment rule ' || r.id || ': kind ' || quote(r.kind) || ' is for an activities rule and names an activity kind'
            WHEN r.days IS NOT NULL AND (r.attribute IS NOT 'activities' OR typeof(r.days) NOT IN ('integer', 'real') OR r.days <= 0 OR r.days > 36500)
                THEN 'invalid_config: segment rule ' || r.id || ': days is for an activities rule and is a number of days above 0; got ' || quote(r.days)
       END
  FROM segment_rules AS r;

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
