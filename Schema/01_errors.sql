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
-- A value that is not valid UTF-8 never reaches a reader raw: each character of the raised text that
-- does not come back the same when written as its code point (SQLite reads bad bytes leniently, one
-- character at a time) becomes U+FFFD, so every program can decode the error. The walk runs only on an
-- error and only on text with a character outside printable ASCII; the message is cut to 600 characters
-- and values longer than 2,000 are left out, so it stays short. It is copied wherever a rule raises, so
-- it is kept small (utf8_input in 00_utf8.sql is the full check, for the rules that look at text).
CREATE VIEW rule_error AS
SELECT j.json AS arg,
       -- (the subquery runs only when there is something to raise: a write that breaks no rule pays nothing)
       CASE WHEN j.value IS NOT NULL THEN (
           SELECT json_extract('{}', CASE WHEN t.x GLOB '*[^ -~]*' THEN (
                      SELECT group_concat(CASE WHEN char(unicode(substr(t.x, p.n, 1))) = substr(t.x, p.n, 1)
                                               THEN substr(t.x, p.n, 1) ELSE char(65533) END, '')
                        FROM _positions AS p WHERE p.n <= length(t.x)) ELSE t.x END)
             FROM (SELECT u.m || char(9) || replace(json_patch(coalesce(u.v, '{}'),
                              json_object('code', substr(u.m, 1, instr(u.m, ':') - 1), 'message', u.m)), '''', '\u0027') AS x
                     FROM (SELECT substr(j.value, 1, 600) AS m,
                                  CASE WHEN length(json_extract(j.json, '$[1]')) <= 2000 THEN json_extract(j.json, '$[1]') END AS v) AS u) AS t)
       END AS raised
  FROM json_each AS j
 WHERE j.key = 0;
