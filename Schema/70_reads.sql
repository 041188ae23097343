-- Reads: the hot list and the score breakdown.

-- Open leads (not won or lost, not erased) with their current score, highest first.
-- For one rep: SELECT * FROM hot_leads WHERE owner_id = ? LIMIT 50 (uses the open-leads-by-owner index).
CREATE VIEW hot_leads AS
SELECT l.id, l.email, l.first_name, l.last_name, l.company, l.title, l.stage, l.owner_id, r.name AS owner_name,
       l.score, l.fit_score, l.engagement, l.score >= s.hot_threshold AS is_hot, l.last_activity_at
  FROM leads AS l
  LEFT JOIN reps AS r ON r.id = l.owner_id
 CROSS JOIN score_settings AS s
 WHERE l.closed_at IS NULL AND l.erased_at IS NULL
 ORDER BY l.score DESC, l.id;

-- Why a lead has its score: each matching fit rule and each scored activity with its points now.
-- For one lead the points add up to leads.score: SELECT * FROM score_breakdown WHERE lead_id = ?.
-- (the decay: 05_score_settings.sql)
CREATE VIEW score_breakdown AS
SELECT m.lead_id, 'fit' AS component, m.rule_id AS source_id,
       m.attribute || ' ' || m.operator || coalesce(' ' || m.value, '')
           || coalesce(' (' || m.description || ')', '') AS reason,
       m.points AS points, NULL AS occurred_at
  FROM fit_matches AS m
UNION ALL
-- Each activity is decayed to now, or to the lead's anchor when the clock reads before it (engagement
-- never grows with time: the leads view counts it at its anchor then); the anchor is the stored one,
-- or for a lead a rule change has not rescored yet, engagement_recomputed's (15_rescoring.sql).
SELECT a.lead_id, 'activity', a.id, a.kind || coalesce(' (' || a.campaign || ')', ''),
       a.points * pow(0.5, (julianday(max(s.now, coalesce(CASE
               WHEN a.lead_id BETWEEN (SELECT next_id FROM _rescoring WHERE kind = 'engagement')
                                  AND (SELECT last_id FROM _rescoring WHERE kind = 'engagement')
                   THEN max(coalesce((SELECT since FROM _rescoring WHERE kind = 'engagement'), ''),
                            (SELECT max(b.occurred_at) FROM activity_log AS b WHERE b.lead_id = a.lead_id AND b.points <> 0))
               ELSE sc.engagement_at END, '')))
            - julianday(a.occurred_at)) / s.half_life_days), a.occurred_at
  FROM activity_log AS a
  JOIN lead_scores AS sc ON sc.lead_id = a.lead_id, score_settings AS s
 WHERE a.points <> 0;
