-- How a value a program gives is read: one definition per kind of value, shared by every rule that
-- reads one (capture, UPDATE leads, activities, settings, erasure).
--
-- Each view takes its input the way a function takes an argument: it reads SQLite's built-in json_each
-- table-valued function, whose hidden `json` column is exposed as `arg`, so
--
--     SELECT at, problem FROM time_input WHERE arg = json_array(CAST(? AS TEXT))
--
-- reads one value. The CAST makes numbers and blobs text (json_array refuses a blob); a NUL byte, which
-- json_array writes as \u0000, is reported rather than silently cutting the text short. Nothing here
-- needs a registered function: every program gets the same reading.

-- A time: UTC ISO-8601 text such as 2026-11-24T09:30:00Z (a date alone, a space for the T, seconds,
-- milliseconds and a +HH:MM offset are accepted). `at` is the normalised UTC text with milliseconds;
-- `problem` says why a value is not a time: not in that form (a bare number such as 1 or 2460000 is
-- not read as a Julian day) or not a day on the calendar (2026-02-30). `future` says so when it is more
-- than 5 minutes ahead of now (clock skew between machines is allowed that much): events that have
-- happened (captures, activities) refuse it. NULL in, NULL out.
CREATE VIEW time_input AS
SELECT j.json AS arg, j.value AS input, strftime('%Y-%m-%dT%H:%M:%fZ', j.value) AS at,
       CASE
           WHEN j.value IS NULL THEN NULL
           WHEN instr(j.json, '\u0000') > 0 THEN 'contains a NUL byte'
           WHEN j.value NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*' OR strftime('%s', j.value) IS NULL
               THEN 'is not a time such as 2026-11-24T09:30:00Z'
           WHEN date(julianday(substr(j.value, 1, 10))) IS NOT substr(j.value, 1, 10)
               THEN 'is not a day on the calendar'
       END AS problem,
       CASE WHEN julianday(j.value) > julianday((SELECT now FROM clock), '+5 minutes')
            THEN 'is in the future (now is ' || (SELECT now FROM clock) || '; at most 5 minutes ahead is accepted)'
       END AS future
  FROM json_each AS j;

-- A number of employees: a whole number (thousands separated by commas or spaces: 1,200 or 10 000), a range whose lower
-- bound is kept (50-200, 50 – 200), or a floor (5000+), at most 10,000,000. `size` is the number;
-- `problem` is set when the text is none of these (1,2,3 or 1e3 or 10^30 or -5 or lots).
CREATE VIEW company_size_input AS
SELECT arg, input,
       CASE WHEN ok THEN CAST(replace(lo, ',', '') AS INTEGER) END AS size,
       CASE WHEN input IS NOT NULL AND NOT ok
            THEN 'is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)'
       END AS problem
  FROM (SELECT arg, input, lo,
               v IS NOT NULL AND instr(arg, '\u0000') = 0
               AND lo <> '' AND length(replace(lo, ',', '')) <= 8
               AND (lo NOT GLOB '*[^0-9]*' OR printf('%,d', CAST(replace(lo, ',', '') AS INTEGER)) = lo)
               AND CAST(replace(lo, ',', '') AS INTEGER) <= 10000000
               AND (hi IS NULL OR (hi <> '' AND length(replace(hi, ',', '')) <= 8
                    AND (hi NOT GLOB '*[^0-9]*' OR printf('%,d', CAST(replace(hi, ',', '') AS INTEGER)) = hi)
                    AND CAST(replace(hi, ',', '') AS INTEGER) >= CAST(replace(lo, ',', '') AS INTEGER))) AS ok
          FROM (SELECT arg, input, v,
                       -- a space between digits separates thousands as a comma does (10 000)
                       replace(trim(CASE WHEN instr(v, '-') > 0 THEN substr(v, 1, instr(v, '-') - 1) ELSE v END), ' ', ',') AS lo,
                       CASE WHEN instr(v, '-') > 0 THEN replace(trim(substr(v, instr(v, '-') + 1)), ' ', ',') END AS hi
                  FROM (SELECT j.json AS arg, j.value AS input,
                               -- 250.0 from a spreadsheet is 250; a trailing + is a floor; an en dash is a dash
                               CASE WHEN w GLOB '*.0*' AND rtrim(substr(w, instr(w, '.') + 1), '0') = ''
                                    THEN substr(w, 1, instr(w, '.') - 1) ELSE w END AS v
                          FROM (SELECT json, value,
                                       nullif(replace(replace(replace(rtrim(trim(value, char(32, 9, 10, 13, 160)), '+'),
                                           '–', '-'), char(160), ' '), char(8239), ' '), '') AS w
                                  FROM json_each) AS j)));

-- An email as stored: trimmed (spaces, tabs, line breaks, no-break spaces), lower-cased, empty as NULL.
-- SQLite's lower() folds ASCII only, so an email with other letters is folded character by character
-- through _case_fold: MÜLLER@x.de and müller@x.de are the same lead. Whether it is a valid address is
-- decided on the stored lead (lead_problems in 30_leads.sql).
CREATE VIEW email_input AS
SELECT arg, input,
       CASE
           WHEN v IS NULL OR v = '' THEN NULL
           WHEN v NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*' THEN lower(v)
           ELSE (SELECT group_concat(coalesce(f.lower, lower(c.ch)), '')
                   FROM (SELECT substr(v, d.n + 1, 1) AS ch FROM _days AS d WHERE d.n < length(v) ORDER BY d.n) AS c
                   LEFT JOIN _case_fold AS f ON f.upper = c.ch)
       END AS email,
       CASE WHEN instr(arg, '\u0000') > 0 THEN 'contains a NUL byte' END AS problem
  FROM (SELECT j.json AS arg, j.value AS input, trim(j.value, char(32, 9, 10, 13, 160)) AS v FROM json_each AS j);

-- The suppression hash of an email (as email_input normalises it): a polynomial hash modulo two primes
-- below 2^31 (_hash_powers), 62 bits as 16 hex digits, in SQLite's integer arithmetic so that every
-- writer computes the same. Erasure stores it; capture refuses an email whose hash is suppressed.
CREATE VIEW email_hash_input AS
SELECT e.arg, e.email,
       (SELECT printf('%016x',
                  (sum(unicode(substr(e.email, h.n + 1, 1)) * h.p1) % 2147483647) * 2147483629
                  + sum(unicode(substr(e.email, h.n + 1, 1)) * h.p2) % 2147483629)
          FROM _hash_powers AS h WHERE h.n < length(e.email)) AS hash
  FROM email_input AS e
 WHERE e.email IS NOT NULL;

-- A phone as stored: spaces, dots, dashes and brackets removed, a leading + kept, empty as NULL.
-- Whether it is a valid number is decided on the stored lead (lead_problems).
CREATE VIEW phone_input AS
SELECT j.json AS arg, j.value AS input,
       nullif(replace(replace(replace(replace(replace(trim(j.value, char(32, 9, 10, 13, 160)),
           ' ', ''), '.', ''), '-', ''), '(', ''), ')', ''), '') AS phone,
       CASE WHEN instr(j.json, '\u0000') > 0 THEN 'contains a NUL byte' END AS problem
  FROM json_each AS j;

-- A country as stored: the ISO 3166-1 alpha-2 code when the text is a known code, alpha-3 code, name
-- or alias (countries, country_aliases: UK, USA, Deutschland...), else the text as given (trimmed).
CREATE VIEW country_input AS
SELECT arg, input,
       coalesce((SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(v)), nullif(v, '')) AS country
  FROM (SELECT j.json AS arg, j.value AS input, trim(j.value, char(32, 9, 10, 13, 160)) AS v FROM json_each AS j);

-- Text prepared for whole-word matching (the fit operator `word`): lower-cased, punctuation as spaces,
-- runs of spaces as one, a space at each end. " cto co founder " holds the words cto and co founder.
CREATE VIEW word_text AS
SELECT j.json AS arg, j.value AS input,
       ' ' || trim(replace(replace(replace(
           replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
               replace(replace(replace(lower(j.value), char(9), ' '), char(10), ' '), char(13), ' '),
               '/', ' '), ',', ' '), '.', ' '), '-', ' '), '(', ' '), ')', ' '), '&', ' '), '+', ' '),
               ':', ' '), ';', ' '), '|', ' '), '_', ' '),
           '    ', ' '), '  ', ' '), '  ', ' ')) || ' ' AS words
  FROM json_each AS j;

-- Marketing consent as a program gives it: 1, yes, true, y (given) or 0, no, false, n (not given), any
-- case, or empty / NULL (not said). `consent` is 1, 0 or NULL; `problem` is set for anything else.
CREATE VIEW consent_input AS
SELECT arg, input,
       CASE WHEN v IN ('1', 'yes', 'true', 'y') THEN 1 WHEN v IN ('0', 'no', 'false', 'n') THEN 0 END AS consent,
       CASE WHEN v IS NOT NULL AND v <> '' AND v NOT IN ('1', 'yes', 'true', 'y', '0', 'no', 'false', 'n')
            THEN 'is not 1 (given) or 0 (not given); yes, no, true, false, y and n are read too' END AS problem
  FROM (SELECT j.json AS arg, j.value AS input, lower(trim(j.value, char(32, 9, 10, 13, 160))) AS v FROM json_each AS j);
