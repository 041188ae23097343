-- The `leads` view: every lead with its current score, and the rules for writing through it.
--
-- score = fit_score + engagement, where engagement is the stored value decayed from its anchor time to
-- now: engagement * 0.5 ^ ((now - engagement_at) / score.half_life_days). It is exact whenever it is
-- read; nothing needs a background job. This is the one definition of the current score.
--
-- Engagement never grows with time: read before its anchor (the clock moved back after a shift), it
-- counts at its anchor's value.
--
-- Scores are given to 6 decimal places (round(x, 6), never -0.0), and every comparison with a threshold
-- (mql, hot, SLA policies) reads this rounded score: a lead whose fit and fresh engagement add up to 50
-- is at 50 on the real clock too, not at 49.9999999 because milliseconds passed between two events.
--
-- Written so SQLite flattens it: a lookup by id, or by owner through the open-leads index, touches only
-- those rows (a LEFT JOIN to a subquery would be materialised whole for every lookup). Now and the
-- half-life are scalar subqueries, computed once per statement (a join with the clock view would be
-- materialised into a temporary table every time).
CREATE VIEW leads AS
SELECT id, email, first_name, last_name, phone, company, title, industry, company_size, country, source,
       campaign, stage, owner_id, fit_score, round(fit_score + engagement_now, 6) + 0.0 AS score,
       round(engagement_now, 6) + 0.0 AS engagement,
       amount, lost_reason, consent, consent_source, consent_at, created_at, updated_at, last_activity_at,
       assigned_at, response_due_at, first_response_at, sla_met, converted_at, closed_at, erased_at, account_id, custom,
       -- (a lead merged into another: the kept lead's id; 89_merges.sql)
       merged_into,
       -- (who makes a change through this view: UPDATE leads SET ..., changed_by = 'Ana'; 31_field_history.sql)
       NULL AS changed_by
  FROM (SELECT r.*,
               -- a lead a rule change has not rescored yet (15_rescoring.sql) has its values computed here
               CASE WHEN r.id BETWEEN (SELECT next_id FROM _rescoring WHERE kind = 'fit') AND (SELECT last_id FROM _rescoring WHERE kind = 'fit')
                    THEN (SELECT total(m.points) FROM fit_matches AS m WHERE m.lead_id = r.id)
                    ELSE sc.fit_score END AS fit_score,
               sc.last_activity_at,
               -- (the decay: 05_score_settings.sql)
               CASE WHEN r.id BETWEEN (SELECT next_id FROM _rescoring WHERE kind = 'engagement')
                                  AND (SELECT last_id FROM _rescoring WHERE kind = 'engagement')
                         AND EXISTS (SELECT 1 FROM activity_log AS a WHERE a.lead_id = r.id AND a.points <> 0)
                    THEN (SELECT e.engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(e.engagement_at))
                                                  / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days'))
                            FROM engagement_recomputed AS e WHERE e.lead_id = r.id)
                    ELSE coalesce(sc.engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(sc.engagement_at))
                                                  / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')), 0) END
                   AS engagement_now
          FROM lead_records AS r
          JOIN lead_scores AS sc ON sc.lead_id = r.id);

-- What is wrong with a stored lead, if anything: the first problem, as `code: message`.
CREATE VIEW lead_problems AS
SELECT l.id, p.value AS problem,
       -- the value at fault, for programs (rule_error passes it on)
       (SELECT CASE typeof(v) WHEN 'blob' THEN NULL ELSE CAST(v AS TEXT) END FROM (SELECT CASE substr(p.value, 1, instr(p.value, ':') - 1)
           WHEN 'invalid_email' THEN l.email WHEN 'invalid_phone' THEN l.phone WHEN 'invalid_company_size' THEN l.company_size
           WHEN 'invalid_country' THEN l.country WHEN 'invalid_amount' THEN l.amount WHEN 'unknown_lost_reason' THEN l.lost_reason
       END AS v)) AS value,
       -- the field at fault, for invalid_text (the word after the code)
       CASE WHEN p.value GLOB 'invalid_text: *' THEN substr(p.value, 15, instr(substr(p.value, 15) || ' ', ' ') - 1) END AS field
  FROM lead_records AS l
  -- (through json_each, so the problem is worked out once per row however often it is read)
  JOIN json_each(json_array(CASE
    WHEN email IS NULL AND phone IS NULL AND erased_at IS NULL
        THEN 'missing_contact: a lead needs an email or a phone'
    -- Text fields: one line of at most 500 characters, no NUL byte (which cuts text short in most programs).
    WHEN length(email) > 500 OR length(first_name) > 500 OR length(last_name) > 500 OR length(company) > 500
      OR length(title) > 500 OR length(industry) > 500 OR length(country) > 500 OR length(source) > 500
      OR length(campaign) > 500 OR length(phone) > 500
        THEN 'invalid_text: '
             || CASE WHEN length(email) > 500 THEN 'email has ' || length(email) WHEN length(first_name) > 500 THEN 'first_name has ' || length(first_name)
                     WHEN length(last_name) > 500 THEN 'last_name has ' || length(last_name) WHEN length(company) > 500 THEN 'company has ' || length(company)
                     WHEN length(title) > 500 THEN 'title has ' || length(title) WHEN length(industry) > 500 THEN 'industry has ' || length(industry)
                     WHEN length(country) > 500 THEN 'country has ' || length(country) WHEN length(source) > 500 THEN 'source has ' || length(source)
                     WHEN length(campaign) > 500 THEN 'campaign has ' || length(campaign) ELSE 'phone has ' || length(phone) END
             || ' characters (at most 500)'
    WHEN instr(first_name, char(0)) OR instr(last_name, char(0)) OR instr(company, char(0)) OR instr(title, char(0))
      OR instr(industry, char(0)) OR instr(country, char(0)) OR instr(source, char(0)) OR instr(campaign, char(0))
      OR instr(email, char(0)) OR instr(phone, char(0))
        THEN 'invalid_text: '
             || CASE WHEN instr(email, char(0)) THEN 'email' WHEN instr(phone, char(0)) THEN 'phone'
                     WHEN instr(first_name, char(0)) THEN 'first_name' WHEN instr(last_name, char(0)) THEN 'last_name'
                     WHEN instr(company, char(0)) THEN 'company' WHEN instr(title, char(0)) THEN 'title'
                     WHEN instr(industry, char(0)) THEN 'industry' WHEN instr(country, char(0)) THEN 'country'
                     WHEN instr(source, char(0)) THEN 'source' ELSE 'campaign' END || ' contains a NUL byte'
    -- Stored as the input views store it, whoever wrote the row (a program writing lead_records directly
    -- would otherwise store an address a later capture does not find, or a country no rule compares).
    -- (first a cheap test that settles the usual value: printable ASCII already lower case and trimmed is
    -- what email_input stores; an upper-case ISO code that is its own alias is what country_input stores)
    WHEN email IS NOT NULL AND NOT (email NOT GLOB '*[^ -~]*' AND email = lower(trim(email)))
         AND email IS NOT (SELECT e.email FROM email_input AS e WHERE e.arg = json_array(l.email))
        THEN 'invalid_email: ' || email || ' is not stored normalised (trimmed, lower case): capture through lead_intake or update through leads'
    WHEN country IS NOT NULL
         AND NOT (country NOT GLOB '*[^A-Z]*' AND (SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(l.country)) IS country)
         AND country IS NOT (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(l.country))
        THEN 'invalid_country: ' || country || ' is not stored as its ISO code (' || coalesce((SELECT c.country FROM country_input AS c WHERE c.arg = json_array(l.country)), 'none: store NULL')
             || '): update through leads'
    WHEN email IS NOT NULL AND NOT (
            length(email) <= 254
            AND length(email) - length(replace(email, '@', '')) = 1
            AND instr(email, '@') > 1
            AND instr(substr(email, instr(email, '@') + 1), '.') > 1
            AND substr(email, -1) <> '.'
            AND email NOT GLOB '*[' || char(32, 9, 10, 13) || ']*')
        THEN 'invalid_email: ' || email || ' is not a valid email address (one @, a name before it, a domain with a dot after it, no spaces, at most 254 characters)'
    WHEN phone IS NOT NULL AND NOT (
            substr(phone, 1 + (phone GLOB '+*')) NOT GLOB '*[^0-9]*'
            AND length(phone) - (phone GLOB '+*') BETWEEN 7 AND 15)
        THEN 'invalid_phone: ' || phone || ' is not a valid phone number (7 to 15 digits, optionally after a +)'
    WHEN company_size IS NOT NULL AND NOT (typeof(company_size) = 'integer' AND company_size BETWEEN 0 AND 10000000)
        THEN 'invalid_company_size: ' || company_size || ' is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)'
    -- (copied into the stage check, 40_stages.sql, so a move with a bad amount names it; a test checks both agree)
    WHEN amount IS NOT NULL AND NOT (typeof(amount) IN ('integer', 'real') AND amount > 0 AND amount < 1e15)
        THEN 'invalid_amount: lead ' || l.id || ' amount ' || CASE typeof(amount) WHEN 'blob' THEN 'of bytes' ELSE quote(amount) END
             || ' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)'
    WHEN lost_reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lost_reasons WHERE reason = lost_reason)
        THEN 'unknown_lost_reason: ' || lost_reason || ' is not in lost_reasons (one of: '
             || (SELECT group_concat(reason, ', ') FROM lost_reasons) || ')'
    -- A stage's requirements hold for as long as the lead is in it, not only on the way in.
    WHEN erased_at IS NULL AND (SELECT requires_amount FROM stages WHERE name = stage) = 1
         AND NOT (typeof(amount) IN ('integer', 'real') AND amount > 0)
        THEN 'missing_amount: lead ' || l.id || ' is in ' || stage || ', which needs an amount above 0 (move it first, or set another amount)'
    WHEN erased_at IS NULL AND (SELECT requires_lost_reason FROM stages WHERE name = stage) = 1 AND lost_reason IS NULL
        THEN 'missing_lost_reason: lead ' || l.id || ' is in ' || stage || ', which needs a lost_reason (move it first, or set another reason)'
    END)) AS p
 WHERE p.value IS NOT NULL;

-- A new lead is checked, then gets its scoring row with its fit, its place in the stage counts and its
-- search entry. One trigger, not four: each trigger a statement fires costs about as much as a row.
CREATE TRIGGER lead_records_after_insert AFTER INSERT ON lead_records
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem, json_object('lead', id, 'value', value, 'field', field)))
      FROM lead_problems WHERE id = NEW.id;
    INSERT INTO _search_queue(lead_id) VALUES (NEW.id) ON CONFLICT (lead_id) DO NOTHING;
    INSERT INTO lead_scores(lead_id, fit_score)
    VALUES (NEW.id, (SELECT total(points) FROM fit_matches WHERE lead_id = NEW.id));
    INSERT INTO stage_counts(stage, leads) VALUES (NEW.stage, 1)
        ON CONFLICT (stage) DO UPDATE SET leads = leads + 1;
END;

CREATE TRIGGER lead_records_after_update_check
AFTER UPDATE OF email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign,
                lost_reason, amount ON lead_records
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem, json_object('lead', id, 'value', value, 'field', field)))
      FROM lead_problems WHERE id = NEW.id;
END;

-- Text is valid UTF-8. In triggers of their own, entered only when a field holds a character outside
-- printable ASCII: SQLite sets up a trigger's whole program every time it runs, so a long check inside
-- the checks above would cost every write, not only the writes that need it.
-- (the check itself runs in _lead_text_check's trigger, entered only when the WHEN below holds)
CREATE VIEW _lead_text_check AS
SELECT NULL AS id, NULL AS email, NULL AS first_name, NULL AS last_name, NULL AS phone, NULL AS company, NULL AS title,
       NULL AS industry, NULL AS country, NULL AS source, NULL AS campaign
 WHERE 0;

CREATE TRIGGER _lead_text_check_instead_of_insert INSTEAD OF INSERT ON _lead_text_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || b.problem, json_object('lead', NEW.id, 'field', b.field, 'byte', b.bad_byte)))
      FROM utf8_fields AS b
     WHERE b.arg = json_object('email', NEW.email, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'phone', NEW.phone,
                               'company', NEW.company, 'title', NEW.title, 'industry', NEW.industry, 'country', NEW.country,
                               'source', NEW.source, 'campaign', NEW.campaign)
     LIMIT 1;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || c.problem, json_object('lead', NEW.id, 'field', c.field)))
      FROM control_fields AS c
     WHERE c.arg = json_array(json_object('email', NEW.email, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'phone', NEW.phone,
                                          'company', NEW.company, 'title', NEW.title, 'industry', NEW.industry, 'country', NEW.country,
                                          'source', NEW.source, 'campaign', NEW.campaign), json_array())
     LIMIT 1;
END;

CREATE TRIGGER lead_records_after_insert_utf8 AFTER INSERT ON lead_records
WHEN (coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.phone, '')
      || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '') || coalesce(NEW.country, '')
      || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')) GLOB '*[^ -~]*'
  -- (GLOB stops at a NUL byte: a NUL anywhere enters too)
  OR instr((coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.phone, '')
      || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '') || coalesce(NEW.country, '')
      || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')), char(0))
BEGIN
    INSERT INTO _lead_text_check(id, email, first_name, last_name, phone, company, title, industry, country, source, campaign)
    VALUES (NEW.id, NEW.email, NEW.first_name, NEW.last_name, NEW.phone, NEW.company, NEW.title, NEW.industry, NEW.country, NEW.source, NEW.campaign);
END;

CREATE TRIGGER lead_records_after_update_utf8
AFTER UPDATE OF email, first_name, last_name, phone, company, title, industry, country, source, campaign ON lead_records
WHEN (coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.phone, '')
      || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '') || coalesce(NEW.country, '')
      || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')) GLOB '*[^ -~]*'
  -- (GLOB stops at a NUL byte: a NUL anywhere enters too)
  OR instr((coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.phone, '')
      || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '') || coalesce(NEW.country, '')
      || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')), char(0))
BEGIN
    INSERT INTO _lead_text_check(id, email, first_name, last_name, phone, company, title, industry, country, source, campaign)
    VALUES (NEW.id, NEW.email, NEW.first_name, NEW.last_name, NEW.phone, NEW.company, NEW.title, NEW.industry, NEW.country, NEW.source, NEW.campaign);
END;

CREATE TRIGGER lead_records_before_update_email_unique BEFORE UPDATE OF email ON lead_records
WHEN NEW.email IS NOT OLD.email AND NEW.email IS NOT NULL
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('duplicate_email: ' || NEW.email || ' already belongs to lead ' || id, json_object('lead', id, 'value', NEW.email)))
      FROM lead_records WHERE email = NEW.email AND id <> NEW.id;
    -- (the email of a lead merged into another brings its captures there: 89_merges.sql)
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('duplicate_email: ' || NEW.email || ' belongs to lead ' || e.lead_id || ' (a lead merged into it had it)',
                                       json_object('lead', e.lead_id, 'value', NEW.email)))
      FROM merged_emails AS e WHERE e.email = NEW.email AND e.lead_id <> NEW.id;
END;

-- An erased person's email or phone never comes back, by capture or by update (95_privacy.sql).
CREATE TRIGGER lead_records_before_update_suppressed BEFORE UPDATE OF email, phone ON lead_records
WHEN (NEW.email IS NOT OLD.email OR NEW.phone IS NOT OLD.phone) AND EXISTS (SELECT 1 FROM suppressed_emails)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('suppressed: ' || s.value || ' belongs to a person who was erased on request; it cannot be stored again',
                                       json_object('value', s.value)))
      FROM suppressed_contacts AS s
     WHERE s.arg = json_array(CASE WHEN NEW.email IS NOT OLD.email THEN NEW.email END,
                              CASE WHEN NEW.phone IS NOT OLD.phone THEN NEW.phone END);
END;

-- UPDATE leads SET ...: attributes, stage, owner_id, account_id, custom, amount, lost_reason and consent can be set; the
-- rest is maintained by LeadDB. Email and phone are normalised as on capture.
CREATE TRIGGER leads_instead_of_update INSTEAD OF UPDATE ON leads
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('read_only: leads.' || col || ' is maintained by LeadDB and cannot be set (lead ' || OLD.id || ')',
                                       json_object('lead', OLD.id, 'column', col)))
      FROM (SELECT CASE
                WHEN NEW.id IS NOT OLD.id THEN 'id'
                WHEN NEW.fit_score IS NOT OLD.fit_score THEN 'fit_score'
                WHEN NEW.score IS NOT OLD.score THEN 'score'
                WHEN NEW.engagement IS NOT OLD.engagement THEN 'engagement'
                WHEN NEW.consent_source IS NOT OLD.consent_source THEN 'consent_source'
                WHEN NEW.consent_at IS NOT OLD.consent_at THEN 'consent_at'
                WHEN NEW.created_at IS NOT OLD.created_at THEN 'created_at'
                WHEN NEW.updated_at IS NOT OLD.updated_at THEN 'updated_at'
                WHEN NEW.last_activity_at IS NOT OLD.last_activity_at THEN 'last_activity_at'
                WHEN NEW.assigned_at IS NOT OLD.assigned_at THEN 'assigned_at'
                WHEN NEW.response_due_at IS NOT OLD.response_due_at THEN 'response_due_at'
                WHEN NEW.first_response_at IS NOT OLD.first_response_at THEN 'first_response_at'
                WHEN NEW.sla_met IS NOT OLD.sla_met THEN 'sla_met'
                WHEN NEW.converted_at IS NOT OLD.converted_at THEN 'converted_at'
                WHEN NEW.closed_at IS NOT OLD.closed_at THEN 'closed_at'
                WHEN NEW.erased_at IS NOT OLD.erased_at THEN 'erased_at'
                END AS col)
     WHERE col IS NOT NULL;

    -- An erased lead keeps only its non-personal facts: nothing more is written to it.
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE WHEN OLD.merged_into IS NOT NULL
               THEN 'merged_lead: lead ' || OLD.id || ' was merged into lead ' || OLD.merged_into || '; change lead ' || OLD.merged_into
               ELSE 'erased_lead: lead ' || OLD.id || ' was erased at ' || OLD.erased_at || '; it cannot be changed' END))
     WHERE OLD.erased_at IS NOT NULL;

    -- What only a write through this view can get wrong: a value that cannot be read.
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.company_size IS NOT OLD.company_size AND instr(CAST(NEW.company_size AS TEXT), char(0))
            THEN 'invalid_company_size: the company size of lead ' || OLD.id || ' contains a NUL byte'
        WHEN NEW.country IS NOT OLD.country AND instr(CAST(NEW.country AS TEXT), char(0))
            THEN 'invalid_text: country contains a NUL byte'
        WHEN NEW.company_size IS NOT OLD.company_size AND cs.problem IS NOT NULL
            THEN 'invalid_company_size: ' || NEW.company_size || ' ' || cs.problem
        WHEN NEW.email IS NOT OLD.email AND em.problem IS NOT NULL
            THEN 'invalid_email: the email of lead ' || OLD.id || ' ' || em.problem
        WHEN NEW.phone IS NOT OLD.phone AND ph.problem IS NOT NULL
            THEN 'invalid_phone: the phone of lead ' || OLD.id || ' ' || ph.problem
        WHEN NEW.consent IS NOT OLD.consent AND cn.problem IS NOT NULL
            THEN 'invalid_consent: consent ' || NEW.consent || ' ' || cn.problem
        END))
      FROM company_size_input AS cs, email_input AS em, phone_input AS ph, consent_input AS cn
     WHERE cs.arg = json_array(CAST(NEW.company_size AS TEXT)) AND em.arg = json_array(CAST(NEW.email AS TEXT))
       AND ph.arg = json_array(CAST(NEW.phone AS TEXT)) AND cn.arg = json_array(CAST(NEW.consent AS TEXT))
       AND (NEW.company_size IS NOT OLD.company_size OR NEW.email IS NOT OLD.email OR NEW.phone IS NOT OLD.phone
            OR NEW.consent IS NOT OLD.consent OR NEW.country IS NOT OLD.country);

    -- Custom values given are read as custom_input reads them (33_custom_fields.sql).
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_field: lead ' || OLD.id || ': ' || cu.problem, json_object('lead', OLD.id, 'field', cu.field)))
      FROM custom_input AS cu
     WHERE NEW.custom IS NOT OLD.custom AND cu.arg = json_array(CAST(NEW.custom AS TEXT)) AND cu.problem IS NOT NULL;

    -- A stage move made by a person or a program (not the automatic move to mql) is a response to the
    -- deadline running before it (85_sla.sql): working a lead answers it. It is recorded before the move,
    -- so a deadline the move itself starts (a new owner, an mql follow-up) is not answered by it.
    UPDATE lead_records
       SET first_response_at = c.now,
           sla_met = CASE WHEN lead_records.response_due_at IS NULL THEN NULL ELSE c.now <= lead_records.response_due_at END
      FROM clock AS c
     WHERE lead_records.id = OLD.id AND NEW.stage IS NOT OLD.stage
       AND lead_records.first_response_at IS NULL AND lead_records.owner_id IS NOT NULL;

    -- Who makes the field changes below: the name given (checked), else 'sql' (31_field_history.sql).
    INSERT INTO _field_history_by(lead_id, changed_by) SELECT OLD.id, NEW.changed_by WHERE NEW.changed_by IS NOT NULL;
    INSERT INTO _field_history_actor(lead_id, changed_by) SELECT OLD.id, 'sql' WHERE NEW.changed_by IS NULL
        ON CONFLICT (lead_id) DO UPDATE SET changed_by = excluded.changed_by;

    -- A new owner is an assignment (checked, logged, counted, SLA clock restarted: 80_routing.sql).
    INSERT INTO assignments(lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at)
    SELECT OLD.id, NEW.owner_id, OLD.owner_id, (SELECT team FROM reps WHERE id = NEW.owner_id), NULL, 'manual',
           CASE WHEN NEW.owner_id IS NULL THEN 'unassigned by hand' ELSE 'assigned by hand' END, (SELECT now FROM clock)
     WHERE NEW.owner_id IS NOT OLD.owner_id;

    UPDATE lead_records SET
        email = CASE WHEN NEW.email IS OLD.email THEN email
                     ELSE (SELECT e.email FROM email_input AS e WHERE e.arg = json_array(CAST(NEW.email AS TEXT))) END,
        first_name = nullif(trim(NEW.first_name, char(32, 9, 10, 13)), ''),
        last_name = nullif(trim(NEW.last_name, char(32, 9, 10, 13)), ''),
        phone = CASE WHEN NEW.phone IS OLD.phone THEN phone
                     ELSE (SELECT p.phone FROM phone_input AS p WHERE p.arg = json_array(CAST(NEW.phone AS TEXT))) END,
        company = nullif(trim(NEW.company, char(32, 9, 10, 13)), ''),
        title = nullif(trim(NEW.title, char(32, 9, 10, 13)), ''),
        industry = nullif(trim(NEW.industry, char(32, 9, 10, 13)), ''),
        company_size = CASE WHEN NEW.company_size IS OLD.company_size THEN company_size
                            ELSE (SELECT c.size FROM company_size_input AS c WHERE c.arg = json_array(CAST(NEW.company_size AS TEXT))) END,
        country = CASE WHEN NEW.country IS OLD.country THEN country
                       ELSE (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(NEW.country AS TEXT))) END,
        source = nullif(trim(NEW.source, char(32, 9, 10, 13)), ''),
        campaign = nullif(trim(NEW.campaign, char(32, 9, 10, 13)), ''),
        stage = NEW.stage,
        owner_id = NEW.owner_id,
        account_id = NEW.account_id,
        -- (a JSON merge patch: the fields given are set, null removes one, the others stay; NULL clears all)
        custom = CASE WHEN NEW.custom IS OLD.custom THEN custom
                      WHEN NEW.custom IS NULL OR trim(CAST(NEW.custom AS TEXT), char(32, 9, 10, 13)) = '' THEN NULL
                      ELSE nullif(json_patch(coalesce(custom, '{}'),
                                             coalesce((SELECT cu.patch FROM custom_input AS cu WHERE cu.arg = json_array(CAST(NEW.custom AS TEXT))), '{}')), '{}') END,
        amount = NEW.amount,
        lost_reason = NEW.lost_reason,
        consent = CASE WHEN NEW.consent IS OLD.consent THEN consent
                       ELSE (SELECT c.consent FROM consent_input AS c WHERE c.arg = json_array(CAST(NEW.consent AS TEXT))) END,
        consent_source = CASE WHEN NEW.consent IS NOT OLD.consent THEN 'update' ELSE consent_source END,
        consent_at = CASE WHEN NEW.consent IS NOT OLD.consent THEN (SELECT now FROM clock) ELSE consent_at END,
        updated_at = (SELECT now FROM clock)
     WHERE id = OLD.id;

    DELETE FROM _field_history_actor WHERE lead_id = OLD.id;
END;

CREATE TRIGGER leads_instead_of_insert INSTEAD OF INSERT ON leads
BEGIN
    SELECT RAISE(ABORT, 'use_intake: new leads are captured with INSERT INTO lead_intake(email, first_name, ...), which de-duplicates, scores and routes them');
END;

CREATE TRIGGER leads_instead_of_delete INSTEAD OF DELETE ON leads
BEGIN
    SELECT RAISE(ABORT, 'use_erasure: leads are not deleted; INSERT INTO erasures(lead_id) VALUES (...) erases a person and keeps the facts for reports');
END;

-- Search (migration 0003). A change to a searched column queues the lead; lead_search_refresh brings
-- the trigram index up to date in one batch (ticks and `find` run it), so no capture pays for FTS5.
CREATE TRIGGER lead_records_after_update_search AFTER UPDATE OF first_name, last_name, email, company, phone ON lead_records
WHEN NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name
  OR NEW.email IS NOT OLD.email OR NEW.company IS NOT OLD.company OR NEW.phone IS NOT OLD.phone
BEGIN
    INSERT INTO _search_queue(lead_id) VALUES (NEW.id) ON CONFLICT (lead_id) DO NOTHING;
END;

-- INSERT INTO lead_search_refresh(pending) VALUES (NULL): index the queued leads now (VALUES (N): at
-- most the first N of them, as a tick does, so no refresh holds the write lock for long). Then
-- SELECT * FROM leads WHERE id IN (SELECT rowid FROM lead_search WHERE lead_search MATCH '"lovel"')
-- finds names, emails and companies containing a text of three characters or more.
CREATE VIEW lead_search_refresh AS
SELECT count(*) AS pending FROM _search_queue;

-- A lead's search entry, as the refresh writes it and the checks compare it: folded as search_text
-- folds (no accents, lower case); the phone as its digits. (Erased leads have none.)
CREATE VIEW search_entries AS
SELECT l.id AS lead_id,
       (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(l.first_name)) AS first_name,
       (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(l.last_name)) AS last_name,
       (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(l.email)) AS email,
       (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(l.company)) AS company,
       replace(l.phone, '+', '') AS phone,
       (SELECT t.folded FROM search_text AS t WHERE t.arg = json_array(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')))) AS name
  FROM lead_records AS l
 WHERE l.erased_at IS NULL;

CREATE TRIGGER lead_search_refresh_instead_of_insert INSTEAD OF INSERT ON lead_search_refresh
BEGIN
    DELETE FROM lead_search WHERE rowid IN (SELECT lead_id FROM _search_queue ORDER BY lead_id LIMIT coalesce(NEW.pending, -1));
    INSERT INTO lead_search(rowid, first_name, last_name, email, company, phone, name)
    SELECT e.lead_id, e.first_name, e.last_name, e.email, e.company, e.phone, e.name
      FROM (SELECT lead_id FROM _search_queue ORDER BY lead_id LIMIT coalesce(NEW.pending, -1)) AS q
      JOIN search_entries AS e ON e.lead_id = q.lead_id;
    DELETE FROM _search_queue WHERE lead_id IN (SELECT lead_id FROM _search_queue ORDER BY lead_id LIMIT coalesce(NEW.pending, -1));
END;

-- Leads are erased, never deleted (the facts stay for reports), and their id never changes.
CREATE TRIGGER lead_records_before_delete BEFORE DELETE ON lead_records
BEGIN
    SELECT RAISE(ABORT, 'use_erasure: leads are not deleted; INSERT INTO erasures(lead_id) VALUES (...) erases a person and keeps the facts for reports');
END;

CREATE TRIGGER lead_records_before_update_id BEFORE UPDATE OF id ON lead_records
WHEN NEW.id IS NOT OLD.id
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('read_only: lead ' || OLD.id || ' keeps its id'));
END;

-- An owner changes only through an assignment (UPDATE leads SET owner_id = ... makes one), so every
-- change is checked, logged and counted: a direct write to lead_records.owner_id is refused.
CREATE TRIGGER lead_records_before_update_owner BEFORE UPDATE OF owner_id ON lead_records
WHEN NEW.owner_id IS NOT OLD.owner_id
 AND NEW.owner_id IS NOT (SELECT a.rep_id FROM assignments AS a WHERE a.lead_id = NEW.id ORDER BY a.id DESC LIMIT 1)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('use_assignment: the owner of lead ' || OLD.id
        || ' changes through UPDATE leads SET owner_id = ... (checked, logged and counted), not lead_records'));
END;

-- The scoring row of a lead is kept by the rules; it is never deleted.
CREATE TRIGGER lead_scores_before_delete BEFORE DELETE ON lead_scores
BEGIN
    SELECT RAISE(ABORT, 'maintained: lead_scores rows are kept by LeadDB and cannot be deleted');
END;

-- A lead row is written by a capture (lead_intake records the capture in `captures` first, and the row
-- it inserts or merges into is that capture's). Any other INSERT, or an INSERT OR REPLACE that would
-- delete a lead and its history's owner, is refused.
CREATE TRIGGER lead_records_before_insert_intake BEFORE INSERT ON lead_records
WHEN NOT coalesce((SELECT (c.lead_id IS NULL OR c.lead_id = NEW.id) AND c.captured_at IS NEW.created_at
                     FROM captures AS c WHERE c.id = (SELECT max(id) FROM captures)), 0)
BEGIN
    SELECT RAISE(ABORT, 'use_intake: new leads are captured with INSERT INTO lead_intake(email, first_name, ...), which de-duplicates, scores and routes them');
END;

-- closed_at follows the stage (set when a lead is won or lost, cleared when it is reopened), and a lead
-- is erased only through `erasures`, never un-erased.
CREATE TRIGGER lead_records_before_update_closed BEFORE UPDATE OF closed_at, erased_at ON lead_records
WHEN (NEW.closed_at IS NOT OLD.closed_at
      AND (NEW.closed_at IS NULL) <> ((SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL))
  OR (NEW.erased_at IS NOT OLD.erased_at
      AND NOT (OLD.erased_at IS NULL AND EXISTS (SELECT 1 FROM erasures WHERE lead_id = NEW.id))
      -- (a merge retires its merged lead, an undo brings it back: 89_merges.sql)
      AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v
                       WHERE (v.from_id = NEW.id AND OLD.erased_at IS NULL AND NEW.merged_into IS v.to_id)
                          OR (v.to_id = NEW.id AND NEW.erased_at IS NULL AND NEW.merged_into IS NULL)))
BEGIN
    SELECT RAISE(ABORT, 'maintained: closed_at follows the stage and erased_at follows erasures; move the lead, or INSERT INTO erasures(lead_id)');
END;
