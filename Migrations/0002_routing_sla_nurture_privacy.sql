-- 0002_routing_sla_nurture_privacy: routing and assignment, response SLAs and escalation, nurture
-- sequences, erasure, and the stage counts behind the funnel. Behaviour is in Schema/ (40_stages.sql,
-- 80_routing.sql to 97_reports.sql).

INSERT INTO settings(key, value, description) VALUES
    ('sla.due_soon_minutes', 60, 'sla_due_soon lists leads whose response is due within this many minutes');

-- Routing rules, lowest priority number first. A NULL condition matches anything; a text condition may
-- be a JSON array of accepted values (case-insensitive). No rule matching means team `default`.
CREATE TABLE routing_rules (
    id               INTEGER PRIMARY KEY,
    priority         INTEGER NOT NULL DEFAULT 100,
    team             TEXT NOT NULL REFERENCES teams(name) ON UPDATE CASCADE,
    country          TEXT,
    industry         TEXT,
    source           TEXT,
    min_company_size INTEGER,
    max_company_size INTEGER,
    description      TEXT
);

CREATE INDEX routing_rules_priority ON routing_rules(priority, id);

-- Every change of a lead's owner, automatic or by hand: who, why, when. rep_id NULL: unassigned by hand.
CREATE TABLE assignments (
    id              INTEGER PRIMARY KEY,
    lead_id         INTEGER NOT NULL REFERENCES lead_records(id),
    rep_id          INTEGER REFERENCES reps(id),
    previous_rep_id INTEGER REFERENCES reps(id),
    team            TEXT,
    rule_id         INTEGER,
    method          TEXT NOT NULL CHECK (method IN ('round_robin', 'load_balanced', 'manual')),
    reason          TEXT NOT NULL,
    assigned_at     TEXT NOT NULL
);

CREATE INDEX assignments_lead ON assignments(lead_id, id);

-- Ask for a lead to be routed: INSERT INTO routing_requests(lead_id, reason). The work happens in a
-- trigger and no row is kept (the outcome is in assignments, or the outbox when no rep is free).
CREATE TABLE routing_requests (
    lead_id INTEGER NOT NULL,
    reason  TEXT
);

-- Response SLAs: the first matching policy by priority (min_score and source NULL = any) gives an
-- assigned lead its response_due_at, in business hours when the policy says so.
CREATE TABLE sla_policies (
    id               INTEGER PRIMARY KEY,
    priority         INTEGER NOT NULL DEFAULT 100,
    name             TEXT NOT NULL,
    min_score        REAL,
    source           TEXT,
    response_minutes INTEGER NOT NULL CHECK (response_minutes > 0),
    business_hours   INTEGER NOT NULL DEFAULT 0 CHECK (business_hours IN (0, 1))
);

INSERT INTO sla_policies(priority, name, min_score, source, response_minutes, business_hours) VALUES
    (10, 'hot: 1 hour', 70, NULL, 60, 0),
    (100, 'standard: 24 hours', NULL, NULL, 1440, 0);

-- Opening hours per weekday (0 = Sunday), UTC, HH:MM. A weekday without a row is closed.
CREATE TABLE business_hours (
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens   TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
    closes  TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]'),
    PRIMARY KEY (weekday, opens),
    CHECK (opens < closes)
) WITHOUT ROWID;

INSERT INTO business_hours(weekday, opens, closes) VALUES
    (1, '09:00', '17:00'), (2, '09:00', '17:00'), (3, '09:00', '17:00'), (4, '09:00', '17:00'), (5, '09:00', '17:00');

CREATE TABLE holidays (
    day  TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name TEXT
) WITHOUT ROWID;

-- Escalation steps for breached SLAs, run by ticks once per lead, step and assignment.
CREATE TABLE sla_escalations (
    id              INTEGER PRIMARY KEY,
    minutes_overdue INTEGER NOT NULL CHECK (minutes_overdue >= 0),
    action          TEXT NOT NULL CHECK (action IN ('notify_manager', 'reassign'))
);

INSERT INTO sla_escalations(minutes_overdue, action) VALUES (30, 'notify_manager'), (240, 'reassign');

CREATE TABLE sla_escalation_runs (
    id            INTEGER PRIMARY KEY,
    tick_id       INTEGER NOT NULL,
    lead_id       INTEGER NOT NULL,
    escalation_id INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL,
    action        TEXT NOT NULL,
    ran_at        TEXT NOT NULL,
    UNIQUE (lead_id, escalation_id, assignment_id)
);

CREATE INDEX sla_escalation_runs_tick ON sla_escalation_runs(tick_id);

-- INSERT INTO ticks DEFAULT VALUES runs the rules that depend on time passing.
CREATE TABLE ticks (
    id        INTEGER PRIMARY KEY,
    ticked_at TEXT
);

-- Nurture sequences: a lead entering nurturing is enrolled in the first sequence (by priority) whose
-- source and industry match (NULL = any), else the default one.
CREATE TABLE nurture_sequences (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    priority   INTEGER NOT NULL DEFAULT 100,
    source     TEXT,
    industry   TEXT,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);

CREATE TABLE nurture_steps (
    sequence_id INTEGER NOT NULL REFERENCES nurture_sequences(id),
    position    INTEGER NOT NULL CHECK (position >= 1),
    delay_days  REAL NOT NULL CHECK (delay_days >= 0),
    subject     TEXT NOT NULL,
    PRIMARY KEY (sequence_id, position)
) WITHOUT ROWID;

INSERT INTO nurture_sequences(id, name, priority, is_default) VALUES (1, 'default', 1000, 1);
INSERT INTO nurture_steps(sequence_id, position, delay_days, subject) VALUES
    (1, 1, 1, 'Getting the most out of your trial'),
    (1, 2, 4, 'How teams like yours use us'),
    (1, 3, 7, 'Anything we can help with?');

CREATE TABLE nurture_enrollments (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES lead_records(id),
    sequence_id INTEGER NOT NULL REFERENCES nurture_sequences(id),
    next_step   INTEGER,
    next_due_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended')),
    end_reason  TEXT,
    enrolled_at TEXT NOT NULL,
    ended_at    TEXT
);

CREATE INDEX nurture_enrollments_due ON nurture_enrollments(next_due_at) WHERE status = 'active';
CREATE INDEX nurture_enrollments_lead ON nurture_enrollments(lead_id);

-- Erasure: INSERT INTO erasures(lead_id) scrubs the person's data and suppresses the email by hash.
CREATE TABLE erasures (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL,
    email_hash TEXT,
    erased_at  TEXT
);

CREATE TABLE suppressed_emails (
    email_hash    TEXT PRIMARY KEY,
    suppressed_at TEXT NOT NULL
) WITHOUT ROWID;

-- Powers for the email hash (a polynomial hash modulo two primes below 2^31, computed with SQLite's
-- integer arithmetic: no function needs to be registered). n covers the 254 characters of an email.
CREATE TABLE _hash_powers (
    n  INTEGER PRIMARY KEY,
    p1 INTEGER NOT NULL,
    p2 INTEGER NOT NULL
);

WITH RECURSIVE powers(n, p1, p2) AS (
    SELECT 0, 1, 1
    UNION ALL
    SELECT n + 1, (p1 * 1000003) % 2147483647, (p2 * 999983) % 2147483629 FROM powers WHERE n < 253
)
INSERT INTO _hash_powers(n, p1, p2) SELECT n, p1, p2 FROM powers;

-- Days ahead, for business-hours deadlines (a deadline further than a year of closed days is an error).
CREATE TABLE _days (n INTEGER PRIMARY KEY);

WITH RECURSIVE days(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM days WHERE n < 400)
INSERT INTO _days(n) SELECT n FROM days;

-- SLA breaches and due-soon lists read only unanswered, open, assigned leads.
CREATE INDEX lead_records_response_due ON lead_records(response_due_at)
    WHERE first_response_at IS NULL AND closed_at IS NULL AND response_due_at IS NOT NULL;

CREATE INDEX lead_records_unassigned ON lead_records(created_at)
    WHERE owner_id IS NULL AND closed_at IS NULL AND erased_at IS NULL;

-- How many leads are in each stage now, kept by the stage rules so the funnel never counts a million rows.
CREATE TABLE stage_counts (
    stage TEXT PRIMARY KEY,
    leads INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO stage_counts(stage, leads)
SELECT s.name, (SELECT count(*) FROM lead_records l WHERE l.stage = s.name) FROM stages AS s;
