-- 0009_capture_speed: what a capture reads, made cheap to read.
--
-- The rep a team's method picks is the first eligible rep in the order of one of these indexes (round
-- robin: the oldest latest assignment; load balanced: the fewest open leads), so routing walks the team
-- in order and stops at the first rep with room instead of sorting the whole team.
CREATE INDEX reps_round_robin ON reps(team, coalesce(last_assignment_id, 0), id) WHERE active = 1;
CREATE INDEX reps_load_balanced ON reps(team, open_leads, coalesce(last_assignment_id, 0), id) WHERE active = 1;

-- The words and phrases of the `word` fit rules, one row each (derived from fit_rules.match_list by
-- the rules in Schema/20_fit.sql), so a lead is matched by an index lookup per rule rather than by
-- parsing the rule's JSON list for every lead.
CREATE TABLE _fit_words (
    rule_id INTEGER NOT NULL,
    token   TEXT NOT NULL,
    pattern TEXT NOT NULL,
    PRIMARY KEY (rule_id, token, pattern)
) WITHOUT ROWID;
