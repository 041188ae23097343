-- 0001_initial: the lead records and the configuration tables.
--
-- Behaviour (views and triggers) lives in Schema/. Rules must hold for a connection with SQLite's
-- defaults (foreign_keys off), so every reference that matters is also checked by a trigger there;
-- the REFERENCES clauses below document the model and protect connections that enable foreign keys.

-- Settings: one row per key. NUMERIC affinity stores '40' written from the sqlite3 shell as 40.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       NUMERIC,
    description TEXT
) WITHOUT ROWID;

INSERT INTO settings(key, value, description) VALUES
    ('clock.now', NULL, 'When set (UTC ISO-8601), every rule uses this time as now; NULL uses the real time'),
    ('score.mql_threshold', 50, 'A score at or above this moves an early-stage lead to mql'),
    ('score.half_life_days', 30, 'Engagement points lose half their value every this many days'),
    ('score.hot_threshold', 70, 'A score at or above this counts as hot (hot SLA policies, reports)'),
    ('routing.assign_at', 'capture', 'When a lead is routed to a rep: capture or mql');

-- Lifecycle stages. A stage is data: its place in the funnel, whether it ends the lead's life
-- (outcome won or lost) and what a lead needs to enter it.
CREATE TABLE stages (
    name                 TEXT PRIMARY KEY CHECK (name <> '' AND name = lower(trim(name))),
    position             INTEGER NOT NULL,
    outcome              TEXT CHECK (outcome IN ('won', 'lost')),
    requires_amount      INTEGER NOT NULL DEFAULT 0 CHECK (requires_amount IN (0, 1)),
    requires_lost_reason INTEGER NOT NULL DEFAULT 0 CHECK (requires_lost_reason IN (0, 1)),
    requires_owner       INTEGER NOT NULL DEFAULT 0 CHECK (requires_owner IN (0, 1)),
    qualifies_to_mql     INTEGER NOT NULL DEFAULT 0 CHECK (qualifies_to_mql IN (0, 1)),
    description          TEXT
) WITHOUT ROWID;

INSERT INTO stages(name, position, outcome, requires_amount, requires_lost_reason, requires_owner, qualifies_to_mql, description) VALUES
    ('new',          10, NULL,   0, 0, 0, 1, 'Captured, not yet worked'),
    ('contacted',    20, NULL,   0, 0, 0, 1, 'A rep has reached out'),
    ('nurturing',    30, NULL,   0, 0, 0, 1, 'Not ready yet: in a nurture sequence'),
    ('mql',          40, NULL,   0, 0, 0, 0, 'Marketing qualified: the score reached the threshold'),
    ('sql',          50, NULL,   0, 0, 1, 0, 'Sales qualified: accepted by a rep'),
    ('opportunity',  60, NULL,   1, 0, 1, 0, 'A deal with an amount'),
    ('customer',     70, 'won',  0, 0, 0, 0, 'Won'),
    ('disqualified', 80, 'lost', 0, 1, 0, 0, 'Lost, with a reason; can be recycled into nurturing');

CREATE TABLE stage_transitions (
    from_stage TEXT NOT NULL REFERENCES stages(name) ON UPDATE CASCADE,
    to_stage   TEXT NOT NULL REFERENCES stages(name) ON UPDATE CASCADE,
    PRIMARY KEY (from_stage, to_stage),
    CHECK (from_stage <> to_stage)
) WITHOUT ROWID;

INSERT INTO stage_transitions(from_stage, to_stage) VALUES
    ('new', 'contacted'), ('new', 'nurturing'), ('new', 'mql'), ('new', 'disqualified'),
    ('contacted', 'nurturing'), ('contacted', 'mql'), ('contacted', 'sql'), ('contacted', 'disqualified'),
    ('nurturing', 'contacted'), ('nurturing', 'mql'), ('nurturing', 'sql'), ('nurturing', 'disqualified'),
    ('mql', 'contacted'), ('mql', 'sql'), ('mql', 'nurturing'), ('mql', 'disqualified'),
    ('sql', 'opportunity'), ('sql', 'nurturing'), ('sql', 'disqualified'),
    ('opportunity', 'customer'), ('opportunity', 'nurturing'), ('opportunity', 'disqualified'),
    ('disqualified', 'nurturing');

CREATE TABLE lost_reasons (
    reason      TEXT PRIMARY KEY CHECK (reason <> ''),
    description TEXT
) WITHOUT ROWID;

INSERT INTO lost_reasons(reason, description) VALUES
    ('no_budget', 'No budget'),
    ('no_need', 'No need for the product'),
    ('no_authority', 'Not a decision maker'),
    ('bad_timing', 'Not now'),
    ('competitor', 'Chose a competitor'),
    ('unresponsive', 'Never answered'),
    ('invalid_data', 'Contact data is wrong'),
    ('duplicate', 'Duplicate of another lead'),
    ('spam', 'Not a real lead');

-- What a lead or a rep can do. Points feed the engagement score (inbound only); outbound kinds are a
-- rep's touches and count as the first response for the SLA. ends_nurture stops a nurture enrollment.
CREATE TABLE activity_kinds (
    kind         TEXT PRIMARY KEY CHECK (kind <> '' AND kind = lower(trim(kind))),
    points       REAL NOT NULL DEFAULT 0,
    direction    TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    ends_nurture INTEGER NOT NULL DEFAULT 0 CHECK (ends_nurture IN (0, 1)),
    description  TEXT
) WITHOUT ROWID;

INSERT INTO activity_kinds(kind, points, direction, ends_nurture, description) VALUES
    ('email_open',         1,  'inbound',  0, 'Opened an email'),
    ('email_click',        3,  'inbound',  0, 'Clicked a link in an email'),
    ('page_view',          1,  'inbound',  0, 'Viewed a page'),
    ('pricing_page_view',  10, 'inbound',  0, 'Viewed the pricing page'),
    ('content_download',   8,  'inbound',  0, 'Downloaded content'),
    ('form_submit',        10, 'inbound',  0, 'Submitted a form (every capture logs one)'),
    ('webinar_attended',   12, 'inbound',  0, 'Attended a webinar'),
    ('email_reply',        15, 'inbound',  1, 'Replied to an email'),
    ('demo_request',       30, 'inbound',  1, 'Asked for a demo'),
    ('unsubscribe',        -25, 'inbound', 1, 'Unsubscribed'),
    ('email_bounce',       -10, 'inbound', 1, 'An email bounced'),
    ('call',               0,  'outbound', 0, 'A rep called'),
    ('email_sent',         0,  'outbound', 0, 'A rep sent a personal email'),
    ('meeting',            0,  'outbound', 1, 'A meeting took place');

-- Fit rules: points for a lead attribute. attribute is a column of leads; operator one of
-- = != contains >= <= in free_email (value is a JSON array for `in`, ignored for free_email).
CREATE TABLE fit_rules (
    id          INTEGER PRIMARY KEY,
    attribute   TEXT NOT NULL CHECK (attribute IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title',
                    'industry', 'company_size', 'country', 'source', 'campaign')),
    operator    TEXT NOT NULL CHECK (operator IN ('=', '!=', 'contains', '>=', '<=', 'in', 'free_email')),
    value       TEXT,
    points      REAL NOT NULL,
    description TEXT,
    -- Maintained by Schema/20_fit.sql: for `in`, the accepted values lower-cased between char(31)
    -- separators, so a match is one instr() instead of parsing the JSON for every lead.
    match_list  TEXT,
    CHECK (operator <> 'in' OR (json_valid(value) AND json_type(value) = 'array')),
    CHECK (operator = 'free_email' OR value IS NOT NULL)
);

INSERT INTO fit_rules(attribute, operator, value, points, description) VALUES
    ('title', 'in', '["ceo","cto","cfo","coo","cmo","cro","founder","co-founder","owner","president"]', 20, 'C-level or founder'),
    ('title', 'contains', 'chief', 20, 'Chief ... officer'),
    ('title', 'contains', 'vp', 15, 'Vice president'),
    ('title', 'contains', 'vice president', 15, 'Vice president'),
    ('title', 'contains', 'head of', 12, 'Head of a function'),
    ('title', 'contains', 'director', 10, 'Director'),
    ('title', 'contains', 'manager', 5, 'Manager'),
    ('title', 'contains', 'intern', -10, 'Intern'),
    ('title', 'contains', 'student', -10, 'Student'),
    ('company_size', '>=', '200', 10, 'Mid-market or larger'),
    ('company_size', '>=', '1000', 10, 'Enterprise (adds to mid-market)'),
    ('industry', 'in', '["software","saas","technology","fintech","financial services"]', 10, 'Target industry'),
    ('country', 'in', '["us","usa","united states","gb","uk","united kingdom","de","germany","ca","canada","fr","france","nl","netherlands"]', 5, 'Core market'),
    ('source', 'in', '["referral","partner","demo_request"]', 10, 'High-intent source'),
    ('email', 'free_email', NULL, -10, 'Free-mail address');

UPDATE fit_rules SET match_list = (SELECT char(31) || group_concat(lower(value), char(31)) || char(31) FROM json_each(fit_rules.value))
 WHERE operator = 'in';

-- Free-mail providers, for the free_email operator.
CREATE TABLE free_email_domains (
    domain TEXT PRIMARY KEY CHECK (domain = lower(trim(domain)))
) WITHOUT ROWID;

INSERT INTO free_email_domains(domain) VALUES
    ('gmail.com'), ('googlemail.com'), ('yahoo.com'), ('yahoo.co.uk'), ('yahoo.fr'), ('yahoo.de'), ('ymail.com'),
    ('hotmail.com'), ('hotmail.co.uk'), ('hotmail.fr'), ('hotmail.de'), ('outlook.com'), ('live.com'), ('msn.com'),
    ('aol.com'), ('icloud.com'), ('me.com'), ('mac.com'), ('proton.me'), ('protonmail.com'), ('pm.me'),
    ('gmx.com'), ('gmx.de'), ('gmx.net'), ('web.de'), ('mail.com'), ('zoho.com'), ('yandex.com'), ('yandex.ru'),
    ('mail.ru'), ('qq.com'), ('163.com'), ('126.com'), ('fastmail.com'), ('tutanota.com'), ('hey.com'),
    ('orange.fr'), ('free.fr'), ('laposte.net'), ('libero.it'), ('t-online.de'), ('comcast.net'), ('verizon.net');

-- Teams and reps (routing uses them; see Schema/ for the rules).
CREATE TABLE teams (
    name   TEXT PRIMARY KEY CHECK (name <> ''),
    method TEXT NOT NULL DEFAULT 'round_robin' CHECK (method IN ('round_robin', 'load_balanced'))
) WITHOUT ROWID;

INSERT INTO teams(name, method) VALUES ('default', 'round_robin');

CREATE TABLE reps (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (name <> ''),
    email            TEXT UNIQUE,
    team             TEXT NOT NULL DEFAULT 'default' REFERENCES teams(name) ON UPDATE CASCADE,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    capacity         INTEGER NOT NULL DEFAULT 100 CHECK (capacity >= 0),
    manager_id       INTEGER REFERENCES reps(id),
    open_leads       INTEGER NOT NULL DEFAULT 0,
    last_assigned_at TEXT
);

CREATE INDEX reps_team ON reps(team, active);

-- The leads as stored. Programs read them through the `leads` view, which adds the current score, and
-- write them through `lead_intake` (capture) and `UPDATE leads` (stage, owner, attributes).
CREATE TABLE lead_records (
    id                INTEGER PRIMARY KEY,
    email             TEXT UNIQUE,
    first_name        TEXT,
    last_name         TEXT,
    phone             TEXT,
    company           TEXT,
    title             TEXT,
    industry          TEXT,
    company_size      INTEGER,
    country           TEXT,
    source            TEXT,
    campaign          TEXT,
    stage             TEXT NOT NULL DEFAULT 'new' REFERENCES stages(name) ON UPDATE CASCADE,
    owner_id          INTEGER REFERENCES reps(id),
    amount            NUMERIC,
    lost_reason       TEXT REFERENCES lost_reasons(reason) ON UPDATE CASCADE,
    consent           INTEGER CHECK (consent IN (0, 1)),
    consent_source    TEXT,
    consent_at        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    assigned_at       TEXT,
    response_due_at   TEXT,
    first_response_at TEXT,
    sla_met           INTEGER CHECK (sla_met IN (0, 1)),
    converted_at      TEXT,
    closed_at         TEXT,
    erased_at         TEXT
);

-- Open leads of one rep (hot leads, workload) without touching closed ones.
CREATE INDEX lead_records_owner_open ON lead_records(owner_id) WHERE closed_at IS NULL;
CREATE INDEX lead_records_phone ON lead_records(phone) WHERE phone IS NOT NULL;

-- The scoring state of each lead, one row per lead, kept apart from the wide lead row because it
-- changes on every scored activity: a narrow row is several times cheaper to rewrite.
--
-- Engagement is stored as a value at an anchor time: `engagement` points as of `engagement_at`. The
-- current engagement is engagement * 0.5 ^ ((now - engagement_at) / half_life), exact at any moment,
-- and logging an activity only moves the anchor, whatever the lead's history.
CREATE TABLE lead_scores (
    lead_id          INTEGER PRIMARY KEY REFERENCES lead_records(id),
    fit_score        REAL NOT NULL DEFAULT 0,
    engagement       REAL NOT NULL DEFAULT 0,
    engagement_at    TEXT,
    last_activity_at TEXT
);

-- Activities as stored. Programs insert through the `activities` view, which fills the time from the
-- clock and the points from activity_kinds (a snapshot: later changes to a kind's points do not rewrite
-- history). points is the engagement the activity added when it occurred (0 for outbound touches).
CREATE TABLE activity_log (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES lead_records(id),
    kind        TEXT NOT NULL REFERENCES activity_kinds(kind) ON UPDATE CASCADE,
    occurred_at TEXT NOT NULL,
    campaign    TEXT,
    source      TEXT,
    detail      TEXT,
    points      REAL NOT NULL DEFAULT 0
);

CREATE INDEX activity_log_lead ON activity_log(lead_id, occurred_at);

CREATE TABLE stage_history (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES lead_records(id),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE INDEX stage_history_lead ON stage_history(lead_id, id);

-- Notifications and messages for other programs to deliver; the database sends nothing itself.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    lead_id      INTEGER,
    rep_id       INTEGER,
    payload      TEXT CHECK (payload IS NULL OR json_valid(payload)),
    created_at   TEXT NOT NULL,
    delivered_at TEXT
);

CREATE INDEX outbox_pending ON outbox(id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_lead ON outbox(lead_id);
