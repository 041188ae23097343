-- 0028_segments: tags, segments as data and who is in them now (Schema/36_segments.sql); nurture
-- sequences and routing rules that target a segment; the leads merged into each lead, by index.

-- A lead's tags: words a team puts on leads (lower case letters, digits, _ and -); tagged_at is written
-- by LeadDB.
CREATE TABLE lead_tags (
    lead_id   INTEGER NOT NULL REFERENCES lead_records(id),
    tag       TEXT NOT NULL,
    tagged_at TEXT,
    tagged_by TEXT,
    PRIMARY KEY (lead_id, tag)
) WITHOUT ROWID;
CREATE INDEX lead_tags_tag ON lead_tags(tag, lead_id);

-- A segment: leads that meet all (or any) of its rules, read now (segment_members).
CREATE TABLE segments (
    -- lower case letters, digits, _ and -
    name        TEXT PRIMARY KEY,
    -- 'all': a lead meets every rule; 'any': at least one
    match       TEXT NOT NULL DEFAULT 'all',
    description TEXT
) WITHOUT ROWID;

-- A segment's rule: `attribute operator value`, as a fit rule reads it (Schema/36_segments.sql lists the
-- attributes and operators); for `activities`, the count of the lead's activities of `kind` (any kind
-- when NULL) in the last `days` days (ever when NULL).
CREATE TABLE segment_rules (
    id        INTEGER PRIMARY KEY,
    segment   TEXT NOT NULL REFERENCES segments(name) ON UPDATE CASCADE,
    attribute TEXT NOT NULL,
    operator  TEXT NOT NULL,
    value     TEXT,
    kind      TEXT,
    days      REAL
);
CREATE INDEX segment_rules_segment ON segment_rules(segment, id);

-- A nurture sequence or a routing rule may take only the leads of a segment.
ALTER TABLE nurture_sequences ADD COLUMN segment TEXT REFERENCES segments(name) ON UPDATE CASCADE;
ALTER TABLE routing_rules ADD COLUMN segment TEXT REFERENCES segments(name) ON UPDATE CASCADE;

CREATE INDEX lead_records_merged_into ON lead_records(merged_into) WHERE merged_into IS NOT NULL;
