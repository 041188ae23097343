-- Capture: INSERT INTO lead_intake(email, first_name, last_name, name, phone, company, title, industry,
-- company_size, country, source, campaign, consent, consent_source, captured_at, detail).
--
-- Values are normalised (text trimmed, empty text is NULL; email lower-cased; phone reduced to digits
-- with a leading + kept; company_size "1,200", "50-200" or "5000+" read as a whole number, the lower
-- bound of a range; a `name` is split into first and last when they are absent). The same email is the
-- same lead: a new capture fills empty fields, never overwrites or erases, records a newly given
-- consent, and is logged as a form_submit activity (repeat interest raises engagement). A new lead
-- starts in `new` with its fit computed. Invalid input aborts the statement with `code: message`.
-- The normalised form of the email in _email_scratch: trimmed (spaces, tabs, line breaks, no-break
-- spaces), lower-cased, empty as NULL. SQLite's lower() folds ASCII only, so an email with other
-- letters is folded character by character through _case_fold: MÜLLER@x.de and müller@x.de are the
-- same lead. The one definition of a normalised email: the intake and UPDATE leads both use it.
CREATE VIEW _email_normalised AS
SELECT CASE
           WHEN v IS NULL OR v = '' THEN NULL
           WHEN v NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*' THEN lower(v)
           ELSE (SELECT group_concat(coalesce(f.lower, lower(c.ch)), '')
                   FROM (SELECT substr(v, d.n + 1, 1) AS ch FROM _days AS d WHERE d.n < length(v) ORDER BY d.n) AS c
                   LEFT JOIN _case_fold AS f ON f.upper = c.ch)
       END AS email
  FROM (SELECT trim(raw, char(32, 9, 10, 13, 160)) AS v FROM _email_scratch WHERE slot = 1);

CREATE VIEW lead_intake AS
SELECT NULL AS email, NULL AS first_name, NULL AS last_name, NULL AS name, NULL AS phone, NULL AS company,
       NULL AS title, NULL AS industry, NULL AS company_size, NULL AS country, NULL AS source, NULL AS campaign,
       NULL AS consent, NULL AS consent_source, NULL AS captured_at, NULL AS detail
 WHERE 0;

CREATE TRIGGER lead_intake_instead_of_insert INSTEAD OF INSERT ON lead_intake
BEGIN
    UPDATE _email_scratch SET raw = NEW.email WHERE slot = 1;

    -- What only the intake can check; the lead's own rules (email, phone, size) run on lead_records.
    SELECT json_extract('{}', CASE
        WHEN NEW.consent IS NOT NULL AND lower(trim(NEW.consent)) NOT IN ('1', '0', 'yes', 'no', 'true', 'false', 'y', 'n', '')
            THEN 'invalid_consent: consent ' || NEW.consent || ' is not 1 (given) or 0 (not given)'
        WHEN NEW.captured_at IS NOT NULL AND julianday(NEW.captured_at) IS NULL
            THEN 'invalid_time: captured_at ' || NEW.captured_at || ' is not a time such as 2026-11-24T09:30:00Z'
        -- An erased person's email (kept only as a hash, see 95_privacy.sql) cannot be captured again.
        WHEN NEW.email IS NOT NULL AND EXISTS (SELECT 1 FROM suppressed_emails)
             AND EXISTS (SELECT 1 FROM suppressed_emails WHERE email_hash = (
                    SELECT printf('%016x',
                               (sum(unicode(substr(e.v, h.n + 1, 1)) * h.p1) % 2147483647) * 2147483629
                               + sum(unicode(substr(e.v, h.n + 1, 1)) * h.p2) % 2147483629)
                      FROM (SELECT email AS v FROM _email_normalised) AS e, _hash_powers AS h
                     WHERE h.n < length(e.v)))
            THEN 'suppressed: ' || (SELECT email FROM _email_normalised) || ' belongs to a person who was erased on request; it cannot be captured again'
        END);

    INSERT INTO lead_records(email, first_name, last_name, phone, company, title, industry, company_size, country,
                             source, campaign, consent, consent_source, consent_at, created_at, updated_at)
    SELECT n.email, n.first_name, n.last_name, n.phone, n.company, n.title, n.industry,
           CASE WHEN n.size_text IS NULL THEN NULL
                WHEN n.size_number <> '' AND n.size_number NOT GLOB '*[^0-9]*' THEN CAST(n.size_number AS INTEGER)
                ELSE n.size_text END,
           n.country, n.source, n.campaign, n.consent,
           CASE WHEN n.consent IS NOT NULL THEN coalesce(n.consent_source, n.source, 'intake') END,
           CASE WHEN n.consent IS NOT NULL THEN n.at END,
           n.at, n.at
      FROM (SELECT (SELECT email FROM _email_normalised) AS email,
                   coalesce(nullif(trim(NEW.first_name), ''),
                            CASE WHEN NEW.last_name IS NULL THEN nullif(trim(substr(trim(NEW.name), 1, instr(trim(NEW.name) || ' ', ' ') - 1)), '') END) AS first_name,
                   coalesce(nullif(trim(NEW.last_name), ''),
                            CASE WHEN NEW.first_name IS NULL THEN nullif(trim(substr(trim(NEW.name), instr(trim(NEW.name) || ' ', ' ') + 1)), '') END) AS last_name,
                   nullif(replace(replace(replace(replace(replace(trim(NEW.phone, char(32, 9, 10, 13)),
                       ' ', ''), '.', ''), '-', ''), '(', ''), ')', ''), '') AS phone,
                   nullif(trim(NEW.company), '') AS company,
                   nullif(trim(NEW.title), '') AS title,
                   nullif(trim(NEW.industry), '') AS industry,
                   nullif(trim(NEW.company_size), '') AS size_text,
                   (SELECT CASE WHEN instr(v, '-') > 1 THEN substr(v, 1, instr(v, '-') - 1) ELSE v END
                      FROM (SELECT replace(replace(replace(trim(NEW.company_size), ',', ''), ' ', ''), '+', '') AS v)) AS size_number,
                   nullif(trim(NEW.country), '') AS country,
                   nullif(trim(NEW.source), '') AS source,
                   nullif(trim(NEW.campaign), '') AS campaign,
                   CASE WHEN lower(trim(NEW.consent)) IN ('1', 'yes', 'true', 'y') THEN 1
                        WHEN lower(trim(NEW.consent)) IN ('0', 'no', 'false', 'n') THEN 0 END AS consent,
                   nullif(trim(NEW.consent_source), '') AS consent_source,
                   coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.captured_at), (SELECT now FROM clock)) AS at) AS n
     WHERE true
    ON CONFLICT (email) DO UPDATE SET
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
        -- A consent given now is recorded with its source and time; otherwise only an empty one is filled.
        consent_source = CASE WHEN excluded.consent = 1 AND consent IS NOT 1 OR consent IS NULL THEN excluded.consent_source ELSE consent_source END,
        consent_at = CASE WHEN excluded.consent = 1 AND consent IS NOT 1 OR consent IS NULL THEN excluded.consent_at ELSE consent_at END,
        consent = CASE WHEN excluded.consent = 1 THEN 1 ELSE coalesce(consent, excluded.consent) END,
        updated_at = excluded.updated_at;

    INSERT INTO activities(lead_id, kind, occurred_at, source, campaign, detail)
    VALUES (coalesce((SELECT id FROM lead_records WHERE email = (SELECT email FROM _email_normalised)),
                     last_insert_rowid()),
            'form_submit',
            coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.captured_at), (SELECT now FROM clock)),
            nullif(trim(NEW.source), ''), nullif(trim(NEW.campaign), ''), NEW.detail);

    -- With routing.assign_at = capture (the default), an unowned open lead is routed (80_routing.sql).
    INSERT INTO routing_requests(lead_id, reason)
    SELECT l.id, 'captured'
      FROM lead_records AS l
     WHERE (SELECT value FROM settings WHERE key = 'routing.assign_at') = 'capture'
       AND l.id = coalesce((SELECT id FROM lead_records WHERE email = (SELECT email FROM _email_normalised)),
                           last_insert_rowid())
       AND l.owner_id IS NULL AND l.closed_at IS NULL;

    -- The scratch row never keeps an email (it would outlive an erasure).
    UPDATE _email_scratch SET raw = NULL WHERE slot = 1;
END;
