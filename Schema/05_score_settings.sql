-- The numbers every scoring rule reads, in one row: now (from the clock) and the numeric settings,
-- read as numbers whether they were written as text or as numbers.
CREATE VIEW score_settings AS
SELECT c.now,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days') AS half_life_days,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold') AS mql_threshold,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.hot_threshold') AS hot_threshold
  FROM clock AS c;
