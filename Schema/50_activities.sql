-- Activities: INSERT INTO activities(lead_id, kind, occurred_at, campaign, source, detail).
--
-- The activity is checked (known lead and kind, a valid time), stored with its points (a snapshot of
-- activity_kinds.points for inbound kinds, 0 for outbound), and the lead's engagement is moved to the
-- new anchor in one update: the cost is the same whether the lead has 1 or 10,000 earlier activities.
CREATE VIEW activities AS
SELECT id, lead_id, kind, occurred_at, campaign, source, detail, points
  FROM activity_log;

CREATE TRIGGER activities_instead_of_insert INSTEAD OF INSERT ON activities
BEGIN
    SELECT json_extract('{}', CASE
        WHEN NEW.lead_id IS NULL
            THEN 'missing_lead: an activity needs a lead_id'
        WHEN l.id IS NULL
            THEN 'unknown_lead: no lead has id ' || NEW.lead_id
        WHEN l.erased_at IS NOT NULL
            THEN 'erased_lead: lead ' || l.id || ' was erased; no activity is recorded for it'
        WHEN k.kind IS NULL
            THEN 'unknown_kind: ' || coalesce(NEW.kind, 'NULL') || ' is not an activity kind (kinds: '
                 || (SELECT group_concat(kind, ', ') FROM activity_kinds) || ')'
        WHEN NEW.occurred_at IS NOT NULL AND julianday(NEW.occurred_at) IS NULL
            THEN 'invalid_time: occurred_at ' || NEW.occurred_at || ' is not a time such as 2026-11-24T09:30:00Z'
        END)
      FROM (SELECT 1)
      LEFT JOIN lead_records AS l ON l.id = NEW.lead_id
      LEFT JOIN activity_kinds AS k ON k.kind = lower(trim(NEW.kind));

    INSERT INTO activity_log(lead_id, kind, occurred_at, campaign, source, detail, points)
    SELECT NEW.lead_id, k.kind, coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', NEW.occurred_at), c.now),
           nullif(trim(NEW.campaign), ''), nullif(trim(NEW.source), ''), NEW.detail,
           CASE k.direction WHEN 'inbound' THEN k.points ELSE 0 END
      FROM activity_kinds AS k, clock AS c
     WHERE k.kind = lower(trim(NEW.kind));

    -- Move the engagement anchor: an activity at or after the anchor decays the stored value to its
    -- time and adds its points there; an earlier one (a backfill) adds its points decayed to the anchor.
    UPDATE lead_records
       SET engagement = CASE
               WHEN a.points = 0 THEN lead_records.engagement
               WHEN lead_records.engagement_at IS NULL THEN a.points
               WHEN a.occurred_at >= lead_records.engagement_at
                   THEN lead_records.engagement * pow(0.5, (julianday(a.occurred_at) - julianday(lead_records.engagement_at)) / s.half_life_days) + a.points
               ELSE lead_records.engagement + a.points * pow(0.5, (julianday(lead_records.engagement_at) - julianday(a.occurred_at)) / s.half_life_days)
               END,
           engagement_at = CASE
               WHEN a.points = 0 THEN lead_records.engagement_at
               WHEN lead_records.engagement_at IS NULL OR a.occurred_at > lead_records.engagement_at THEN a.occurred_at
               ELSE lead_records.engagement_at
               END,
           last_activity_at = max(coalesce(lead_records.last_activity_at, ''), a.occurred_at)
      FROM (SELECT occurred_at, points FROM activity_log WHERE id = last_insert_rowid()) AS a, score_settings AS s
     WHERE lead_records.id = NEW.lead_id;
END;
