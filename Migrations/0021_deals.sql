-- 0021_deals: deals, the sales a team makes to an account (Schema/34_deals.sql). A lead that reaches
-- opportunity opens a new_business deal; winning it makes the lead a customer and its account a
-- customer; a customer account opens further deals (upsell, cross_sell) and, before a subscription
-- ends, a renewal. Filled here from the leads so far: an open deal for each lead in an open stage
-- that needs an amount (opportunity), a won one for each won lead with an amount.

-- The deal pipeline, as data (like stages): an outcome of won or lost closes a deal; `probability`
-- (0 to 1) weighs an open deal's amount in forecasts.
CREATE TABLE deal_stages (
    name        TEXT PRIMARY KEY CHECK (name <> ''),
    position    INTEGER NOT NULL,
    outcome     TEXT CHECK (outcome IN ('won', 'lost')),
    probability REAL,
    description TEXT
) WITHOUT ROWID;
INSERT INTO deal_stages(name, position, outcome, probability, description) VALUES
    ('qualification', 10, NULL, 0.2, 'Need, budget and people confirmed'),
    ('proposal', 20, NULL, 0.4, 'A proposal or quote is out'),
    ('negotiation', 30, NULL, 0.7, 'Terms under discussion'),
    ('won', 40, 'won', 1.0, 'Signed'),
    ('lost', 50, 'lost', 0.0, 'Lost, with a reason');

-- The moves a deal may make: any open stage to any other stage; a lost deal back to qualification.
CREATE TABLE deal_transitions (
    from_stage TEXT NOT NULL REFERENCES deal_stages(name) ON UPDATE CASCADE,
    to_stage   TEXT NOT NULL REFERENCES deal_stages(name) ON UPDATE CASCADE,
    PRIMARY KEY (from_stage, to_stage)
) WITHOUT ROWID;
INSERT INTO deal_transitions(from_stage, to_stage)
SELECT f.name, t.name FROM deal_stages AS f, deal_stages AS t WHERE f.outcome IS NULL AND f.name <> t.name
UNION ALL
SELECT 'lost', 'qualification';

-- What a lost new-business deal does to its lead: disqualified (the default) or back to nurturing.
ALTER TABLE lost_reasons ADD COLUMN lead_stage TEXT NOT NULL DEFAULT 'disqualified';
UPDATE lost_reasons SET lead_stage = 'nurturing' WHERE reason IN ('bad_timing', 'no_budget', 'unresponsive');

CREATE TABLE deals (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER REFERENCES accounts(id),
    -- the primary contact
    lead_id           INTEGER REFERENCES lead_records(id),
    owner_id          INTEGER REFERENCES reps(id),
    kind              TEXT NOT NULL DEFAULT 'new_business',
    name              TEXT,
    amount            NUMERIC,
    stage             TEXT NOT NULL DEFAULT 'qualification',
    lost_reason       TEXT,
    -- days (YYYY-MM-DD)
    expected_close_on TEXT,
    contract_start    TEXT,
    contract_end      TEXT,
    -- the won deal a renewal renews
    renewal_of        INTEGER REFERENCES deals(id),
    -- a renewal's response deadline (renewal.response_days after it is opened)
    response_due_at   TEXT,
    created_at        TEXT,
    updated_at        TEXT,
    closed_at         TEXT
);
CREATE INDEX deals_account ON deals(account_id) WHERE account_id IS NOT NULL;
CREATE INDEX deals_lead ON deals(lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX deals_owner_open ON deals(owner_id) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX deals_renewal_of ON deals(renewal_of) WHERE renewal_of IS NOT NULL;
-- (won subscriptions by the end of their contract: a tick opens their renewals)
CREATE INDEX deals_contract_end ON deals(contract_end) WHERE contract_end IS NOT NULL;

CREATE TABLE deal_history (
    id          INTEGER PRIMARY KEY,
    deal_id     INTEGER NOT NULL REFERENCES deals(id),
    from_stage  TEXT,
    to_stage    TEXT NOT NULL,
    amount      NUMERIC,
    lost_reason TEXT,
    changed_at  TEXT NOT NULL
);
CREATE INDEX deal_history_deal ON deal_history(deal_id, id);

ALTER TABLE accounts ADD COLUMN customer_since TEXT;

INSERT INTO settings(key, value, description) VALUES
    ('renewal.notice_days', 60, 'A won subscription deal''s renewal deal is opened this many days before its contract ends'),
    ('renewal.response_days', 5, 'A renewal deal''s owner answers it within this many days (renewals_due shows the deadline)'),
    ('expansion.threshold', 100, 'A customer account whose score reaches this sends expansion_signal to its owner');

-- The deals of the leads so far.
INSERT INTO deals(account_id, lead_id, owner_id, kind, amount, stage, created_at, updated_at)
SELECT l.account_id, l.id, l.owner_id, 'new_business', l.amount, 'qualification', coalesce(l.updated_at, l.created_at), coalesce(l.updated_at, l.created_at)
  FROM lead_records AS l JOIN stages AS s ON s.name = l.stage
 WHERE s.outcome IS NULL AND s.requires_amount = 1 AND l.erased_at IS NULL
 ORDER BY l.id;
INSERT INTO deals(account_id, lead_id, owner_id, kind, amount, stage, created_at, updated_at, closed_at)
SELECT l.account_id, l.id, l.owner_id, 'new_business', l.amount, 'won',
       coalesce(l.converted_at, l.closed_at, l.updated_at), coalesce(l.converted_at, l.closed_at, l.updated_at), coalesce(l.converted_at, l.closed_at, l.updated_at)
  FROM lead_records AS l JOIN stages AS s ON s.name = l.stage
 WHERE s.outcome = 'won' AND l.amount IS NOT NULL
 ORDER BY l.id;
INSERT INTO deal_history(deal_id, from_stage, to_stage, amount, changed_at)
SELECT id, NULL, stage, amount, created_at FROM deals ORDER BY id;
UPDATE accounts SET customer_since = (SELECT min(d.closed_at) FROM deals AS d WHERE d.account_id = accounts.id AND d.stage = 'won')
 WHERE id IN (SELECT account_id FROM deals WHERE stage = 'won');
