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
-- A rule raises with SELECT raised FROM rule_error WHERE arg = json_array(message[, values]), where
-- values is a json_object(); a NULL message raises nothing, so a CASE without a matching branch passes.
-- Fixed messages use RAISE(ABORT, 'code: message') and arrive unwrapped (SQLITE_CONSTRAINT_TRIGGER).
--
-- A value that is not valid UTF-8 never reaches a reader raw: the message and the values are passed
-- through utf8_input (Schema/00_utf8.sql), which puts U+FFFD in place of each bad character, so every
-- program can decode the error.
CREATE VIEW rule_error AS
SELECT j.json AS arg,
       -- (the subquery runs only when there is something to raise: a write that breaks no rule pays nothing)
       CASE WHEN j.value IS NOT NULL THEN (
           SELECT json_extract('{}', m.clean || char(9) || replace(json_patch(
                      coalesce((SELECT v.clean FROM utf8_input AS v WHERE v.arg = json_array(json_extract(j.json, '$[1]'))), '{}'),
                      json_object('code', substr(m.clean, 1, instr(m.clean, ':') - 1), 'message', m.clean)), '''', '\u0027'))
             FROM utf8_input AS m WHERE m.arg = json_array(j.value))
       END AS raised
  FROM json_each AS j
 WHERE j.key = 0;
