-- Settings: what a valid value is, and the rules that react to a change.
--
-- Numeric settings may be written as text or numbers (UPDATE settings SET value = '40'): the column's
-- NUMERIC affinity stores '40' as 40, and rules read them with CAST(value AS REAL).

-- One row per setting whose value is not acceptable, with the reason. Empty when all is well.
CREATE VIEW setting_problems AS
SELECT key, value, CASE
    WHEN key = 'clock.now' AND value IS NOT NULL
         AND (typeof(value) <> 'text' OR (SELECT t.problem FROM time_input AS t WHERE t.arg = json_array(CAST(value AS TEXT))) IS NOT NULL)
        THEN 'invalid_setting: clock.now must be a UTC time such as 2026-11-24T09:30:00Z, or NULL for the real time; got ' || coalesce(value, 'NULL')
    WHEN key = 'clock.shift' AND value IS NOT NULL
         AND NOT (typeof(value) = 'text' AND strftime('%s', 'now', value) IS NOT NULL
                  -- a signed number and one unit: +2 hours, -3 days, +1.5 hours (not 'start of month')
                  AND trim(rtrim(trim(value), 'abcdefghijklmnopqrstuvwxyz')) GLOB '[+-][0-9]*'
                  AND substr(trim(rtrim(trim(value), 'abcdefghijklmnopqrstuvwxyz')), 2) NOT GLOB '*[^0-9.]*'
                  AND substr(trim(value), length(rtrim(trim(value), 'abcdefghijklmnopqrstuvwxyz')) + 1)
                      IN ('second', 'seconds', 'minute', 'minutes', 'hour', 'hours', 'day', 'days', 'month', 'months', 'year', 'years'))
        THEN 'invalid_setting: clock.shift must be a signed number and a unit such as +2 hours or -3 days, or NULL; got ' || coalesce(value, 'NULL')
    -- (each may be valid alone and give no time together: 9999-12-31 moved 2 days on)
    WHEN key IN ('clock.now', 'clock.shift') AND (SELECT now FROM clock) IS NULL
        THEN 'invalid_setting: clock.now ' || coalesce((SELECT value FROM settings WHERE key = 'clock.now'), 'NULL') || ' moved by clock.shift '
             || coalesce((SELECT value FROM settings WHERE key = 'clock.shift'), 'NULL') || ' is no time (years 0000 to 9999)'
    WHEN key IN ('score.mql_threshold', 'score.hot_threshold')
         AND NOT (typeof(value) IN ('integer', 'real') AND abs(value) <= 1000000)
        THEN 'invalid_setting: ' || key || ' must be a number from -1000000 to 1000000; got ' || coalesce(value, 'NULL')
    WHEN key = 'score.half_life_days' AND NOT (typeof(value) IN ('integer', 'real') AND value > 0 AND value <= 36500)
        THEN 'invalid_setting: score.half_life_days must be a number of days above 0 and at most 36500; got ' || coalesce(value, 'NULL')
    WHEN key = 'routing.assign_at' AND value IS NOT 'capture' AND value IS NOT 'mql'
        THEN 'invalid_setting: routing.assign_at must be capture or mql; got ' || coalesce(value, 'NULL')
    WHEN key = 'sla.due_soon_minutes' AND NOT (typeof(value) = 'integer' AND value BETWEEN 0 AND 525600)
        THEN 'invalid_setting: sla.due_soon_minutes must be a whole number of minutes from 0 to 525600; got ' || coalesce(value, 'NULL')
    WHEN key = 'routing.by_account' AND value IS NOT 0 AND value IS NOT 1
        THEN 'invalid_setting: routing.by_account must be 1 (a lead of an account goes to its owner) or 0; got ' || coalesce(value, 'NULL')
    WHEN key = 'account.mql_threshold' AND NOT (typeof(value) IN ('integer', 'real') AND abs(value) <= 1000000)
        THEN 'invalid_setting: account.mql_threshold must be a number from -1000000 to 1000000; got ' || coalesce(value, 'NULL')
    WHEN key IN ('renewal.notice_days', 'renewal.response_days') AND NOT (typeof(value) = 'integer' AND value BETWEEN 0 AND 3650)
        THEN 'invalid_setting: ' || key || ' must be a whole number of days from 0 to 3650; got ' || coalesce(value, 'NULL')
    WHEN key = 'expansion.threshold' AND NOT (typeof(value) IN ('integer', 'real') AND abs(value) <= 1000000)
        THEN 'invalid_setting: expansion.threshold must be a number from -1000000 to 1000000; got ' || coalesce(value, 'NULL')
    WHEN key IN ('outbox.claim_seconds', 'outbox.retry_seconds') AND NOT (typeof(value) = 'integer' AND value BETWEEN 1 AND 86400)
        THEN 'invalid_setting: ' || key || ' must be a whole number of seconds from 1 to 86400; got ' || coalesce(value, 'NULL')
    WHEN key = 'outbox.max_attempts' AND NOT (typeof(value) = 'integer' AND value BETWEEN 1 AND 100)
        THEN 'invalid_setting: outbox.max_attempts must be a whole number from 1 to 100; got ' || coalesce(value, 'NULL')
    WHEN key = 'tick.batch' AND NOT (typeof(value) = 'integer' AND value BETWEEN 1 AND 100000)
        THEN 'invalid_setting: tick.batch must be a whole number from 1 to 100000; got ' || coalesce(value, 'NULL')
    END AS problem
FROM settings
WHERE problem IS NOT NULL;

-- The settings the rules read: they cannot be deleted or renamed (set another value instead).
CREATE VIEW required_settings AS
SELECT key FROM settings
 WHERE key IN ('clock.now', 'clock.shift', 'score.mql_threshold', 'score.half_life_days', 'score.hot_threshold',
               'routing.assign_at', 'sla.due_soon_minutes', 'tick.batch', 'routing.by_account', 'account.mql_threshold',
               'renewal.notice_days', 'renewal.response_days', 'expansion.threshold',
               'outbox.claim_seconds', 'outbox.retry_seconds', 'outbox.max_attempts');

CREATE TRIGGER settings_after_insert_check AFTER INSERT ON settings
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM setting_problems WHERE key = NEW.key;
END;

CREATE TRIGGER settings_after_update_check AFTER UPDATE ON settings
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM setting_problems WHERE key = NEW.key;
END;

CREATE TRIGGER settings_before_update_key BEFORE UPDATE OF key ON settings
WHEN NEW.key IS NOT OLD.key AND OLD.key IN (SELECT key FROM required_settings)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('required_setting: ' || OLD.key || ' is read by the rules and cannot be renamed; set its value instead'));
END;

CREATE TRIGGER settings_before_delete_required BEFORE DELETE ON settings
WHEN OLD.key IN (SELECT key FROM required_settings)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('required_setting: ' || OLD.key || ' cannot be deleted; set it to another value instead'));
END;

-- A new half-life changes every lead's engagement: each lead is re-anchored at now, summing its
-- activities decayed with the new half-life, tick.batch leads at once and the rest by ticks, while
-- reads compute the leads not yet re-anchored (45_rescoring.sql).
CREATE TRIGGER settings_after_update_half_life AFTER UPDATE OF value ON settings
WHEN NEW.key = 'score.half_life_days' AND NEW.value IS NOT OLD.value
BEGIN
    INSERT INTO _rescoring_start(kind) VALUES ('engagement');
    -- (the accounts' kept scores decay with the old half-life: added up again at their next check)
    UPDATE accounts SET kept_at = NULL WHERE kept_at IS NOT NULL;
END;
