-- 0010_lazy_rescoring: a changed fit rule, free-mail domain or half-life no longer rescores every lead
-- in the transaction that changes it (seconds of write lock at a million leads). The change records
-- the range of lead ids it left to rescore; reads compute those leads' scores from the rules and the
-- activities (exact at once), and each tick rescores the next tick.batch of them (Schema/45_rescoring.sql).
CREATE TABLE _rescoring (
    kind    TEXT PRIMARY KEY CHECK (kind IN ('fit', 'engagement')),
    -- the leads with next_id <= id <= last_id may hold a stale stored value
    next_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    -- when the change was made: engagement is re-anchored there, as if every lead had been rescored then
    since   TEXT NOT NULL
) WITHOUT ROWID;
