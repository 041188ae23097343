-- Rescoring after a rule change, bounded per transaction.
--
-- A fit rule added, changed or removed, a free-mail domain added or removed, or a new
-- score.half_life_days changes the score of every lead. Rescoring them all at once would hold the write
-- lock for as long as that takes (seconds at a million leads), so a change records the range of lead ids
-- whose stored value may be stale in _rescoring (a row per kind: fit, engagement), rescores the first
-- tick.batch of them at once, and leaves the rest to ticks, tick.batch leads per tick.
--
-- Nothing reads a stale value meanwhile: `leads` (30_leads.sql) computes the fit of a lead in the range
-- from fit_matches and its engagement from its activities, as the rescore will store it. What a score
-- sets off is decided when the lead is rescored, by the change itself or by a later tick: a rescored
-- lead that qualifies then (mql_ready) moves to mql. A write that changes a waiting lead's fit (its
-- title, say) checks it at once. ticks.more_due says while leads are left.

-- INSERT INTO lead_rescore(leads) VALUES (N): rescores the next N leads left by a change, of each kind.
-- SELECT leads FROM lead_rescore: how many leads wait (at most; 0 when none).
CREATE VIEW lead_rescore AS SELECT max(coalesce(max(last_id - next_id + 1), 0), 0) AS leads FROM _rescoring;

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
    INSERT INTO _rescored_qualify(first_id, last_id) VALUES (OLD.next_id, NEW.next_id - 1);
END;

CREATE TRIGGER _rescoring_after_update_engagement AFTER UPDATE OF next_id ON _rescoring
WHEN NEW.kind = 'engagement' AND NEW.next_id > OLD.next_id
BEGIN
    UPDATE lead_scores SET engagement = e.engagement, engagement_at = e.engagement_at
      FROM engagement_recomputed AS e
     WHERE e.lead_id = lead_scores.lead_id AND e.lead_id >= OLD.next_id AND e.lead_id < NEW.next_id;
    INSERT INTO _rescored_qualify(first_id, last_id) VALUES (OLD.next_id, NEW.next_id - 1);
END;

-- Rescored leads that qualify now (mql_ready: a qualifying stage, at or above score.mql_threshold)
-- move to mql, in id order: a lead is moved by the rescore that reaches it, as its score is then.
CREATE VIEW _rescored_qualify AS SELECT NULL AS first_id, NULL AS last_id WHERE 0;

CREATE TRIGGER _rescored_qualify_instead_of_insert INSTEAD OF INSERT ON _rescored_qualify
BEGIN
    UPDATE lead_records SET stage = 'mql', updated_at = (SELECT now FROM clock)
     WHERE id BETWEEN NEW.first_id AND NEW.last_id
       AND EXISTS (SELECT 1 FROM mql_ready AS m WHERE m.lead_id = lead_records.id);
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
