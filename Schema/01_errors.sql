-- The one channel every rule refuses a write through.
--
-- SQLite 3.40's RAISE() takes only a fixed text, so a refusal whose message holds values is raised by
-- evaluating json_extract with the message as an invalid path: SQLite aborts the statement and reports
-- the text, wrapped in its own words ("JSON path error near '...'" in 3.40, "bad JSON path: '...'" in
-- 3.45 and later; programs must not depend on either). The text raised is
--
--     code: message<TAB>{"code": "...", "message": "...", ...values}
--
-- the message for people, then, after the last tab, a JSON object for programs: the code, the whole
-- message and the values the rule names (a lead id, a stage, the allowed moves...). A single quote in
-- the JSON is written \u0027, so no wrapper that doubles quotes can change it. A program finds the last
-- tab followed by `{` and parses the object from there to its closing brace.
--
-- While INSERT INTO lead_import_run captures staged rows (65_imports.sql), a refusal names the row it
-- was capturing: the message ends with " (lead_imports row N)" and the object holds "import_row": N.
--
-- A rule raises with SELECT raised FROM rule_error WHERE arg = json_array(message[, values]), where
-- values is a json_object(); a NULL message raises nothing, so a CASE without a matching branch passes.
-- Fixed messages use RAISE(ABORT, 'code: message') and arrive unwrapped (SQLITE_CONSTRAINT_TRIGGER).
--
-- A value that is not valid UTF-8 never reaches a reader raw: when the message or the values hold a
-- character outside printable ASCII, each character of the raised text that does not come back the
-- same when written as its code point (SQLite reads bad bytes leniently, one character at a time)
-- becomes U+FFFD, so every program can decode the error. That text is kept short enough for the walk
-- (the 4,096 positions of _positions): the message cut to 300 characters and values longer than 1,500
-- left out (the message appears twice, once escaped as JSON with up to 6 characters for one). Plain
-- messages are neither walked nor cut. This is copied wherever a rule raises, so it is kept small
-- (utf8_input in 00_utf8.sql is the full check, for the rules that look at text).
CREATE VIEW rule_error AS
SELECT j.json AS arg,
       -- (the subquery runs only when there is something to raise: a write that breaks no rule pays nothing)
       CASE WHEN j.value IS NOT NULL THEN (
           SELECT json_extract('{}', CASE WHEN t.walk THEN (
                      SELECT group_concat(CASE WHEN char(unicode(substr(t.x, p.n, 1))) = substr(t.x, p.n, 1)
                                                 OR substr(t.x, p.n, 1) IN (char(65534), char(65535))
                                               THEN substr(t.x, p.n, 1) ELSE char(65533) END, '')
                        FROM _positions AS p WHERE p.n <= length(t.x)) ELSE t.x END)
             FROM (SELECT u.walk, u.m || char(9) || replace(json_patch(coalesce(u.v, '{}'),
                              json_object('code', substr(u.m, 1, instr(u.m, ':') - 1), 'message', u.m,
                                          'import_row', coalesce(u.row, json_extract(u.v, '$.import_row')))), '''', '\u0027') AS x
                     FROM (SELECT w.walk, w.row,
                                  CASE WHEN w.walk THEN substr(j.value, 1, 300) ELSE j.value END
                                  || coalesce(' (lead_imports row ' || w.row || ')', '') AS m,
                                  CASE WHEN w.walk AND length(w.v) > 1500 THEN NULL ELSE w.v END AS v
                             FROM (SELECT json_extract(j.json, '$[1]') AS v,
                                          (j.value || coalesce(json_extract(j.json, '$[1]'), '')) GLOB '*[^ -~]*' AS walk,
                                          -- (the row a run is capturing one by one, else the new lead's row in a
                                          -- stretch captured together; outside a run the plan is empty)
                                          coalesce((SELECT c.row FROM _import_cursor AS c JOIN _import_plan AS p ON p.row = c.row),
                                                   (SELECT p.row FROM _import_plan AS p
                                                     WHERE p.lead_id = json_extract(j.json, '$[1].lead') AND p.fast = 1)) AS row) AS w) AS u) AS t)
       END AS raised
  FROM json_each AS j
 WHERE j.key = 0;

-- INSERT INTO _raise(arg) VALUES (json_array(message[, values])) raises as rule_error does, from a trigger
-- program of its own. SQLite allocates and clears every register of a trigger's program each time the
-- trigger fires, even when its WHEN is false, and rule_error's program is large: a guard that raises
-- only when its WHEN holds raises through _raise, so the writes it lets through do not pay for it.
-- (Internal: a NULL arg raises nothing; anything but an array that starts with a message is refused.)
CREATE VIEW _raise AS SELECT NULL AS arg WHERE 0;

CREATE TRIGGER _raise_instead_of_insert INSTEAD OF INSERT ON _raise
BEGIN
    SELECT RAISE(ABORT, 'internal: _raise takes json_array(''code: message''[, values])')
     WHERE NEW.arg IS NOT NULL
       AND NOT coalesce(json_valid(NEW.arg) AND json_type(NEW.arg) = 'array' AND json_type(NEW.arg, '$[0]') = 'text'
                        AND json_extract(NEW.arg, '$[0]') GLOB '[a-z_]*: *', 0);
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = NEW.arg);
END;
