-- The numbers scoring reads, in one row for the reads that want them together (score_breakdown and
-- hot_leads, 70_reads.sql): now (from the clock) and the numeric settings, read as numbers whether they
-- were written as text or as numbers. The triggers on hot paths read the one setting they need with
-- (SELECT CAST(value AS REAL) FROM settings WHERE key = ...), which SQLite computes once per
-- statement; a join with this view there would be materialised on every write (see 30_leads.sql).
--
-- The decay, the one definition: points worth v at time t are worth v * 0.5 ^ (days from t to T /
-- score.half_life_days) at a later time T; read before a lead's anchor (a clock set back), they count
-- at the anchor's value, never more. It is written out where it is computed, because a view called
-- per lead would cost every read and every activity: the `leads` view (30_leads.sql, twice: a stored
-- anchor, and a lead waiting to be rescored), the activity's anchor move (50_activities.sql, twice:
-- forwards, and a backfill decayed to the anchor), engagement_recomputed (15_rescoring.sql),
-- score_breakdown (70_reads.sql) and the engagement invariant (99_checks.sql). Each place is marked
-- "(the decay: 05_score_settings.sql)" (one mark may stand over the two copies of one statement);
-- ScoringTests.theDecayIsTheSameWhereverItIsComputed checks that they agree.
CREATE VIEW score_settings AS
SELECT c.now,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days') AS half_life_days,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold') AS mql_threshold,
       (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.hot_threshold') AS hot_threshold
  FROM clock AS c;
