-- 0018_report_stays: what the funnel, velocity and forecast reports read (Schema/97_reports.sql), kept
-- by the rules as leads are captured and moved, so a report reads a few hundred rows however many leads
-- and moves there are. A stay is a lead's time in one stage: from its capture (in the stage its first
-- move leaves) or a move (stage_history) to its next move. Erased leads' stays are kept: stages and times
-- are facts, not personal data. Filled here from the leads and moves so far.
--
-- stage_stay_paths: the stays by the month they began (YYYY-MM, UTC) and stage, and the stages entered
-- after them (`later`, a JSON array of distinct names in order of name): whether a stay went on to a
-- later stage or a win is read from it with the stages as they are configured when the report is read.
CREATE TABLE stage_stay_paths (
    month TEXT NOT NULL,
    stage TEXT NOT NULL,
    later TEXT NOT NULL,
    stays INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, stage, later)
) WITHOUT ROWID;

-- stage_stay_days: the stays that ended, by stage and length in days, rounded to hundredths (a stay the
-- clock was moved back over lasted 0 days).
CREATE TABLE stage_stay_days (
    stage TEXT NOT NULL,
    days  REAL NOT NULL,
    stays INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (stage, days)
) WITHOUT ROWID;

-- stage_win_days: the stays a win followed, by stage and the days from entering the stage to the first
-- win at or after it (a stay in a won stage: 0), rounded to hundredths (never below 0).
CREATE TABLE stage_win_days (
    stage TEXT NOT NULL,
    days  REAL NOT NULL,
    stays INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (stage, days)
) WITHOUT ROWID;

CREATE TEMP TABLE _stays AS
SELECT l.id AS lead_id, 0 AS seq,
       coalesce((SELECT h.from_stage FROM stage_history AS h WHERE h.lead_id = l.id ORDER BY h.id LIMIT 1), l.stage) AS stage,
       l.created_at AS entered_at
  FROM lead_records AS l
UNION ALL
SELECT h.lead_id, h.id, h.to_stage, h.changed_at FROM stage_history AS h;

CREATE INDEX temp._stays_lead ON _stays(lead_id, seq);

INSERT INTO stage_stay_paths(month, stage, later, stays)
SELECT substr(s.entered_at, 1, 7), s.stage,
       (SELECT json_group_array(stage) FROM (SELECT DISTINCT h.to_stage AS stage FROM stage_history AS h
                                              WHERE h.lead_id = s.lead_id AND h.id > s.seq ORDER BY 1)),
       count(*)
  FROM _stays AS s
 GROUP BY 1, 2, 3;

INSERT INTO stage_stay_days(stage, days, stays)
SELECT stage, days, count(*)
  FROM (SELECT s.stage,
               round(max(0, julianday((SELECT n.entered_at FROM _stays AS n WHERE n.lead_id = s.lead_id AND n.seq > s.seq ORDER BY n.seq LIMIT 1))
                     - julianday(s.entered_at)), 2) AS days
          FROM _stays AS s)
 WHERE days IS NOT NULL
 GROUP BY 1, 2;

INSERT INTO stage_win_days(stage, days, stays)
SELECT stage, days, count(*)
  FROM (SELECT s.stage,
               round(max(0, julianday((SELECT w.entered_at FROM _stays AS w JOIN stages AS ws ON ws.name = w.stage
                                 WHERE w.lead_id = s.lead_id AND w.seq >= s.seq AND ws.outcome = 'won' ORDER BY w.seq LIMIT 1))
                     - julianday(s.entered_at)), 2) AS days
          FROM _stays AS s)
 WHERE days IS NOT NULL
 GROUP BY 1, 2;

DROP TABLE temp._stays;
