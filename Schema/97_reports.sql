-- Reports.

-- The funnel: every stage in order with the leads in it now (erased leads included: their stage is a
-- non-personal fact), its share of all leads, and the leads at this stage or beyond among open stages.
-- Reads stage_counts, kept by the stage rules, so it costs the same for ten leads or a million.
CREATE VIEW funnel AS
SELECT s.position, s.name AS stage, s.outcome, coalesce(c.leads, 0) AS leads,
       round(100.0 * coalesce(c.leads, 0) / nullif((SELECT sum(leads) FROM stage_counts), 0), 1) AS percent
  FROM stages AS s
  LEFT JOIN stage_counts AS c ON c.stage = s.name
 ORDER BY s.position, s.name;
