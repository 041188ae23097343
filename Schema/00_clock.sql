-- The one place every rule reads "now" from.
--
-- settings.clock.now, when set, freezes the clock at that UTC time (tests, replays, what-if); otherwise
-- the real time. settings.clock.shift, when set, moves either by a SQLite modifier such as '+2 hours'
-- or '-3 days'. The text is UTC ISO-8601 with milliseconds: 2026-11-24T09:30:00.000Z.
CREATE VIEW clock AS
SELECT strftime('%Y-%m-%dT%H:%M:%fZ',
           coalesce((SELECT value FROM settings WHERE key = 'clock.now'), 'now'),
           coalesce((SELECT value FROM settings WHERE key = 'clock.shift'), '+0 seconds')) AS now;
