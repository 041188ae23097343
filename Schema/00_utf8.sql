-- Whether a text is valid UTF-8. SQLite stores whatever bytes a program binds as text; a value that is
-- not UTF-8 (a Latin-1 file read as UTF-8, one bad byte from a web form) makes other programs fail to
-- read the row or the error that names it (Python raises UnicodeDecodeError).
--
--     SELECT bad_byte, bad_hex, excerpt FROM utf8_input WHERE arg = json_array(?)
--
-- SQLite reads bad bytes leniently, one character at a time; a character is well-formed UTF-8 (RFC
-- 3629: no overlong forms, no surrogates, nothing above U+10FFFF) exactly when writing its code point
-- back as UTF-8 gives the same bytes (SQLite's unicode() reads U+FFFE and U+FFFF as U+FFFD, so those
-- two are allowed by name). `bad_char` is the position (from 1) of the first character that
-- is not, `bad_byte` the offset of its first byte and `bad_hex` that byte in hex; `clean` is the text
-- with each such character replaced by U+FFFD (what a reader would show) and `excerpt` the part of
-- `clean` around the first one (30 characters either side, … where cut), for messages.
--
-- The text is walked in pieces of 50 characters, each cut once (finding a character's place in a text
-- costs time in proportion to its position). Plain printable ASCII is not walked, nor is a text longer
-- than 10,000 characters (bad_char is NULL): every rule that checks text refuses longer text first
-- (500 characters for a lead's fields, 10,000 for an activity's detail), and walking it would hold the
-- write lock. The view is small on purpose: SQLite copies a view into every trigger that reads it.
-- NULL in, NULL out.
CREATE VIEW utf8_input AS
SELECT j.json AS arg, j.value AS input, b.value AS bad_char,
       length(CAST(substr(j.value, 1, b.value - 1) AS BLOB)) + 1 AS bad_byte,
       substr(hex(substr(j.value, b.value, 1)), 1, 2) AS bad_hex,
       CASE WHEN b.value IS NULL THEN j.value ELSE (
           SELECT group_concat(CASE WHEN (char(unicode(substr(c.piece, p.n, 1))) = substr(c.piece, p.n, 1) OR substr(c.piece, p.n, 1) IN (char(65534), char(65535)))
                                    THEN substr(c.piece, p.n, 1) ELSE char(65533) END, '')
             FROM (SELECT k.n AS k, substr(j.value, (k.n - 1) * 50 + 1, 50) AS piece FROM _positions AS k
                    WHERE k.n <= (length(j.value) + 49) / 50 LIMIT 200) AS c
             JOIN _positions AS p ON p.n <= length(c.piece)
            ORDER BY c.k, p.n) END AS clean,
       CASE WHEN b.value IS NOT NULL THEN
           CASE WHEN b.value > 31 THEN '…' ELSE '' END
           || (SELECT group_concat(CASE WHEN (char(unicode(substr(w.text, p.n, 1))) = substr(w.text, p.n, 1) OR substr(w.text, p.n, 1) IN (char(65534), char(65535)))
                                        THEN substr(w.text, p.n, 1) ELSE char(65533) END, '')
                 FROM (SELECT substr(j.value, max(1, b.value - 30), min(b.value, 31) + 30) AS text) AS w
                 JOIN _positions AS p ON p.n <= length(w.text))
           || CASE WHEN length(j.value) > b.value + 30 THEN '…' ELSE '' END
       END AS excerpt
  FROM json_each AS j
  JOIN json_each(json_array(CASE WHEN typeof(j.value) = 'text' AND length(j.value) <= 10000 AND j.value GLOB '*[^ -~]*' THEN (
           SELECT min(c.base + p.n)
             FROM (SELECT (k.n - 1) * 50 AS base, substr(j.value, (k.n - 1) * 50 + 1, 50) AS piece FROM _positions AS k
                    WHERE k.n <= (length(j.value) + 49) / 50 LIMIT 200) AS c
             JOIN _positions AS p ON p.n <= length(c.piece)
            WHERE char(unicode(substr(c.piece, p.n, 1))) IS NOT substr(c.piece, p.n, 1) AND substr(c.piece, p.n, 1) NOT IN (char(65534), char(65535)))
       END)) AS b;

-- The first field of a JSON object whose text is not valid UTF-8, for the rules that check a row's text
-- fields: `problem` reads `<field> is not valid UTF-8 at byte N (0xHH): <excerpt>`.
--
--     SELECT field, bad_byte, problem FROM utf8_fields WHERE arg = json_object('email', ?, 'title', ?) LIMIT 1
CREATE VIEW utf8_fields AS
SELECT f.json AS arg, f.key AS field, u.bad_byte,
       f.key || ' is not valid UTF-8 at byte ' || u.bad_byte || ' (0x' || u.bad_hex || '): ' || u.excerpt AS problem
  FROM json_each AS f
  JOIN utf8_input AS u ON u.arg = json_array(f.value)
 WHERE u.bad_byte IS NOT NULL;

-- The first field of a JSON object that holds a control character (C0, DEL or C1: what moves a
-- terminal's cursor, rings its bell or starts an escape sequence), for the rules that check text:
-- `problem` reads `<field> contains a control character (U+001B) at character N`. The keys named in
-- the array that comes second may hold tabs and line breaks (an activity's free-text detail).
--
--     SELECT field, problem FROM control_fields WHERE arg = json_array(json_object('title', ?, 'detail', ?), json_array('detail')) LIMIT 1
--
-- A field is walked only when a GLOB finds such a character in it.
CREATE VIEW control_fields AS
SELECT c.arg, c.field, c.position,
       c.field || ' contains a control character (U+' || printf('%04X', unicode(substr(c.value, c.position, 1))) || ') at character '
           || c.position || CASE WHEN c.multiline THEN '; text is printable characters, tabs and line breaks'
                                 ELSE '; text is one line of printable characters' END AS problem
  FROM (SELECT f.arg, f.field, f.value, f.multiline,
               -- (a scalar subquery, so positions are walked only in a field that has such a character)
               (SELECT min(p.n) FROM _positions AS p
                 WHERE p.n <= length(f.value)
                   AND (unicode(substr(f.value, p.n, 1)) BETWEEN 1 AND 31 OR unicode(substr(f.value, p.n, 1)) BETWEEN 127 AND 159)
                   AND NOT (f.multiline AND unicode(substr(f.value, p.n, 1)) IN (9, 10, 13))) AS position
          FROM (SELECT j.json AS arg, f.key AS field, f.value,
                       EXISTS (SELECT 1 FROM json_each(json_extract(j.json, '$[1]')) AS k WHERE k.value = f.key) AS multiline
                  FROM json_each AS j
                  JOIN json_each(j.value) AS f
                 WHERE j.key = 0 AND f.type = 'text') AS f
         WHERE f.value GLOB CASE WHEN f.multiline
                                 THEN '*[' || char(1) || '-' || char(8) || char(11) || char(12) || char(14) || '-' || char(31)
                                      || char(127) || '-' || char(159) || ']*'
                                 ELSE '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*' END) AS c
 WHERE c.position IS NOT NULL;
