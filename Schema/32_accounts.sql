-- Accounts: companies, keyed by their web domain (migration 0019).
--
-- A capture whose email domain is a company's (not in free_email_domains) joins that domain's account,
-- made on first sight with the lead's company as its name and its industry, size and country; a later
-- lead fills what the account lacks, never overwrites it. A lead without one (a free-mail address, a
-- phone only) is linked by hand: UPDATE leads SET account_id = ... (NULL unlinks). An email changed
-- later leaves the account as it is.
--
-- INSERT INTO accounts(domain, name, ...) makes one by hand: the domain is read as domain_input reads it
-- (https://www.Acme.com/about is acme.com), the country and size as a lead's are. INSERT INTO
-- account_merges(kept_id, merged_id) merges two (two domains of one company): the merged one's leads
-- move to the kept one, which fills its empty fields from it; the merged one stays as a record pointing
-- to the kept one (merged_into), and a capture of its domain joins the kept one.
--
-- Routing (80_routing.sql): with routing.by_account = 1, a lead of an account whose owner is active and
-- has room goes to that owner (method `account`); otherwise it is routed by the rules, and an account
-- without an owner takes the owner of its first assigned lead.
--
-- The account's score (account_scores) is its best fit (the highest fit_score of its people) plus its
-- engagement (the sum of its people's current engagement); the notice's check reads it as kept on the
-- account (kept_fit, kept_engagement at kept_at: migration 0022), in step with every activity. When an activity brings it to
-- account.mql_threshold, the outbox gets an `account_mql` notice for the account's owner: once, and again
-- only when the score had fallen below the threshold and reaches it anew.
--
-- Privacy: when the last person of an account who is not erased is erased, the account's domain and
-- name (which may name that person) are removed from it and from the accounts merged into it; its
-- industry, size, country, owner and history stay, as a lead's facts do (95_privacy.sql).

-- Why a domain as domain_input stores it is not a company's, or NULL: not a domain, a free-mail one
-- (free_email_domains), or one reserved for examples and tests. (A capture reads its email's domain
-- here directly: an email is stored trimmed and in lower case already.)
CREATE VIEW domain_problems AS
SELECT j.json AS arg, j.value AS domain,
       -- (a domain as stored is its own reading: no scheme, path, www. or trailing dot is left to drop)
       CASE
           WHEN NOT (length(j.value) BETWEEN 4 AND 253 AND j.value GLOB '?*.?*' AND j.value NOT GLOB '*[^a-z0-9.-]*'
                     AND j.value NOT GLOB '*..*' AND j.value NOT GLOB '*.-*' AND j.value NOT GLOB '*-.*'
                     AND j.value NOT GLOB '-*' AND j.value NOT GLOB '.*' AND j.value NOT GLOB '*-' AND j.value NOT GLOB '*.'
                     AND j.value NOT GLOB 'www.*'
                     -- a top-level domain of two letters or more (not an IP address, not 1.5)
                     AND j.value NOT GLOB '*.?' AND substr(rtrim(j.value, '0123456789'), -1) <> '.')
               THEN 'is not a web domain such as acme.com (letters, digits, dashes and dots; an international domain in its xn-- form)'
           -- (a free-mail domain or one of its subdomains: mail.gmail.com)
           WHEN EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = j.value)
                OR EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = substr(j.value, instr(j.value, '.') + 1))
               THEN 'is a free-mail domain, which names no company'
           WHEN '.' || j.value GLOB '*.example.com' OR '.' || j.value GLOB '*.example.org' OR '.' || j.value GLOB '*.example.net'
                OR j.value GLOB '*.test' OR j.value GLOB '*.example' OR j.value GLOB '*.invalid' OR j.value GLOB '*.localhost'
                OR j.value GLOB '*.localdomain'
               THEN 'is reserved for examples and tests (RFC 2606), which names no company'
       END AS problem
  FROM json_each AS j;

-- A web domain as a program gives it: trimmed and lower-cased; a scheme (http://, https://), a path, a
-- port, a leading www. and a trailing dot dropped; an email address's part after the @. `problem` says
-- why a value is not a company's domain: not a domain, a free-mail one (free_email_domains), or one
-- reserved for examples and tests (example.com, .org and .net and their subdomains; .test, .example,
-- .invalid, .localhost). NULL in, NULL out.
CREATE VIEW domain_input AS
SELECT j.json AS arg, j.value AS input, nullif(d.value, '') AS domain,
       CASE WHEN j.value IS NULL THEN NULL WHEN instr(j.json, '\u0000') > 0 THEN 'contains a NUL byte' ELSE q.problem END AS problem
  FROM json_each AS j
  -- s: trimmed, lower case, without its scheme; a query, fragment or port marked as a path
  JOIN json_each(json_array(replace(replace(replace(
           CASE WHEN lower(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13))) GLOB 'http://*'
                    THEN substr(lower(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13))), 8)
                WHEN lower(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13))) GLOB 'https://*'
                    THEN substr(lower(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13))), 9)
                ELSE lower(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13))) END, '?', '/'), '#', '/'), ':', '/'))) AS s
  -- h: up to the path, after an @; d: without a leading www. or a trailing dot
  JOIN json_each(json_array(substr(substr(s.value, 1, instr(s.value || '/', '/') - 1), instr(substr(s.value, 1, instr(s.value || '/', '/') - 1), '@') + 1))) AS h
  JOIN json_each(json_array(rtrim(CASE WHEN h.value GLOB 'www.?*.?*' THEN substr(h.value, 5) ELSE h.value END, '.'))) AS d
  JOIN domain_problems AS q ON q.arg = json_array(d.value);

-- What is wrong with a stored account, if anything: the first problem, as `code: message`. (Its domain
-- is checked as it is written: accounts_after_insert, below.)
CREATE VIEW account_problems AS
SELECT a.id, p.value AS problem
  FROM accounts AS a
  JOIN json_each(json_array(CASE
    WHEN a.domain IS NULL AND a.erased_at IS NULL
        THEN 'invalid_domain: account ' || a.id || ' needs a domain such as acme.com'
    WHEN a.erased_at IS NOT NULL AND coalesce(a.domain, a.name) IS NOT NULL
        THEN 'erased_account: account ' || a.id || ' was erased at ' || a.erased_at || '; no domain or name is written to it'
    WHEN length(a.name) > 500 OR length(a.industry) > 500 OR length(a.country) > 500
        THEN 'invalid_text: ' || CASE WHEN length(a.name) > 500 THEN 'name has ' || length(a.name)
                                      WHEN length(a.industry) > 500 THEN 'industry has ' || length(a.industry)
                                      ELSE 'country has ' || length(a.country) END || ' characters (at most 500)'
    WHEN instr(a.name, char(0)) OR instr(a.industry, char(0)) OR instr(a.country, char(0))
        THEN 'invalid_text: ' || CASE WHEN instr(a.name, char(0)) THEN 'name' WHEN instr(a.industry, char(0)) THEN 'industry' ELSE 'country' END
             || ' of account ' || a.id || ' contains a NUL byte'
    WHEN a.company_size IS NOT NULL AND NOT (typeof(a.company_size) = 'integer' AND a.company_size BETWEEN 0 AND 10000000)
        THEN 'invalid_company_size: ' || quote(a.company_size) || ' is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)'
    WHEN a.country IS NOT NULL AND a.country IS NOT (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(a.country))
        THEN 'invalid_country: ' || a.country || ' is not stored as its ISO code'
    WHEN a.created_at IS NULL OR (SELECT t.problem FROM time_input AS t WHERE t.arg = json_array(CAST(a.created_at AS TEXT))) IS NOT NULL
        THEN 'maintained: accounts.created_at is when the account was made and never changes'
    WHEN a.mql_at IS NOT NULL AND (SELECT t.problem FROM time_input AS t WHERE t.arg = json_array(CAST(a.mql_at AS TEXT))) IS NOT NULL
        THEN 'invalid_time: the mql_at of account ' || a.id || ' is not a time such as 2026-11-24T09:30:00Z'
    END)) AS p
 WHERE p.value IS NOT NULL;

-- A new account: its key checked (no other account has its domain, as read), its values stored as they
-- are read, then checked.
CREATE TRIGGER accounts_before_insert BEFORE INSERT ON accounts
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        -- (NEW.id is -1 when SQLite numbers the row)
        WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM accounts WHERE id = NEW.id)
            THEN 'already_exists: account ' || NEW.id || ' exists; update it instead (a replace would delete it and its leads'' link)'
        WHEN NEW.domain IS NULL
            THEN 'invalid_domain: an account needs a domain such as acme.com'
        WHEN d.problem IS NOT NULL
            THEN 'invalid_domain: the domain ' || d.problem
        WHEN o.id IS NOT NULL
            THEN 'already_exists: account ' || o.id || ' has the domain ' || d.domain
                 || CASE WHEN o.merged_into IS NOT NULL THEN ' (merged into account ' || o.merged_into || ')' ELSE '' END
        WHEN NEW.merged_into IS NOT NULL OR NEW.erased_at IS NOT NULL
            THEN 'maintained: accounts.merged_into and erased_at are kept by LeadDB (INSERT INTO account_merges, INSERT INTO erasures)'
        END, json_object('account', nullif(NEW.id, -1), 'value', CAST(NEW.domain AS TEXT))))
      -- (a domain already as stored, as a capture gives it, is checked without domain_input's reading)
      FROM (SELECT CASE WHEN p.plain THEN NEW.domain
                        ELSE (SELECT i.domain FROM domain_input AS i WHERE i.arg = json_array(CAST(NEW.domain AS TEXT))) END AS domain,
                   CASE WHEN p.plain THEN (SELECT q.problem FROM domain_problems AS q WHERE q.arg = json_array(NEW.domain))
                        ELSE (SELECT i.problem FROM domain_input AS i WHERE i.arg = json_array(CAST(NEW.domain AS TEXT))) END AS problem
              -- (GLOB stops at a NUL byte: one anywhere is read by domain_input, which refuses it)
              FROM (SELECT typeof(NEW.domain) = 'text' AND NEW.domain NOT GLOB '*[^a-z0-9.-]*' AND NEW.domain NOT GLOB 'www.*'
                           AND NEW.domain NOT GLOB '*.' AND length(NEW.domain) > 0 AND instr(NEW.domain, char(0)) = 0 AS plain) AS p) AS d
      LEFT JOIN accounts AS o ON o.domain = d.domain;
END;

CREATE TRIGGER accounts_after_insert AFTER INSERT ON accounts
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        -- (an id far ahead would leave SQLite no next one: accounts are numbered in order)
        WHEN NEW.id < 1 OR NEW.id > 1000000000000 OR NEW.id > coalesce((SELECT max(id) FROM accounts WHERE id <> NEW.id), 0) + 1
            THEN 'maintained: accounts are numbered in order by SQLite; leave out the id (got ' || NEW.id || ')'
        WHEN instr(NEW.name, char(0)) OR instr(NEW.industry, char(0)) OR instr(NEW.country, char(0))
            THEN 'invalid_text: ' || CASE WHEN instr(NEW.name, char(0)) THEN 'name' WHEN instr(NEW.industry, char(0)) THEN 'industry' ELSE 'country' END
                 || ' of account ' || NEW.id || ' contains a NUL byte'
        WHEN NEW.created_at IS NOT NULL AND (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.created_at AS TEXT))) IS NOT NULL
            THEN 'invalid_time: the created_at of account ' || NEW.id || ' ' || (SELECT coalesce(t.problem, t.future) FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.created_at AS TEXT)))
        END, json_object('account', NEW.id)));
    UPDATE accounts
       SET domain = (SELECT d.domain FROM domain_input AS d WHERE d.arg = json_array(CAST(NEW.domain AS TEXT))),
           name = nullif(trim(NEW.name, char(32, 9, 10, 13)), ''),
           industry = nullif(trim(NEW.industry, char(32, 9, 10, 13)), ''),
           company_size = CASE WHEN typeof(NEW.company_size) = 'integer' THEN NEW.company_size
                               ELSE coalesce((SELECT c.size FROM company_size_input AS c WHERE c.arg = json_array(CAST(NEW.company_size AS TEXT))), NEW.company_size) END,
           country = (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(NEW.country AS TEXT))),
           created_at = coalesce((SELECT t.at FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.created_at AS TEXT))), (SELECT now FROM clock))
     WHERE id = NEW.id
       -- (values already as stored, as a capture gives them, need no second reading)
       AND NOT (typeof(NEW.domain) = 'text' AND NEW.domain NOT GLOB '*[^a-z0-9.-]*' AND NEW.domain NOT GLOB 'www.*' AND NEW.domain NOT GLOB '*.'
                AND instr(NEW.domain, char(0)) = 0
                AND NEW.name IS nullif(trim(NEW.name, char(32, 9, 10, 13)), '') AND NEW.industry IS nullif(trim(NEW.industry, char(32, 9, 10, 13)), '')
                AND (NEW.company_size IS NULL OR typeof(NEW.company_size) = 'integer')
                AND (NEW.country IS NULL OR (NEW.country NOT GLOB '*[^A-Z]*' AND (SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(NEW.country)) IS NEW.country))
                AND typeof(NEW.created_at) = 'text' AND NEW.created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z');
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem, json_object('account', id))) FROM account_problems WHERE id = NEW.id;
    INSERT INTO _account_owner_check(account_id, owner_id) SELECT NEW.id, NEW.owner_id WHERE NEW.owner_id IS NOT NULL;
    -- (a text no rule can read: the same checks as a lead's text)
    INSERT INTO _account_text_check(id, name, industry) SELECT NEW.id, NEW.name, NEW.industry
     WHERE (coalesce(NEW.name, '') || coalesce(NEW.industry, '')) GLOB '*[^ -~]*';
END;

-- A change: the domain read again and checked for another account's; values stored as read, then checked.
CREATE TRIGGER accounts_before_update_domain BEFORE UPDATE OF domain ON accounts
WHEN NEW.domain IS NOT OLD.domain AND NOT (NEW.domain IS NULL AND NEW.erased_at IS NOT NULL)
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.domain IS NULL
            THEN 'invalid_domain: account ' || OLD.id || ' needs a domain such as acme.com'
        WHEN d.problem IS NOT NULL
            THEN 'invalid_domain: the domain of account ' || OLD.id || ' ' || d.problem
        WHEN o.id IS NOT NULL
            THEN 'already_exists: account ' || o.id || ' has the domain ' || d.domain || '; to make them one account: INSERT INTO account_merges(kept_id, merged_id) VALUES ('
                 || o.id || ', ' || OLD.id || ')'
        END, json_object('account', OLD.id, 'value', CAST(NEW.domain AS TEXT))))
      FROM domain_input AS d LEFT JOIN accounts AS o ON o.domain = d.domain AND o.id <> OLD.id
     WHERE d.arg = json_array(CAST(NEW.domain AS TEXT));
END;

CREATE TRIGGER accounts_after_update AFTER UPDATE OF domain, name, industry, company_size, country ON accounts
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
                'invalid_text: ' || CASE WHEN instr(NEW.name, char(0)) THEN 'name' WHEN instr(NEW.industry, char(0)) THEN 'industry' ELSE 'country' END
                || ' of account ' || NEW.id || ' contains a NUL byte', json_object('account', NEW.id)))
     WHERE instr(NEW.name, char(0)) OR instr(NEW.industry, char(0)) OR instr(NEW.country, char(0));
    UPDATE accounts
       SET domain = CASE WHEN NEW.domain IS OLD.domain THEN domain
                         ELSE (SELECT d.domain FROM domain_input AS d WHERE d.arg = json_array(CAST(NEW.domain AS TEXT))) END,
           name = nullif(trim(NEW.name, char(32, 9, 10, 13)), ''),
           industry = nullif(trim(NEW.industry, char(32, 9, 10, 13)), ''),
           company_size = CASE WHEN NEW.company_size IS OLD.company_size OR typeof(NEW.company_size) = 'integer' THEN NEW.company_size
                               ELSE coalesce((SELECT c.size FROM company_size_input AS c WHERE c.arg = json_array(CAST(NEW.company_size AS TEXT))), NEW.company_size) END,
           country = CASE WHEN NEW.country IS OLD.country THEN country
                          ELSE (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(NEW.country AS TEXT))) END
     WHERE id = NEW.id
       AND (domain IS NOT (CASE WHEN NEW.domain IS OLD.domain THEN domain ELSE (SELECT d.domain FROM domain_input AS d WHERE d.arg = json_array(CAST(NEW.domain AS TEXT))) END)
            OR name IS NOT nullif(trim(NEW.name, char(32, 9, 10, 13)), '') OR industry IS NOT nullif(trim(NEW.industry, char(32, 9, 10, 13)), '')
            OR (NEW.company_size IS NOT OLD.company_size AND typeof(NEW.company_size) <> 'integer')
            OR (NEW.country IS NOT OLD.country AND country IS NOT (SELECT c.country FROM country_input AS c WHERE c.arg = json_array(CAST(NEW.country AS TEXT)))));
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem, json_object('account', id))) FROM account_problems WHERE id = NEW.id;
    INSERT INTO _account_text_check(id, name, industry) SELECT NEW.id, NEW.name, NEW.industry
     WHERE (NEW.name IS NOT OLD.name OR NEW.industry IS NOT OLD.industry)
       AND (coalesce(NEW.name, '') || coalesce(NEW.industry, '')) GLOB '*[^ -~]*';
END;

CREATE VIEW _account_text_check AS SELECT NULL AS id, NULL AS name, NULL AS industry WHERE 0;

CREATE TRIGGER _account_text_check_instead_of_insert INSTEAD OF INSERT ON _account_text_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || b.problem, json_object('account', NEW.id, 'field', b.field, 'byte', b.bad_byte)))
      FROM utf8_fields AS b WHERE b.arg = json_object('name', NEW.name, 'industry', NEW.industry) LIMIT 1;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: ' || c.problem, json_object('account', NEW.id, 'field', c.field)))
      FROM control_fields AS c WHERE c.arg = json_array(json_object('name', NEW.name, 'industry', NEW.industry), json_array()) LIMIT 1;
END;

-- An account's owner is a rep who exists and is active when named (a rep deactivated later stays its
-- owner: routing then passes the account's leads by).
CREATE VIEW _account_owner_check AS SELECT NULL AS account_id, NULL AS owner_id WHERE 0;

CREATE TRIGGER _account_owner_check_instead_of_insert INSTEAD OF INSERT ON _account_owner_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN r.id IS NULL THEN 'unknown_rep: no rep has id ' || quote(NEW.owner_id) || ' (the owner of account ' || NEW.account_id || ')'
        WHEN r.active = 0 THEN 'inactive_rep: rep ' || r.id || ' (' || r.name || ') is inactive; an account''s owner is an active rep'
        END, json_object('account', NEW.account_id, 'rep', NEW.owner_id)))
      FROM (SELECT 1) LEFT JOIN reps AS r ON r.id = NEW.owner_id;
END;

CREATE TRIGGER accounts_after_update_owner AFTER UPDATE OF owner_id ON accounts
WHEN NEW.owner_id IS NOT OLD.owner_id AND NEW.owner_id IS NOT NULL
BEGIN
    INSERT INTO _account_owner_check(account_id, owner_id) VALUES (NEW.id, NEW.owner_id);
    -- Notices for the account that are not delivered yet follow it to its new owner.
    UPDATE outbox SET rep_id = NEW.owner_id
     WHERE kind IN ('account_mql', 'expansion_signal') AND delivered_at IS NULL AND rep_id IS NOT NEW.owner_id
       AND lead_id IN (SELECT id FROM lead_records WHERE account_id = NEW.id)
       AND json_extract(payload, '$.account_id') = NEW.id;
END;

-- merged_into follows account_merges and erased_at follows erasures; mql_at is a time.
CREATE TRIGGER accounts_before_update_maintained BEFORE UPDATE OF id, created_at, merged_into, erased_at, mql_at, customer_since ON accounts
WHEN NEW.id IS NOT OLD.id
  -- (customer_since is when its first deal was won: 34_deals.sql)
  OR (NEW.customer_since IS NOT OLD.customer_since
      AND NEW.customer_since IS NOT (SELECT min(d.closed_at) FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
                                      WHERE d.account_id = NEW.id AND s.outcome = 'won'))
  OR (NEW.created_at IS NOT OLD.created_at AND OLD.created_at IS NOT NULL)
  OR (NEW.merged_into IS NOT OLD.merged_into
      AND NOT EXISTS (SELECT 1 FROM account_merges AS m
                       WHERE m.id = (SELECT max(id) FROM account_merges) AND m.merged_at IS NULL
                         AND m.kept_id = NEW.merged_into AND m.merged_id IN (OLD.id, OLD.merged_into)))
  OR (NEW.erased_at IS NOT OLD.erased_at
      AND NOT (OLD.erased_at IS NULL AND NEW.erased_at IS (SELECT now FROM clock) AND NEW.domain IS NULL AND NEW.name IS NULL
               AND NOT EXISTS (SELECT 1 FROM lead_records AS l
                                WHERE l.account_id = coalesce(OLD.merged_into, OLD.id) AND l.erased_at IS NULL)
               AND EXISTS (SELECT 1 FROM lead_records AS l
                            WHERE l.account_id = coalesce(OLD.merged_into, OLD.id) AND l.erased_at IS NOT NULL)))
  OR (NEW.mql_at IS NOT OLD.mql_at AND NEW.mql_at IS NOT NULL
      AND (SELECT t.problem FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.mql_at AS TEXT))) IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'maintained: accounts.id, created_at, merged_into, erased_at and customer_since are kept by LeadDB (INSERT INTO account_merges merges, INSERT INTO erasures erases, a won deal makes a customer), and mql_at is a time');
END;

-- An account is deleted only while nothing points to it.
CREATE TRIGGER accounts_before_delete BEFORE DELETE ON accounts
WHEN EXISTS (SELECT 1 FROM lead_records WHERE account_id = OLD.id)
  OR EXISTS (SELECT 1 FROM accounts WHERE merged_into = OLD.id)
  OR OLD.merged_into IS NOT NULL
  OR EXISTS (SELECT 1 FROM account_merges WHERE kept_id = OLD.id OR merged_id = OLD.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('account_in_use: account ' || OLD.id || ' has leads or merges; unlink its leads first (UPDATE leads SET account_id = NULL), or merge it into another',
                                               json_object('account', OLD.id)));
END;

-- A lead joins an account that exists and was neither merged into another nor erased.
CREATE TRIGGER lead_records_before_update_account BEFORE UPDATE OF account_id ON lead_records
WHEN NEW.account_id IS NOT OLD.account_id AND NEW.account_id IS NOT NULL
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN a.id IS NULL
            THEN 'unknown_account: lead ' || OLD.id || ' cannot join account ' || quote(NEW.account_id) || ': no account has that id'
        WHEN a.merged_into IS NOT NULL
            THEN 'merged_account: account ' || a.id || ' was merged into account ' || a.merged_into || '; link lead ' || OLD.id || ' to ' || a.merged_into
        WHEN a.erased_at IS NOT NULL
            THEN 'erased_account: account ' || a.id || ' was erased at ' || a.erased_at || '; lead ' || OLD.id || ' cannot join it'
        END, json_object('lead', OLD.id, 'account', NEW.account_id)))
      FROM (SELECT 1) LEFT JOIN accounts AS a ON a.id = NEW.account_id;
END;

-- The domain of an email as an account stores it: the part after the @, without a leading www. (An
-- email is stored trimmed and in lower case already; whether the domain names a company is
-- domain_problems's to say.)
CREATE VIEW email_domains AS
SELECT j.json AS arg,
       CASE WHEN substr(j.value, instr(j.value, '@') + 1) GLOB 'www.?*.?*' THEN substr(j.value, instr(j.value, '@') + 5)
            ELSE substr(j.value, instr(j.value, '@') + 1) END AS domain
  FROM json_each AS j;

-- Internal: a new lead's account (a capture, 60_intake.sql, and a bulk capture, 65_imports.sql): before
-- the lead is written, the account of its email's company domain is made if there is none, with the
-- lead's company, industry, size and country; the lead is then written with its account_id
-- (email_accounts), and _account_fill gives the account what it lacked.
CREATE VIEW _account_make AS
SELECT NULL AS email, NULL AS company, NULL AS industry, NULL AS company_size, NULL AS country, NULL AS created_at WHERE 0;

CREATE TRIGGER _account_make_instead_of_insert INSTEAD OF INSERT ON _account_make
BEGIN
    INSERT INTO accounts(domain, name, industry, company_size, country, created_at)
    SELECT e.domain, NEW.company, NEW.industry, NEW.company_size, NEW.country, NEW.created_at
      FROM email_domains AS e
      JOIN domain_problems AS d ON d.arg = json_array(e.domain)
     WHERE e.arg = json_array(NEW.email) AND NOT EXISTS (SELECT 1 FROM accounts AS a WHERE a.domain = e.domain)
       AND d.problem IS NULL;
END;

-- The account a lead with this email joins: its domain's (the kept one, when it was merged), unless the
-- domain has become a free-mail one since; NULL for an email of no company (an account's domain was
-- checked when it was written: only free_email_domains can change what it names) or of a domain without
-- an account.
CREATE VIEW email_accounts AS
SELECT e.arg, coalesce(a.merged_into, a.id) AS account_id
  FROM email_domains AS e
  JOIN accounts AS a ON a.domain = e.domain
 WHERE NOT EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = a.domain)
   AND NOT EXISTS (SELECT 1 FROM free_email_domains AS f WHERE f.domain = substr(a.domain, instr(a.domain, '.') + 1));

-- Internal: what the account lacks, its new person may say (after the lead is written).
CREATE VIEW _account_fill AS SELECT NULL AS lead_id WHERE 0;

CREATE TRIGGER _account_fill_instead_of_insert INSTEAD OF INSERT ON _account_fill
BEGIN
    UPDATE accounts
       SET name = coalesce(accounts.name, l.company), industry = coalesce(accounts.industry, l.industry),
           company_size = coalesce(accounts.company_size, l.company_size), country = coalesce(accounts.country, l.country)
      FROM lead_records AS l
     WHERE l.id = NEW.lead_id AND accounts.id = l.account_id
       AND ((accounts.name IS NULL AND l.company IS NOT NULL) OR (accounts.industry IS NULL AND l.industry IS NOT NULL)
            OR (accounts.company_size IS NULL AND l.company_size IS NOT NULL) OR (accounts.country IS NULL AND l.country IS NOT NULL));
END;

-- A lead is written with a live account only: a capture gives it the account of its email's domain
-- (above); a program writing lead_records around the capture gets the checks an UPDATE gets.
CREATE TRIGGER lead_records_before_insert_account BEFORE INSERT ON lead_records
WHEN NEW.account_id IS NOT NULL
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN a.id IS NULL
            THEN 'unknown_account: lead ' || coalesce(nullif(NEW.id, -1), 'new') || ' cannot join account ' || quote(NEW.account_id) || ': no account has that id'
        WHEN a.merged_into IS NOT NULL
            THEN 'merged_account: account ' || a.id || ' was merged into account ' || a.merged_into || '; link lead ' || coalesce(nullif(NEW.id, -1), 'new') || ' to ' || a.merged_into
        WHEN a.erased_at IS NOT NULL
            THEN 'erased_account: account ' || a.id || ' was erased at ' || a.erased_at || '; lead ' || coalesce(nullif(NEW.id, -1), 'new') || ' cannot join it'
        END, json_object('lead', nullif(NEW.id, -1), 'account', NEW.account_id)))
      FROM (SELECT 1) LEFT JOIN accounts AS a ON a.id = NEW.account_id;
END;

-- Internal: an account whose people are all erased (at least one; none left who is not) forgets its
-- domain and name, and so do the accounts merged into it: they may name an erased person. Called by an
-- erasure (95_privacy.sql) and when a lead leaves an account (below).
CREATE VIEW _account_forget(account_id, applies) AS SELECT NULL, NULL WHERE 0;

CREATE TRIGGER _account_forget_insert INSTEAD OF INSERT ON _account_forget
WHEN NEW.applies
BEGIN
    -- (and the names of its deals, which may name them too)
    UPDATE deals SET name = NULL
     WHERE account_id = NEW.account_id AND name IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM lead_records AS l WHERE l.account_id = NEW.account_id AND l.erased_at IS NULL)
       AND EXISTS (SELECT 1 FROM lead_records AS l WHERE l.account_id = NEW.account_id AND l.erased_at IS NOT NULL);
    UPDATE accounts SET domain = NULL, name = NULL, erased_at = (SELECT now FROM clock)
     WHERE (id = NEW.account_id OR merged_into = NEW.account_id) AND erased_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM lead_records AS l WHERE l.account_id = NEW.account_id AND l.erased_at IS NULL)
       AND EXISTS (SELECT 1 FROM lead_records AS l WHERE l.account_id = NEW.account_id AND l.erased_at IS NOT NULL);
    -- (and its tasks, whose notes may name them: the open ones cancelled, 88_tasks.sql)
    UPDATE tasks
       SET note = NULL, outcome = CASE WHEN done_at IS NULL OR outcome = 'cancelled' THEN 'cancelled' END, done_at = coalesce(done_at, (SELECT now FROM clock))
     WHERE account_id IN (SELECT id FROM accounts WHERE (id = NEW.account_id OR merged_into = NEW.account_id) AND erased_at IS NOT NULL)
       AND (done_at IS NULL OR note IS NOT NULL OR outcome IS NOT 'cancelled' AND outcome IS NOT NULL);
END;

CREATE TRIGGER lead_records_after_update_account_left AFTER UPDATE OF account_id ON lead_records
WHEN OLD.account_id IS NOT NULL AND NEW.account_id IS NOT OLD.account_id
BEGIN
    INSERT INTO _account_forget(account_id, applies) VALUES (OLD.account_id, 1);
END;

-- Merging: INSERT INTO account_merges(kept_id, merged_id).
CREATE TRIGGER account_merges_before_insert BEFORE INSERT ON account_merges
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM account_merges), 0) + 1
            THEN 'append_only: account merges are numbered in order by SQLite; a merge is INSERT INTO account_merges(kept_id, merged_id)'
        WHEN NEW.leads IS NOT NULL OR NEW.merged_at IS NOT NULL
            THEN 'maintained: account_merges.leads and merged_at are written by the merge'
        WHEN k.id IS NULL THEN 'unknown_account: no account has id ' || quote(NEW.kept_id) || ' (kept_id)'
        WHEN m.id IS NULL THEN 'unknown_account: no account has id ' || quote(NEW.merged_id) || ' (merged_id)'
        WHEN k.id = m.id THEN 'invalid_merge: account ' || k.id || ' cannot be merged into itself'
        WHEN k.merged_into IS NOT NULL THEN 'merged_account: account ' || k.id || ' was merged into account ' || k.merged_into || '; merge into ' || k.merged_into
        WHEN m.merged_into IS NOT NULL THEN 'merged_account: account ' || m.id || ' was already merged into account ' || m.merged_into
        WHEN k.erased_at IS NOT NULL THEN 'erased_account: account ' || k.id || ' was erased at ' || k.erased_at
        WHEN m.erased_at IS NOT NULL THEN 'erased_account: account ' || m.id || ' was erased at ' || m.erased_at
        END, json_object('kept', NEW.kept_id, 'merged', NEW.merged_id)))
      FROM (SELECT 1)
      LEFT JOIN accounts AS k ON k.id = NEW.kept_id
      LEFT JOIN accounts AS m ON m.id = NEW.merged_id;
END;

CREATE TRIGGER account_merges_after_insert AFTER INSERT ON account_merges
BEGIN
    -- (the merge records how many leads it moves; until it has its time, it is the merge under way)
    UPDATE account_merges SET leads = (SELECT count(*) FROM lead_records WHERE account_id = NEW.merged_id) WHERE id = NEW.id;
    -- (its deals first, so the kept account's first won deal is among them: 34_deals.sql)
    UPDATE deals SET account_id = NEW.kept_id WHERE account_id = NEW.merged_id;
    -- The kept account fills what it lacks from the merged one (an owner only if active).
    UPDATE accounts
       SET name = coalesce(accounts.name, m.name), industry = coalesce(accounts.industry, m.industry),
           company_size = coalesce(accounts.company_size, m.company_size), country = coalesce(accounts.country, m.country),
           owner_id = coalesce(accounts.owner_id, (SELECT r.id FROM reps AS r WHERE r.id = m.owner_id AND r.active = 1)),
           mql_at = coalesce(accounts.mql_at, m.mql_at),
           customer_since = (SELECT min(d.closed_at) FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
                              WHERE d.account_id = NEW.kept_id AND s.outcome = 'won')
      FROM accounts AS m
     WHERE accounts.id = NEW.kept_id AND m.id = NEW.merged_id;
    -- (the merge is the newest and has no time yet: accounts_before_update_maintained lets it set merged_into)
    UPDATE accounts SET merged_into = NEW.kept_id WHERE id = NEW.merged_id OR merged_into = NEW.merged_id;
    UPDATE lead_records SET account_id = NEW.kept_id WHERE account_id = NEW.merged_id;
    -- (and its tasks: 88_tasks.sql)
    UPDATE tasks SET account_id = NEW.kept_id WHERE account_id = NEW.merged_id;
    UPDATE account_merges SET merged_at = (SELECT now FROM clock) WHERE id = NEW.id;
END;

CREATE TRIGGER account_merges_before_update BEFORE UPDATE ON account_merges
WHEN OLD.merged_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.kept_id IS NOT OLD.kept_id OR NEW.merged_id IS NOT OLD.merged_id
BEGIN
    SELECT RAISE(ABORT, 'append_only: account merges are history and cannot be changed');
END;

CREATE TRIGGER account_merges_before_delete BEFORE DELETE ON account_merges
BEGIN
    SELECT RAISE(ABORT, 'append_only: account merges are history and cannot be deleted');
END;

-- Each account's score (accounts neither merged nor erased): its people who are not erased, the best
-- fit among them, the sum of their current engagement, and both added (to 6 decimal places, as a lead's
-- score). Read for one account, it reads that account's people only.
CREATE VIEW account_scores AS
SELECT a.id AS account_id, json_extract(s.value, '$[0]') AS people, coalesce(json_extract(s.value, '$[1]'), 0.0) AS fit,
       round(json_extract(s.value, '$[2]'), 6) + 0.0 AS engagement,
       round(coalesce(json_extract(s.value, '$[1]'), 0.0) + json_extract(s.value, '$[2]'), 6) + 0.0 AS score
  FROM accounts AS a
  -- (through json_each, so the people are read once per account however often the values are)
  JOIN json_each(json_array((SELECT json_array(count(*), max(l.fit_score), total(l.engagement)) FROM leads AS l
                              WHERE l.account_id = a.id AND l.erased_at IS NULL))) AS s
 WHERE a.merged_into IS NULL AND a.erased_at IS NULL;

-- Internal: after an activity with points on a lead of an account (50_activities.sql), the account's
-- score is compared with account.mql_threshold: reaching it (for the first time, or from below: the
-- score without this activity's points, decayed to now, was under it) sends the notice. A bulk capture
-- (65_imports.sql) writes a stretch of new leads before it looks at each: `upto` (the lead's id) leaves
-- out the later ones, so each is looked at as one capture after another would find it.
CREATE VIEW _account_mql(lead_id, activity_id, applies, upto) AS SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER _account_mql_insert INSTEAD OF INSERT ON _account_mql
WHEN NEW.applies
BEGIN
    -- The account's kept score (migration 0022), brought up to this activity: one added up from its
    -- people (up to NEW.upto) when it is not kept (kept_at NULL) or a rule change is rescoring leads
    -- (then it is not kept either); else this activity's points added at their time, as a lead's
    -- engagement takes them (50_activities.sql), and the lead's fit to the best.
    UPDATE accounts
       SET kept_fit = CASE WHEN accounts.kept_at IS NULL OR EXISTS (SELECT 1 FROM _rescoring WHERE next_id <= last_id)
                           THEN (SELECT coalesce(max(m.fit_score), 0.0) FROM leads AS m
                                  WHERE m.account_id = accounts.id AND m.erased_at IS NULL AND m.id <= coalesce(NEW.upto, m.id))
                           ELSE max(coalesce(accounts.kept_fit, 0.0), (SELECT sc.fit_score FROM lead_scores AS sc WHERE sc.lead_id = NEW.lead_id)) END,
           kept_engagement = CASE WHEN accounts.kept_at IS NULL OR EXISTS (SELECT 1 FROM _rescoring WHERE next_id <= last_id)
                                  THEN (SELECT total(m.engagement) FROM leads AS m
                                         WHERE m.account_id = accounts.id AND m.erased_at IS NULL AND m.id <= coalesce(NEW.upto, m.id))
                                  WHEN x.occurred_at >= accounts.kept_at
                                  THEN accounts.kept_engagement * pow(0.5, (julianday(x.occurred_at) - julianday(accounts.kept_at)) / h.days) + x.points
                                  ELSE accounts.kept_engagement + x.points * pow(0.5, (julianday(accounts.kept_at) - julianday(x.occurred_at)) / h.days) END,
           kept_at = CASE WHEN EXISTS (SELECT 1 FROM _rescoring WHERE next_id <= last_id) THEN NULL
                          WHEN accounts.kept_at IS NULL THEN (SELECT now FROM clock)
                          WHEN x.occurred_at > accounts.kept_at THEN x.occurred_at ELSE accounts.kept_at END
      FROM activity_log AS x, (SELECT CAST(value AS REAL) AS days FROM settings WHERE key = 'score.half_life_days') AS h
     WHERE accounts.id = (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) AND x.id = NEW.activity_id;

    -- Reaching the threshold (for the first time, or from below: the score without this activity's
    -- points, decayed to now, was under it) sends the notice; points taken away send none.
    INSERT INTO _account_mql_notice(account_id, lead_id, score)
    SELECT a.id, NEW.lead_id, s.score
      FROM lead_records AS l
      JOIN accounts AS a ON a.id = l.account_id
      JOIN activity_log AS x ON x.id = NEW.activity_id
      JOIN (SELECT round(a2.kept_fit + a2.kept_engagement
                         * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(coalesce(a2.kept_at, (SELECT now FROM clock))))
                               / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')), 6) AS score
              FROM accounts AS a2 WHERE a2.id = (SELECT account_id FROM lead_records WHERE id = NEW.lead_id)) AS s
      -- (a customer's threshold is expansion.threshold: 34_deals.sql)
      JOIN (SELECT CAST(value AS REAL) AS v FROM settings
             WHERE key = CASE WHEN (SELECT customer_since FROM accounts WHERE id = (SELECT account_id FROM lead_records WHERE id = NEW.lead_id)) IS NULL
                              THEN 'account.mql_threshold' ELSE 'expansion.threshold' END) AS t
     WHERE l.id = NEW.lead_id AND x.points > 0
       AND s.score >= t.v - 1e-6
       AND (a.mql_at IS NULL
            OR s.score - x.points * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(x.occurred_at))
                                              / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')) < t.v - 1e-6);
END;

-- What the kept score cannot follow one point at a time sets it back to be added up at the next check:
-- a lead leaving or joining an account with a score of its own (a capture's new lead has none yet), an
-- erasure, a change of a person's fit, a new half-life (10_settings.sql), a repair (99_checks.sql).
CREATE TRIGGER lead_records_after_update_account_kept AFTER UPDATE OF account_id, erased_at ON lead_records
WHEN NEW.account_id IS NOT OLD.account_id OR NEW.erased_at IS NOT OLD.erased_at
BEGIN
    UPDATE accounts SET kept_at = NULL WHERE kept_at IS NOT NULL AND id = OLD.account_id;
    -- (a lead that joins with no engagement yet, as a capture's does, brings only its fit, which its
    -- form submission's check takes: unless that scores nothing, nothing is written here)
    UPDATE accounts
       SET kept_at = CASE WHEN (SELECT sc.engagement_at FROM lead_scores AS sc WHERE sc.lead_id = NEW.id) IS NOT NULL THEN NULL ELSE kept_at END,
           kept_fit = max(kept_fit, coalesce((SELECT sc.fit_score FROM lead_scores AS sc WHERE sc.lead_id = NEW.id), kept_fit))
     WHERE kept_at IS NOT NULL AND id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
       AND ((SELECT sc.engagement_at FROM lead_scores AS sc WHERE sc.lead_id = NEW.id) IS NOT NULL
            OR (SELECT points FROM activity_kinds WHERE kind = 'form_submit') <= 0
            OR (SELECT sc.fit_score FROM lead_scores AS sc WHERE sc.lead_id = NEW.id) > kept_fit AND (SELECT count(*) FROM activity_log WHERE lead_id = NEW.id) > 0);
END;

CREATE TRIGGER lead_scores_after_update_fit_account_kept AFTER UPDATE OF fit_score ON lead_scores
WHEN NEW.fit_score IS NOT OLD.fit_score
BEGIN
    UPDATE accounts SET kept_at = NULL
     WHERE kept_at IS NOT NULL AND id = (SELECT account_id FROM lead_records WHERE id = NEW.lead_id);
END;

CREATE VIEW _account_mql_notice AS SELECT NULL AS account_id, NULL AS lead_id, NULL AS score WHERE 0;

CREATE TRIGGER _account_mql_notice_instead_of_insert INSTEAD OF INSERT ON _account_mql_notice
BEGIN
    -- (to the account's owner while active, else the lead's owner)
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT CASE WHEN a.customer_since IS NULL THEN 'account_mql' ELSE 'expansion_signal' END, NEW.lead_id,
           coalesce((SELECT r.id FROM reps AS r WHERE r.id = a.owner_id AND r.active = 1), (SELECT owner_id FROM lead_records WHERE id = NEW.lead_id)),
           json_object('account_id', a.id, 'score', NEW.score, 'lead_id', NEW.lead_id),
           (SELECT now FROM clock)
      FROM accounts AS a WHERE a.id = NEW.account_id;
    UPDATE accounts SET mql_at = (SELECT now FROM clock) WHERE id = NEW.account_id;
END;

-- A person's role in a buying committee, from their title (committee_rules: the first rule, by priority
-- then id, one of whose words or phrases is a whole word of the title, ignoring case and punctuation).
CREATE VIEW committee_members AS
SELECT l.id AS lead_id, l.account_id,
       (SELECT r.role
          FROM committee_rules AS r,
               json_each(CASE WHEN json_valid(r.words) AND json_type(r.words) = 'array' THEN r.words ELSE json_array(r.words) END) AS w,
               word_pattern AS p
         WHERE p.arg = json_array(CAST(w.value AS TEXT)) AND trim(w.value) <> ''
           AND ' ' || lower(l.title) || ' ' GLOB p.pattern
         ORDER BY r.priority, r.id
         LIMIT 1) AS role
  FROM lead_records AS l
 WHERE l.account_id IS NOT NULL AND l.erased_at IS NULL;

-- Each account's buying committee: one row per person (role NULL when no title rule gives one), and one
-- row per role nobody fills (lead_id NULL, missing = 1), in the roles' order.
CREATE VIEW buying_committee AS
SELECT m.account_id, m.role, cr.position, cr.label, m.lead_id,
       nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), '') AS name,
       l.title, l.stage, l.score, 0 AS missing
  FROM committee_members AS m
  JOIN leads AS l ON l.id = m.lead_id
  LEFT JOIN committee_roles AS cr ON cr.role = m.role
UNION ALL
SELECT a.id, cr.role, cr.position, cr.label, NULL, NULL, NULL, NULL, NULL, 1
  FROM accounts AS a, committee_roles AS cr
 WHERE a.merged_into IS NULL AND a.erased_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM committee_members AS m WHERE m.account_id = a.id AND m.role = cr.role);

-- One row per account (not merged, not erased): who it is, its owner, its people by stage, its score
-- (account_scores), its won leads and revenue, its last activity.
CREATE VIEW account_overview AS
SELECT a.id AS account_id, a.domain, a.name, a.industry, a.company_size, a.country, a.owner_id, r.name AS owner,
       s.people,
       (SELECT json_group_object(stage, n) FROM (
           SELECT l.stage, count(*) AS n FROM lead_records AS l JOIN stages AS st ON st.name = l.stage
            WHERE l.account_id = a.id AND l.erased_at IS NULL GROUP BY l.stage ORDER BY min(st.position))) AS stages,
       s.fit, s.engagement, s.score,
       (SELECT count(*) FROM lead_records AS l JOIN stages AS st ON st.name = l.stage
         WHERE l.account_id = a.id AND st.outcome IS NULL AND l.erased_at IS NULL) AS open_leads,
       (SELECT count(*) FROM lead_records AS l JOIN stages AS st ON st.name = l.stage
         WHERE l.account_id = a.id AND st.outcome = 'won') AS won_leads,
       -- (deals: 34_deals.sql)
       (SELECT count(*) FROM deals AS d WHERE d.account_id = a.id AND d.closed_at IS NULL) AS open_deals,
       (SELECT total(d.amount) FROM deals AS d WHERE d.account_id = a.id AND d.closed_at IS NULL) AS pipeline,
       (SELECT total(d.amount) FROM deals AS d JOIN deal_stages AS ds ON ds.name = d.stage
         WHERE d.account_id = a.id AND ds.outcome = 'won') AS won_revenue,
       a.customer_since,
       (SELECT max(sc.last_activity_at) FROM lead_records AS l JOIN lead_scores AS sc ON sc.lead_id = l.id
         WHERE l.account_id = a.id) AS last_activity_at,
       a.mql_at, a.created_at
  FROM accounts AS a
  LEFT JOIN reps AS r ON r.id = a.owner_id
  JOIN account_scores AS s ON s.account_id = a.id;

-- Committee roles and rules are configuration: a role in use is not renamed away from its rules or
-- deleted; a rule names a role that exists and gives words as a JSON array of text (or one word).
CREATE TRIGGER committee_rules_after_insert_check AFTER INSERT ON committee_rules
BEGIN
    INSERT INTO _committee_rule_check(id) VALUES (NEW.id);
END;

CREATE TRIGGER committee_rules_after_update_check AFTER UPDATE ON committee_rules
BEGIN
    INSERT INTO _committee_rule_check(id) VALUES (NEW.id);
END;

CREATE VIEW _committee_rule_check AS SELECT NULL AS id WHERE 0;

CREATE TRIGGER _committee_rule_check_instead_of_insert INSTEAD OF INSERT ON _committee_rule_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NOT EXISTS (SELECT 1 FROM committee_roles AS cr WHERE cr.role = r.role)
            THEN 'invalid_config: committee rule ' || r.id || ' names role ' || quote(r.role) || ', which is not in committee_roles (roles: '
                 || (SELECT group_concat(role, ', ') FROM (SELECT role FROM committee_roles ORDER BY position)) || ')'
        WHEN typeof(r.words) <> 'text' OR trim(r.words) = ''
             OR (json_valid(r.words) AND json_type(r.words) NOT IN ('array', 'text', 'integer', 'real'))
             OR (json_valid(r.words) AND json_type(r.words) = 'array'
                 AND (json_array_length(r.words) = 0
                      OR EXISTS (SELECT 1 FROM json_each(r.words) AS w WHERE w.type <> 'text' OR trim(w.value) = '')))
            THEN 'invalid_config: committee_rules.words of rule ' || r.id || ' must be a word or phrase, or a JSON array of them; got ' || quote(r.words)
        WHEN typeof(r.priority) <> 'integer'
            THEN 'invalid_config: committee_rules.priority of rule ' || r.id || ' must be a whole number; got ' || quote(r.priority)
        WHEN r.id < 1 OR r.id > 1000000000000
            THEN 'invalid_config: a committee rule''s id is a whole number from 1 to 10^12; leave it out and SQLite numbers it (got ' || r.id || ')'
        END))
      FROM committee_rules AS r WHERE r.id = NEW.id;
END;

CREATE TRIGGER committee_roles_before_update BEFORE UPDATE OF role ON committee_roles
WHEN NEW.role IS NOT OLD.role AND EXISTS (SELECT 1 FROM committee_roles WHERE role = NEW.role)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: committee role ' || NEW.role || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER committee_roles_after_update AFTER UPDATE OF role ON committee_roles
WHEN NEW.role IS NOT OLD.role
BEGIN
    UPDATE committee_rules SET role = NEW.role WHERE role = OLD.role;
END;

CREATE TRIGGER committee_roles_after_update_check AFTER UPDATE OF role, position, label ON committee_roles
WHEN NOT (typeof(NEW.role) = 'text' AND NEW.role GLOB '[a-z]*' AND NEW.role NOT GLOB '*[^a-z0-9_]*' AND length(NEW.role) <= 64)
  OR typeof(NEW.position) <> 'integer'
  OR NEW.label GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' OR instr(NEW.label, char(0))
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: a committee role is lower-case letters, digits and _ (starting with a letter), with a whole-number position and a label of one printable line; got '
        || quote(NEW.role) || ', ' || quote(NEW.position) || ', ' || quote(NEW.label)));
END;

CREATE TRIGGER committee_roles_before_insert BEFORE INSERT ON committee_roles
WHEN EXISTS (SELECT 1 FROM committee_roles WHERE role = NEW.role)
  OR NOT (typeof(NEW.role) = 'text' AND NEW.role GLOB '[a-z]*' AND NEW.role NOT GLOB '*[^a-z0-9_]*' AND length(NEW.role) <= 64)
  OR typeof(NEW.position) <> 'integer'
  OR NEW.label GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' OR instr(NEW.label, char(0))
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(CASE WHEN EXISTS (SELECT 1 FROM committee_roles WHERE role = NEW.role)
        THEN 'already_exists: committee role ' || NEW.role || ' exists; update it instead'
        ELSE 'invalid_config: a committee role is lower-case letters, digits and _ (starting with a letter), with a whole-number position and a label of one printable line; got '
             || quote(NEW.role) || ', ' || quote(NEW.position) || ', ' || quote(NEW.label) END));
END;

CREATE TRIGGER committee_roles_before_delete BEFORE DELETE ON committee_roles
WHEN EXISTS (SELECT 1 FROM committee_rules WHERE role = OLD.role)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: committee role ' || OLD.role || ' has title rules; delete or change them first'));
END;

CREATE TRIGGER committee_rules_before_insert_no_replace BEFORE INSERT ON committee_rules
WHEN NEW.id <> -1 AND EXISTS (SELECT 1 FROM committee_rules WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: committee rule ' || NEW.id || ' exists; update it instead'));
END;

CREATE TRIGGER committee_rules_before_update_id_no_replace BEFORE UPDATE OF id ON committee_rules
WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM committee_rules WHERE id = NEW.id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: committee rule ' || NEW.id || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;
