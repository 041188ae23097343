-- Activities: INSERT INTO activities(lead_id, kind, occurred_at, campaign, source, detail).
--
-- The activity is checked (known lead and kind, a valid time), stored with its points (a snapshot of
-- activity_kinds.points for inbound kinds, 0 for outbound), and the lead's engagement is moved to the
-- new anchor in one update: the cost is the same whether the lead has 1 or 10,000 earlier activities.
CREATE VIEW activities AS
SELECT id, lead_id, kind, occurred_at, campaign, source, detail, points
  FROM activity_log;

-- Two statements per activity, both by primary key: the checked insert and the anchor move.
-- `id` is left out, or given as the next id (max(activity_log.id) + 1), so a program that wants to read
-- its activity back knows its id without guessing from the newest row (LeadStore.log does this).
CREATE TRIGGER activities_instead_of_insert INSTEAD OF INSERT ON activities
BEGIN
    INSERT INTO activity_log(id, lead_id, kind, occurred_at, campaign, source, detail, points)
    SELECT NEW.id, l.id, k.kind, x.at, nullif(trim(NEW.campaign), ''), nullif(trim(NEW.source), ''), NEW.detail,
           CASE k.direction WHEN 'inbound' THEN k.points ELSE 0 END
      FROM (SELECT CASE WHEN NEW.occurred_at IS NULL THEN (SELECT now FROM clock) ELSE t.at END AS at,
                   coalesce(t.problem, t.future) AS problem
              FROM time_input AS t WHERE t.arg = json_array(CAST(NEW.occurred_at AS TEXT))) AS x
      LEFT JOIN lead_records AS l ON l.id = NEW.lead_id
      LEFT JOIN activity_kinds AS k ON k.kind = lower(trim(NEW.kind))
     -- (one rule_error for every problem: each copy would enlarge the program set up for every activity)
     WHERE coalesce((SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = CASE
        WHEN NEW.lead_id IS NULL
            THEN json_array('missing_lead: an activity needs a lead_id')
        WHEN l.id IS NULL
            THEN json_array('unknown_lead: no lead has id ' || NEW.lead_id)
        WHEN l.merged_into IS NOT NULL
            THEN json_array('merged_lead: lead ' || l.id || ' was merged into lead ' || l.merged_into || '; record it on lead ' || l.merged_into)
        WHEN l.erased_at IS NOT NULL
            THEN json_array('erased_lead: lead ' || l.id || ' was erased; no activity is recorded for it')
        WHEN k.kind IS NULL
            THEN json_array('unknown_kind: ' || coalesce(NEW.kind, 'NULL') || ' is not an activity kind (kinds: '
                 || (SELECT group_concat(kind, ', ') FROM activity_kinds) || ')', json_object('value', NEW.kind))
        WHEN x.problem IS NOT NULL
            THEN json_array('invalid_time: occurred_at ' || NEW.occurred_at || ' ' || x.problem)
        -- A program may name its activity's id, to read it back by that id: the next one, nothing else.
        -- (CASE, not AND: both sides of an AND are evaluated, and most activities give no id)
        WHEN CASE WHEN NEW.id IS NULL THEN 0
                  ELSE NEW.id IS NOT coalesce((SELECT max(id) FROM activity_log), 0) + 1 OR typeof(NEW.id) <> 'integer' END
            THEN json_array('invalid_activity_id: id ' || quote(NEW.id) || ' is not the next activity id ('
                 || (coalesce((SELECT max(id) FROM activity_log), 0) + 1) || '); give that, or none', json_object('value', NEW.id))
        -- (text: activity_log_before_insert_text, below)
        END), 1);

    -- Move the engagement anchor: an activity at or after the anchor decays the stored value to its
    -- time and adds its points there; an earlier one (a backfill) adds its points decayed to the anchor.
    -- (the decay: 05_score_settings.sql)
    -- (a lead a half-life change has not re-anchored yet is re-anchored from its activities: 45_rescoring.sql)
    UPDATE lead_scores
       SET (engagement, engagement_at, last_activity_at) = (
               SELECT CASE
                          WHEN a.points = 0 THEN lead_scores.engagement
                          WHEN e.lead_id IS NOT NULL THEN e.engagement
                          WHEN lead_scores.engagement_at IS NULL THEN a.points
                          WHEN a.occurred_at >= lead_scores.engagement_at
                              THEN lead_scores.engagement * pow(0.5, (julianday(a.occurred_at) - julianday(lead_scores.engagement_at)) / h.days) + a.points
                          ELSE lead_scores.engagement + a.points * pow(0.5, (julianday(lead_scores.engagement_at) - julianday(a.occurred_at)) / h.days)
                      END,
                      CASE
                          WHEN a.points = 0 THEN lead_scores.engagement_at
                          WHEN e.lead_id IS NOT NULL THEN e.engagement_at
                          WHEN lead_scores.engagement_at IS NULL OR a.occurred_at > lead_scores.engagement_at THEN a.occurred_at
                          ELSE lead_scores.engagement_at
                      END,
                      max(coalesce(lead_scores.last_activity_at, ''), a.occurred_at)
                 FROM activity_log AS a
                 JOIN (SELECT CAST(value AS REAL) AS days FROM settings WHERE key = 'score.half_life_days') AS h
                 LEFT JOIN engagement_recomputed AS e
                   ON e.lead_id = NEW.lead_id AND a.points <> 0
                  AND NEW.lead_id BETWEEN (SELECT next_id FROM _rescoring WHERE kind = 'engagement')
                                      AND (SELECT last_id FROM _rescoring WHERE kind = 'engagement')
                WHERE a.id = last_insert_rowid())
     WHERE lead_id = NEW.lead_id;

    -- Points on a lead of an account may bring the account's score to account.mql_threshold (32_accounts.sql).
    -- (and points taken away keep the account's kept score in step)
    INSERT INTO _account_mql(lead_id, activity_id, applies, upto)
    VALUES (NEW.lead_id, last_insert_rowid(),
            CASE WHEN (SELECT points FROM activity_log WHERE id = last_insert_rowid()) <> 0
                 THEN (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL ELSE 0 END, NULL);

    -- An outbound touch is the lead's first response, if nothing answered before (85_sla.sql). The key
    -- is NULL unless the kind is outbound, so an inbound activity does not even look at the lead row.
    UPDATE lead_records
       SET first_response_at = (SELECT occurred_at FROM activity_log WHERE id = last_insert_rowid()),
           sla_met = CASE WHEN response_due_at IS NULL THEN NULL
                          ELSE (SELECT occurred_at FROM activity_log WHERE id = last_insert_rowid()) <= response_due_at END
     WHERE id = (SELECT NEW.lead_id WHERE (SELECT direction FROM activity_kinds WHERE kind = lower(trim(NEW.kind))) = 'outbound')
       AND first_response_at IS NULL;

    -- Replies, meetings, demo requests, unsubscribes and bounces end nurturing (90_nurture.sql); an
    -- unsubscribe also withdraws marketing consent.
    INSERT INTO _nurture_end(lead_id, reason, applies)
    VALUES (NEW.lead_id, lower(trim(NEW.kind)), (SELECT ends_nurture FROM activity_kinds WHERE kind = lower(trim(NEW.kind))) = 1);
    UPDATE lead_records
       SET consent = 0, consent_source = 'unsubscribe', consent_at = (SELECT now FROM clock)
     WHERE lower(trim(NEW.kind)) = 'unsubscribe' AND id = NEW.lead_id AND consent IS NOT 0;

    -- A closed lead active again: its owner hears of it (94_outbox.sql). Before the lead may qualify
    -- below, so a lead closed by reaching mql is not told of as re-engaged by the activity that closed it.
    INSERT INTO _lead_signals(lead_id, activity_id, applies, signal)
    VALUES (NEW.lead_id, last_insert_rowid(),
            (SELECT points FROM activity_log WHERE id = last_insert_rowid()) > 0 AND (SELECT closed_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL,
            'reengaged');

    -- Positive points may qualify the lead (see mql_ready in 40_stages.sql). The narrow scoring row
    -- decides first, without touching the lead row: decay only shrinks engagement towards 0, so fit plus
    -- the positive part of the engagement at the anchor bounds the current score (within the 6 decimals
    -- leads.score is given to).
    UPDATE lead_records SET stage = 'mql', updated_at = (SELECT now FROM clock)
     WHERE id = (SELECT sc.lead_id FROM lead_scores AS sc
                  WHERE sc.lead_id = NEW.lead_id
                    AND (sc.fit_score + max(sc.engagement, 0) >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.mql_threshold') - 1e-6
                         -- (a lead a rule change has not rescored yet: its stored values bound nothing)
                         OR EXISTS (SELECT 1 FROM _rescoring AS x WHERE NEW.lead_id BETWEEN x.next_id AND x.last_id))
                    AND (SELECT points FROM activity_log WHERE id = last_insert_rowid()) > 0)
       AND EXISTS (SELECT 1 FROM mql_ready WHERE lead_id = NEW.lead_id);

    -- An owned lead made hot (after it may have qualified and been routed): its owner hears of it
    -- (94_outbox.sql). Only a lead the bound above puts at the hot threshold is looked at.
    INSERT INTO _lead_signals(lead_id, activity_id, applies, signal)
    VALUES (NEW.lead_id, last_insert_rowid(),
            (SELECT points FROM activity_log WHERE id = last_insert_rowid()) > 0
            AND ((SELECT sc.fit_score + max(sc.engagement, 0) FROM lead_scores AS sc WHERE sc.lead_id = NEW.lead_id)
                     >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'score.hot_threshold') - 1e-6
                 OR EXISTS (SELECT 1 FROM _rescoring AS x WHERE NEW.lead_id BETWEEN x.next_id AND x.last_id)),
            'hot');
END;

-- The activity log is history: its rows are never deleted and what happened is never rewritten (an
-- erasure only clears the free-text detail).
CREATE TRIGGER activity_log_before_delete BEFORE DELETE ON activity_log
BEGIN
    SELECT RAISE(ABORT, 'append_only: activities cannot be deleted (an erasure removes a person''s details)');
END;

CREATE TRIGGER activity_log_before_update BEFORE UPDATE OF id, lead_id, kind, occurred_at, points ON activity_log
WHEN NEW.id IS NOT OLD.id OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id)) OR NEW.kind IS NOT OLD.kind
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.points IS NOT OLD.points
BEGIN
    SELECT RAISE(ABORT, 'append_only: an activity''s lead, kind, time and points cannot be changed; log a new activity instead');
END;

-- Activity kinds that activities point to are never renamed or deleted; the kinds the rules log or
-- read by name (form_submit on every capture, unsubscribe for consent) always exist.
CREATE TRIGGER activity_kinds_before_update_kind BEFORE UPDATE OF kind ON activity_kinds
WHEN NEW.kind IS NOT OLD.kind
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN OLD.kind IN ('form_submit', 'unsubscribe')
            THEN 'required_kind: activity kind ' || OLD.kind || ' is logged by the rules and cannot be renamed'
        WHEN EXISTS (SELECT 1 FROM activity_log WHERE kind = OLD.kind)
            THEN 'kind_in_use: activity kind ' || OLD.kind || ' is in the activity log; add a kind named ' || NEW.kind || ' instead'
        WHEN EXISTS (SELECT 1 FROM task_kinds WHERE activity_kind = OLD.kind) OR EXISTS (SELECT 1 FROM task_rules WHERE after_activity = OLD.kind)
            THEN 'kind_in_use: activity kind ' || OLD.kind || ' is logged by a task kind or follows a task rule (task_kinds, task_rules); change those first'
        END));
END;

CREATE TRIGGER activity_kinds_before_delete BEFORE DELETE ON activity_kinds
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN OLD.kind IN ('form_submit', 'unsubscribe')
            THEN 'required_kind: activity kind ' || OLD.kind || ' is logged by the rules and cannot be deleted'
        WHEN EXISTS (SELECT 1 FROM activity_log WHERE kind = OLD.kind)
            THEN 'kind_in_use: activity kind ' || OLD.kind || ' is in the activity log and cannot be deleted; set its points to 0 instead'
        END));
END;

CREATE TRIGGER activity_kinds_before_update_direction BEFORE UPDATE OF direction ON activity_kinds
WHEN NEW.direction IS NOT OLD.direction AND OLD.kind IN ('form_submit', 'unsubscribe')
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('required_kind: activity kind ' || OLD.kind || ' must stay inbound'));
END;

-- Text fits (campaign and source as on a lead; a detail is a note, not a document) and is valid UTF-8,
-- for every writer of the log. Triggers of their own, entered only for long text or text with a
-- character outside printable ASCII (see lead_records_after_insert_utf8 in 30_leads.sql).
-- (the checks run in _activity_text_check's trigger, entered only when the WHEN below holds: a trigger's
-- whole program is set up each time it fires, so the writes that pass pay only for the WHEN)
CREATE VIEW _activity_text_check AS SELECT NULL AS lead_id, NULL AS campaign, NULL AS source, NULL AS detail WHERE 0;

CREATE TRIGGER _activity_text_check_instead_of_insert INSTEAD OF INSERT ON _activity_text_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array('invalid_text: an activity for lead ' || NEW.lead_id || ': '
               || CASE WHEN length(NEW.campaign) > 500 THEN 'campaign has ' || length(NEW.campaign) || ' characters (at most 500)'
                       WHEN length(NEW.source) > 500 THEN 'source has ' || length(NEW.source) || ' characters (at most 500)'
                       ELSE 'detail has ' || length(NEW.detail) || ' characters (at most 10000)' END,
               json_object('lead', NEW.lead_id, 'field', CASE WHEN length(NEW.campaign) > 500 THEN 'campaign'
                                                         WHEN length(NEW.source) > 500 THEN 'source' ELSE 'detail' END)))
     WHERE length(NEW.campaign) > 500 OR length(NEW.source) > 500 OR length(NEW.detail) > 10000;
    -- (json_each would read a text only up to its NUL: the columns are looked at directly)
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: an activity for lead ' || NEW.lead_id || ': ' || n.field || ' contains a NUL byte',
                                       json_object('lead', NEW.lead_id, 'field', n.field)))
      FROM (SELECT CASE WHEN instr(NEW.campaign, char(0)) THEN 'campaign' WHEN instr(NEW.source, char(0)) THEN 'source'
                        WHEN instr(NEW.detail, char(0)) THEN 'detail' END AS field) AS n
     WHERE n.field IS NOT NULL;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: an activity for lead ' || NEW.lead_id || ': ' || b.problem, json_object('lead', NEW.lead_id, 'field', b.field, 'byte', b.bad_byte)))
      FROM utf8_fields AS b
     WHERE b.arg = json_object('campaign', NEW.campaign, 'source', NEW.source, 'detail', NEW.detail)
     LIMIT 1;
    SELECT (SELECT _e.raised FROM rule_error AS _e
             WHERE _e.arg = json_array('invalid_text: an activity for lead ' || NEW.lead_id || ': ' || c.problem,
                                       json_object('lead', NEW.lead_id, 'field', c.field)))
      FROM control_fields AS c
     WHERE c.arg = json_array(json_object('campaign', NEW.campaign, 'source', NEW.source, 'detail', NEW.detail), json_array('detail'))
     LIMIT 1;
END;

CREATE TRIGGER activity_log_before_insert_text BEFORE INSERT ON activity_log
WHEN length(NEW.campaign) > 500 OR length(NEW.source) > 500 OR length(NEW.detail) > 10000
  OR (coalesce(NEW.campaign, '') || coalesce(NEW.source, '') || coalesce(NEW.detail, '')) GLOB '*[^ -~]*'
  -- (GLOB stops at a NUL byte: a NUL anywhere enters too)
  OR instr((coalesce(NEW.campaign, '') || coalesce(NEW.source, '') || coalesce(NEW.detail, '')), char(0))
BEGIN
    INSERT INTO _activity_text_check(lead_id, campaign, source, detail) VALUES (NEW.lead_id, NEW.campaign, NEW.source, NEW.detail);
END;

CREATE TRIGGER activity_log_before_update_text BEFORE UPDATE OF campaign, source, detail ON activity_log
WHEN length(NEW.campaign) > 500 OR length(NEW.source) > 500 OR length(NEW.detail) > 10000
  OR (coalesce(NEW.campaign, '') || coalesce(NEW.source, '') || coalesce(NEW.detail, '')) GLOB '*[^ -~]*'
  -- (GLOB stops at a NUL byte: a NUL anywhere enters too)
  OR instr((coalesce(NEW.campaign, '') || coalesce(NEW.source, '') || coalesce(NEW.detail, '')), char(0))
BEGIN
    INSERT INTO _activity_text_check(lead_id, campaign, source, detail) VALUES (NEW.lead_id, NEW.campaign, NEW.source, NEW.detail);
END;
