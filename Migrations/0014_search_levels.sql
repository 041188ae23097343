-- 0014_search_levels: a search index that SQLite 3.40 can no longer read, or soon could not, is rebuilt.
--
-- Each erasure merged every segment of the index (FTS5 'optimize', or purge steps of a negative size),
-- and SQLite 3.40's FTS5 adds one or two levels to the index's structure at each such merge; past 2,000
-- levels it calls the index corrupt, and every statement that names lead_search (an erasure, a tick,
-- a search, the checks) fails. The rules now rebuild the index past 500 levels (_search_levels,
-- Schema/95_privacy.sql); this puts right a file that went past them before.
--
-- The structure record (the row with id 10 of lead_search_data: a 4-byte cookie, then the level count
-- as a varint) is set to that of an empty index, which any version of FTS5 reads; the next statement
-- then rebuilds the index from its content, which deletes every old page. (Two statements: a statement
-- naming lead_search cannot be prepared while its structure cannot be read. An index with 4 bytes FF 00
-- 00 01 after the cookie is of a later version, which stops at 64 levels, and is left alone.)
UPDATE lead_search_data SET block = X'00000000000000'
 WHERE id = 10
   AND (SELECT CASE WHEN b0 < 128 THEN b0 ELSE (b0 - 128) * 128 + b1 % 128 END
          FROM (SELECT (instr('0123456789ABCDEF', substr(h, 9, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, 10, 1)) - 1 AS b0,
                       (instr('0123456789ABCDEF', substr(h, 11, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, 12, 1)) - 1 AS b1
                  FROM (SELECT hex(substr(block, 1, 12)) AS h FROM lead_search_data WHERE id = 10)
                 WHERE substr(h, 9, 8) <> 'FF000001')) >= 500;

INSERT INTO lead_search(lead_search)
SELECT 'rebuild' WHERE (SELECT block FROM lead_search_data WHERE id = 10) = X'00000000000000'
                   AND EXISTS (SELECT 1 FROM lead_search_content);
