-- Whether a text is valid UTF-8. SQLite stores whatever bytes a program binds as text; a value that is
-- not UTF-8 (a Latin-1 file read as UTF-8, one bad byte from a web form) makes other programs fail to
-- read the row or the error that names it (Python raises UnicodeDecodeError).
--
--     SELECT bad_byte, bad_hex, clean, excerpt FROM utf8_input WHERE arg = json_array(?)
--
-- `bad_byte` is the offset (from 1) of the first byte that is not part of a well-formed UTF-8 character
-- (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), `bad_hex` that byte in hex,
-- `clean` the text with each such byte replaced by U+FFFD (what a reader would show), and `excerpt` the
-- part of `clean` around the first bad byte (30 characters either side, … where cut), for messages.
--
-- The text is read as a blob: cut once into chunks of 2,048 bytes, each with the 3 bytes on either side
-- (substr on a blob costs the same at any offset, and a chunk is read in place), so a text costs time
-- in proportion to its length. A byte below 0x80 is good; a lead byte is good when the right number of
-- continuation bytes follow it (with the ranges RFC 3629 gives the second byte); a continuation byte is
-- good when a good lead byte at most 3 bytes before it covers it. Plain printable ASCII is never walked.
-- The first 4,096 chunks (8 MB) are checked; the rules keep every text they check far shorter.
-- NULL in, NULL out.
CREATE VIEW utf8_input AS
SELECT j.json AS arg, j.value AS input, r.value ->> '$[0]' AS bad_byte,
       hex(substr(CAST(j.value AS BLOB), r.value ->> '$[0]', 1)) AS bad_hex,
       CASE WHEN r.value ->> '$[0]' IS NULL THEN j.value ELSE r.value ->> '$[1]' END AS clean,
       CASE WHEN r.value ->> '$[0]' IS NOT NULL THEN (
           SELECT CASE WHEN k.at > 31 THEN '…' ELSE '' END || substr(k.clean, max(1, k.at - 30), min(k.at, 31) + 30)
                  || CASE WHEN length(k.clean) > k.at + 30 THEN '…' ELSE '' END
             FROM (SELECT r.value ->> '$[1]' AS clean,
                          length(CAST(substr(CAST(j.value AS BLOB), 1, (r.value ->> '$[0]') - 1) AS TEXT)) + 1 AS at) AS k)
       END AS excerpt
  FROM json_each AS j
  JOIN json_each(json_array(CASE WHEN typeof(j.value) = 'text' AND j.value GLOB '*[^ -~]*' THEN (
      WITH chunk(i, bytes) AS MATERIALIZED (
               SELECT p.n - 1, substr(CAST('   ' || j.value AS BLOB), (p.n - 1) * 2048 + 1, 2054)
                 FROM _positions AS p WHERE p.n <= (length(CAST(j.value AS BLOB)) - 1) / 2048 + 1),
           byte(at, b, bad) AS (
               SELECT c.i * 2048 + q.n, substr(c.bytes, q.n + 3, 1),
                      CASE WHEN substr(c.bytes, q.n + 3, 1) < x'80' THEN 0
                      WHEN substr(c.bytes, q.n + 3, 1) < x'C0' THEN CASE
                          WHEN CASE WHEN substr(c.bytes, q.n + 2, 1) BETWEEN x'C2' AND x'DF' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) = x'E0' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'A0' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) = x'ED' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'9F' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) BETWEEN x'E1' AND x'EF' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) = x'F0' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'90' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) = x'F4' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'8F' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 2, 1) BETWEEN x'F1' AND x'F3' THEN substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              ELSE 0 END THEN 0
                          WHEN CASE WHEN substr(c.bytes, q.n + 1, 1) = x'E0' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'A0' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 1, 1) = x'ED' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'9F' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 1, 1) BETWEEN x'E1' AND x'EF' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 1, 1) = x'F0' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'90' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 1, 1) = x'F4' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'8F' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 1, 1) BETWEEN x'F1' AND x'F3' THEN substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              ELSE 0 END THEN 0
                          WHEN CASE WHEN substr(c.bytes, q.n + 0, 1) = x'F0' THEN substr(c.bytes, q.n + 1, 1) BETWEEN x'90' AND x'BF' AND substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 0, 1) = x'F4' THEN substr(c.bytes, q.n + 1, 1) BETWEEN x'80' AND x'8F' AND substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 0, 1) BETWEEN x'F1' AND x'F3' THEN substr(c.bytes, q.n + 1, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 2, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 3, 1) BETWEEN x'80' AND x'BF'
                              ELSE 0 END THEN 0
                          ELSE 1 END
                      ELSE NOT CASE WHEN substr(c.bytes, q.n + 3, 1) BETWEEN x'C2' AND x'DF' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) = x'E0' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'A0' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) = x'ED' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'9F' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) BETWEEN x'E1' AND x'EF' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) = x'F0' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'90' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 6, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) = x'F4' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'8F' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 6, 1) BETWEEN x'80' AND x'BF'
                              WHEN substr(c.bytes, q.n + 3, 1) BETWEEN x'F1' AND x'F3' THEN substr(c.bytes, q.n + 4, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 5, 1) BETWEEN x'80' AND x'BF' AND substr(c.bytes, q.n + 6, 1) BETWEEN x'80' AND x'BF'
                              ELSE 0 END END
                 FROM chunk AS c, _positions AS q WHERE q.n <= min(2048, length(c.bytes) - 3))
      SELECT CASE WHEN max(bad) THEN json_array(min(CASE WHEN bad THEN at END),
                                                group_concat(CASE WHEN bad THEN char(65533) ELSE CAST(b AS TEXT) END, ''))
             END
        FROM byte)
      END)) AS r;
