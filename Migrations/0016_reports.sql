-- 0016_reports: the data the reports read besides the leads (Schema/97_reports.sql).

-- What a campaign cost, for cost per won deal in source_performance. `name` is the campaign as leads and
-- activities carry it.
CREATE TABLE campaigns (
    name       TEXT PRIMARY KEY CHECK (name <> ''),
    source     TEXT,
    cost       NUMERIC CHECK (cost IS NULL OR (typeof(cost) IN ('integer', 'real') AND cost >= 0 AND cost < 1e15)),
    started_on TEXT,
    ended_on   TEXT
) WITHOUT ROWID;

-- How long an open lead may sit in a stage with no activity before it is stalled (stalled_leads): in
-- days. A stage without a row is never stalled.
CREATE TABLE stall_limits (
    stage TEXT PRIMARY KEY REFERENCES stages(name) ON UPDATE CASCADE,
    days  NUMERIC NOT NULL CHECK (typeof(days) IN ('integer', 'real') AND days > 0 AND days <= 3650)
) WITHOUT ROWID;

INSERT INTO stall_limits(stage, days)
SELECT name, CASE name WHEN 'new' THEN 2 WHEN 'contacted' THEN 7 WHEN 'nurturing' THEN 30 WHEN 'mql' THEN 5
                       WHEN 'sql' THEN 10 WHEN 'opportunity' THEN 21 END
  FROM stages WHERE name IN ('new', 'contacted', 'nurturing', 'mql', 'sql', 'opportunity');

CREATE INDEX stage_history_stage ON stage_history(to_stage, lead_id);
