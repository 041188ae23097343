-- 0025_outbox_delivery: a delivery protocol for the programs that send the outbox (Schema/94_outbox.sql).
-- A sender claims a batch in one statement, marks each message delivered or failed; a failed message
-- is retried later, with a wait that doubles, until outbox.max_attempts; a claim older than
-- outbox.claim_seconds may be taken by another sender. outbox_kinds says which kinds are written at all.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN retry_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
-- when the last attempt allowed failed: the message is given up (outbox_failed lists it)
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
CREATE INDEX outbox_given_up ON outbox(failed_at) WHERE failed_at IS NOT NULL;

INSERT INTO settings(key, value, description) VALUES
    ('outbox.claim_seconds', 300, 'A sender''s claim on outbox messages lasts this long; after it, another sender may claim them'),
    ('outbox.retry_seconds', 60, 'A failed outbox message is retried after this many seconds, twice as long after each further failure (at most a day)'),
    ('outbox.max_attempts', 8, 'An outbox message that failed this many times is given up (outbox_failed)');

-- The kinds of notification, and whether each is written (enabled = 0: never written).
CREATE TABLE outbox_kinds (
    kind        TEXT PRIMARY KEY CHECK (kind <> ''),
    enabled     INTEGER NOT NULL DEFAULT 1,
    recipient   TEXT,
    description TEXT
) WITHOUT ROWID;
INSERT INTO outbox_kinds(kind, recipient, description) VALUES
    ('lead_mql', 'the lead''s owner', 'A lead reached mql'),
    ('lead_unassigned', 'nobody (rep_id NULL): the team''s dispatcher', 'Routing found no rep for a lead'),
    ('lead_assigned', 'the new owner', 'A lead was assigned to a rep'),
    ('lead_hot', 'the lead''s owner', 'An owned lead''s score reached score.hot_threshold'),
    ('lead_reengaged', 'the lead''s owner, else nobody', 'A lost or won lead was active again'),
    ('sla_escalation', 'the owner''s manager', 'A response deadline was missed'),
    ('sla_reassign_waiting', 'the owner''s manager', 'An escalation found nobody to take a lead'),
    ('nurture_email', 'the lead (an email to send)', 'A nurture step fell due'),
    ('account_mql', 'the account''s owner, else the lead''s', 'An account''s score reached account.mql_threshold'),
    ('expansion_signal', 'the account''s owner, else the lead''s', 'A customer''s score reached expansion.threshold'),
    ('renewal_due', 'the renewal''s owner', 'A renewal deal was opened'),
    ('renewal_overdue', 'the owner''s manager', 'A renewal was left unanswered past its deadline'),
    ('task_due', 'the task''s owner', 'A task fell due');
