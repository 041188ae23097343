-- Rescoring after a rule change, bounded per transaction.
--
-- A fit rule added, changed or removed, a free-mail domain added or removed, or a new
-- score.half_life_days changes the score of every lead. Rescoring them all at once would hold the write
-- lock for as long as that takes (seconds at a million leads), so a change records the range of lead ids
-- whose stored value may be stale in _rescoring (a row per kind: fit, engagement), rescores the first
-- tick.batch of them at once, and leaves the rest to ticks, tick.batch leads per tick.
--
-- Nothing reads a stale value meanwhile: `leads` (30_leads.sql) computes the fit of a lead in the range
-- from fit_matches and its engagement from its activities, as the rescore will store it. Automatic
-- consequences of a higher fit (a move to mql) happen when the lead is rescored, by the change itself
-- or by the next ticks; ticks.more_due says while leads are left.

-- INSERT INTO lead_rescore(leads) VALUES (N): rescores the next N leads left by a change, of each kind.
-- SELECT leads FROM lead_rescore: how many leads wait (at most; 0 when none).
CREATE VIEW lead_rescore AS SELECT coalesce(max(last_id - next_id + 1), 0) AS leads FROM _rescoring;

CREATE TRIGGER lead_rescore_instead_of_insert INSTEAD OF INSERT ON lead_rescore
BEGIN
    -- (moving next_id on rescores the leads it passes: _rescoring_after_update below)
    UPDATE _rescoring SET next_id = min(next_id + max(coalesce(CAST(NEW.leads AS INTEGER), 0), 0), last_id + 1);
    DELETE FROM _rescoring WHERE next_id > last_id;
END;

-- The leads a change left, from next_id on, are rescored by whoever moves next_id past them: the
-- work cannot be skipped.
CREATE TRIGGER _rescoring_after_update_fit AFTER UPDATE OF next_id ON _rescoring
WHEN NEW.kind = 'fit' AND NEW.next_id > OLD.next_id
BEGIN
    UPDATE lead_scores SET fit_score = f.fit_score
      FROM fit_recomputed AS f
     WHERE f.lead_id = lead_scores.lead_id AND lead_scores.fit_score IS NOT f.fit_score
       AND f.lead_id >= OLD.next_id AND f.lead_id < NEW.next_id;
END;

CREATE TRIGGER _rescoring_after_update_engagement AFTER UPDATE OF next_id ON _rescoring
WHEN NEW.kind = 'engagement' AND NEW.next_id > OLD.next_id
BEGIN
    UPDATE lead_scores SET engagement = e.engagement, engagement_at = e.engagement_at
      FROM engagement_recomputed AS e
     WHERE e.lead_id = lead_scores.lead_id AND e.lead_id >= OLD.next_id AND e.lead_id < NEW.next_id;
END;

-- A change restarts the range at the first lead (every lead's value changes) and rescores the first
-- tick.batch leads at once: a small file is rescored completely by the change.
CREATE VIEW _rescoring_start AS SELECT NULL AS kind WHERE 0;

CREATE TRIGGER _rescoring_start_instead_of_insert INSTEAD OF INSERT ON _rescoring_start
BEGIN
    INSERT INTO _rescoring(kind, next_id, last_id, since)
    VALUES (NEW.kind, 1, coalesce((SELECT max(id) FROM lead_records), 0), (SELECT now FROM clock))
    ON CONFLICT (kind) DO UPDATE SET next_id = 1, last_id = excluded.last_id, since = excluded.since;
    INSERT INTO lead_rescore(leads) VALUES ((SELECT value FROM settings WHERE key = 'tick.batch'));
END;

-- The engagement a lead in the range has: the sum of its activities' points decayed with the current
-- half-life to its anchor, the latest of the change and its last scored activity (as if the change had
-- re-anchored every lead then, and activities since had moved the anchor as usual). Leads without
-- scored activities keep their value (0).
CREATE VIEW engagement_recomputed AS
SELECT s.lead_id,
       (SELECT total(a.points * pow(0.5, (julianday(max(coalesce((SELECT since FROM _rescoring WHERE kind = 'engagement'), ''),
                   (SELECT max(b.occurred_at) FROM activity_log AS b WHERE b.lead_id = s.lead_id AND b.points <> 0))) - julianday(a.occurred_at))
                                         / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')))
          FROM activity_log AS a WHERE a.lead_id = s.lead_id AND a.points <> 0) AS engagement,
       max(coalesce((SELECT since FROM _rescoring WHERE kind = 'engagement'), ''),
                   (SELECT max(b.occurred_at) FROM activity_log AS b WHERE b.lead_id = s.lead_id AND b.points <> 0)) AS engagement_at
  FROM lead_scores AS s
 WHERE EXISTS (SELECT 1 FROM activity_log AS a WHERE a.lead_id = s.lead_id AND a.points <> 0);

-- _rescoring is LeadDB's own: a range is never shortened or dropped while leads are left in it.
CREATE TRIGGER _rescoring_before_update BEFORE UPDATE ON _rescoring
WHEN NEW.kind IS NOT OLD.kind OR NEW.last_id < OLD.last_id
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _rescoring is LeadDB''s own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads');
END;

CREATE TRIGGER _rescoring_before_delete BEFORE DELETE ON _rescoring
WHEN OLD.next_id <= OLD.last_id
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _rescoring is LeadDB''s own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads');
END;
