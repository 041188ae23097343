-- Reports.

-- The funnel: every stage in order with the leads in it now (erased leads included: their stage is a
-- non-personal fact; a lead merged into another is one person, counted once, as the lead it went into:
-- 89_merges.sql), its share of all leads, and the leads at this stage or beyond among open stages.
-- Reads stage_counts, kept by the stage rules, so it costs the same for ten leads or a million.
CREATE VIEW funnel AS
SELECT s.position, s.name AS stage, s.outcome, coalesce(c.leads, 0) AS leads,
       round(100.0 * coalesce(c.leads, 0) / nullif((SELECT sum(leads) FROM stage_counts), 0), 1) AS percent
  FROM stages AS s
  LEFT JOIN stage_counts AS c ON c.stage = s.name
 ORDER BY s.position, s.name;

-- Every stay of a lead in a stage, unordered: `seq` 0 for the stay that began at capture (in the stage
-- its first move leaves, else the one it is in), else the id of the move (stage_history) that began it.
-- Read for one lead (WHERE lead_id = ...) it costs that lead's moves.
CREATE VIEW _lead_stays AS
SELECT l.id AS lead_id, 0 AS seq,
       coalesce((SELECT h.from_stage FROM stage_history AS h WHERE h.lead_id = l.id ORDER BY h.id LIMIT 1), l.stage) AS stage,
       l.created_at AS entered_at
  FROM lead_records AS l
UNION ALL
SELECT h.lead_id, h.id, h.to_stage, h.changed_at FROM stage_history AS h;

-- Every stay with when it ended: left at the next move (NULL while it stays). `furthest_after` is the
-- highest position the lead reached later outside a lost outcome; `won_after` is 1 when it was won then
-- or later. Erased leads are included: stages and times are facts, not personal data.
CREATE VIEW stage_stays AS
SELECT m.lead_id, m.stage, s.position, m.entered_at,
       lead(m.entered_at) OVER w AS left_at,
       lead(m.stage) OVER w AS next_stage,
       max(CASE WHEN s.outcome IS NOT 'lost' THEN s.position END) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS furthest_after,
       max(s.outcome IS 'won') OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS won_after
  FROM _lead_stays AS m
  JOIN stages AS s ON s.name = m.stage
WINDOW w AS (PARTITION BY m.lead_id ORDER BY m.seq);

-- The stays as stage_stay_paths, stage_stay_days and stage_win_days (migration 0018) count them, computed
-- from every lead and move: what those tables hold when nothing went around the rules (99_checks.sql).
-- `later` is the stages entered after the stay, a JSON array of distinct names in order of name.
CREATE VIEW stage_stay_paths_recomputed AS
SELECT substr(s.entered_at, 1, 7) AS month, s.stage,
       (SELECT json_group_array(st.name) FROM stages AS st
         WHERE st.name IN (SELECT h.to_stage FROM stage_history AS h WHERE h.lead_id = s.lead_id AND h.id > s.seq)) AS later,
       count(*) AS stays
  FROM _lead_stays AS s
 GROUP BY 1, 2, 3;

CREATE VIEW stage_stay_days_recomputed AS
SELECT stage, days, count(*) AS stays
  FROM (SELECT m.stage, round(max(0, julianday(lead(m.entered_at) OVER (PARTITION BY m.lead_id ORDER BY m.seq)) - julianday(m.entered_at)), 2) AS days
          FROM _lead_stays AS m)
 WHERE days IS NOT NULL
 GROUP BY stage, days;

CREATE VIEW stage_win_days_recomputed AS
SELECT stage, days, count(*) AS stays
  FROM (SELECT s.stage,
               round(max(0, julianday((SELECT w.entered_at FROM _lead_stays AS w JOIN stages AS ws ON ws.name = w.stage
                                 WHERE w.lead_id = s.lead_id AND w.seq >= s.seq AND ws.outcome = 'won' ORDER BY w.seq LIMIT 1))
                     - julianday(s.entered_at)), 2) AS days
          FROM _lead_stays AS s)
 WHERE days IS NOT NULL
 GROUP BY stage, days;

-- A lead's first stay enters the paths at its capture (a lead captured in a won stage: a stay a win
-- followed at once; a lead brought with its history, inserted in its stage now, begins in the stage its
-- first move leaves: lead_repair recounts it). A move (a row of stage_history) ends the lead's last stay
-- and begins one; each earlier stay that had not yet seen the stage
-- entered now has it among its later stages (the stays since the lead last entered it: each leaves the
-- paths with its later stages as they were and enters with them as they are); a win is the first after
-- the stays since the lead's last win. (No GROUP BY, so no sort: two stays with one path are two upserts.)
-- A lead's capture time is when its first stay began: it never changes (a lead brought with its history
-- is inserted with it).
CREATE TRIGGER lead_records_before_update_created_at BEFORE UPDATE OF created_at ON lead_records
WHEN NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'maintained: created_at is when the lead was captured and never changes (its first stay in the reports begins then)');
END;

CREATE TRIGGER lead_records_after_insert_stays AFTER INSERT ON lead_records
BEGIN
    INSERT INTO stage_stay_paths(month, stage, later, stays) VALUES (substr(NEW.created_at, 1, 7), NEW.stage, '[]', 1)
        ON CONFLICT (month, stage, later) DO UPDATE SET stays = stays + 1;
    INSERT INTO stage_win_days(stage, days, stays)
    SELECT NEW.stage, 0.0, 1 FROM stages WHERE name = NEW.stage AND outcome = 'won'
        ON CONFLICT (stage, days) DO UPDATE SET stays = stays + 1;
END;

CREATE TRIGGER stage_history_after_insert_stays AFTER INSERT ON stage_history
BEGIN
    -- A move is added at the end (the stays follow the moves in the order of their ids) and names stages
    -- there are. (After the insert: before it, an id left to SQLite reads as -1.)
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = CASE
        WHEN NEW.id < 1 OR EXISTS (SELECT 1 FROM stage_history WHERE id > NEW.id)
            THEN json_array('append_only: stage_history rows are added at the end: id ' || NEW.id || ' is below the last one; give none')
        WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.to_stage) OR NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.from_stage)
            THEN json_array('unknown_stage: stage_history: a move from ' || coalesce(NEW.from_stage, 'NULL') || ' to ' || coalesce(NEW.to_stage, 'NULL')
                 || ' names a stage that does not exist (stages lists them)')
        WHEN julianday(NEW.changed_at) IS NULL
            THEN json_array('invalid_time: stage_history: changed_at ' || coalesce(quote(NEW.changed_at), 'NULL') || ' of lead ' || NEW.lead_id
                 || ' is not a time SQLite can read (write it as 2026-11-24T09:00:00.000Z)')
        END);
    INSERT INTO stage_stay_days(stage, days, stays)
    SELECT coalesce(h.to_stage, NEW.from_stage), round(max(0, julianday(NEW.changed_at) - julianday(coalesce(h.changed_at, l.created_at))), 2), 1
      FROM lead_records AS l
      LEFT JOIN stage_history AS h ON h.id = (SELECT max(p.id) FROM stage_history AS p WHERE p.lead_id = NEW.lead_id AND p.id < NEW.id)
     WHERE l.id = NEW.lead_id AND julianday(NEW.changed_at) - julianday(coalesce(h.changed_at, l.created_at)) IS NOT NULL
        ON CONFLICT (stage, days) DO UPDATE SET stays = stays + 1;
    INSERT INTO stage_stay_paths(month, stage, later, stays)
    SELECT substr(s.entered_at, 1, 7), s.stage,
           -- (each stage looked up once, by its index: a stay's later moves are not read one by one)
           (SELECT json_group_array(st.name) FROM stages AS st
             WHERE EXISTS (SELECT 1 FROM stage_history AS h
                            WHERE h.to_stage = st.name AND h.lead_id = NEW.lead_id AND h.id > s.seq AND h.id < NEW.id + (d.n > 0))),
           d.n
      FROM _lead_stays AS s
     CROSS JOIN (SELECT value AS n FROM json_each('[-1,1]')) AS d
     WHERE s.lead_id = NEW.lead_id AND s.seq < NEW.id
       AND s.seq >= coalesce((SELECT max(b.id) FROM stage_history AS b WHERE b.to_stage = NEW.to_stage AND b.lead_id = NEW.lead_id AND b.id < NEW.id), 0)
    UNION ALL
    SELECT substr(NEW.changed_at, 1, 7), NEW.to_stage, '[]', 1
        ON CONFLICT (month, stage, later) DO UPDATE SET stays = stays + excluded.stays;
    INSERT INTO stage_win_days(stage, days, stays)
    SELECT s.stage, round(max(0, julianday(NEW.changed_at) - julianday(s.entered_at)), 2), 1
      FROM _lead_stays AS s
     WHERE (SELECT outcome FROM stages WHERE name = NEW.to_stage) IS 'won'
       AND s.lead_id = NEW.lead_id AND julianday(NEW.changed_at) - julianday(s.entered_at) IS NOT NULL
       AND s.seq > coalesce((SELECT max(w.seq) FROM _lead_stays AS w JOIN stages AS ws ON ws.name = w.stage
                              WHERE w.lead_id = NEW.lead_id AND w.seq < NEW.id AND ws.outcome = 'won'), -1)
        ON CONFLICT (stage, days) DO UPDATE SET stays = stays + excluded.stays;
END;

-- The funnel's conversion, by the month a stage was entered (YYYY-MM, UTC): the entries into each stage,
-- how many of them went on to a later stage (a higher position, not a lost outcome) and how many were
-- won (then or later). Counts add up over months: a period's rate is its summed reached_next (or won)
-- over its summed entered. Read from stage_stay_paths with the stages as they are now.
CREATE VIEW funnel_conversion AS
SELECT p.month, p.stage, s.position,
       sum(p.stays) AS entered,
       sum(CASE WHEN p.furthest > s.position THEN p.stays ELSE 0 END) AS reached_next,
       round(100.0 * sum(CASE WHEN p.furthest > s.position THEN p.stays ELSE 0 END) / sum(p.stays), 1) AS next_percent,
       sum(CASE WHEN s.outcome IS 'won' OR p.won THEN p.stays ELSE 0 END) AS won,
       round(100.0 * sum(CASE WHEN s.outcome IS 'won' OR p.won THEN p.stays ELSE 0 END) / sum(p.stays), 1) AS won_percent
  FROM (SELECT x.month, x.stage, x.stays,
               (SELECT max(ls.position) FROM json_each(x.later) AS j JOIN stages AS ls ON ls.name = j.value WHERE ls.outcome IS NOT 'lost') AS furthest,
               EXISTS (SELECT 1 FROM json_each(x.later) AS j JOIN stages AS ls ON ls.name = j.value WHERE ls.outcome = 'won') AS won
          FROM stage_stay_paths AS x
         WHERE x.stays <> 0) AS p
  JOIN stages AS s ON s.name = p.stage
 GROUP BY p.month, p.stage
 ORDER BY p.month, s.position;

-- How long leads stay in each stage, over every stay that ended: the median (the lower middle one) and
-- the 90th percentile (the stay below which 90% fall), in days. Read from stage_stay_days.
CREATE VIEW stage_velocity AS
SELECT d.stage, s.position, max(d.n) AS stays,
       min(CASE WHEN d.through >= (d.n + 1) / 2 THEN d.days END) AS median_days,
       min(CASE WHEN d.through >= (9 * d.n + 9) / 10 THEN d.days END) AS p90_days
  FROM (SELECT stage, days, sum(stays) OVER (PARTITION BY stage ORDER BY days) AS through,
               sum(stays) OVER (PARTITION BY stage) AS n
          FROM stage_stay_days WHERE stays <> 0) AS d
  JOIN stages AS s ON s.name = d.stage
 GROUP BY d.stage
 ORDER BY s.position;

-- Open leads that sat in their stage longer than its limit (stall_limits, in days) with no activity: idle
-- since the later of entering the stage and their last activity.
CREATE VIEW stalled_leads AS
-- (each open lead read once, in the table's order, and its idle time worked out once)
WITH x AS MATERIALIZED (
        SELECT l.id AS lead_id, l.stage, l.owner_id, k.days AS limit_days,
               coalesce((SELECT h.changed_at FROM stage_history AS h WHERE h.lead_id = l.id ORDER BY h.id DESC LIMIT 1), l.created_at) AS in_stage_since,
               sc.last_activity_at
          FROM lead_records AS l NOT INDEXED
          JOIN stall_limits AS k ON k.stage = l.stage
          JOIN lead_scores AS sc ON sc.lead_id = l.id
         WHERE l.closed_at IS NULL AND l.erased_at IS NULL),
     y AS MATERIALIZED (
        SELECT x.*, julianday(c.now) - julianday(max(x.in_stage_since, coalesce(x.last_activity_at, x.in_stage_since))) AS idle
          FROM x CROSS JOIN clock AS c)
SELECT y.lead_id, y.stage, y.owner_id, r.name AS owner, y.in_stage_since, y.last_activity_at,
       round(y.idle, 1) AS idle_days, y.limit_days
  FROM y
  LEFT JOIN reps AS r ON r.id = y.owner_id
 WHERE y.idle > y.limit_days
 ORDER BY idle_days DESC, y.lead_id;

-- Each lead's outcome, for the reports by source and by rep: the furthest position it reached outside a
-- lost outcome, whether it is won now (and its amount), lost now, and the days from capture to its win.
CREATE VIEW lead_outcomes AS
SELECT l.id AS lead_id, l.source, l.campaign, l.owner_id, l.created_at,
       max(coalesce((SELECT max(s.position) FROM stage_history AS h JOIN stages AS s ON s.name = h.to_stage
                      WHERE h.lead_id = l.id AND s.outcome IS NOT 'lost'), 0),
           coalesce((SELECT s.position FROM stages AS s WHERE s.name = l.stage AND s.outcome IS NOT 'lost'), 0)) AS furthest,
       cs.outcome IS 'won' AS won,
       cs.outcome IS 'lost' AS lost,
       CASE WHEN cs.outcome IS 'won' THEN l.amount END AS amount,
       CASE WHEN cs.outcome IS 'won' THEN julianday(l.converted_at) - julianday(l.created_at) END AS days_to_win
  FROM lead_records AS l
  JOIN stages AS cs ON cs.name = l.stage;

-- By source and campaign: leads, the share that reached mql and sql (or went further), the deals won,
-- their revenue, the median days from capture to a win, and the campaign's cost (campaigns; shared as
-- below) and what each won deal cost.
CREATE VIEW source_performance AS
-- (each lead's outcome read once: the groups, their medians and the campaigns' leads all come from it)
WITH o AS MATERIALIZED (SELECT source, campaign, furthest, won, amount, days_to_win FROM lead_outcomes),
     g AS MATERIALIZED (
        SELECT source, campaign, count(*) AS leads,
               sum(furthest >= (SELECT position FROM stages WHERE name = 'mql')) AS mql,
               sum(furthest >= (SELECT position FROM stages WHERE name = 'sql')) AS sql,
               sum(won) AS won, total(amount) AS revenue
          FROM o GROUP BY source, campaign),
     m AS MATERIALIZED (
        SELECT source, campaign, round(max(CASE WHEN rn = (n + 1) / 2 THEN days END), 1) AS median
          FROM (SELECT source, campaign, days_to_win AS days,
                       row_number() OVER (PARTITION BY source, campaign ORDER BY days_to_win) AS rn,
                       count(*) OVER (PARTITION BY source, campaign) AS n
                  FROM o WHERE won)
         GROUP BY source, campaign),
     -- (a campaign's cost goes to the row of the source campaigns names, the others have none; without a
     -- source it is shared by its sources in proportion to their leads: a campaign's rows add up to its cost)
     k AS MATERIALIZED (
        SELECT g.source, g.campaign,
               c.cost * CASE WHEN c.source IS NULL THEN 1.0 * g.leads / sum(g.leads) OVER (PARTITION BY g.campaign)
                             WHEN c.source IS g.source THEN 1 END AS cost
          FROM g JOIN campaigns AS c ON c.name = g.campaign)
SELECT g.source, g.campaign, g.leads,
       round(100.0 * g.mql / g.leads, 1) AS mql_percent,
       round(100.0 * g.sql / g.leads, 1) AS sql_percent,
       g.won, g.revenue, m.median AS median_days_to_win,
       round(k.cost, 2) AS cost,
       round(k.cost / nullif(g.won, 0), 2) AS cost_per_won
  FROM g
  LEFT JOIN m ON m.source IS g.source AND m.campaign IS g.campaign
  LEFT JOIN k ON k.source IS g.source AND k.campaign IS g.campaign
 ORDER BY g.revenue DESC, g.won DESC, g.leads DESC;

-- By the month leads were captured (YYYY-MM, UTC), source and campaign: the counts behind
-- source_performance, which add up over months (a period's MQL rate is its summed mql over its summed
-- leads): leads, how many reached mql and sql (or went further), won now, and their revenue.
CREATE VIEW source_months AS
-- (each lead's outcome read once, then grouped)
WITH o AS MATERIALIZED (SELECT created_at, source, campaign, furthest, won, amount FROM lead_outcomes)
SELECT substr(created_at, 1, 7) AS month, source, campaign, count(*) AS leads,
       sum(furthest >= (SELECT position FROM stages WHERE name = 'mql')) AS mql,
       sum(furthest >= (SELECT position FROM stages WHERE name = 'sql')) AS sql,
       sum(won) AS won, total(amount) AS revenue
  FROM o
 GROUP BY month, source, campaign
 ORDER BY month, source, campaign;

-- Each assignment to a rep and the rep's first response to it: the first outbound activity (a call, an
-- email sent, a meeting) or stage move other than to mql after it, before the lead was assigned again;
-- `minutes` between them (NULL while unanswered).
CREATE VIEW assignment_responses AS
WITH a AS MATERIALIZED (
        SELECT id, lead_id, rep_id, assigned_at,
               (SELECT min(n.assigned_at) FROM assignments AS n WHERE n.lead_id = a.lead_id AND n.id > a.id) AS until
          FROM assignments AS a WHERE rep_id IS NOT NULL),
     -- (the earlier of the first outbound activity, read in time order from the assignment, and the
     -- first move; '9999' stands for none)
     r AS MATERIALIZED (
        SELECT a.id AS assignment_id, a.lead_id, a.rep_id, a.assigned_at,
               nullif(min(coalesce((SELECT al.occurred_at FROM activity_log AS al
                                     WHERE al.lead_id = a.lead_id AND al.occurred_at >= a.assigned_at
                                       AND al.occurred_at < coalesce(a.until, '9999')
                                       AND al.kind IN (SELECT kind FROM activity_kinds WHERE direction = 'outbound')
                                     ORDER BY al.occurred_at LIMIT 1), '9999'),
                          coalesce((SELECT min(h.changed_at) FROM stage_history AS h
                                     WHERE h.lead_id = a.lead_id AND h.to_stage <> 'mql' AND h.changed_at >= a.assigned_at
                                       AND h.changed_at < coalesce(a.until, '9999')), '9999')), '9999') AS responded_at
          FROM a)
SELECT assignment_id, lead_id, rep_id, assigned_at, responded_at,
       round((julianday(responded_at) - julianday(assigned_at)) * 1440, 1) AS minutes
  FROM r;

-- Per rep: leads ever assigned to them, open now, minutes to their first response to an assignment
-- (median and 90th percentile, assignment_responses), the share of decided SLAs they met (as each lead
-- holds it: its latest deadline, which an mql follow-up replaces), how many of their closed leads were
-- won, and the revenue won.
CREATE VIEW rep_performance AS
WITH responses AS MATERIALIZED (
        SELECT rep_id, minutes, row_number() OVER (PARTITION BY rep_id ORDER BY minutes) AS rn, count(*) OVER (PARTITION BY rep_id) AS n
          FROM assignment_responses WHERE minutes IS NOT NULL),
     speed AS MATERIALIZED (
        SELECT rep_id, round(max(CASE WHEN rn = (n + 1) / 2 THEN minutes END), 1) AS median,
               round(max(CASE WHEN rn = (9 * n + 9) / 10 THEN minutes END), 1) AS p90
          FROM responses GROUP BY rep_id),
     assigned AS MATERIALIZED (SELECT rep_id, count(DISTINCT lead_id) AS n FROM assignments WHERE rep_id IS NOT NULL GROUP BY rep_id),
     sla AS MATERIALIZED (
        SELECT owner_id, round(100.0 * sum(sla_met) / count(sla_met), 1) AS percent
          FROM lead_records WHERE owner_id IS NOT NULL GROUP BY owner_id),
     outcomes AS MATERIALIZED (
        SELECT owner_id, sum(won) AS won, sum(lost) AS lost, total(amount) AS revenue
          FROM lead_outcomes WHERE owner_id IS NOT NULL GROUP BY owner_id)
SELECT r.id AS rep_id, r.name AS rep, r.team, coalesce(a.n, 0) AS assigned, r.open_leads AS open,
       v.median AS response_median_minutes, v.p90 AS response_p90_minutes, sla.percent AS sla_met_percent,
       coalesce(o.won, 0) AS won, round(100.0 * o.won / nullif(o.won + o.lost, 0), 1) AS win_percent,
       coalesce(o.revenue, 0.0) AS revenue
  FROM reps AS r
  LEFT JOIN assigned AS a ON a.rep_id = r.id
  LEFT JOIN speed AS v ON v.rep_id = r.id
  LEFT JOIN sla ON sla.owner_id = r.id
  LEFT JOIN outcomes AS o ON o.owner_id = r.id
 ORDER BY r.id;

-- Response SLAs by rep and week (the Monday it starts, by the deadline): the decided ones, met and missed.
CREATE VIEW sla_compliance AS
SELECT date(l.response_due_at, '-6 days', 'weekday 1') AS week, l.owner_id AS rep_id, r.name AS rep,
       count(*) AS due, sum(l.sla_met = 1) AS met, sum(l.sla_met = 0) AS missed,
       round(100.0 * sum(l.sla_met = 1) / count(*), 1) AS met_percent
  FROM lead_records AS l
  LEFT JOIN reps AS r ON r.id = l.owner_id
 WHERE l.response_due_at IS NOT NULL AND l.sla_met IS NOT NULL
 GROUP BY week, l.owner_id
 ORDER BY week, l.owner_id;

-- Leads by the month they were captured (YYYY-MM, UTC), and the share won (in a won stage now, first won)
-- within 30, 60 and 90 days of capture (NULL until every lead of the month is that old).
CREATE VIEW cohorts AS
SELECT substr(l.created_at, 1, 7) AS month, count(*) AS leads,
       CASE WHEN julianday(c.now) - julianday(max(l.created_at)) >= 30
            THEN round(100.0 * sum(l.converted_at IS NOT NULL AND s.outcome IS 'won' AND julianday(l.converted_at) - julianday(l.created_at) <= 30) / count(*), 1) END AS won_30_percent,
       CASE WHEN julianday(c.now) - julianday(max(l.created_at)) >= 60
            THEN round(100.0 * sum(l.converted_at IS NOT NULL AND s.outcome IS 'won' AND julianday(l.converted_at) - julianday(l.created_at) <= 60) / count(*), 1) END AS won_60_percent,
       CASE WHEN julianday(c.now) - julianday(max(l.created_at)) >= 90
            THEN round(100.0 * sum(l.converted_at IS NOT NULL AND s.outcome IS 'won' AND julianday(l.converted_at) - julianday(l.created_at) <= 90) / count(*), 1) END AS won_90_percent
  FROM lead_records AS l
  JOIN stages AS s ON s.name = l.stage
  CROSS JOIN clock AS c
 GROUP BY month
 ORDER BY month;

-- Win rate of closed leads by score band (their score now, in bands of 10) and by fit rule (the leads
-- each rule matches), to tune the scoring from results.
CREATE VIEW score_outcomes AS
-- (the closed leads and the rules each matches found first: grouped by rule, SQLite would test every
-- lead against each rule in turn)
WITH closed AS MATERIALIZED (
        SELECT l.id, s.outcome = 'won' AS won FROM lead_records AS l JOIN stages AS s ON s.name = l.stage WHERE s.outcome IS NOT NULL),
     matched AS MATERIALIZED (
        SELECT m.rule_id, c.won FROM closed AS c CROSS JOIN fit_matches AS m ON m.lead_id = c.id)
SELECT 'score' AS kind, (band * 10) || '-' || (band * 10 + 9) AS value, count(*) AS closed, sum(won) AS won,
       round(100.0 * sum(won) / count(*), 1) AS win_percent
  FROM (SELECT CAST(max(l.score, 0) / 10 AS INTEGER) AS band, s.outcome = 'won' AS won
          FROM leads AS l JOIN stages AS s ON s.name = l.stage
         WHERE s.outcome IS NOT NULL)
 GROUP BY band
UNION ALL
SELECT 'fit rule', trim(r.attribute || ' ' || r.operator || ' ' || coalesce(r.value, '')), count(*), sum(m.won),
       round(100.0 * sum(m.won) / count(*), 1)
  FROM fit_rules AS r
  JOIN matched AS m ON m.rule_id = r.id
 GROUP BY r.id;

-- A stall limit names a stage there is, for every writer (a plain connection enforces no foreign key): a
-- stage renamed or deleted takes its limit with it.
CREATE TRIGGER stall_limits_before_insert_stage BEFORE INSERT ON stall_limits
WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: stall_limits: stage ' || quote(NEW.stage) || ' does not exist (stages lists them)'));
END;

CREATE TRIGGER stall_limits_before_update_stage BEFORE UPDATE OF stage ON stall_limits
WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('invalid_config: stall_limits: stage ' || quote(NEW.stage) || ' does not exist (stages lists them)'));
END;

CREATE TRIGGER stages_after_update_name_stall_limits AFTER UPDATE OF name ON stages
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE stall_limits SET stage = NEW.name WHERE stage = OLD.name;
END;

CREATE TRIGGER stages_after_delete_stall_limits AFTER DELETE ON stages
BEGIN
    DELETE FROM stall_limits WHERE stage = OLD.name;
END;

-- Win probability: a naive-Bayes estimate for each open lead from the won and lost leads with the same
-- attribute values. The attributes of one set of values (SELECT attribute, value FROM win_attributes_of
-- WHERE arg = json_array(source, industry, country, company_size, title)): the source, industry (lower
-- case), country, company-size band and title seniority, '(none)' when unknown, and '*' for the whole
-- (the totals). Seniority reads words: an assistant is other; vice president, vp, svp, evp and avp are
-- vp; chief, ceo, cto and the like, founder, president and owner (not a product owner) are c-level;
-- director and head of are director; manager and lead are manager.
CREATE VIEW win_attributes_of AS
SELECT j.json AS arg, '*' AS attribute, '*' AS value FROM json_each AS j WHERE j.key = 0
UNION ALL SELECT j.json, 'source', coalesce(json_extract(j.json, '$[0]'), '(none)') FROM json_each AS j WHERE j.key = 0
UNION ALL SELECT j.json, 'industry', coalesce(lower(json_extract(j.json, '$[1]')), '(none)') FROM json_each AS j WHERE j.key = 0
UNION ALL SELECT j.json, 'country', coalesce(json_extract(j.json, '$[2]'), '(none)') FROM json_each AS j WHERE j.key = 0
UNION ALL SELECT j.json, 'size', CASE WHEN json_extract(j.json, '$[3]') IS NULL THEN '(none)' WHEN json_extract(j.json, '$[3]') < 10 THEN '1-9'
                                      WHEN json_extract(j.json, '$[3]') < 50 THEN '10-49' WHEN json_extract(j.json, '$[3]') < 200 THEN '50-199'
                                      WHEN json_extract(j.json, '$[3]') < 1000 THEN '200-999' ELSE '1000+' END
            FROM json_each AS j WHERE j.key = 0
UNION ALL SELECT j.json, 'seniority',
                 CASE WHEN t IS NULL THEN '(none)'
                      WHEN t GLOB '* assistant *' THEN 'other'
                      WHEN t GLOB '* vice *' OR t GLOB '* vp *' OR t GLOB '* svp *' OR t GLOB '* evp *' OR t GLOB '* avp *' THEN 'vp'
                      WHEN t GLOB '*[^a-z]c[eotfmri]o[^a-z]*' OR t GLOB '* chief *' OR t GLOB '*founder*' OR t GLOB '* president *'
                        OR (t GLOB '* owner *' AND NOT t GLOB '* product owner *') THEN 'c-level'
                      WHEN t GLOB '* director *' OR t GLOB '* head of *' THEN 'director'
                      WHEN t GLOB '* manager *' OR t GLOB '* lead *' THEN 'manager'
                      ELSE 'other' END
            FROM (SELECT j.json, ' ' || trim(lower(replace(replace(replace(json_extract(j.json, '$[4]'), ',', ' '), '-', ' '), '/', ' '))) || ' ' AS t
                    FROM json_each AS j WHERE j.key = 0) AS j;

-- Every lead's attributes (win_attributes_of of its values).
-- (The values are read for each lead, in a query of their own: a query that groups or joins them
-- further would otherwise let SQLite read win_attributes_of without its argument, which gives nothing.)
CREATE VIEW win_attributes AS
WITH a AS MATERIALIZED (
    SELECT l.id AS lead_id, v.attribute, v.value
      FROM lead_records AS l
     CROSS JOIN win_attributes_of AS v ON v.arg = json_array(l.source, l.industry, l.country, l.company_size, l.title))
SELECT lead_id, attribute, value FROM a;

-- The counts as the closed leads give them now (what win_counts holds when nothing went around the rules).
CREATE VIEW win_counts_recomputed AS
WITH a AS MATERIALIZED (
    SELECT v.attribute, v.value, s.outcome
      FROM lead_records AS l
      JOIN stages AS s ON s.name = l.stage
     CROSS JOIN win_attributes_of AS v ON v.arg = json_array(l.source, l.industry, l.country, l.company_size, l.title)
     WHERE s.outcome IS NOT NULL)
SELECT attribute, value, sum(outcome = 'won') AS won, sum(outcome = 'lost') AS lost
  FROM a
 GROUP BY attribute, value;

-- Internal procedure: INSERT INTO _win_count(arg, won, lost) VALUES (json_array(source, industry, country,
-- company_size, title), w, l) adds w won and l lost (each 1, 0 or -1) to the counts of those values.
CREATE VIEW _win_count AS SELECT NULL AS arg, NULL AS won, NULL AS lost WHERE 0;

CREATE TRIGGER _win_count_instead_of_insert INSTEAD OF INSERT ON _win_count
BEGIN
    INSERT INTO win_counts(attribute, value, won, lost)
    SELECT a.attribute, a.value, max(NEW.won, 0), max(NEW.lost, 0) FROM win_attributes_of AS a WHERE a.arg = NEW.arg AND 1
        ON CONFLICT (attribute, value) DO UPDATE SET won = won + NEW.won, lost = lost + NEW.lost;
END;

-- In the transaction that wins, loses or reopens a lead, or changes a closed lead's attributes (an
-- erasure of its title included), the lead leaves the counts as it was (its old stage's outcome, its old
-- values) and enters them as it is: one trigger, so a statement that does both counts once. (A stage
-- renamed under its leads changes no outcome: its cascade is skipped.)
CREATE TRIGGER lead_records_after_update_win_counts AFTER UPDATE OF stage, source, industry, country, company_size, title ON lead_records
WHEN CASE WHEN NEW.stage IS NOT OLD.stage OR NEW.source IS NOT OLD.source OR NEW.industry IS NOT OLD.industry
               OR NEW.country IS NOT OLD.country OR NEW.company_size IS NOT OLD.company_size OR NEW.title IS NOT OLD.title
          THEN EXISTS (SELECT 1 FROM stages WHERE name = OLD.stage)
               AND ((SELECT outcome FROM stages WHERE name = OLD.stage) IS NOT NULL OR (SELECT outcome FROM stages WHERE name = NEW.stage) IS NOT NULL)
          ELSE 0 END
BEGIN
    INSERT INTO _win_count(arg, won, lost)
    SELECT json_array(OLD.source, OLD.industry, OLD.country, OLD.company_size, OLD.title), -(s.outcome IS 'won'), -(s.outcome IS 'lost')
      FROM stages AS s WHERE s.name = OLD.stage AND s.outcome IS NOT NULL;
    INSERT INTO _win_count(arg, won, lost)
    SELECT json_array(NEW.source, NEW.industry, NEW.country, NEW.company_size, NEW.title), s.outcome IS 'won', s.outcome IS 'lost'
      FROM stages AS s WHERE s.name = NEW.stage AND s.outcome IS NOT NULL;
END;

-- (internal) What each set of attribute values the open leads have says: `arg` is json_array(source,
-- industry, country, company_size, title), read once however many open leads share it; per attribute the
-- won and lost leads with the same value, and the likelihood ratio with Laplace smoothing, P(value | won)
-- / P(value | lost), where P(value | won) = (won leads with the value + 1) / (all won leads + the
-- attribute's values seen, the lead's own counted when no closed lead has it).
CREATE VIEW _win_key_factors AS
WITH keys AS MATERIALIZED (
        SELECT DISTINCT json_array(l.source, l.industry, l.country, l.company_size, l.title) AS arg
          FROM lead_records AS l JOIN stages AS s ON s.name = l.stage
         WHERE s.outcome IS NULL AND l.erased_at IS NULL),
     attributes AS MATERIALIZED (
        SELECT k.arg, v.attribute, v.value FROM keys AS k CROSS JOIN win_attributes_of AS v ON v.arg = k.arg WHERE v.attribute <> '*'),
     seen AS MATERIALIZED (SELECT attribute, count(*) AS n FROM win_counts WHERE won + lost > 0 GROUP BY attribute),
     totals AS MATERIALIZED (SELECT coalesce(sum(won), 0) AS won, coalesce(sum(lost), 0) AS lost FROM win_counts WHERE attribute = '*')
SELECT f.arg, f.attribute, f.value, f.won, f.lost,
       ((f.won + 1.0) / (t.won + f.n)) / ((f.lost + 1.0) / (t.lost + f.n)) AS factor,
       (t.won + 1.0) / (t.lost + 1.0) AS prior
  FROM (SELECT a.arg, a.attribute, a.value, coalesce(c.won, 0) AS won, coalesce(c.lost, 0) AS lost,
               coalesce((SELECT n FROM seen WHERE seen.attribute = a.attribute), 0) + (coalesce(c.won, 0) + coalesce(c.lost, 0) = 0) AS n
          FROM attributes AS a
          LEFT JOIN win_counts AS c ON c.attribute = a.attribute AND c.value = a.value) AS f
 CROSS JOIN totals AS t;

-- (internal) Each set of values' probability of a win: the prior odds (won + 1) / (lost + 1) times the
-- factor of each attribute, as a probability. (A product of five factors: no logarithms, which not every
-- SQLite has.)
CREATE VIEW _win_key_probability AS
SELECT arg, round(odds / (1 + odds), 4) AS probability,
       round(source, 4) AS source_factor, round(industry, 4) AS industry_factor, round(country, 4) AS country_factor,
       round(size, 4) AS size_factor, round(seniority, 4) AS seniority_factor
  FROM (SELECT arg, max(prior) * max(CASE WHEN attribute = 'source' THEN factor END) * max(CASE WHEN attribute = 'industry' THEN factor END)
                   * max(CASE WHEN attribute = 'country' THEN factor END) * max(CASE WHEN attribute = 'size' THEN factor END)
                   * max(CASE WHEN attribute = 'seniority' THEN factor END) AS odds,
               max(CASE WHEN attribute = 'source' THEN factor END) AS source,
               max(CASE WHEN attribute = 'industry' THEN factor END) AS industry,
               max(CASE WHEN attribute = 'country' THEN factor END) AS country,
               max(CASE WHEN attribute = 'size' THEN factor END) AS size,
               max(CASE WHEN attribute = 'seniority' THEN factor END) AS seniority
          FROM _win_key_factors GROUP BY arg);

-- Each open lead's attributes with what they say (_win_key_factors of its values).
CREATE VIEW lead_win_factors AS
WITH f AS MATERIALIZED (SELECT * FROM _win_key_factors)
SELECT l.id AS lead_id, f.attribute, f.value, f.won, f.lost, f.factor
  FROM lead_records AS l
  JOIN stages AS s ON s.name = l.stage
 CROSS JOIN f ON f.arg = json_array(l.source, l.industry, l.country, l.company_size, l.title)
 WHERE s.outcome IS NULL AND l.erased_at IS NULL;

-- Each open lead's probability of being won, and the factor of each attribute (_win_key_probability of
-- its values).
CREATE VIEW lead_win_probability AS
WITH p AS MATERIALIZED (SELECT * FROM _win_key_probability)
SELECT l.id AS lead_id, p.probability, p.source_factor, p.industry_factor, p.country_factor, p.size_factor, p.seniority_factor
  FROM lead_records AS l
  JOIN stages AS s ON s.name = l.stage
 CROSS JOIN p ON p.arg = json_array(l.source, l.industry, l.country, l.company_size, l.title)
 WHERE s.outcome IS NULL AND l.erased_at IS NULL;

-- Open deals (open leads with an amount) by the month they are expected to close: the day they entered
-- their stage plus the median days from entering that stage to the first win after it (stage_win_days,
-- over the stays a win followed; 30 when none yet), not before now. Their amount, and the amount
-- weighted by each deal's win probability.
CREATE VIEW pipeline_forecast AS
WITH p AS MATERIALIZED (SELECT arg, probability FROM _win_key_probability),
     m AS MATERIALIZED (
        SELECT stage, min(CASE WHEN through >= (n + 1) / 2 THEN days END) AS median_days
          FROM (SELECT stage, days, sum(stays) OVER (PARTITION BY stage ORDER BY days) AS through,
                       sum(stays) OVER (PARTITION BY stage) AS n
                  FROM stage_win_days WHERE stays <> 0 AND days >= 0)
         GROUP BY stage),
     -- (the deals apart from their grouping: a query that groups would scan p for each deal)
     deals AS MATERIALIZED (
        SELECT l.amount, p.probability,
               max(c.now, strftime('%Y-%m-%dT%H:%M:%fZ',
                   julianday(coalesce((SELECT h.changed_at FROM stage_history AS h WHERE h.lead_id = l.id ORDER BY h.id DESC LIMIT 1), l.created_at))
                   + coalesce((SELECT m.median_days FROM m WHERE m.stage = l.stage), 30))) AS expected_close
          FROM lead_records AS l
          JOIN stages AS s ON s.name = l.stage
         CROSS JOIN p ON p.arg = json_array(l.source, l.industry, l.country, l.company_size, l.title)
         CROSS JOIN clock AS c
         WHERE s.outcome IS NULL AND l.erased_at IS NULL AND l.amount IS NOT NULL)
SELECT substr(expected_close, 1, 7) AS month, count(*) AS deals, total(amount) AS amount,
       round(total(amount * probability), 2) AS weighted_amount
  FROM deals
 GROUP BY month
 ORDER BY month;

-- Each campaign touch on a won lead up to its win, in order: the activities that carry a campaign (the
-- capture's own, clicks, opens, webinars...). `n` is the touch's place, `touches` the lead's count.
CREATE VIEW campaign_touches AS
SELECT a.lead_id, a.campaign, a.occurred_at,
       row_number() OVER (PARTITION BY a.lead_id ORDER BY a.occurred_at, a.id) AS n,
       count(*) OVER (PARTITION BY a.lead_id) AS touches,
       coalesce(l.amount, 0) AS amount
  FROM lead_records AS l
  JOIN stages AS s ON s.name = l.stage
 -- (read from the won leads, each one's activities by its index: not every activity for the few won)
 CROSS JOIN activity_log AS a ON a.lead_id = l.id AND a.occurred_at <= l.converted_at
 WHERE a.campaign IS NOT NULL AND s.outcome = 'won';

-- Won revenue credited to each campaign under four models: all of it to the first touch, all to the
-- last, an equal share to every touch (linear), and U-shaped: 40% each to the first and last touch and
-- the other 20% shared by the touches between (one touch takes all of it, two take half each).
CREATE VIEW attribution AS
SELECT campaign,
       round(sum(CASE WHEN n = 1 THEN amount ELSE 0 END), 2) AS first_touch,
       round(sum(CASE WHEN n = touches THEN amount ELSE 0 END), 2) AS last_touch,
       round(sum(amount * 1.0 / touches), 2) AS linear,
       round(sum(amount * CASE WHEN touches = 1 THEN 1.0 WHEN touches = 2 THEN 0.5
                               WHEN n = 1 OR n = touches THEN 0.4 ELSE 0.2 / (touches - 2) END), 2) AS u_shaped,
       count(DISTINCT lead_id) AS won_leads
  FROM campaign_touches
 GROUP BY campaign
 ORDER BY linear DESC, campaign;

-- How well the win probability is calibrated: each closed lead's probability as the estimate would have
-- given it without that lead (its own win or loss taken out of the counts), the leads in ten groups of
-- rising probability (fewer when there are fewer than ten), and each group's mean predicted probability
-- beside the share actually won. A calibrated estimate has the two close.
CREATE VIEW win_calibration AS
WITH totals AS MATERIALIZED (
        SELECT coalesce(sum(won), 0) AS won, coalesce(sum(lost), 0) AS lost FROM win_counts WHERE attribute = '*'),
     seen AS MATERIALIZED (
        SELECT attribute, count(*) AS n FROM win_counts WHERE won + lost > 0 AND attribute <> '*' GROUP BY attribute),
     closed_leads AS MATERIALIZED (
        SELECT l.id AS lead_id, json_array(l.source, l.industry, l.country, l.company_size, l.title) AS arg, s.outcome = 'won' AS won
          FROM lead_records AS l JOIN stages AS s ON s.name = l.stage
         WHERE s.outcome IS NOT NULL),
     keys AS MATERIALIZED (SELECT DISTINCT arg, won FROM closed_leads),
     closed AS MATERIALIZED (
        SELECT k.arg, k.won, v.attribute, v.value FROM keys AS k CROSS JOIN win_attributes_of AS v ON v.arg = k.arg WHERE v.attribute <> '*'),
     factors AS MATERIALIZED (
        -- (the lead's own count taken out: the values seen stay as many, its own now unseen or not)
        SELECT c.arg, c.won, c.attribute,
               ((coalesce(k.won, 0) - c.won + 1.0) / (t.won - c.won + n.n))
               / ((coalesce(k.lost, 0) - (1 - c.won) + 1.0) / (t.lost - (1 - c.won) + n.n)) AS factor
          FROM closed AS c
          LEFT JOIN win_counts AS k ON k.attribute = c.attribute AND k.value = c.value
          JOIN seen AS n ON n.attribute = c.attribute
          CROSS JOIN totals AS t),
     predicted AS MATERIALIZED (
        SELECT f.arg, f.won,
               (t.won - f.won + 1.0) / (t.lost - (1 - f.won) + 1.0)
               * max(CASE WHEN f.attribute = 'source' THEN f.factor END) * max(CASE WHEN f.attribute = 'industry' THEN f.factor END)
               * max(CASE WHEN f.attribute = 'country' THEN f.factor END) * max(CASE WHEN f.attribute = 'size' THEN f.factor END)
               * max(CASE WHEN f.attribute = 'seniority' THEN f.factor END) AS odds
          FROM factors AS f CROSS JOIN totals AS t
         GROUP BY f.arg, f.won)
SELECT decile, count(*) AS leads, round(avg(odds / (1 + odds)), 4) AS predicted, round(avg(won), 4) AS actual
  FROM (SELECT p.odds, l.won, ntile(10) OVER (ORDER BY p.odds / (1 + p.odds), l.lead_id) AS decile
          FROM closed_leads AS l CROSS JOIN predicted AS p ON p.arg = l.arg AND p.won = l.won)
 GROUP BY decile
 ORDER BY decile;
