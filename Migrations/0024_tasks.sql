-- 0024_tasks: a rep's tasks and reminders (Schema/88_tasks.sql). A task is work to do about a lead (or
-- an account or a deal): a call, an email, a meeting or anything else, owned by a rep, due at a time.
-- Completing a call, email or meeting task logs its outbound activity, so it counts as the lead's
-- response. Task rules, kept as data, make the next task after a stage move or an activity.

-- What a task of each kind logs on the lead when it is completed (NULL: nothing).
CREATE TABLE task_kinds (
    kind          TEXT PRIMARY KEY CHECK (kind <> ''),
    activity_kind TEXT REFERENCES activity_kinds(kind) ON UPDATE CASCADE,
    description   TEXT
) WITHOUT ROWID;
INSERT INTO task_kinds(kind, activity_kind, description) VALUES
    ('call', 'call', 'Call the person'),
    ('email', 'email_sent', 'Write to the person'),
    ('meeting', 'meeting', 'Meet the person'),
    ('todo', NULL, 'Anything else');

-- After a lead's move into after_stage, or an activity of kind after_activity (one of the two), a task of
-- `kind` due delay_minutes later (counted in business hours when business_hours = 1), for the lead's
-- owner, unless the lead has an open task of that kind already.
CREATE TABLE task_rules (
    id             INTEGER PRIMARY KEY,
    after_stage    TEXT,
    after_activity TEXT,
    kind           TEXT NOT NULL DEFAULT 'call',
    delay_minutes  INTEGER NOT NULL DEFAULT 0,
    business_hours INTEGER NOT NULL DEFAULT 1,
    note           TEXT,
    active         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_rules_stage ON task_rules(after_stage) WHERE after_stage IS NOT NULL;
CREATE INDEX task_rules_activity ON task_rules(after_activity) WHERE after_activity IS NOT NULL;
INSERT INTO task_rules(after_stage, after_activity, kind, delay_minutes, business_hours, note) VALUES
    -- (two business days of the shipped 09:00 to 17:00 hours)
    ('contacted', NULL, 'call', 960, 1, 'Follow-up call'),
    (NULL, 'demo_request', 'call', 60, 1, 'Call about the demo request'),
    -- (after a call, the next one: completing a call task schedules the next)
    (NULL, 'call', 'call', 960, 1, 'Follow-up call');

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER REFERENCES lead_records(id),
    account_id  INTEGER REFERENCES accounts(id),
    deal_id     INTEGER REFERENCES deals(id),
    owner_id    INTEGER REFERENCES reps(id),
    kind        TEXT NOT NULL DEFAULT 'todo',
    due_at      TEXT,
    note        TEXT,
    -- the task rule that made it (NULL: made by hand)
    rule_id     INTEGER REFERENCES task_rules(id),
    created_at  TEXT,
    -- completed: when, how it went (free text, one line; 'cancelled' logs nothing), and the activity it logged
    done_at     TEXT,
    outcome     TEXT,
    activity_id INTEGER REFERENCES activity_log(id),
    -- when the owner was told it fell due (task_due)
    notified_at TEXT
);
CREATE INDEX tasks_lead_open ON tasks(lead_id, kind) WHERE done_at IS NULL;
CREATE INDEX tasks_owner_open ON tasks(owner_id, due_at) WHERE done_at IS NULL;
CREATE INDEX tasks_due_notice ON tasks(due_at) WHERE done_at IS NULL AND notified_at IS NULL;
CREATE INDEX tasks_lead ON tasks(lead_id) WHERE lead_id IS NOT NULL;
