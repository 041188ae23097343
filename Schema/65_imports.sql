-- Bulk capture: stage rows, then capture them all in one statement.
--
--     INSERT INTO lead_imports(email, first_name, ..., capture_key) VALUES (...), (...);
--     INSERT INTO lead_import_run DEFAULT VALUES;          -- every pending row
--     INSERT INTO lead_import_run(max_rows) VALUES (500);  -- at most 500 of them
--
-- lead_imports has lead_intake's columns and takes any number of rows from any program (a CSV through
-- the sqlite3 shell: `.import --csv FILE staged` into a table of its own, then INSERT INTO lead_imports(...)
-- SELECT ... FROM staged; see Schema/README.md). A run captures the
-- pending rows in id order exactly as INSERT INTO lead_intake of each row would: the same rules, the
-- same ids and the same results (de-duplication against the earlier rows included). A program that
-- stages many rows runs with max_rows until none is pending, so no transaction holds the write lock for
-- long.
--
-- Each captured row gets its status (created, merged, or already_captured for a capture_key captured
-- before), its lead_id and processed_at, and its values are cleared: the lead holds them now, and an
-- erasure leaves nothing of the person here (95_privacy.sql deletes the person's pending rows too).
-- A row the rules refuse stops the run and nothing of the run is stored; the error names the row
-- ("... (lead_imports row 17)", and "import_row": 17 in its JSON, 01_errors.sql). Fix or delete that row
-- and run again. A captured row is never captured again; stage a new row instead.
CREATE VIEW lead_import_run AS SELECT NULL AS max_rows WHERE 0;

-- How a run captures its rows. One INSERT INTO lead_intake per row pays, per row, for the setup of
-- every trigger program a capture goes through; most rows of an import are new leads with plain
-- values, and those are captured together: each statement below writes all of them at once, and only
-- qualification and routing, which depend on the order, go lead by lead. A row is `fast` when:
--   - its email is given, plain (printable ASCII, already lower case once trimmed) and valid as
--     lead_problems reads it (30_leads.sql), and no lead or earlier row of the run has it;
--   - its phone is absent or valid once read (phone_input); its size and country read without a
--     problem; its consent, time and capture key are valid, the key new to captures and to the run;
--   - all its text is printable ASCII within the lengths lead_intake allows, and it is not suppressed.
-- Any other row is captured on its own through lead_intake, in its place, so every refusal, merge and
-- repeated key is lead_intake's. The results are the same as one INSERT INTO lead_intake per row; a
-- test captures the same rows both ways and compares every table.
CREATE TRIGGER lead_import_run_instead_of_insert INSTEAD OF INSERT ON lead_import_run
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_import: max_rows is the most rows one run captures: a whole number of at least 1, or NULL for every pending row; got '
               || CASE typeof(NEW.max_rows) WHEN 'blob' THEN 'bytes' ELSE quote(NEW.max_rows) END))
     WHERE NEW.max_rows IS NOT NULL
       AND NOT (CAST(NEW.max_rows AS INTEGER) >= 1 AND CAST(NEW.max_rows AS INTEGER) = NEW.max_rows
                AND (typeof(NEW.max_rows) <> 'text' OR CAST(NEW.max_rows AS TEXT) NOT GLOB '*[^0-9]*'));

    DELETE FROM _import_cursor;
    DELETE FROM _import_plan;
    -- The values as lead_intake reads them (60_intake.sql), each computed once, and what a row alone
    -- tells (its text, and the problems of its consent, time, size and key).
    INSERT INTO _import_plan(seq, row, fast, email, first_name, last_name, phone, company, title, industry, company_size,
                             country, source, campaign, consent, consent_source, captured_at, detail, capture_key)
    SELECT row_number() OVER (ORDER BY s.id), s.id,
           -- (a CASE, whose branches are evaluated only when reached: AND and OR in a value evaluate both sides)
           CASE
           -- custom values are read by lead_intake (33_custom_fields.sql)
           WHEN s.custom IS NOT NULL THEN 0
           -- printable ASCII (no NUL: GLOB stops at one) within lead_intake's lengths, and no bytes
           WHEN (coalesce(s.email, '') || coalesce(s.first_name, '') || coalesce(s.last_name, '') || coalesce(s.name, '')
                 || coalesce(s.phone, '') || coalesce(s.company, '') || coalesce(s.title, '') || coalesce(s.industry, '')
                 || coalesce(s.company_size, '') || coalesce(s.country, '') || coalesce(s.source, '') || coalesce(s.campaign, '')
                 || coalesce(s.consent, '') || coalesce(s.consent_source, '') || coalesce(s.captured_at, '')
                 || coalesce(s.capture_key, '') || coalesce(s.detail, '')) GLOB '*[^ -~]*'
                OR instr(coalesce(s.email, '') || coalesce(s.first_name, '') || coalesce(s.last_name, '') || coalesce(s.name, '')
                 || coalesce(s.phone, '') || coalesce(s.company, '') || coalesce(s.title, '') || coalesce(s.industry, '')
                 || coalesce(s.company_size, '') || coalesce(s.country, '') || coalesce(s.source, '') || coalesce(s.campaign, '')
                 || coalesce(s.consent, '') || coalesce(s.consent_source, '') || coalesce(s.captured_at, '')
                 || coalesce(s.capture_key, '') || coalesce(s.detail, ''), char(0))
                OR instr(typeof(s.email) || typeof(s.first_name) || typeof(s.last_name) || typeof(s.name) || typeof(s.phone)
                         || typeof(s.company) || typeof(s.title) || typeof(s.industry) || typeof(s.company_size) || typeof(s.country)
                         || typeof(s.source) || typeof(s.campaign) || typeof(s.consent) || typeof(s.consent_source)
                         || typeof(s.captured_at) || typeof(s.capture_key) || typeof(s.detail), 'blob')
                OR max(coalesce(length(s.email), 0), coalesce(length(s.first_name), 0), coalesce(length(s.last_name), 0),
                       coalesce(length(s.name), 0), coalesce(length(s.phone), 0), coalesce(length(s.company), 0),
                       coalesce(length(s.title), 0), coalesce(length(s.industry), 0), coalesce(length(s.country), 0),
                       coalesce(length(s.source), 0), coalesce(length(s.campaign), 0), coalesce(length(s.consent_source), 0)) > 500
                OR coalesce(length(s.detail), 0) > 10000
               THEN 0
           WHEN s.capture_key IS NOT NULL AND NOT (typeof(s.capture_key) = 'text' AND length(s.capture_key) BETWEEN 1 AND 200) THEN 0
           WHEN s.consent IS NOT NULL
                AND (SELECT cn.problem FROM consent_input AS cn WHERE cn.arg = json_array(CAST(s.consent AS TEXT))) IS NOT NULL THEN 0
           WHEN s.captured_at IS NOT NULL
                AND (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(s.captured_at AS TEXT))) IS NOT NULL
               THEN 0
           -- a size that is absent or plain digits (at most 10,000,000) reads without company_size_input
           WHEN s.company_size IS NULL
                OR (CAST(s.company_size AS TEXT) NOT GLOB '*[^0-9]*' AND length(CAST(s.company_size AS TEXT)) BETWEEN 1 AND 8
                    AND CAST(s.company_size AS INTEGER) <= 10000000) THEN 1
           ELSE (SELECT cs.problem FROM company_size_input AS cs WHERE cs.arg = json_array(CAST(s.company_size AS TEXT))) IS NULL
           END,
           -- (for plain text, email_input is lower(trim()); any other email is read by email_input itself,
           -- so a later plain row of the same person is found)
           CASE WHEN CAST(s.email AS TEXT) NOT GLOB '*[^ -~]*' AND instr(s.email, char(0)) = 0 THEN nullif(lower(trim(s.email)), '')
                ELSE (SELECT e.email FROM email_input AS e WHERE e.arg = json_array(CAST(s.email AS TEXT))) END,
           coalesce(nullif(trim(s.first_name, char(32, 9, 10, 13)), ''),
                    CASE WHEN s.last_name IS NULL THEN nullif(trim(substr(trim(s.name, char(32, 9, 10, 13)), 1, instr(trim(s.name, char(32, 9, 10, 13)) || ' ', ' ') - 1)), '') END),
           coalesce(nullif(trim(s.last_name, char(32, 9, 10, 13)), ''),
                    CASE WHEN s.first_name IS NULL THEN nullif(trim(substr(trim(s.name, char(32, 9, 10, 13)), instr(trim(s.name, char(32, 9, 10, 13)) || ' ', ' ') + 1)), '') END),
           CASE WHEN CAST(s.phone AS TEXT) NOT GLOB '*[^0-9+]*' AND instr(s.phone, char(0)) = 0 THEN nullif(CAST(s.phone AS TEXT), '')
                ELSE (SELECT p.phone FROM phone_input AS p WHERE p.arg = json_array(CAST(s.phone AS TEXT))) END,
           nullif(trim(s.company, char(32, 9, 10, 13)), ''), nullif(trim(s.title, char(32, 9, 10, 13)), ''), nullif(trim(s.industry, char(32, 9, 10, 13)), ''),
           CASE WHEN s.company_size IS NULL THEN NULL
                WHEN CAST(s.company_size AS TEXT) NOT GLOB '*[^0-9]*' AND length(CAST(s.company_size AS TEXT)) BETWEEN 1 AND 8
                     AND CAST(s.company_size AS INTEGER) <= 10000000 THEN CAST(s.company_size AS INTEGER)
                ELSE (SELECT cs.size FROM company_size_input AS cs WHERE cs.arg = json_array(CAST(s.company_size AS TEXT))) END,
           -- (an upper-case ISO code that is its own alias is what country_input stores, as in lead_problems)
           CASE WHEN s.country IS NULL THEN NULL
                WHEN s.country NOT GLOB '*[^A-Z]*' AND (SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(s.country)) IS s.country
                    THEN s.country
                ELSE (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(s.country AS TEXT))) END,
           nullif(trim(s.source, char(32, 9, 10, 13)), ''), nullif(trim(s.campaign, char(32, 9, 10, 13)), ''),
           c.value,
           CASE WHEN c.value IS NOT NULL THEN coalesce(nullif(trim(s.consent_source, char(32, 9, 10, 13)), ''), nullif(trim(s.source, char(32, 9, 10, 13)), ''), 'intake') END,
           CASE WHEN s.captured_at IS NULL THEN (SELECT now FROM clock)
                ELSE (SELECT t.at FROM time_input AS t WHERE t.arg = json_array(CAST(s.captured_at AS TEXT))) END,
           s.detail, s.capture_key
      FROM (SELECT * FROM lead_imports WHERE status = 'pending' ORDER BY id LIMIT coalesce(CAST(NEW.max_rows AS INTEGER), -1)) AS s
      -- (a consent is read once: json_each makes it a value, where a subquery would be repeated)
      JOIN json_each(json_array(CASE WHEN s.consent IS NOT NULL
                                     THEN (SELECT cn.consent FROM consent_input AS cn WHERE cn.arg = json_array(CAST(s.consent AS TEXT))) END)) AS c;

    -- What the values as read tell: a valid email (as lead_problems in 30_leads.sql reads one) that no
    -- lead and no earlier row has, a valid phone or none, a time the activity accepts, a key new to
    -- captures and to the run, and no erased person.
    UPDATE _import_plan SET fast = 0
     WHERE fast
       AND NOT (email IS NOT NULL
                AND email NOT GLOB '*[^a-z0-9.@_+-]*' AND email GLOB '?*@?*.?*' AND email NOT GLOB '*@*@*'
                AND email NOT GLOB '*@.*' AND email NOT GLOB '*.' AND length(email) <= 254
                AND (phone IS NULL OR (substr(phone, 1 + (phone GLOB '+*')) NOT GLOB '*[^0-9]*'
                                       AND length(phone) - (phone GLOB '+*') BETWEEN 7 AND 15))
                -- (the form_submit activity reads its time again, as the activities view does for lead_intake)
                AND (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(_import_plan.captured_at)) IS NULL
                AND NOT EXISTS (SELECT 1 FROM _import_plan AS p WHERE p.email = _import_plan.email AND p.seq < _import_plan.seq)
                AND NOT EXISTS (SELECT 1 FROM lead_records AS l WHERE l.email = _import_plan.email)
                AND NOT EXISTS (SELECT 1 FROM merged_emails AS e WHERE e.email = _import_plan.email)
                AND (capture_key IS NULL
                     OR (NOT EXISTS (SELECT 1 FROM _import_plan AS p WHERE p.capture_key = _import_plan.capture_key AND p.seq < _import_plan.seq)
                         AND NOT EXISTS (SELECT 1 FROM captures AS c WHERE c.capture_key = _import_plan.capture_key)))
                AND (NOT EXISTS (SELECT 1 FROM suppressed_emails)
                     OR NOT EXISTS (SELECT 1 FROM suppressed_contacts AS x WHERE x.arg = json_array(_import_plan.email, _import_plan.phone))));

    -- Each stretch of fast rows together, each other row on its own, in order.
    INSERT INTO _import_segment(first_seq, last_seq, fast)
    SELECT min(seq), max(seq), fast
      FROM (SELECT seq, fast, CASE WHEN fast THEN seq - row_number() OVER (PARTITION BY fast ORDER BY seq) ELSE -seq END AS stretch
              FROM _import_plan)
     GROUP BY fast, stretch
     ORDER BY min(seq);

    DELETE FROM _import_plan;
    DELETE FROM _import_cursor;
END;

-- Internal: captures the rows of the plan from first_seq to last_seq (see lead_import_run).
CREATE VIEW _import_segment AS SELECT NULL AS first_seq, NULL AS last_seq, NULL AS fast WHERE 0;

CREATE TRIGGER _import_segment_instead_of_insert INSTEAD OF INSERT ON _import_segment
BEGIN
    INSERT INTO _import_row(id)
    SELECT row FROM _import_plan WHERE NOT NEW.fast AND seq BETWEEN NEW.first_seq AND NEW.last_seq ORDER BY seq;
    INSERT INTO _import_batch(first_seq, last_seq) SELECT NEW.first_seq, NEW.last_seq WHERE NEW.fast;
END;

-- Internal: captures one staged row through lead_intake.
CREATE VIEW _import_row AS SELECT NULL AS id WHERE 0;

CREATE TRIGGER _import_row_instead_of_insert INSTEAD OF INSERT ON _import_row
BEGIN
    -- The row being captured (for refusals) and the newest capture before it (to tell its outcome).
    INSERT INTO _import_cursor(id, row, last_capture) VALUES (1, NEW.id, (SELECT coalesce(max(id), 0) FROM captures))
        ON CONFLICT (id) DO UPDATE SET row = excluded.row, last_capture = excluded.last_capture;
    INSERT INTO lead_intake(email, first_name, last_name, name, phone, company, title, industry, company_size, country,
                            source, campaign, consent, consent_source, captured_at, detail, capture_key, custom)
    SELECT email, first_name, last_name, name, phone, company, title, industry, company_size, country,
           source, campaign, consent, consent_source, captured_at, detail, capture_key, custom
      FROM lead_imports WHERE id = NEW.id;
    -- A new capture is the newest row of captures; a key captured before wrote none.
    UPDATE lead_imports
       SET (status, lead_id) = (SELECT CASE WHEN c.id > k.last_capture THEN c.outcome ELSE 'already_captured' END, c.lead_id
                                  FROM _import_cursor AS k, captures AS c
                                 WHERE c.id = CASE WHEN (SELECT max(id) FROM captures) > k.last_capture THEN (SELECT max(id) FROM captures)
                                                   -- (+: compared as lead_intake compares it, with the key column's affinity)
                                                   ELSE (SELECT x.id FROM captures AS x WHERE x.capture_key = +lead_imports.capture_key) END),
           processed_at = (SELECT now FROM clock),
           email = NULL, first_name = NULL, last_name = NULL, name = NULL, phone = NULL, company = NULL, title = NULL,
           industry = NULL, company_size = NULL, country = NULL, source = NULL, campaign = NULL, consent = NULL,
           consent_source = NULL, captured_at = NULL, detail = NULL, capture_key = NULL, custom = NULL
     WHERE id = NEW.id;
    DELETE FROM _import_cursor;
END;

-- Internal: captures a stretch of fast rows, writing what lead_intake writes for a new lead
-- (60_intake.sql): the capture and the lead, lead by lead (its scoring row, search entry and stage count
-- follow from lead_records_after_insert); the form_submit activities and the engagement they add
-- (50_activities.sql) at once; then, lead by lead, qualification and routing.
CREATE VIEW _import_batch AS SELECT NULL AS first_seq, NULL AS last_seq WHERE 0;

CREATE TRIGGER _import_batch_instead_of_insert INSTEAD OF INSERT ON _import_batch
BEGIN
    -- The ids one capture after another would give the leads.
    UPDATE _import_plan SET lead_id = (SELECT coalesce(max(id), 0) FROM lead_records) + seq - NEW.first_seq + 1
     WHERE seq BETWEEN NEW.first_seq AND NEW.last_seq;

    -- Each lead after its capture, as lead_intake writes them (the lead's guard finds its capture as the
    -- newest row of captures).
    INSERT INTO _import_new_lead(lead_id, email, first_name, last_name, phone, company, title, industry, company_size,
                                 country, source, campaign, consent, consent_source, captured_at, capture_key)
    SELECT lead_id, email, first_name, last_name, phone, company, title, industry, company_size,
           country, source, campaign, consent, consent_source, captured_at, capture_key
      FROM _import_plan WHERE seq BETWEEN NEW.first_seq AND NEW.last_seq ORDER BY seq;

    INSERT INTO activity_log(lead_id, kind, occurred_at, campaign, source, detail, points)
    SELECT p.lead_id, 'form_submit', p.captured_at, p.campaign, p.source, p.detail,
           (SELECT CASE k.direction WHEN 'inbound' THEN k.points ELSE 0 END FROM activity_kinds AS k WHERE k.kind = 'form_submit')
      FROM _import_plan AS p WHERE p.seq BETWEEN NEW.first_seq AND NEW.last_seq ORDER BY p.seq;

    -- A new lead's first activity anchors its engagement (as activities_instead_of_insert does for a
    -- lead with no anchor yet).
    UPDATE lead_scores
       SET (engagement, engagement_at, last_activity_at) = (
               SELECT CASE WHEN a.points = 0 THEN lead_scores.engagement ELSE a.points END,
                      CASE WHEN a.points = 0 THEN lead_scores.engagement_at ELSE a.occurred_at END,
                      max(coalesce(lead_scores.last_activity_at, ''), a.occurred_at)
                 FROM activity_log AS a WHERE a.lead_id = lead_scores.lead_id)
     WHERE lead_id BETWEEN (SELECT lead_id FROM _import_plan WHERE seq = NEW.first_seq)
                       AND (SELECT lead_id FROM _import_plan WHERE seq = NEW.last_seq);

    INSERT INTO _import_lead(lead_id)
    SELECT lead_id FROM _import_plan WHERE seq BETWEEN NEW.first_seq AND NEW.last_seq ORDER BY seq;

    UPDATE lead_imports
       SET status = 'created',
           lead_id = (SELECT p.lead_id FROM _import_plan AS p WHERE p.row = lead_imports.id),
           processed_at = (SELECT now FROM clock),
           email = NULL, first_name = NULL, last_name = NULL, name = NULL, phone = NULL, company = NULL, title = NULL,
           industry = NULL, company_size = NULL, country = NULL, source = NULL, campaign = NULL, consent = NULL,
           consent_source = NULL, captured_at = NULL, detail = NULL, capture_key = NULL, custom = NULL
     WHERE id IN (SELECT row FROM _import_plan WHERE seq BETWEEN NEW.first_seq AND NEW.last_seq);
END;

-- Internal: one new lead of a stretch, with its capture (see _import_batch).
CREATE VIEW _import_new_lead AS
SELECT NULL AS lead_id, NULL AS email, NULL AS first_name, NULL AS last_name, NULL AS phone, NULL AS company, NULL AS title,
       NULL AS industry, NULL AS company_size, NULL AS country, NULL AS source, NULL AS campaign, NULL AS consent,
       NULL AS consent_source, NULL AS captured_at, NULL AS capture_key
 WHERE 0;

CREATE TRIGGER _import_new_lead_instead_of_insert INSTEAD OF INSERT ON _import_new_lead
BEGIN
    INSERT INTO captures(capture_key, lead_id, outcome, captured_at) VALUES (NEW.capture_key, NULL, 'created', NEW.captured_at);
    -- (its account, made if there is none, and filled: as a capture's, 60_intake.sql)
    INSERT INTO _account_make(email, company, industry, company_size, country, created_at)
    SELECT NEW.email, NEW.company, NEW.industry, NEW.company_size, NEW.country, NEW.captured_at
      FROM email_domains AS e
     WHERE e.arg = json_array(NEW.email) AND NEW.email IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM accounts AS a WHERE a.domain = e.domain)
       AND NOT EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = e.domain);
    INSERT INTO lead_records(id, email, first_name, last_name, phone, company, title, industry, company_size, country,
                             source, campaign, consent, consent_source, consent_at, created_at, updated_at, account_id)
    VALUES (NEW.lead_id, NEW.email, NEW.first_name, NEW.last_name, NEW.phone, NEW.company, NEW.title, NEW.industry,
            NEW.company_size, NEW.country, NEW.source, NEW.campaign, NEW.consent, NEW.consent_source,
            CASE WHEN NEW.consent IS NOT NULL THEN NEW.captured_at END, NEW.captured_at, NEW.captured_at,
            CASE WHEN NEW.email IS NOT NULL THEN (SELECT e.account_id FROM email_accounts AS e WHERE e.arg = json_array(NEW.email)) END);
    UPDATE captures SET lead_id = NEW.lead_id WHERE id = (SELECT max(id) FROM captures);
    INSERT INTO _account_fill(lead_id) SELECT NEW.lead_id WHERE (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL;
END;

-- Internal: what follows a new lead's capture in order, one lead at a time: the form_submit may bring
-- its account to account.mql_threshold (32_accounts.sql) and may qualify it (mql_ready decides, as for any scored activity: 50_activities.sql; the narrow scoring row rules out
-- most leads first), then it is routed (60_intake.sql).
CREATE VIEW _import_lead AS SELECT NULL AS lead_id WHERE 0;

CREATE TRIGGER _import_lead_instead_of_insert INSTEAD OF INSERT ON _import_lead
BEGIN
    -- (the account's score as the activity would find it: 32_accounts.sql)
    INSERT INTO _account_mql(lead_id, activity_id, applies, upto)
    VALUES (NEW.lead_id, (SELECT a.id FROM activity_log AS a WHERE a.lead_id = NEW.lead_id),
            CASE WHEN (SELECT a.points FROM activity_log AS a WHERE a.lead_id = NEW.lead_id) <> 0
                 THEN (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL ELSE 0 END, NEW.lead_id);
    INSERT INTO _rescored_qualify(first_id, last_id)
    SELECT NEW.lead_id, NEW.lead_id
      FROM lead_scores AS sc
     WHERE sc.lead_id = NEW.lead_id
       AND (SELECT a.points FROM activity_log AS a WHERE a.lead_id = NEW.lead_id) > 0
       AND sc.fit_score + max(sc.engagement, 0) >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold') - 1e-6;
    -- (a lead routed by qualifying may be hot for its owner, as after any activity: 50_activities.sql)
    INSERT INTO _lead_signals(lead_id, activity_id, applies, signal)
    VALUES (NEW.lead_id, (SELECT a.id FROM activity_log AS a WHERE a.lead_id = NEW.lead_id),
            (SELECT a.points FROM activity_log AS a WHERE a.lead_id = NEW.lead_id) > 0
            AND (SELECT sc.fit_score + max(sc.engagement, 0) FROM lead_scores AS sc WHERE sc.lead_id = NEW.lead_id)
                    >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.hot_threshold') - 1e-6,
            'hot');
    INSERT INTO routing_requests(lead_id, reason)
    SELECT l.id, 'captured'
      FROM lead_records AS l
     WHERE l.id = NEW.lead_id
       AND (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'capture'
       AND l.owner_id IS NULL AND l.closed_at IS NULL;
END;

-- A staged row starts pending; only its run sets its outcome, and a captured row takes no new values
-- (nor is it replaced: INSERT OR REPLACE would delete it without its delete trigger and stage it anew).
CREATE TRIGGER lead_imports_before_insert_captured BEFORE INSERT ON lead_imports
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM lead_imports WHERE id = NEW.id AND status <> 'pending')
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('captured: lead_imports row ' || NEW.id || ' was captured ('
        || (SELECT status || ', lead ' || coalesce(lead_id, 'none') FROM lead_imports WHERE id = NEW.id)
        || '); stage a new row to capture it again', json_object('import_row', NEW.id)));
END;

-- The plan and the cursor are a run's own: rows only for pending staged rows, written by the run.
CREATE TRIGGER import_plan_before_insert_internal BEFORE INSERT ON _import_plan
WHEN NOT EXISTS (SELECT 1 FROM lead_imports WHERE id = NEW.row AND status = 'pending')
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _import_plan is a bulk capture''s own, written by INSERT INTO lead_import_run');
END;

CREATE TRIGGER import_plan_before_update_internal BEFORE UPDATE ON _import_plan
WHEN NEW.seq IS NOT OLD.seq OR NEW.row IS NOT OLD.row OR NEW.fast > OLD.fast
  OR (NEW.lead_id IS NOT OLD.lead_id AND OLD.lead_id IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _import_plan is a bulk capture''s own, written by INSERT INTO lead_import_run');
END;

CREATE TRIGGER import_cursor_before_insert_internal BEFORE INSERT ON _import_cursor
WHEN NOT EXISTS (SELECT 1 FROM _import_plan AS p JOIN lead_imports AS s ON s.id = p.row WHERE p.row = NEW.row AND s.status = 'pending')
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _import_cursor is a bulk capture''s own, written by INSERT INTO lead_import_run');
END;

CREATE TRIGGER import_cursor_before_update_internal BEFORE UPDATE ON _import_cursor
WHEN NOT EXISTS (SELECT 1 FROM _import_plan AS p JOIN lead_imports AS s ON s.id = p.row WHERE p.row = NEW.row AND s.status = 'pending')
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _import_cursor is a bulk capture''s own, written by INSERT INTO lead_import_run');
END;

CREATE TRIGGER lead_imports_before_insert BEFORE INSERT ON lead_imports
WHEN NEW.status IS NOT 'pending' OR NEW.lead_id IS NOT NULL OR NEW.processed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'maintained: a staged row starts pending; its status, lead_id and processed_at are set when INSERT INTO lead_import_run captures it');
END;

CREATE TRIGGER lead_imports_before_update BEFORE UPDATE ON lead_imports
WHEN (NEW.status IS NOT OLD.status OR NEW.lead_id IS NOT OLD.lead_id OR NEW.processed_at IS NOT OLD.processed_at
      OR (OLD.status IS NOT 'pending'
          AND coalesce(NEW.email, NEW.first_name, NEW.last_name, NEW.name, NEW.phone, NEW.company, NEW.title, NEW.industry,
                       NEW.company_size, NEW.country, NEW.source, NEW.campaign, NEW.consent, NEW.consent_source,
                       NEW.captured_at, NEW.detail, NEW.capture_key, NEW.custom) IS NOT NULL))
 -- (the run: a row captured one by one while the cursor names it, or a new lead of a stretch)
 AND NOT (OLD.status = 'pending'
          AND (OLD.id IS (SELECT c.row FROM _import_cursor AS c)
               OR EXISTS (SELECT 1 FROM _import_plan AS p WHERE p.row = OLD.id AND p.fast = 1 AND p.lead_id IS NEW.lead_id)))
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(CASE
        WHEN OLD.status IS NOT 'pending'
            THEN 'captured: lead_imports row ' || OLD.id || ' was captured (' || OLD.status || ', lead ' || coalesce(OLD.lead_id, 'none')
                 || '); stage a new row to capture it again'
        ELSE 'maintained: the status, lead_id and processed_at of lead_imports row ' || OLD.id
             || ' are set when INSERT INTO lead_import_run captures it'
        END, json_object('import_row', OLD.id)));
END;
