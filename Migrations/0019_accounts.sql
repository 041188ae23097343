-- 0019_accounts: companies. An account is a company keyed by its web domain (lower case, no www.); a
-- lead belongs to at most one (lead_records.account_id). A capture whose email domain is not a free-mail
-- domain joins that domain's account, made on first sight (Schema/32_accounts.sql). Filled here from the
-- leads so far: one account per company domain, named and described by its earliest lead, owned by the
-- owner of its first assigned lead.

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    -- NULL only once every person of the account was erased (the domain may name one of them)
    domain       TEXT UNIQUE,
    name         TEXT,
    industry     TEXT,
    company_size INTEGER,
    country      TEXT,
    owner_id     INTEGER REFERENCES reps(id),
    created_at   TEXT,
    -- set when the account was merged into another (its leads moved there; a capture of its domain joins that one)
    merged_into  INTEGER REFERENCES accounts(id),
    -- when the account_mql notice was last sent (the account's score reached account.mql_threshold)
    mql_at       TEXT,
    erased_at    TEXT
);
CREATE INDEX accounts_merged_into ON accounts(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX accounts_owner ON accounts(owner_id) WHERE owner_id IS NOT NULL;

ALTER TABLE lead_records ADD COLUMN account_id INTEGER REFERENCES accounts(id);
CREATE INDEX lead_records_account ON lead_records(account_id) WHERE account_id IS NOT NULL;

-- The merges: INSERT INTO account_merges(kept_id, merged_id) merges two accounts (its trigger does the
-- work, and records how many leads it moved and when); the rows are their history.
CREATE TABLE account_merges (
    id        INTEGER PRIMARY KEY,
    kept_id   INTEGER NOT NULL REFERENCES accounts(id),
    merged_id INTEGER NOT NULL REFERENCES accounts(id),
    leads     INTEGER,
    merged_at TEXT
);

-- The buying committee's roles, in the order a seller fills them, and the title rules that give a
-- person a role: the first rule (lowest priority, then id) one of whose words or phrases is a whole
-- word of the person's title.
CREATE TABLE committee_roles (
    role     TEXT PRIMARY KEY CHECK (role <> ''),
    position INTEGER NOT NULL,
    label    TEXT
) WITHOUT ROWID;
INSERT INTO committee_roles(role, position, label) VALUES
    ('decision_maker', 1, 'Decision maker'),
    ('champion', 2, 'Champion'),
    ('influencer', 3, 'Influencer'),
    ('user', 4, 'User');

CREATE TABLE committee_rules (
    id       INTEGER PRIMARY KEY,
    role     TEXT NOT NULL REFERENCES committee_roles(role) ON UPDATE CASCADE,
    words    TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 100
);
INSERT INTO committee_rules(role, words, priority) VALUES
    ('decision_maker', '["chief", "ceo", "cfo", "cto", "coo", "cio", "cmo", "cro", "president", "founder", "co-founder", "owner", "vp", "svp", "evp", "managing director", "general manager", "partner"]', 10),
    ('champion', '["director", "head of", "manager", "lead"]', 20),
    ('influencer', '["architect", "analyst", "consultant", "engineer", "specialist", "advisor", "scientist", "developer"]', 30),
    ('user', '["coordinator", "associate", "assistant", "representative", "administrator", "agent", "executive", "intern", "operator", "officer"]', 40);

INSERT INTO settings(key, value, description) VALUES
    ('routing.by_account', 1, 'When 1, a new lead of an account whose owner is active with room goes to that owner; 0 routes every lead by the rules'),
    ('account.mql_threshold', 150, 'An account whose score (its best fit plus its people''s engagement) reaches this sends account_mql to its owner');

-- An assignment may now be made by account ownership.
CREATE TABLE assignments_0019 (
    id              INTEGER PRIMARY KEY,
    lead_id         INTEGER NOT NULL REFERENCES lead_records(id),
    rep_id          INTEGER REFERENCES reps(id),
    previous_rep_id INTEGER REFERENCES reps(id),
    team            TEXT,
    rule_id         INTEGER,
    method          TEXT NOT NULL CHECK (method IN ('round_robin', 'load_balanced', 'manual', 'account')),
    reason          TEXT NOT NULL,
    assigned_at     TEXT NOT NULL
);
INSERT INTO assignments_0019 SELECT id, lead_id, rep_id, previous_rep_id, team, rule_id, method, reason, assigned_at FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_0019 RENAME TO assignments;
CREATE INDEX assignments_lead ON assignments(lead_id, id);

-- The accounts of the leads so far.
CREATE TEMP TABLE _lead_domains AS
SELECT l.id AS lead_id, substr(l.email, instr(l.email, '@') + 1) AS domain
  FROM lead_records AS l
 WHERE l.email IS NOT NULL AND l.erased_at IS NULL AND instr(l.email, '@') > 0;
UPDATE _lead_domains SET domain = substr(domain, 5) WHERE domain GLOB 'www.?*.?*';
DELETE FROM _lead_domains WHERE domain IN (SELECT domain FROM free_email_domains) OR domain NOT GLOB '?*.?*';
CREATE INDEX temp._lead_domains_domain ON _lead_domains(domain, lead_id);

INSERT INTO accounts(domain, name, industry, company_size, country, created_at)
SELECT d.domain,
       (SELECT l.company FROM _lead_domains AS x JOIN lead_records AS l ON l.id = x.lead_id WHERE x.domain = d.domain AND l.company IS NOT NULL ORDER BY x.lead_id LIMIT 1),
       (SELECT l.industry FROM _lead_domains AS x JOIN lead_records AS l ON l.id = x.lead_id WHERE x.domain = d.domain AND l.industry IS NOT NULL ORDER BY x.lead_id LIMIT 1),
       (SELECT l.company_size FROM _lead_domains AS x JOIN lead_records AS l ON l.id = x.lead_id WHERE x.domain = d.domain AND l.company_size IS NOT NULL ORDER BY x.lead_id LIMIT 1),
       (SELECT l.country FROM _lead_domains AS x JOIN lead_records AS l ON l.id = x.lead_id WHERE x.domain = d.domain AND l.country IS NOT NULL ORDER BY x.lead_id LIMIT 1),
       (SELECT min(l.created_at) FROM _lead_domains AS x JOIN lead_records AS l ON l.id = x.lead_id WHERE x.domain = d.domain)
  FROM (SELECT DISTINCT domain FROM _lead_domains) AS d
 ORDER BY 6, 1;

UPDATE lead_records SET account_id = (SELECT a.id FROM _lead_domains AS x JOIN accounts AS a ON a.domain = x.domain WHERE x.lead_id = lead_records.id)
 WHERE id IN (SELECT lead_id FROM _lead_domains);

UPDATE accounts
   SET owner_id = (SELECT s.rep_id FROM assignments AS s JOIN lead_records AS l ON l.id = s.lead_id
                    WHERE l.account_id = accounts.id AND s.rep_id IS NOT NULL ORDER BY s.id LIMIT 1);

DROP TABLE temp._lead_domains;
