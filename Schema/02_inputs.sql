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
                OR j.value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ]24*'
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
--
-- Each stage of the reading is a json_each over the previous one's result, so every value is computed
-- once (a nested subquery would be flattened, and each reference would repeat the whole expression).
CREATE VIEW company_size_input AS
SELECT j.json AS arg, j.value AS input,
       CASE WHEN ok.value THEN CAST(replace(lo.value, ',', '') AS INTEGER) END AS size,
       CASE WHEN v.value IS NOT NULL AND NOT ok.value
            THEN 'is not a number of employees (a whole number up to 10,000,000 such as 250, 1,200, 50-200 or 5000+)'
       END AS problem
  FROM json_each AS j
  -- w: trimmed, a trailing + (a floor) dropped, an en dash as a dash, no-break and thin spaces as spaces
  JOIN json_each(json_array(nullif(replace(replace(replace(rtrim(trim(CAST(j.value AS TEXT), char(32, 9, 10, 13, 160)), '+'),
           '–', '-'), char(160), ' '), char(8239), ' '), ''))) AS w
  -- v: 250.0 from a spreadsheet is 250
  JOIN json_each(json_array(CASE WHEN w.value GLOB '*.0*' AND rtrim(substr(w.value, instr(w.value, '.') + 1), '0') = ''
                                 THEN substr(w.value, 1, instr(w.value, '.') - 1) ELSE w.value END)) AS v
  -- lo, hi: the bounds of a range (hi NULL for one number); a space between digits separates thousands
  JOIN json_each(json_array(replace(trim(CASE WHEN instr(v.value, '-') > 0 THEN substr(v.value, 1, instr(v.value, '-') - 1)
                                               ELSE v.value END), ' ', ','))) AS lo
  JOIN json_each(json_array(CASE WHEN instr(v.value, '-') > 0 THEN replace(trim(substr(v.value, instr(v.value, '-') + 1)), ' ', ',') END)) AS hi
  JOIN json_each(json_array(
           v.value IS NOT NULL AND instr(j.json, '\u0000') = 0
           AND lo.value <> '' AND length(replace(lo.value, ',', '')) <= 8
           AND (lo.value NOT GLOB '*[^0-9]*' OR printf('%,d', CAST(replace(lo.value, ',', '') AS INTEGER)) = lo.value)
           AND CAST(replace(lo.value, ',', '') AS INTEGER) <= 10000000
           AND (hi.value IS NULL OR (hi.value <> '' AND length(replace(hi.value, ',', '')) <= 8
                AND (hi.value NOT GLOB '*[^0-9]*' OR printf('%,d', CAST(replace(hi.value, ',', '') AS INTEGER)) = hi.value)
                AND CAST(replace(hi.value, ',', '') AS INTEGER) >= CAST(replace(lo.value, ',', '') AS INTEGER))))) AS ok;

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
-- Dots and surrounding punctuation do not matter (U.K, usa., "Germany").
CREATE VIEW country_input AS
SELECT j.json AS arg, j.value AS input,
       coalesce((SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(v.value)),
                (SELECT a.code FROM country_aliases AS a WHERE a.alias = lower(replace(v.value, '.', ''))),
                nullif(v.value, '')) AS country
  FROM json_each AS j
  JOIN json_each(json_array(trim(replace(CAST(j.value AS TEXT), char(160), ' '), char(32, 9, 10, 13) || '."''()'))) AS v;

-- A word or phrase as a GLOB pattern that matches it as a whole word in text that is lower-cased and
-- padded with a space at each end (the fit operator `word`): any character that is not a letter or
-- digit separates words, and the spaces and dashes inside a phrase match any separator. So 'intern'
-- matches " sales intern! " but not " director of international sales ", and 'co-founder' matches
-- " cto / co founder ". GLOB's own special characters in the phrase match themselves.
-- `token` is the phrase's first word: text that does not contain it cannot match, which a cheap instr()
-- decides before the GLOB runs.
CREATE VIEW word_pattern AS
SELECT j.json AS arg, j.value AS input,
       '*[^a-z0-9]'
       || replace(replace(replace(replace(replace(replace(replace(lower(trim(CAST(j.value AS TEXT))),
              '[', '[[]'), '*', '[*]'), '?', '[?]'), ' ', char(1)), '-', char(1)), '/', char(1)), char(1), '[^a-z0-9]')
       || '[^a-z0-9]*' AS pattern,
       CASE WHEN instr(t.value, ' ') > 0 THEN substr(t.value, 1, instr(t.value, ' ') - 1) ELSE t.value END AS token
  FROM json_each AS j
  JOIN json_each(json_array(replace(replace(lower(trim(CAST(j.value AS TEXT))), '-', ' '), '/', ' '))) AS t;

-- Marketing consent as a program gives it: 1, yes, true, y (given) or 0, no, false, n (not given), any
-- case, or empty / NULL (not said). `consent` is 1, 0 or NULL; `problem` is set for anything else.
CREATE VIEW consent_input AS
-- (CASE rather than IN lists: an IN list builds a temporary index every time it is read)
SELECT arg, input,
       CASE v WHEN '1' THEN 1 WHEN 'yes' THEN 1 WHEN 'true' THEN 1 WHEN 'y' THEN 1
              WHEN '0' THEN 0 WHEN 'no' THEN 0 WHEN 'false' THEN 0 WHEN 'n' THEN 0 END AS consent,
       CASE WHEN v <> '' AND CASE v WHEN '1' THEN 0 WHEN 'yes' THEN 0 WHEN 'true' THEN 0 WHEN 'y' THEN 0
                                    WHEN '0' THEN 0 WHEN 'no' THEN 0 WHEN 'false' THEN 0 WHEN 'n' THEN 0 ELSE 1 END
            THEN 'is not 1 (given) or 0 (not given); yes, no, true, false, y and n are read too' END AS problem
  FROM (SELECT j.json AS arg, j.value AS input, lower(trim(j.value, char(32, 9, 10, 13, 160))) AS v FROM json_each AS j);

-- Text as the search index holds it: lower-cased (_case_fold for letters beyond ASCII) and without
-- accents (_accent_fold: é is e, ü is u, ß is ss), so José Müller is found by jose and muller. The
-- first 400 characters are kept.
CREATE VIEW search_text AS
SELECT j.json AS arg, j.value AS input,
       CASE
           WHEN j.value IS NULL THEN NULL
           WHEN CAST(j.value AS TEXT) NOT GLOB '*[^' || char(1) || '-' || char(127) || ']*' THEN lower(j.value)
           ELSE (SELECT group_concat(coalesce(a.base, l.ch), '')
                   FROM (SELECT coalesce(f.lower, lower(c.ch)) AS ch
                           FROM (SELECT substr(CAST(j.value AS TEXT), d.n + 1, 1) AS ch, d.n FROM _days AS d
                                  WHERE d.n < length(CAST(j.value AS TEXT)) ORDER BY d.n) AS c
                           LEFT JOIN _case_fold AS f ON f.upper = c.ch) AS l
                   LEFT JOIN _accent_fold AS a ON a.ch = l.ch)
       END AS folded
  FROM json_each AS j;
