-- 0006_text_positions: character positions 1..4096, for rules that look at a text one character at a time (utf8_input in
-- Schema/02_inputs.sql checks that a value is valid UTF-8). An internal constant: Schema/98_internal.sql
-- refuses writes to it.
CREATE TABLE _positions (n INTEGER PRIMARY KEY);

WITH RECURSIVE positions(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM positions WHERE n < 4096)
INSERT INTO _positions(n) SELECT n FROM positions;
