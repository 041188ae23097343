-- 0015_restore_marker: a restore under way. `leads restore` (LeadDatabase.restore) writes this row in the
-- transaction in which it reads the erasures to apply again, and the restored file does not have it:
-- an erasure written meanwhile is refused (`restoring`) instead of being lost when the file is replaced.
-- A restore that was killed leaves the row; `leads check` names it, and deleting it lets erasures in.
CREATE TABLE _restore (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    backup     TEXT NOT NULL,
    started_at TEXT NOT NULL
);
