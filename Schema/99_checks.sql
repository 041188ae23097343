-- Checks: the rules' own invariants, as rows, for `leads check` and any program.
--
-- SELECT * FROM invariant_problems lists what breaks an invariant: `invariant` (its name), `subject`
-- (the row at fault, e.g. `lead 42`), `problem` (what is wrong, with the values) and `repair` (the
-- statement that puts it right). Empty on a healthy file. It reads every lead and activity: it is a
-- check to run on demand (after a crash, a restore, a hand edit), not on a hot path.
--
-- The derived values (stage_counts, reps.open_leads, lead_scores) are kept by the rules one event at a
-- time and refuse other writes, except their true value: INSERT INTO lead_repair DEFAULT VALUES writes
-- every count's true value and starts a rescore of every lead (done by ticks, 45_rescoring.sql).
-- Up to 100 search entries, spread over the ids, and whether the index misses each when looked for by
-- the first three characters of its email (an index whose pages were changed or lost does).
CREATE VIEW _search_sample AS
SELECT s.rowid AS rowid,
       NOT EXISTS (SELECT 1 FROM lead_search AS m
                    WHERE lead_search MATCH '"' || replace(substr(s.email, 1, 3), '"', '""') || '"' AND m.rowid = s.rowid) AS missed
  FROM (SELECT rowid, email FROM lead_search
         WHERE length(email) >= 3
           AND rowid % max(1, (SELECT count(*) FROM lead_search_docsize) / 100) = 0
         LIMIT 100) AS s;

CREATE VIEW invariant_problems AS
-- A stage's count is the number of leads in it.
SELECT 'stage_count' AS invariant, 'stage ' || s.name AS subject,
       'stage_counts says ' || coalesce(c.leads, 0) || ' leads, ' || n.leads || ' are in it' AS problem,
       'INSERT INTO lead_repair DEFAULT VALUES' AS repair
  FROM stages AS s
  LEFT JOIN stage_counts AS c ON c.stage = s.name
  -- (a lead merged into another is counted there: 89_merges.sql)
  JOIN (SELECT s2.name AS stage, (SELECT count(*) FROM lead_records AS l WHERE l.stage = s2.name AND l.merged_into IS NULL) AS leads FROM stages AS s2) AS n
    ON n.stage = s.name
 WHERE coalesce(c.leads, 0) <> n.leads
UNION ALL
-- A rep's open-lead count is the number of open, unerased leads it owns (_rep_load, 80_routing.sql).
SELECT 'rep_open_leads', 'rep ' || r.id || ' (' || r.name || ')',
       'open_leads is ' || r.open_leads || ', it owns ' || n.open || ' open leads',
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM reps AS r
  JOIN (SELECT r2.id, (SELECT count(*) FROM lead_records AS l
                        WHERE l.owner_id = r2.id AND l.closed_at IS NULL AND l.erased_at IS NULL) AS open
          FROM reps AS r2) AS n ON n.id = r.id
 WHERE r.open_leads <> n.open
UNION ALL
-- Every lead has its scoring row.
SELECT 'lead_scores', 'lead ' || l.id, 'has no lead_scores row', 'INSERT INTO lead_repair DEFAULT VALUES'
  FROM lead_records AS l
 WHERE NOT EXISTS (SELECT 1 FROM lead_scores AS s WHERE s.lead_id = l.id)
UNION ALL
-- A lead's stage is where its history leads (a new lead has none: it starts in `new`), and each move
-- starts where the one before ended.
SELECT 'stage_history', 'lead ' || l.id,
       'is in ' || l.stage || ' but its history ends in ' || coalesce(h.to_stage, 'new (no moves)'),
       'restore the file from a backup (moves are written with their history)'
  FROM lead_records AS l
  LEFT JOIN stage_history AS h ON h.id = (SELECT max(id) FROM stage_history WHERE lead_id = l.id)
 WHERE l.stage IS NOT coalesce(h.to_stage, 'new')
UNION ALL
SELECT 'stage_history', 'move ' || h.id || ' of lead ' || h.lead_id,
       'starts in ' || coalesce(h.from_stage, 'NULL') || ' but the move before ended in ' || coalesce(h.previous, 'new (no moves)'),
       'restore the file from a backup (moves are written with their history)'
  FROM (SELECT id, lead_id, from_stage, lag(to_stage, 1, 'new') OVER (PARTITION BY lead_id ORDER BY id) AS previous
          FROM stage_history) AS h
 WHERE h.from_stage IS NOT h.previous
UNION ALL
-- An activity is what the activities view stores: a known lead and kind, a stored time. A row written
-- straight into activity_log skips those checks and the scoring they set off (its points then show as
-- an engagement problem too). (Its points are the kind's when it was logged: a kind made outbound
-- later keeps them, so they are not compared with the kind now.) (A time ahead of now is not checked: a clock
-- set back makes earlier activities look ahead of it.)
SELECT 'activity', 'activity ' || a.id || ' of lead ' || a.lead_id,
       CASE WHEN NOT EXISTS (SELECT 1 FROM lead_records AS l WHERE l.id = a.lead_id) THEN 'names a lead that does not exist'
            WHEN k.kind IS NULL THEN 'has kind ' || quote(a.kind) || ', which is not in activity_kinds'
            WHEN a.occurred_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', a.occurred_at) THEN 'has time ' || quote(a.occurred_at) || ', not a stored time'
            END,
       'restore the file from a backup (activities are history: write them through INSERT INTO activities)'
  FROM activity_log AS a
  LEFT JOIN activity_kinds AS k ON k.kind = a.kind
 WHERE NOT EXISTS (SELECT 1 FROM lead_records AS l WHERE l.id = a.lead_id)
    OR k.kind IS NULL
    OR a.occurred_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', a.occurred_at)
UNION ALL
-- Every owner exists.
SELECT 'owner', 'lead ' || l.id, 'is owned by rep ' || l.owner_id || ', which does not exist',
       'INSERT INTO reps(id, name) VALUES (' || l.owner_id || ', ''rep ' || l.owner_id || '''); INSERT INTO lead_repair DEFAULT VALUES; '
           || 'UPDATE reps SET active = 0 WHERE id = ' || l.owner_id || ' (a rep is deactivated, never deleted: its open leads are routed again)'
  FROM lead_records AS l
 WHERE l.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reps AS r WHERE r.id = l.owner_id)
UNION ALL
-- The stored fit is the points of the rules the lead matches (a lead a rule change has not rescored yet
-- is read from the rules: it is not checked until it is rescored).
SELECT 'fit', 'lead ' || s.lead_id, 'stored fit ' || s.fit_score || ', the rules give ' || f.fit_score,
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM lead_scores AS s
  JOIN fit_recomputed AS f ON f.lead_id = s.lead_id
 WHERE abs(s.fit_score - f.fit_score) > 1e-9
   AND NOT EXISTS (SELECT 1 FROM _rescoring AS x WHERE x.kind = 'fit' AND s.lead_id BETWEEN x.next_id AND x.last_id)
UNION ALL
-- The stored engagement, decayed to now, is what the lead's scored activities give now (both read at
-- the later of now and the stored anchor: engagement never grows with time).
-- (the decay: 05_score_settings.sql)
SELECT 'engagement', 'lead ' || e.lead_id,
       'stored engagement is ' || round(e.stored, 6) || ' now, its activities give ' || round(e.recomputed, 6),
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM (SELECT s.lead_id,
               CASE WHEN s.engagement_at IS NULL THEN coalesce(s.engagement, 0)
                    ELSE s.engagement * pow(0.5, max(julianday((SELECT now FROM clock)) - julianday(s.engagement_at), 0)
                                                 / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')) END AS stored,
               (SELECT total(a.points * pow(0.5, (julianday(max((SELECT now FROM clock), coalesce(s.engagement_at, '')))
                                                  - julianday(a.occurred_at))
                                                 / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')))
                  FROM activity_log AS a WHERE a.lead_id = s.lead_id AND a.points <> 0) AS recomputed
          FROM lead_scores AS s
         WHERE NOT EXISTS (SELECT 1 FROM _rescoring AS x WHERE x.kind = 'engagement' AND s.lead_id BETWEEN x.next_id AND x.last_id)) AS e
 WHERE abs(e.stored - e.recomputed) > 1e-6 * max(1, abs(e.recomputed))
UNION ALL
-- An erased lead keeps no personal data: not in its row, its activities' details, its outbox messages,
-- the search index or its capture keys.
SELECT 'erased', 'lead ' || l.id,
       'was erased at ' || l.erased_at || ' but still holds ' || trim(
           CASE WHEN coalesce(l.email, l.first_name, l.last_name, l.phone, l.company, l.title) IS NOT NULL THEN 'personal fields, ' ELSE '' END
        || CASE WHEN EXISTS (SELECT 1 FROM activity_log AS a WHERE a.lead_id = l.id AND a.detail IS NOT NULL) THEN 'activity details, ' ELSE '' END
        || CASE WHEN EXISTS (SELECT 1 FROM outbox AS o WHERE o.lead_id = l.id AND o.payload IS NOT json_object('lead_id', l.id, 'erased', 1))
                THEN 'outbox messages, ' ELSE '' END
        || CASE WHEN EXISTS (SELECT 1 FROM lead_search WHERE rowid = l.id) THEN 'a search entry, ' ELSE '' END
        || CASE WHEN EXISTS (SELECT 1 FROM captures AS c WHERE c.lead_id = l.id AND c.capture_key IS NOT NULL) THEN 'capture keys, ' ELSE '' END
        || CASE WHEN EXISTS (SELECT 1 FROM field_history AS h WHERE h.lead_id = l.id AND h.field IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'consent', 'custom')
                              AND (h.old_value IS NOT NULL OR h.new_value IS NOT NULL)) THEN 'field history, ' ELSE '' END,
           ', '),
       'INSERT INTO lead_repair DEFAULT VALUES (it erases again what an erased lead still holds)'
  FROM lead_records AS l
 WHERE l.erased_at IS NOT NULL
   AND (coalesce(l.email, l.first_name, l.last_name, l.phone, l.company, l.title) IS NOT NULL
        OR EXISTS (SELECT 1 FROM activity_log AS a WHERE a.lead_id = l.id AND a.detail IS NOT NULL)
        OR EXISTS (SELECT 1 FROM outbox AS o WHERE o.lead_id = l.id AND o.payload IS NOT json_object('lead_id', l.id, 'erased', 1))
        OR EXISTS (SELECT 1 FROM lead_search WHERE rowid = l.id)
        OR EXISTS (SELECT 1 FROM captures AS c WHERE c.lead_id = l.id AND c.capture_key IS NOT NULL)
        OR EXISTS (SELECT 1 FROM field_history AS h WHERE h.lead_id = l.id AND h.field IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'consent', 'custom')
                    AND (h.old_value IS NOT NULL OR h.new_value IS NOT NULL)))
UNION ALL
-- Every lead's stored values are as the rules store them (lead_problems, 30_leads.sql): a value written
-- around the rules, or read differently after a configuration change, would refuse the lead's next change.
SELECT 'lead', 'lead ' || p.id, p.problem,
       'UPDATE leads SET ' || coalesce(p.field, CASE substr(p.problem, 1, instr(p.problem, ':') - 1)
           WHEN 'invalid_email' THEN 'email' WHEN 'invalid_phone' THEN 'phone' WHEN 'invalid_company_size' THEN 'company_size'
           WHEN 'invalid_country' THEN 'country' WHEN 'invalid_amount' THEN 'amount' WHEN 'unknown_lost_reason' THEN 'lost_reason'
           ELSE 'the field' END) || ' = ... WHERE id = ' || p.id || ' (with the value as it should be)'
  FROM lead_problems AS p
UNION ALL
-- The win probability's counts are the closed leads' (win_counts_recomputed, 97_reports.sql).
SELECT 'win_counts', k.attribute || ' = ' || k.value,
       'counts ' || coalesce(c.won, 0) || ' won and ' || coalesce(c.lost, 0) || ' lost; the closed leads give '
       || coalesce(r.won, 0) || ' and ' || coalesce(r.lost, 0),
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM (SELECT attribute, value FROM win_counts UNION SELECT attribute, value FROM win_counts_recomputed) AS k
  LEFT JOIN win_counts AS c ON c.attribute = k.attribute AND c.value = k.value
  LEFT JOIN win_counts_recomputed AS r ON r.attribute = k.attribute AND r.value = k.value
 WHERE coalesce(c.won, 0) IS NOT coalesce(r.won, 0) OR coalesce(c.lost, 0) IS NOT coalesce(r.lost, 0)
UNION ALL
-- The stays the funnel, velocity and forecast reports read are the leads' and moves' (the *_recomputed
-- views, 97_reports.sql).
SELECT 'stays', 'stage_stay_paths (' || k.month || ', ' || k.stage || ', later ' || k.later || ')',
       'counts ' || coalesce(c.stays, 0) || ' stays; the leads and moves give ' || coalesce(r.stays, 0),
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM (SELECT month, stage, later FROM stage_stay_paths WHERE stays IS NOT 0 UNION SELECT month, stage, later FROM stage_stay_paths_recomputed) AS k
  LEFT JOIN stage_stay_paths AS c ON c.month = k.month AND c.stage = k.stage AND c.later = k.later
  LEFT JOIN stage_stay_paths_recomputed AS r ON r.month = k.month AND r.stage = k.stage AND r.later = k.later
 WHERE coalesce(c.stays, 0) IS NOT coalesce(r.stays, 0)
UNION ALL
SELECT 'stays', t.name || ' (' || k.stage || ', ' || k.days || ' days)',
       'counts ' || coalesce(c.stays, 0) || ' stays; the leads and moves give ' || coalesce(r.stays, 0),
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM (SELECT 'stage_stay_days' AS name UNION ALL SELECT 'stage_win_days') AS t
  JOIN (SELECT 'stage_stay_days' AS name, stage, days FROM stage_stay_days WHERE stays IS NOT 0
        UNION SELECT 'stage_stay_days', stage, days FROM stage_stay_days_recomputed
        UNION SELECT 'stage_win_days', stage, days FROM stage_win_days WHERE stays IS NOT 0
        UNION SELECT 'stage_win_days', stage, days FROM stage_win_days_recomputed) AS k ON k.name = t.name
  LEFT JOIN (SELECT 'stage_stay_days' AS name, stage, days, stays FROM stage_stay_days
             UNION ALL SELECT 'stage_win_days', stage, days, stays FROM stage_win_days) AS c
         ON c.name = k.name AND c.stage = k.stage AND c.days = k.days
  LEFT JOIN (SELECT 'stage_stay_days' AS name, stage, days, stays FROM stage_stay_days_recomputed
             UNION ALL SELECT 'stage_win_days', stage, days, stays FROM stage_win_days_recomputed) AS r
         ON r.name = k.name AND r.stage = k.stage AND r.days = k.days
 WHERE coalesce(c.stays, 0) IS NOT coalesce(r.stays, 0)
UNION ALL
-- Accounts (32_accounts.sql): each as its rules keep it; a lead joins a live account; a merged account
-- points to a live one and forgets its domain with it; every merge finished.
SELECT 'account', 'account ' || p.id, p.problem, 'UPDATE accounts SET ... WHERE id = ' || p.id || ' (the problem names the value)'
  FROM account_problems AS p
UNION ALL
-- A segment and its rules are as the rules for writing them say (a rule a later change left reading
-- nothing: 36_segments.sql).
SELECT 'segment', CASE p.tbl WHEN 'segments' THEN 'segment ' ELSE 'segment rule ' END || p.row_key, p.problem,
       'UPDATE ' || p.tbl || ' SET ... (the problem names the value), or delete it'
  FROM segment_problems AS p
 WHERE p.problem IS NOT NULL
UNION ALL
-- A merged lead is a tombstone pointing at a live lead through a merge not undone; a merge not undone
-- has its tombstone (89_merges.sql).
SELECT 'merge', 'lead ' || l.id,
       'is merged into lead ' || l.merged_into || CASE WHEN k.id IS NULL THEN ', which does not exist'
                                                   WHEN k.merged_into IS NOT NULL THEN ', which was merged into lead ' || k.merged_into
                                                   WHEN l.erased_at IS NULL THEN ' but is not retired (its erased_at is empty)'
                                                   ELSE ' but no merge made it' END,
       'restore the file from a backup (merges are written whole)'
  FROM lead_records AS l
  LEFT JOIN lead_records AS k ON k.id = l.merged_into
 WHERE l.merged_into IS NOT NULL
   AND (k.id IS NULL OR k.merged_into IS NOT NULL OR l.erased_at IS NULL
        OR NOT EXISTS (SELECT 1 FROM merges AS m WHERE m.merged_id = l.id AND m.undone_at IS NULL AND m.merged_at IS NOT NULL))
UNION ALL
SELECT 'merge', 'merge ' || m.id,
       'merged lead ' || m.merged_id || ' into lead ' || m.kept_id || ', but lead ' || m.merged_id || ' is not merged into any lead',
       'restore the file from a backup (merges are written whole)'
  FROM merges AS m
  JOIN lead_records AS l ON l.id = m.merged_id
 WHERE m.undone_at IS NULL AND m.merged_at IS NOT NULL AND l.merged_into IS NULL
UNION ALL
SELECT 'account', 'lead ' || l.id,
       'belongs to account ' || l.account_id || CASE WHEN a.id IS NULL THEN ', which does not exist'
                                                     WHEN a.merged_into IS NOT NULL THEN ', which was merged into account ' || a.merged_into
                                                     ELSE ', which was erased' END,
       'UPDATE lead_records SET account_id = ' || coalesce(a.merged_into, 'NULL') || ' WHERE id = ' || l.id
  FROM lead_records AS l
  LEFT JOIN accounts AS a ON a.id = l.account_id
 WHERE l.account_id IS NOT NULL AND (a.id IS NULL OR a.merged_into IS NOT NULL OR (a.erased_at IS NOT NULL AND l.erased_at IS NULL))
UNION ALL
SELECT 'account', 'account ' || a.id,
       'was merged into account ' || a.merged_into || CASE WHEN k.id IS NULL THEN ', which does not exist'
                                                           WHEN k.merged_into IS NOT NULL THEN ', which was merged into account ' || k.merged_into
                                                           ELSE ', which was erased while this one keeps its domain' END,
       'restore the file from a backup (merges are written whole)'
  FROM accounts AS a
  LEFT JOIN accounts AS k ON k.id = a.merged_into
 WHERE a.merged_into IS NOT NULL AND (k.id IS NULL OR k.merged_into IS NOT NULL OR (k.erased_at IS NOT NULL AND a.domain IS NOT NULL))
UNION ALL
-- (its kept score, when kept, is what its people add up to; 32_accounts.sql)
SELECT 'account', 'account ' || a.id,
       'keeps a score of ' || coalesce(round(a.kept_fit + a.kept_engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(a.kept_at))
                                                                      / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')), 4),
                                          quote(a.kept_fit) || ' + ' || quote(a.kept_engagement) || ' at ' || quote(a.kept_at))
       || '; its people add up to ' || round(s.score, 4),
       'INSERT INTO lead_repair DEFAULT VALUES'
  FROM accounts AS a JOIN account_scores AS s ON s.account_id = a.id
 WHERE a.kept_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM _rescoring WHERE next_id <= last_id)
   AND (a.kept_fit IS NULL OR a.kept_engagement IS NULL OR typeof(a.kept_at) <> 'text'
        OR abs(a.kept_fit + a.kept_engagement * pow(0.5, max(0.0, julianday((SELECT now FROM clock)) - julianday(a.kept_at))
                                                 / (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.half_life_days')) - s.score)
            -- (account_scores rounds each person's engagement to 6 decimals)
            > 1e-6 * (s.people + 1))
UNION ALL
SELECT 'account', 'account ' || a.id, 'has the id ' || a.id || ' (accounts are numbered from 1 to 10^12)', 'restore the file from a backup'
  FROM accounts AS a WHERE a.id < 1 OR a.id > 1000000000000
UNION ALL
SELECT 'account', 'merge ' || m.id, 'of account ' || m.merged_id || ' into ' || m.kept_id || ' did not finish (no merged_at)', 'restore the file from a backup'
  FROM account_merges AS m WHERE m.merged_at IS NULL
UNION ALL
-- Custom fields (33_custom_fields.sql): definitions as their rules keep them; each lead's values stored
-- as read; a lead in a stage that requires a field has it.
SELECT 'custom_field', 'field ' || coalesce(p.name, 'NULL'), p.problem, 'UPDATE custom_fields SET ... (the problem names the value)'
  FROM custom_field_problems AS p
UNION ALL
SELECT 'custom_field', 'lead ' || l.id,
       coalesce(c.problem, 'its custom values are not stored as read (' || coalesce(c.custom, 'NULL') || ')'),
       'UPDATE leads SET custom = ... WHERE id = ' || l.id
  FROM lead_records AS l
  JOIN custom_input AS c ON c.arg = json_array(CAST(l.custom AS TEXT))
 WHERE l.custom IS NOT NULL AND (c.problem IS NOT NULL OR c.custom IS NOT l.custom)
UNION ALL
SELECT 'custom_field', 'lead ' || l.id, 'is in ' || l.stage || ' without ' || f.name || ', which is required from ' || f.required_at_stage || ' on',
       'UPDATE leads SET custom = ''{"' || f.name || '": ...}'' WHERE id = ' || l.id
  FROM custom_fields AS f
  JOIN stages AS r ON r.name = f.required_at_stage
  JOIN stages AS s ON s.position >= r.position AND s.outcome IS NOT 'lost'
  JOIN lead_records AS l ON l.stage = s.name
 WHERE l.erased_at IS NULL
   AND (CASE WHEN json_valid(l.custom) THEN json_extract(l.custom, '$."' || f.name || '"') END) IS NULL
UNION ALL
-- Deals (34_deals.sql): a lead has at most one open new-business deal; an account is a customer exactly
-- when it has a won deal, since the first; stages are stages. (A won deal's lead may be reopened later:
-- the deal stays won.)
SELECT 'deal', 'lead ' || d.lead_id, 'has ' || count(*) || ' open new-business deals (' || group_concat(d.id, ', ') || ')',
       'lose all but one (UPDATE deals SET stage = ''lost'', lost_reason = ... WHERE id = ...)'
  FROM deals AS d WHERE d.kind = 'new_business' AND d.closed_at IS NULL AND d.lead_id IS NOT NULL
 GROUP BY d.lead_id HAVING count(*) > 1

UNION ALL
SELECT 'deal', 'account ' || a.id,
       'has customer_since ' || coalesce(a.customer_since, 'NULL') || ', its first won deal ' || coalesce(w.first, 'none'),
       'restore the file from a backup'
  FROM accounts AS a
  LEFT JOIN (SELECT d.account_id, min(d.closed_at) AS first FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage AND s.outcome = 'won'
              GROUP BY d.account_id) AS w ON w.account_id = a.id
 WHERE a.merged_into IS NULL AND a.customer_since IS NOT w.first
UNION ALL
SELECT 'deal', 'deal ' || d.id, 'is in ' || quote(d.stage) || ', which is not a deal stage', 'restore the file from a backup'
  FROM deals AS d WHERE NOT EXISTS (SELECT 1 FROM deal_stages WHERE name = d.stage)
UNION ALL
SELECT 'deal', 'deal stages', 'have no ' || k.outcome || ' stage', 'INSERT INTO deal_stages(name, position, outcome) VALUES (...)'
  FROM (SELECT 'won' AS outcome UNION ALL SELECT 'lost' UNION ALL SELECT 'open') AS k
 WHERE NOT EXISTS (SELECT 1 FROM deal_stages WHERE coalesce(outcome, 'open') = k.outcome)
UNION ALL
-- No restore is left unfinished: a killed `leads restore` leaves its row, which refuses erasures.
SELECT 'restore', 'file', 'a restore from ' || backup || ' began at ' || started_at || ' and did not end: erasures are refused until it does',
       'if no restore is running: DELETE FROM _restore'
  FROM _restore
UNION ALL
-- Every lead that is not erased is in the search index or queued for it; the index has not grown past
-- the levels at which the rules rebuild it (_search_levels, 95_privacy.sql).
SELECT 'search', 'lead ' || l.id, 'is not in the search index and not queued for it', 'INSERT INTO lead_repair DEFAULT VALUES'
  FROM lead_records AS l
 WHERE l.erased_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM lead_search WHERE rowid = l.id)
   AND NOT EXISTS (SELECT 1 FROM _search_queue AS q WHERE q.lead_id = l.id)
UNION ALL
-- (an entry written into lead_search by hand, which takes no trigger, or left behind by a change)
SELECT 'search', 'lead ' || s.rowid, 'its search entry is not its name, email, company and phone as they are now',
       'INSERT INTO lead_repair DEFAULT VALUES (it queues the lead to be indexed again)'
  FROM lead_search AS s JOIN search_entries AS e ON e.lead_id = s.rowid
 WHERE NOT EXISTS (SELECT 1 FROM _search_queue AS q WHERE q.lead_id = s.rowid)
   AND (s.first_name IS NOT e.first_name OR s.last_name IS NOT e.last_name OR s.email IS NOT e.email
        OR s.company IS NOT e.company OR s.phone IS NOT e.phone OR s.name IS NOT e.name)
UNION ALL
-- The index finds its entries by their own text (_search_sample).
SELECT 'search', 'index lead_search',
       'does not find ' || sum(s.missed) || ' of ' || count(*) || ' entries looked for by their own text (lead '
       || (SELECT group_concat(rowid, ', ') FROM (SELECT rowid FROM _search_sample WHERE missed ORDER BY rowid LIMIT 5))
       || CASE WHEN sum(s.missed) > 5 THEN ', ...' ELSE '' END || '): the index does not match its content',
       'INSERT INTO lead_repair DEFAULT VALUES (it rebuilds the index from its content)'
  FROM _search_sample AS s
HAVING sum(s.missed) > 0
UNION ALL
SELECT 'search', 'index lead_search', 'has ' || levels || ' levels (SQLite 3.40 calls it corrupt past 2,000)',
       'INSERT INTO lead_repair DEFAULT VALUES (it rebuilds the index from its content)'
  FROM _search_levels
 WHERE rebuild;

-- INSERT INTO lead_repair DEFAULT VALUES: puts every derived value right, as invariant_problems names
-- them: each stage's count and each rep's open-lead count set to its true value (the guards on those
-- columns refuse every other hand-written value), a missing scoring row written, each stored fit and
-- engagement that differs from what the rules and activities give written true, and what an erased
-- lead still holds erased again. It moves no lead: a healthy file is left as it is.
CREATE VIEW lead_repair AS SELECT NULL AS requested WHERE 0;

CREATE TRIGGER lead_repair_instead_of_insert INSTEAD OF INSERT ON lead_repair
BEGIN
    INSERT INTO stage_counts(stage, leads)
    SELECT s.name, (SELECT count(*) FROM lead_records AS l WHERE l.stage = s.name AND l.merged_into IS NULL) FROM stages AS s WHERE 1
        ON CONFLICT (stage) DO UPDATE SET leads = excluded.leads WHERE leads IS NOT excluded.leads;
    UPDATE reps SET open_leads = (SELECT count(*) FROM lead_records AS l
                                   WHERE l.owner_id = reps.id AND l.closed_at IS NULL AND l.erased_at IS NULL)
     WHERE open_leads IS NOT (SELECT count(*) FROM lead_records AS l
                               WHERE l.owner_id = reps.id AND l.closed_at IS NULL AND l.erased_at IS NULL);
    UPDATE activity_log SET detail = NULL
     WHERE detail IS NOT NULL AND lead_id IN (SELECT id FROM lead_records WHERE erased_at IS NOT NULL);
    -- (accounts' kept scores are added up again at their next check: 32_accounts.sql)
    UPDATE accounts SET kept_at = NULL WHERE kept_at IS NOT NULL;
    UPDATE outbox SET payload = json_object('lead_id', lead_id, 'erased', 1)
     WHERE lead_id IN (SELECT id FROM lead_records WHERE erased_at IS NOT NULL)
       AND payload IS NOT json_object('lead_id', lead_id, 'erased', 1);
    UPDATE captures SET capture_key = NULL
     WHERE capture_key IS NOT NULL AND lead_id IN (SELECT id FROM lead_records WHERE erased_at IS NOT NULL);
    UPDATE field_history SET old_value = NULL, new_value = NULL
     WHERE field IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'consent', 'custom') AND (old_value IS NOT NULL OR new_value IS NOT NULL)
       AND lead_id IN (SELECT id FROM lead_records WHERE erased_at IS NOT NULL);
    -- (an erased person's entry left in the search index is deleted and its older pages merged by the
    -- purge steps; a lead missing from the index is queued for it; an index past its levels is rebuilt)
    INSERT INTO _search_purge(erasure_id)
    SELECT e.id FROM erasures AS e
     WHERE EXISTS (SELECT 1 FROM lead_search WHERE rowid = e.lead_id)
        ON CONFLICT (erasure_id) DO NOTHING;
    DELETE FROM lead_search WHERE rowid IN (SELECT id FROM lead_records WHERE erased_at IS NOT NULL);
    INSERT INTO _search_queue(lead_id)
    SELECT l.id FROM lead_records AS l
     WHERE l.erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM lead_search WHERE rowid = l.id)
        ON CONFLICT (lead_id) DO NOTHING;
    -- (the win probability's counts written as the closed leads give them, where they differ)
    DELETE FROM win_counts
     WHERE NOT EXISTS (SELECT 1 FROM win_counts_recomputed AS r WHERE r.attribute = win_counts.attribute AND r.value = win_counts.value)
       AND (won <> 0 OR lost <> 0 OR typeof(won) <> 'integer' OR typeof(lost) <> 'integer');
    INSERT INTO win_counts(attribute, value, won, lost)
    SELECT r.attribute, r.value, r.won, r.lost FROM win_counts_recomputed AS r
     WHERE NOT EXISTS (SELECT 1 FROM win_counts AS c WHERE c.attribute = r.attribute AND c.value = r.value AND c.won IS r.won AND c.lost IS r.lost)
        ON CONFLICT (attribute, value) DO UPDATE SET won = excluded.won, lost = excluded.lost;
    -- (the stays the reports read written as the leads and moves give them, where they differ)
    DELETE FROM stage_stay_paths
     WHERE NOT EXISTS (SELECT 1 FROM stage_stay_paths_recomputed AS r
                        WHERE r.month = stage_stay_paths.month AND r.stage = stage_stay_paths.stage AND r.later = stage_stay_paths.later);
    INSERT INTO stage_stay_paths(month, stage, later, stays)
    SELECT r.month, r.stage, r.later, r.stays FROM stage_stay_paths_recomputed AS r WHERE 1
        ON CONFLICT (month, stage, later) DO UPDATE SET stays = excluded.stays WHERE stays IS NOT excluded.stays;
    DELETE FROM stage_stay_days
     WHERE NOT EXISTS (SELECT 1 FROM stage_stay_days_recomputed AS r WHERE r.stage = stage_stay_days.stage AND r.days = stage_stay_days.days);
    INSERT INTO stage_stay_days(stage, days, stays)
    SELECT r.stage, r.days, r.stays FROM stage_stay_days_recomputed AS r WHERE 1
        ON CONFLICT (stage, days) DO UPDATE SET stays = excluded.stays WHERE stays IS NOT excluded.stays;
    DELETE FROM stage_win_days
     WHERE NOT EXISTS (SELECT 1 FROM stage_win_days_recomputed AS r WHERE r.stage = stage_win_days.stage AND r.days = stage_win_days.days);
    INSERT INTO stage_win_days(stage, days, stays)
    SELECT r.stage, r.days, r.stays FROM stage_win_days_recomputed AS r WHERE 1
        ON CONFLICT (stage, days) DO UPDATE SET stays = excluded.stays WHERE stays IS NOT excluded.stays;
    -- (an entry that is not the lead's as it is now is indexed again)
    INSERT INTO _search_queue(lead_id)
    SELECT s.rowid FROM lead_search AS s JOIN search_entries AS e ON e.lead_id = s.rowid
     WHERE s.first_name IS NOT e.first_name OR s.last_name IS NOT e.last_name OR s.email IS NOT e.email
        OR s.company IS NOT e.company OR s.phone IS NOT e.phone OR s.name IS NOT e.name
        ON CONFLICT (lead_id) DO NOTHING;
    INSERT INTO lead_search(lead_search)
    SELECT 'rebuild' WHERE (SELECT rebuild FROM _search_levels)
        OR EXISTS (SELECT 1 FROM invariant_problems WHERE invariant = 'search' AND subject = 'index lead_search');
    UPDATE lead_records
       SET email = NULL, first_name = NULL, last_name = NULL, phone = NULL, company = NULL, title = NULL
     WHERE erased_at IS NOT NULL AND coalesce(email, first_name, last_name, phone, company, title) IS NOT NULL;
    INSERT INTO lead_scores(lead_id, fit_score)
    SELECT l.id, (SELECT total(points) FROM fit_matches WHERE lead_id = l.id)
      FROM lead_records AS l
     WHERE NOT EXISTS (SELECT 1 FROM lead_scores AS s WHERE s.lead_id = l.id);
    -- The stored scores that differ from what the rules and the activities give, written true (a
    -- lead a rule change has not rescored yet is left to the rescore). Nothing else moves: no lead is
    -- qualified by a repair. (It reads every lead and activity: a repair is run on demand.)
    UPDATE lead_scores SET fit_score = (SELECT f.fit_score FROM fit_recomputed AS f WHERE f.lead_id = lead_scores.lead_id)
     WHERE fit_score IS NOT (SELECT f.fit_score FROM fit_recomputed AS f WHERE f.lead_id = lead_scores.lead_id)
       AND NOT EXISTS (SELECT 1 FROM _rescoring AS x WHERE x.kind = 'fit' AND lead_scores.lead_id BETWEEN x.next_id AND x.last_id);
    UPDATE lead_scores
       SET (engagement, engagement_at) = (SELECT coalesce(e.engagement, 0), e.engagement_at FROM (SELECT 1) LEFT JOIN engagement_recomputed AS e ON e.lead_id = lead_scores.lead_id)
     WHERE lead_id IN (SELECT CAST(substr(subject, 6) AS INTEGER) FROM invariant_problems WHERE invariant = 'engagement');
END;
