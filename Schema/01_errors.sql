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
CREATE VIEW rule_error AS
SELECT j.json AS arg,
       CASE WHEN j.value IS NOT NULL THEN json_extract('{}',
           j.value || char(9) || replace(json_patch(
               coalesce(json_extract(j.json, '$[1]'), '{}'),
               json_object('code', substr(j.value, 1, instr(j.value, ':') - 1), 'message', j.value)), '''', '\u0027'))
       END AS raised
  FROM json_each AS j
 WHERE j.key = 0;
