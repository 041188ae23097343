-- 0026_field_history: the changes of a lead's fields, who or what made them and when (Schema/31_field_history.sql).
CREATE TABLE field_history (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES lead_records(id),
    field      TEXT NOT NULL,
    old_value,
    new_value,
    changed_at TEXT NOT NULL,
    -- who or what: a name given with the change (UPDATE leads SET ..., changed_by = 'Ana'), 'capture',
    -- 'sql' for a change through leads that named nobody, NULL for one written to lead_records directly
    changed_by TEXT
);
CREATE INDEX field_history_lead ON field_history(lead_id, id);

-- Who is changing a lead, while a change through leads or a capture is under way (empty between statements).
CREATE TABLE _field_history_actor (
    lead_id    INTEGER PRIMARY KEY,
    changed_by TEXT NOT NULL
);
