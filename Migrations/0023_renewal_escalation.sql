-- 0023_renewal_escalation: a renewal deal left unanswered past its response_due_at is escalated once, on
-- a tick, to its owner's manager (Schema/96_ticks.sql), as a lead's SLA is. A renewal is answered when it
-- moves (a deal_history row with a from_stage) or when someone touches its contact outbound since it
-- was opened (renewal_responses, Schema/34_deals.sql).
--
-- A run per renewal that fell due: 'notified' (the manager was told) or 'answered' (it had been answered
-- when the tick looked, late or not). History: never changed or deleted.
CREATE TABLE renewal_escalations (
    id              INTEGER PRIMARY KEY,
    deal_id         INTEGER NOT NULL REFERENCES deals(id),
    tick_id         INTEGER NOT NULL,
    response_due_at TEXT NOT NULL,
    owner_id        INTEGER REFERENCES reps(id),
    manager_id      INTEGER REFERENCES reps(id),
    status          TEXT NOT NULL CHECK (status IN ('notified', 'answered')),
    answered_at     TEXT,
    ran_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX renewal_escalations_deal ON renewal_escalations(deal_id);
CREATE INDEX renewal_escalations_tick ON renewal_escalations(tick_id);

-- (open renewals by deadline: a tick looks at the ones that fell due, not at every deal)
CREATE INDEX deals_response_due ON deals(response_due_at) WHERE response_due_at IS NOT NULL AND closed_at IS NULL;
