-- What reads need while a rule change leaves leads to rescore (the work itself is in 45_rescoring.sql,
-- which says how it goes): a waiting lead's engagement as its activities give it, and the guards of the
-- table that records the leads left.

-- The engagement a lead in the range has: the sum of its activities' points decayed with the current
-- half-life to its anchor, the latest of the change and its last scored activity (as if the change had
-- re-anchored every lead then, and activities since had moved the anchor as usual). Leads without
-- scored activities keep their value (0). (the decay: 05_score_settings.sql)
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

-- _rescoring is LeadDB's own: a range is never shortened or dropped while leads are left in it, and
-- only a change starts one (from the first lead to the last, now). Moving next_id on does the work.
CREATE TRIGGER _rescoring_before_insert BEFORE INSERT ON _rescoring
WHEN NEW.next_id IS NOT 1 OR NEW.last_id IS NOT coalesce((SELECT max(id) FROM lead_records), 0)
  OR NEW.since IS NOT (SELECT now FROM clock)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _rescoring is LeadDB''s own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads');
END;

CREATE TRIGGER _rescoring_before_update BEFORE UPDATE ON _rescoring
WHEN NEW.kind IS NOT OLD.kind OR NEW.last_id < OLD.last_id OR typeof(NEW.next_id) <> 'integer'
  OR ((NEW.since IS NOT OLD.since OR NEW.last_id IS NOT OLD.last_id)
      AND NOT (NEW.next_id = 1 AND NEW.last_id IS coalesce((SELECT max(id) FROM lead_records), 0) AND NEW.since IS (SELECT now FROM clock)))
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _rescoring is LeadDB''s own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads');
END;

CREATE TRIGGER _rescoring_before_delete BEFORE DELETE ON _rescoring
WHEN OLD.next_id <= OLD.last_id
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _rescoring is LeadDB''s own data; INSERT INTO lead_rescore(leads) VALUES (N) rescores the next N leads');
END;
