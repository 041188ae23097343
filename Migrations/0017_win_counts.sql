-- 0017_win_counts: the won and lost leads by attribute value that the win probability reads
-- (lead_win_probability, Schema/97_reports.sql). The rules keep it in the transaction that wins, loses
-- or reopens a lead, or changes a closed lead's attributes. Filled here from the leads closed so far,
-- their attributes read as win_attributes reads them.
CREATE TABLE win_counts (
    attribute TEXT NOT NULL,
    value     TEXT NOT NULL,
    won       INTEGER NOT NULL DEFAULT 0 CHECK (won >= 0),
    lost      INTEGER NOT NULL DEFAULT 0 CHECK (lost >= 0),
    PRIMARY KEY (attribute, value)
) WITHOUT ROWID;

INSERT INTO win_counts(attribute, value, won, lost)
SELECT a.attribute, a.value, sum(s.outcome = 'won'), sum(s.outcome = 'lost')
  FROM (SELECT l.id AS lead_id, l.stage, '*' AS attribute, '*' AS value FROM lead_records AS l
        UNION ALL SELECT l.id, l.stage, 'source', coalesce(l.source, '(none)') FROM lead_records AS l
        UNION ALL SELECT l.id, l.stage, 'industry', coalesce(lower(l.industry), '(none)') FROM lead_records AS l
        UNION ALL SELECT l.id, l.stage, 'country', coalesce(l.country, '(none)') FROM lead_records AS l
        UNION ALL SELECT l.id, l.stage, 'size', CASE WHEN l.company_size IS NULL THEN '(none)' WHEN l.company_size < 10 THEN '1-9'
                                                    WHEN l.company_size < 50 THEN '10-49' WHEN l.company_size < 200 THEN '50-199'
                                                    WHEN l.company_size < 1000 THEN '200-999' ELSE '1000+' END FROM lead_records AS l
        UNION ALL SELECT l.id, l.stage, 'seniority',
                         CASE WHEN l.title IS NULL THEN '(none)'
                              WHEN ' ' || lower(l.title) || ' ' GLOB '*[^a-z]c[eotfmri]o[^a-z]*' OR lower(l.title) GLOB '*chief*'
                                OR lower(l.title) GLOB '*founder*' OR lower(l.title) GLOB '*owner*' OR lower(l.title) GLOB '*president*' THEN 'c-level'
                              WHEN ' ' || lower(l.title) || ' ' GLOB '*[^a-z]vp[^a-z]*' OR lower(l.title) GLOB '*vice*' THEN 'vp'
                              WHEN lower(l.title) GLOB '*director*' OR lower(l.title) GLOB '*head of*' THEN 'director'
                              WHEN lower(l.title) GLOB '*manager*' OR lower(l.title) GLOB '*lead*' THEN 'manager'
                              ELSE 'other' END FROM lead_records AS l) AS a
  JOIN stages AS s ON s.name = a.stage
 WHERE s.outcome IS NOT NULL
 GROUP BY a.attribute, a.value;
