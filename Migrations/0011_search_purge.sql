-- 0011_search_purge: an erasure no longer rewrites the whole search index in its transaction (seconds at
-- a million leads). The index keeps an erased person's terms in older segments until they are merged;
-- the erasures whose terms may remain wait here, and lead_search_purge merges the index a bounded number
-- of pages at a time until none is left (Schema/95_privacy.sql).
CREATE TABLE _search_purge (
    erasure_id INTEGER PRIMARY KEY
);

-- The index's structure record as a purge step found it (one row): a step that leaves it unchanged
-- found nothing left to merge.
CREATE TABLE _search_purge_step (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    structure BLOB
);
