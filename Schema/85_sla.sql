-- Response SLAs.
--
-- On assignment the first matching policy that applies at assignment (by priority; min_score and source
-- NULL = any) sets response_due_at: response_minutes after assignment, counted in business hours when
-- the policy says so (skipping closed hours, days without business_hours rows, and holidays). A lead
-- that reaches mql with the owner it had gets a follow-up deadline from the first matching policy that
-- applies at mql. The first outbound activity, or a stage move made through the `leads` view (by a
-- person or a program, not the automatic move to mql), records first_response_at and whether the SLA
-- was met (see 50_activities.sql and 30_leads.sql). Breaches are computed against now: nothing is
-- flagged on save.

-- Business time: SELECT due FROM business_time_from WHERE arg = json_array(start, minutes): `minutes`
-- of open business hours after the start (skipping closed hours, days without business_hours rows, and
-- holidays). The days are walked from the start's on, one at a time, taking each day's open minutes
-- (after the start) off what is left, until a day holds what is left; the time falls in that day's
-- window where the running total reaches it. A walk stops as soon as it arrives, so its cost follows
-- the days the time spans, not a fixed horizon (at most 366 days plus a day for every 30 minutes). The
-- one definition of business-time arithmetic: SLA deadlines (below) and task rules (88_tasks.sql) read it.
-- (A window's minutes are rounded to thousandths, so a day of 480 minutes holds 480 exactly.)
CREATE VIEW business_time_from AS
SELECT j.json AS arg, s.value AS start, m.value AS minutes,
       (WITH RECURSIVE walk(n, left, day_minutes) AS (
            SELECT 0, CAST(m.value AS REAL),
                   (SELECT total(round(max(0, (julianday(datetime(date(s.value, '+' || 0 || ' days') || ' ' || b.closes)) - julianday(max(datetime(date(s.value, '+' || 0 || ' days') || ' ' || b.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)))) * 1440), 3)) FROM business_hours AS b
                     WHERE b.weekday = CAST(strftime('%w', s.value) AS INTEGER) AND date(s.value) NOT IN (SELECT day FROM holidays))
            UNION ALL
            SELECT w.n + 1, w.left - w.day_minutes,
                   (SELECT total(round(max(0, (julianday(datetime(date(s.value, '+' || (w.n + 1) || ' days') || ' ' || b.closes)) - julianday(max(datetime(date(s.value, '+' || (w.n + 1) || ' days') || ' ' || b.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)))) * 1440), 3)) FROM business_hours AS b
                     WHERE b.weekday = CAST(strftime('%w', s.value, '+' || (w.n + 1) || ' days') AS INTEGER)
                       AND date(s.value, '+' || (w.n + 1) || ' days') NOT IN (SELECT day FROM holidays))
              FROM walk AS w
             WHERE (w.day_minutes = 0 OR w.left > w.day_minutes) AND w.n < 366 + m.value / 30)
        -- (the earliest window that holds it: the windows are few, and min() needs no sort)
        SELECT min(strftime('%Y-%m-%dT%H:%M:%fZ', max(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)),
                        '+' || ((w.left - (SELECT total(round(max(0, (julianday(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b2.closes)) - julianday(max(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b2.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)))) * 1440), 3)) FROM business_hours AS b2
                                            WHERE b2.weekday = b.weekday AND b2.opens < b.opens)) * 60) || ' seconds'))
          FROM walk AS w
          JOIN business_hours AS b ON b.weekday = CAST(strftime('%w', s.value, '+' || w.n || ' days') AS INTEGER)
         WHERE w.day_minutes > 0 AND w.left <= w.day_minutes
           AND round(max(0, (julianday(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b.closes)) - julianday(max(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)))) * 1440), 3) > 0
           AND (SELECT total(round(max(0, (julianday(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b2.closes)) - julianday(max(datetime(date(s.value, '+' || w.n || ' days') || ' ' || b2.opens), strftime('%Y-%m-%d %H:%M:%f', s.value)))) * 1440), 3)) FROM business_hours AS b2 WHERE b2.weekday = b.weekday AND b2.opens <= b.opens) >= w.left
) AS due
  FROM json_each AS j
  JOIN json_each(j.json, '$[0]') AS s
  JOIN json_each(j.json, '$[1]') AS m
 WHERE j.key = 0;

-- The deadline a policy gives from a start time: SELECT due FROM sla_deadline_from WHERE arg =
-- json_array(start, policy_id). response_minutes after the start, counted in business hours when the
-- policy says so (business_time_from). Assignments and mql follow-ups both read it.
CREATE VIEW sla_deadline_from AS
SELECT j.json AS arg, p.id AS policy_id, j.value AS start,
       CASE
           WHEN j.value IS NULL THEN NULL
           WHEN p.business_hours = 0
               THEN strftime('%Y-%m-%dT%H:%M:%fZ', j.value, '+' || p.response_minutes || ' minutes')
           ELSE (SELECT b.due FROM business_time_from AS b WHERE b.arg = json_array(j.value, p.response_minutes))
       END AS due
  FROM json_each AS j
  JOIN sla_policies AS p ON p.id = json_extract(j.json, '$[1]')
 WHERE j.key = 0;

-- Which policy applies, the one rule: the first by priority (then id) that applies at the moment given
-- (`assignment` or `mql`) and whose min_score and source match the lead as it is now.
-- SELECT policy_id FROM sla_policy_for WHERE arg = json_array(applies_at, score, source).
-- Read by assignment_deadlines and mql_follow_up.
CREATE VIEW sla_policy_for AS
SELECT j.json AS arg,
       (SELECT sp.id FROM sla_policies AS sp
         WHERE sp.applies_at = json_extract(j.json, '$[0]')
           AND (sp.min_score IS NULL OR json_extract(j.json, '$[1]') >= sp.min_score)
           AND (sp.source IS NULL OR lower(sp.source) = lower(json_extract(j.json, '$[2]')))
         ORDER BY sp.priority, sp.id LIMIT 1) AS policy_id
  FROM json_each AS j
 WHERE j.key = 0;

-- The deadline an assignment gives: the first policy that applies at assignment and matches (by
-- priority; the lead's score now and its source), counted from the assignment's time. The assignment
-- trigger (80_routing.sql) stores it in leads.response_due_at.
CREATE VIEW assignment_deadlines AS
SELECT a.id AS assignment_id, l.id AS lead_id, p.id AS policy_id, p.name AS policy,
       CASE WHEN a.assigned_at IS NULL OR p.id IS NULL THEN NULL
            ELSE (SELECT f.due FROM sla_deadline_from AS f WHERE f.arg = json_array(a.assigned_at, p.id)) END AS response_due_at
  FROM assignments AS a
  JOIN leads AS l ON l.id = a.lead_id
  LEFT JOIN sla_policies AS p
    ON p.id = (SELECT c.policy_id FROM sla_policy_for AS c WHERE c.arg = json_array('assignment', l.score, l.source));

-- The follow-up deadline a lead reaching mql gets now: the first policy that applies at mql and
-- matches, counted from now. The stage rules (40_stages.sql) store it for a lead that already had its
-- owner; NULL when no policy applies.
CREATE VIEW mql_follow_up AS
SELECT l.id AS lead_id, p.id AS policy_id, p.name AS policy,
       (SELECT f.due FROM sla_deadline_from AS f WHERE f.arg = json_array((SELECT now FROM clock), p.id)) AS due
  FROM leads AS l
  JOIN sla_policies AS p
    ON p.id = (SELECT c.policy_id FROM sla_policy_for AS c WHERE c.arg = json_array('mql', l.score, l.source));

-- Each assigned lead's policy and deadline, as of its current assignment.
CREATE VIEW sla_deadlines AS
SELECT l.id AS lead_id, d.policy_id, d.policy, l.response_due_at
  FROM lead_records AS l
  JOIN assignment_deadlines AS d
    ON d.assignment_id = (SELECT max(id) FROM assignments WHERE lead_id = l.id AND rep_id IS NOT NULL);

-- Assigned, open leads nobody has answered, past their deadline now. Now is a scalar subquery, not a
-- join, so it bounds the range scan of the unanswered-leads index: the cost follows the breaches, not
-- the leads.
CREATE VIEW sla_breaches AS
SELECT l.id AS lead_id, l.email, l.first_name, l.last_name, l.company, l.owner_id, r.name AS owner_name,
       l.response_due_at,
       -- whole minutes from rounded seconds: julianday differences are not exact in binary
       CAST(round((julianday((SELECT now FROM clock)) - julianday(l.response_due_at)) * 86400) AS INTEGER) / 60 AS minutes_overdue
  FROM lead_records AS l
  LEFT JOIN reps AS r ON r.id = l.owner_id
 WHERE l.first_response_at IS NULL AND l.closed_at IS NULL AND l.response_due_at IS NOT NULL
   AND l.response_due_at < (SELECT now FROM clock) AND l.erased_at IS NULL
 ORDER BY l.response_due_at, l.id;

-- Assigned, open leads nobody has answered whose deadline falls within sla.due_soon_minutes.
CREATE VIEW sla_due_soon AS
SELECT l.id AS lead_id, l.email, l.first_name, l.last_name, l.company, l.owner_id, r.name AS owner_name,
       l.response_due_at,
       CAST(round((julianday(l.response_due_at) - julianday((SELECT now FROM clock))) * 86400) AS INTEGER) / 60 AS minutes_left
  FROM lead_records AS l
  LEFT JOIN reps AS r ON r.id = l.owner_id
 WHERE l.first_response_at IS NULL AND l.closed_at IS NULL AND l.response_due_at IS NOT NULL
   AND l.response_due_at >= (SELECT now FROM clock)
   AND l.response_due_at <= (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', c.now,
           '+' || (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'sla.due_soon_minutes') || ' minutes') FROM clock AS c)
   AND l.erased_at IS NULL
 ORDER BY l.response_due_at, l.id;

-- Each rep's load and SLA standing.
CREATE VIEW rep_workload AS
SELECT r.id AS rep_id, r.name, r.team, r.active, r.capacity, r.open_leads,
       max(r.capacity - r.open_leads, 0) AS free_capacity,
       (SELECT count(*) FROM sla_breaches b WHERE b.owner_id = r.id) AS breaches,
       (SELECT count(*) FROM sla_due_soon s WHERE s.owner_id = r.id) AS due_soon,
       (SELECT count(*) FROM lead_records l WHERE l.owner_id = r.id AND l.first_response_at IS NOT NULL AND l.sla_met = 1) AS sla_met,
       (SELECT count(*) FROM lead_records l WHERE l.owner_id = r.id AND l.first_response_at IS NOT NULL AND l.sla_met = 0) AS sla_missed,
       r.last_assigned_at
  FROM reps AS r
 ORDER BY r.team, r.name;
