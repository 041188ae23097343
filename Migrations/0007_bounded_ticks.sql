-- 0007_bounded_ticks: a tick does at most tick.batch items of each kind of due work (SLA escalation
-- steps, retried reassignments, nurture messages, search entries) in its own transaction, so the write
-- lock is never held for long however much fell due; it records whether it left work for the next
-- tick. Behaviour is in Schema/96_ticks.sql.
INSERT INTO settings(key, value, description) VALUES
    ('tick.batch', 500, 'The most items of each kind of due work one tick does; the rest waits for the next tick');

ALTER TABLE ticks ADD COLUMN more_due INTEGER NOT NULL DEFAULT 0 CHECK (more_due IN (0, 1));
