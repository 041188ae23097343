-- Capture: INSERT INTO lead_intake(email, first_name, last_name, name, phone, company, title, industry,
-- company_size, country, source, campaign, consent, consent_source, captured_at, detail, capture_key).
--
-- Values are read as 02_inputs.sql defines (text trimmed, empty text is NULL; email normalised; phone
-- reduced to digits with a leading + kept; company_size "1,200", "50-200" or "5000+" read as a whole
-- number, the lower bound of a range; a country stored as its ISO code when it is recognised; a `name`
-- split into first and last when they are absent). The same email is the same lead, and so is the same
-- phone for a capture without an email and a lead without one: a new capture fills empty fields, never
-- overwrites or erases, records a newly given consent, and is logged as a form_submit activity (repeat
-- interest raises engagement). A new lead starts in `new` with its fit computed. Invalid input aborts the
-- statement with `code: message`.
--
-- Every capture is recorded in `captures` (its key, the lead, created or merged, when). A capture whose
-- capture_key is there already changes nothing at all: a retry after a lost acknowledgement, or an import
-- run twice, is safe. A program reads back what it captured with
-- SELECT lead_id, outcome FROM captures WHERE capture_key = ? (changes() and the last insert rowid say
-- nothing useful through a view).
CREATE VIEW lead_intake AS
SELECT NULL AS email, NULL AS first_name, NULL AS last_name, NULL AS name, NULL AS phone, NULL AS company,
       NULL AS title, NULL AS industry, NULL AS company_size, NULL AS country, NULL AS source, NULL AS campaign,
       NULL AS consent, NULL AS consent_source, NULL AS captured_at, NULL AS detail, NULL AS capture_key, NULL AS custom
 WHERE 0;

-- A capture reads each of its values once: this trigger turns the values a program gave into the ones
-- stored (02_inputs.sql), with the first problem found, and hands them to _intake_values, whose trigger
-- writes the capture. (Each input view parses its argument again wherever it is read, and the values
-- are needed by several statements; NEW.* of the second trigger holds them for free.)
CREATE TRIGGER lead_intake_instead_of_insert INSTEAD OF INSERT ON lead_intake
BEGIN
    -- A key that was captured before: nothing to do (no lead, activity, score or routing changes).
    SELECT RAISE(IGNORE)
     WHERE NEW.capture_key IS NOT NULL AND EXISTS (SELECT 1 FROM captures WHERE capture_key = NEW.capture_key);

    INSERT INTO _intake_values(problem, capture_key, email, first_name, last_name, phone, company, title,
                               industry, company_size, country, source, campaign, consent, consent_source, captured_at, detail, custom)
    SELECT
        -- What only the intake can check; the lead's own rules (email, phone, size, amount) run on lead_records.
        CASE
        WHEN NEW.capture_key IS NOT NULL AND NOT (typeof(NEW.capture_key) = 'text' AND length(NEW.capture_key) BETWEEN 1 AND 200)
            THEN json_array('invalid_capture_key: capture_key must be text of 1 to 200 characters; got '
                            || CASE WHEN length(CAST(NEW.capture_key AS TEXT)) > 200 THEN typeof(NEW.capture_key) || ' of ' || length(CAST(NEW.capture_key AS TEXT)) || ' characters'
                                    ELSE quote(NEW.capture_key) END)
        WHEN cn.problem IS NOT NULL
            THEN json_array('invalid_consent: consent ' || NEW.consent || ' ' || cn.problem, json_object('value', NEW.consent))
        WHEN t.problem IS NOT NULL
            THEN json_array('invalid_time: captured_at ' || NEW.captured_at || ' ' || t.problem, json_object('value', NEW.captured_at))
        WHEN t.future IS NOT NULL
            THEN json_array('invalid_time: captured_at ' || NEW.captured_at || ' ' || t.future, json_object('value', NEW.captured_at))
        WHEN instr(CAST(NEW.company_size AS TEXT), char(0))
            THEN json_array('invalid_company_size: the company size contains a NUL byte', json_object('field', 'company_size'))
        WHEN NOT sz.plain AND (SELECT cs.problem FROM company_size_input AS cs WHERE cs.arg = json_array(CAST(NEW.company_size AS TEXT))) IS NOT NULL
            THEN json_array('invalid_company_size: ' || NEW.company_size || ' '
                            || (SELECT cs.problem FROM company_size_input AS cs WHERE cs.arg = json_array(CAST(NEW.company_size AS TEXT))),
                            json_object('value', CAST(NEW.company_size AS TEXT)))
        WHEN em.problem IS NOT NULL
            THEN json_array('invalid_email: the email ' || em.problem, json_object('value', CAST(NEW.email AS TEXT)))
        WHEN ph.problem IS NOT NULL
            THEN json_array('invalid_phone: the phone ' || ph.problem, json_object('value', CAST(NEW.phone AS TEXT)))
        -- (custom values: 33_custom_fields.sql; read only when given)
        WHEN NEW.custom IS NOT NULL AND (SELECT cu.problem FROM custom_input AS cu WHERE cu.arg = json_array(CAST(NEW.custom AS TEXT))) IS NOT NULL
            THEN (SELECT json_array('invalid_field: ' || cu.problem, json_object('field', cu.field)) FROM custom_input AS cu WHERE cu.arg = json_array(CAST(NEW.custom AS TEXT)))
        -- (then a suppressed email or phone: _intake_values_instead_of_insert_suppressed)
        END,
        NEW.capture_key,
        em.email,
        coalesce(nullif(trim(NEW.first_name, char(32, 9, 10, 13)), ''),
                 CASE WHEN NEW.last_name IS NULL THEN nullif(trim(substr(trim(NEW.name, char(32, 9, 10, 13)), 1, instr(trim(NEW.name, char(32, 9, 10, 13)) || ' ', ' ') - 1)), '') END),
        coalesce(nullif(trim(NEW.last_name, char(32, 9, 10, 13)), ''),
                 CASE WHEN NEW.first_name IS NULL THEN nullif(trim(substr(trim(NEW.name, char(32, 9, 10, 13)), instr(trim(NEW.name, char(32, 9, 10, 13)) || ' ', ' ') + 1)), '') END),
        ph.phone, nullif(trim(NEW.company, char(32, 9, 10, 13)), ''), nullif(trim(NEW.title, char(32, 9, 10, 13)), ''), nullif(trim(NEW.industry, char(32, 9, 10, 13)), ''),
        CASE WHEN sz.plain THEN CAST(NEW.company_size AS INTEGER)
             ELSE (SELECT cs.size FROM company_size_input AS cs WHERE cs.arg = json_array(CAST(NEW.company_size AS TEXT))) END,
        co.country, nullif(trim(NEW.source, char(32, 9, 10, 13)), ''), nullif(trim(NEW.campaign, char(32, 9, 10, 13)), ''),
        cn.consent,
        CASE WHEN cn.consent IS NOT NULL THEN coalesce(nullif(trim(NEW.consent_source, char(32, 9, 10, 13)), ''), nullif(trim(NEW.source, char(32, 9, 10, 13)), ''), 'intake') END,
        coalesce(t.at, (SELECT now FROM clock)),
        NEW.detail,
        CASE WHEN NEW.custom IS NOT NULL THEN (SELECT cu.custom FROM custom_input AS cu WHERE cu.arg = json_array(CAST(NEW.custom AS TEXT))) END
      FROM consent_input AS cn, time_input AS t, email_input AS em, phone_input AS ph, country_input AS co,
           -- a size that is absent or plain digits (at most 10,000,000) is read as company_size_input
           -- would read it, without its five-step reading
           -- (GLOB and length() stop at a NUL byte: the byte count must be the digits' count)
           (SELECT NEW.company_size IS NULL
                   OR (CAST(NEW.company_size AS TEXT) NOT GLOB '*[^0-9]*' AND length(CAST(NEW.company_size AS TEXT)) BETWEEN 1 AND 8
                       AND length(CAST(NEW.company_size AS BLOB)) = length(CAST(NEW.company_size AS TEXT))
                       AND CAST(NEW.company_size AS INTEGER) <= 10000000) AS plain) AS sz
     WHERE cn.arg = json_array(CAST(NEW.consent AS TEXT)) AND t.arg = json_array(CAST(NEW.captured_at AS TEXT))
       AND em.arg = json_array(CAST(NEW.email AS TEXT))
       AND ph.arg = json_array(CAST(NEW.phone AS TEXT)) AND co.arg = json_array(CAST(NEW.country AS TEXT));
END;

-- Internal: one capture's values as stored (see lead_intake_instead_of_insert). Programs write lead_intake:
-- a program that writes here bypasses the input readings (as one that writes lead_records directly
-- does); the lead's own rules still hold, and the lead a capture merges into is decided here.
CREATE VIEW _intake_values AS
SELECT NULL AS problem, NULL AS capture_key, NULL AS email, NULL AS first_name, NULL AS last_name,
       NULL AS phone, NULL AS company, NULL AS title, NULL AS industry, NULL AS company_size, NULL AS country,
       NULL AS source, NULL AS campaign, NULL AS consent, NULL AS consent_source, NULL AS captured_at, NULL AS detail, NULL AS custom
 WHERE 0;

CREATE TRIGGER _intake_values_instead_of_insert INSTEAD OF INSERT ON _intake_values
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = NEW.problem) WHERE NEW.problem IS NOT NULL;

    -- The capture, with the lead it merges into (the same email, or the email of a lead merged into it,
    -- 89_merges.sql; or, without an email, the same phone as a lead without one), or NULL for a new lead
    -- (filled in below).
    -- (VALUES, not INSERT ... SELECT, which would build a temporary table first: the match is looked up twice)
    INSERT INTO captures(capture_key, lead_id, outcome, captured_at)
    VALUES (NEW.capture_key,
            CASE WHEN NEW.email IS NOT NULL THEN coalesce((SELECT l.id FROM lead_records AS l WHERE l.email = NEW.email),
                                                   (SELECT e.lead_id FROM merged_emails AS e WHERE e.email = NEW.email))
                 WHEN NEW.phone IS NOT NULL
                     THEN (SELECT min(l.id) FROM lead_records AS l WHERE l.phone = NEW.phone AND l.email IS NULL AND l.erased_at IS NULL) END,
            CASE WHEN (CASE WHEN NEW.email IS NOT NULL THEN coalesce((SELECT l.id FROM lead_records AS l WHERE l.email = NEW.email),
                                                   (SELECT e.lead_id FROM merged_emails AS e WHERE e.email = NEW.email))
                 WHEN NEW.phone IS NOT NULL
                     THEN (SELECT min(l.id) FROM lead_records AS l WHERE l.phone = NEW.phone AND l.email IS NULL AND l.erased_at IS NULL) END) IS NULL THEN 'created' ELSE 'merged' END,
            NEW.captured_at);

    -- A new lead with a company's email joins its domain's account, made now if there is none (32_accounts.sql).
    -- (a domain with an account already, or a free-mail one, is left at once)
    INSERT INTO _account_make(email, company, industry, company_size, country, created_at)
    SELECT NEW.email, NEW.company, NEW.industry, NEW.company_size, NEW.country, NEW.captured_at
      FROM email_domains AS e
     WHERE e.arg = json_array(NEW.email) AND NEW.email IS NOT NULL
       AND (SELECT lead_id FROM captures WHERE id = (SELECT max(id) FROM captures)) IS NULL
       AND NOT EXISTS (SELECT 1 FROM accounts AS a WHERE a.domain = e.domain)
       AND NOT EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = e.domain);

    -- A capture that fills a lead's fields is named in their history (31_field_history.sql).
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT c.lead_id, 'capture' FROM captures AS c WHERE c.id = (SELECT max(id) FROM captures) AND c.outcome = 'merged';

    -- The lead: inserted, or merged into the one found (the conflict is on its id; a merge keeps its account).
    INSERT INTO lead_records(id, email, first_name, last_name, phone, company, title, industry, company_size, country,
                             source, campaign, consent, consent_source, consent_at, created_at, updated_at, custom, account_id)
    VALUES ((SELECT lead_id FROM captures WHERE id = (SELECT max(id) FROM captures)), NEW.email, NEW.first_name, NEW.last_name, NEW.phone, NEW.company, NEW.title, NEW.industry,
            NEW.company_size, NEW.country, NEW.source, NEW.campaign, NEW.consent, NEW.consent_source,
            CASE WHEN NEW.consent IS NOT NULL THEN NEW.captured_at END, NEW.captured_at, NEW.captured_at, NEW.custom,
            CASE WHEN NEW.email IS NOT NULL AND (SELECT lead_id FROM captures WHERE id = (SELECT max(id) FROM captures)) IS NULL
                 THEN (SELECT e.account_id FROM email_accounts AS e WHERE e.arg = json_array(NEW.email)) END)
    ON CONFLICT DO UPDATE SET
        first_name = coalesce(first_name, excluded.first_name),
        last_name = coalesce(last_name, excluded.last_name),
        phone = coalesce(phone, excluded.phone),
        company = coalesce(company, excluded.company),
        title = coalesce(title, excluded.title),
        industry = coalesce(industry, excluded.industry),
        company_size = coalesce(company_size, excluded.company_size),
        country = coalesce(country, excluded.country),
        source = coalesce(source, excluded.source),
        campaign = coalesce(campaign, excluded.campaign),
        -- (custom values: the fields the lead has no value for)
        custom = CASE WHEN excluded.custom IS NULL THEN custom WHEN custom IS NULL THEN excluded.custom
                      ELSE json_patch(custom, (SELECT json_group_object(n.key, n.value) FROM json_each(excluded.custom) AS n
                                                WHERE json_type(lead_records.custom, '$."' || n.key || '"') IS NULL)) END,
        -- A consent given now is recorded with its source and time; otherwise only an empty one is filled.
        consent_source = CASE WHEN excluded.consent = 1 AND consent IS NOT 1 OR consent IS NULL THEN excluded.consent_source ELSE consent_source END,
        consent_at = CASE WHEN excluded.consent = 1 AND consent IS NOT 1 OR consent IS NULL THEN excluded.consent_at ELSE consent_at END,
        consent = CASE WHEN excluded.consent = 1 THEN 1 ELSE coalesce(consent, excluded.consent) END,
        updated_at = max(updated_at, excluded.updated_at);

    -- A new lead's id is the row just inserted.
    UPDATE captures SET lead_id = last_insert_rowid()
     WHERE id = (SELECT max(id) FROM captures) AND lead_id IS NULL;

    -- (a capture that filled a lead's fields is done naming itself in their history)
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT c.lead_id, NULL FROM captures AS c WHERE c.id = (SELECT max(id) FROM captures) AND c.outcome = 'merged';

    -- What its account lacks, a new lead may say (32_accounts.sql).
    INSERT INTO _account_fill(lead_id)
    SELECT c.lead_id FROM captures AS c
     WHERE c.id = (SELECT max(id) FROM captures) AND c.outcome = 'created'
       AND (SELECT l.account_id FROM lead_records AS l WHERE l.id = c.lead_id) IS NOT NULL;

    INSERT INTO activities(lead_id, kind, occurred_at, source, campaign, detail)
    VALUES ((SELECT lead_id FROM captures WHERE id = (SELECT max(id) FROM captures)), 'form_submit', NEW.captured_at,
            NEW.source, NEW.campaign, NEW.detail);

    -- With routing.assign_at = capture (the default), an unowned open lead is routed (80_routing.sql).
    INSERT INTO routing_requests(lead_id, reason)
    SELECT l.id, 'captured'
      FROM lead_records AS l
     WHERE l.id = (SELECT lead_id FROM captures WHERE id = (SELECT max(id) FROM captures))
       AND (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'capture'
       AND l.owner_id IS NULL AND l.closed_at IS NULL;
END;

-- An erased person's email or phone (kept only as hashes, see 95_privacy.sql) cannot be captured again.
-- A trigger of its own, entered only when someone was erased (SQLite runs the newest trigger on a view
-- first, so this runs before _intake_values_instead_of_insert writes anything), after every other check
-- of the capture found nothing; the check itself is in _suppressed_check's trigger.
CREATE TRIGGER _intake_values_instead_of_insert_suppressed INSTEAD OF INSERT ON _intake_values
WHEN NEW.problem IS NULL AND (NEW.email IS NOT NULL OR NEW.phone IS NOT NULL) AND EXISTS (SELECT 1 FROM suppressed_emails)
BEGIN
    INSERT INTO _suppressed_check(email, phone) VALUES (NEW.email, NEW.phone);
END;

CREATE VIEW _suppressed_check AS SELECT NULL AS email, NULL AS phone WHERE 0;

CREATE TRIGGER _suppressed_check_instead_of_insert INSTEAD OF INSERT ON _suppressed_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('suppressed: ' || s.value || ' belongs to a person who was erased on request; it cannot be captured again',
                                       json_object('value', s.value)))
      FROM suppressed_contacts AS s WHERE s.arg = json_array(NEW.email, NEW.phone) ORDER BY s.position LIMIT 1;
END;

-- (the checks themselves run in _intake_text_check's trigger, entered only when the WHEN of
-- lead_intake_instead_of_insert_text holds)
CREATE VIEW _intake_text_check AS
SELECT NULL AS email, NULL AS first_name, NULL AS last_name, NULL AS name, NULL AS phone, NULL AS company, NULL AS title,
       NULL AS industry, NULL AS country, NULL AS source, NULL AS campaign, NULL AS consent_source, NULL AS capture_key,
       NULL AS detail, NULL AS custom
 WHERE 0;

CREATE TRIGGER _intake_text_check_instead_of_insert INSTEAD OF INSERT ON _intake_text_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(p.problem, json_object('field', p.field)))
      FROM (SELECT f.key AS field,
                   CASE WHEN length(f.value) > CASE f.key WHEN 'detail' THEN 10000 WHEN 'custom' THEN 10000 ELSE 500 END
                            THEN 'invalid_text: ' || f.key || ' has ' || length(f.value) || ' characters (at most '
                                 || CASE f.key WHEN 'detail' THEN 10000 WHEN 'custom' THEN 10000 ELSE 500 END || ')'
                   END AS problem
              FROM json_each(json_object('email', CAST(NEW.email AS TEXT), 'first_name', CAST(NEW.first_name AS TEXT),
                   'last_name', CAST(NEW.last_name AS TEXT), 'name', CAST(NEW.name AS TEXT), 'phone',
                   CAST(NEW.phone AS TEXT), 'company', CAST(NEW.company AS TEXT), 'title',
                   CAST(NEW.title AS TEXT), 'industry', CAST(NEW.industry AS TEXT), 'country',
                   CAST(NEW.country AS TEXT), 'source', CAST(NEW.source AS TEXT), 'campaign',
                   CAST(NEW.campaign AS TEXT), 'consent_source', CAST(NEW.consent_source AS TEXT),
                   'capture_key', CAST(NEW.capture_key AS TEXT), 'detail', CAST(NEW.detail AS TEXT), 'custom', CAST(NEW.custom AS TEXT))) AS f) AS p
     WHERE p.problem IS NOT NULL
     LIMIT 1;
    -- (json_each would read a text only up to its NUL: the columns are looked at directly)
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || n.field || ' contains a NUL byte', json_object('field', n.field)))
      FROM (SELECT CASE WHEN instr(NEW.email, char(0)) THEN 'email' WHEN instr(NEW.first_name, char(0)) THEN 'first_name'
                        WHEN instr(NEW.last_name, char(0)) THEN 'last_name' WHEN instr(NEW.name, char(0)) THEN 'name'
                        WHEN instr(NEW.phone, char(0)) THEN 'phone' WHEN instr(NEW.company, char(0)) THEN 'company'
                        WHEN instr(NEW.title, char(0)) THEN 'title' WHEN instr(NEW.industry, char(0)) THEN 'industry'
                        WHEN instr(NEW.country, char(0)) THEN 'country' WHEN instr(NEW.source, char(0)) THEN 'source'
                        WHEN instr(NEW.campaign, char(0)) THEN 'campaign' WHEN instr(NEW.consent_source, char(0)) THEN 'consent_source'
                        WHEN instr(NEW.capture_key, char(0)) THEN 'capture_key' WHEN instr(NEW.detail, char(0)) THEN 'detail'
                        WHEN instr(NEW.custom, char(0)) THEN 'custom' END AS field) AS n
     WHERE n.field IS NOT NULL;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || b.problem, json_object('field', b.field, 'byte', b.bad_byte)))
      FROM utf8_fields AS b
     WHERE b.arg = json_object('email', CAST(NEW.email AS TEXT), 'first_name', CAST(NEW.first_name AS TEXT),
                   'last_name', CAST(NEW.last_name AS TEXT), 'name', CAST(NEW.name AS TEXT), 'phone',
                   CAST(NEW.phone AS TEXT), 'company', CAST(NEW.company AS TEXT), 'title',
                   CAST(NEW.title AS TEXT), 'industry', CAST(NEW.industry AS TEXT), 'country',
                   CAST(NEW.country AS TEXT), 'source', CAST(NEW.source AS TEXT), 'campaign',
                   CAST(NEW.campaign AS TEXT), 'consent_source', CAST(NEW.consent_source AS TEXT),
                   'capture_key', CAST(NEW.capture_key AS TEXT), 'detail', CAST(NEW.detail AS TEXT), 'custom', CAST(NEW.custom AS TEXT))
     LIMIT 1;
    -- (a line break or tab around a value is trimmed, as a messy export has them; one inside is refused)
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('invalid_text: ' || c.problem, json_object('field', c.field)))
      FROM control_fields AS c
     WHERE c.arg = json_array(json_object(
                   'email', trim(CAST(NEW.email AS TEXT), char(32, 9, 10, 13, 160)),
                   'first_name', trim(CAST(NEW.first_name AS TEXT), char(32, 9, 10, 13)),
                   'last_name', trim(CAST(NEW.last_name AS TEXT), char(32, 9, 10, 13)),
                   'name', trim(CAST(NEW.name AS TEXT), char(32, 9, 10, 13)),
                   'phone', trim(CAST(NEW.phone AS TEXT), char(32, 9, 10, 13, 160)),
                   'company', trim(CAST(NEW.company AS TEXT), char(32, 9, 10, 13)),
                   'title', trim(CAST(NEW.title AS TEXT), char(32, 9, 10, 13)),
                   'industry', trim(CAST(NEW.industry AS TEXT), char(32, 9, 10, 13)),
                   'country', trim(CAST(NEW.country AS TEXT), char(32, 9, 10, 13, 160)),
                   'source', trim(CAST(NEW.source AS TEXT), char(32, 9, 10, 13)),
                   'campaign', trim(CAST(NEW.campaign AS TEXT), char(32, 9, 10, 13)),
                   'consent_source', trim(CAST(NEW.consent_source AS TEXT), char(32, 9, 10, 13)),
                   'capture_key', CAST(NEW.capture_key AS TEXT), 'detail', CAST(NEW.detail AS TEXT), 'custom', CAST(NEW.custom AS TEXT)), json_array('detail', 'custom'))
     LIMIT 1;
END;

-- The capture's text, checked before anything is written (SQLite runs the newest trigger on a view
-- first, so this runs before lead_intake_instead_of_insert), for new leads and merges alike: each text
-- at most 500 characters (a detail 10,000), no NUL byte, valid UTF-8. A trigger of its own, entered
-- only when some text is long or holds a character outside printable ASCII: a plain capture pays only
-- the WHEN.
CREATE TRIGGER lead_intake_instead_of_insert_text INSTEAD OF INSERT ON lead_intake
WHEN max(coalesce(length(NEW.email), 0), coalesce(length(NEW.first_name), 0), coalesce(length(NEW.last_name), 0),
         coalesce(length(NEW.name), 0), coalesce(length(NEW.phone), 0), coalesce(length(NEW.company), 0),
         coalesce(length(NEW.title), 0), coalesce(length(NEW.industry), 0), coalesce(length(NEW.country), 0),
         coalesce(length(NEW.source), 0), coalesce(length(NEW.campaign), 0), coalesce(length(NEW.consent_source), 0)) > 500
  OR coalesce(length(NEW.detail), 0) > 10000 OR coalesce(length(NEW.custom), 0) > 10000
  OR (coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.name, '')
      || coalesce(NEW.phone, '') || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '')
      || coalesce(NEW.country, '') || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')
      || coalesce(NEW.consent_source, '') || coalesce(NEW.capture_key, '') || coalesce(NEW.detail, '') || coalesce(NEW.custom, '')) GLOB '*[^ -~]*'
  -- (GLOB stops at a NUL byte: a NUL anywhere enters too)
  OR instr((coalesce(NEW.email, '') || coalesce(NEW.first_name, '') || coalesce(NEW.last_name, '') || coalesce(NEW.name, '')
      || coalesce(NEW.phone, '') || coalesce(NEW.company, '') || coalesce(NEW.title, '') || coalesce(NEW.industry, '')
      || coalesce(NEW.country, '') || coalesce(NEW.source, '') || coalesce(NEW.campaign, '')
      || coalesce(NEW.consent_source, '') || coalesce(NEW.capture_key, '') || coalesce(NEW.detail, '') || coalesce(NEW.custom, '')), char(0))
BEGIN
    INSERT INTO _intake_text_check(email, first_name, last_name, name, phone, company, title, industry, country, source, campaign, consent_source, capture_key, detail, custom)
    VALUES (NEW.email, NEW.first_name, NEW.last_name, NEW.name, NEW.phone, NEW.company, NEW.title, NEW.industry, NEW.country, NEW.source, NEW.campaign, NEW.consent_source, NEW.capture_key, NEW.detail, NEW.custom);
END;

-- Captures are numbered in order (the intake's statements find the capture they wrote as the newest
-- row): a row with any other id than the next one is refused. (NEW.id is -1 before SQLite numbers it.)
CREATE TRIGGER captures_before_insert_numbered BEFORE INSERT ON captures
WHEN NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM captures), 0) + 1
BEGIN
    SELECT RAISE(ABORT, 'append_only: captures are numbered in order by SQLite; a capture is written by INSERT INTO lead_intake');
END;

-- Captures are a log: a row is never changed (an erasure only removes its key) or deleted.
CREATE TRIGGER captures_before_update BEFORE UPDATE ON captures
WHEN NEW.id IS NOT OLD.id OR NEW.outcome IS NOT OLD.outcome OR NEW.captured_at IS NOT OLD.captured_at
  OR (NEW.lead_id IS NOT OLD.lead_id AND OLD.lead_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id))
  OR (NEW.capture_key IS NOT OLD.capture_key AND NEW.capture_key IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'append_only: captures cannot be changed');
END;

CREATE TRIGGER captures_before_delete BEFORE DELETE ON captures
BEGIN
    SELECT RAISE(ABORT, 'append_only: captures cannot be deleted');
END;
