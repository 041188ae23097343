-- The one place every rule reads "now" from.
--
-- settings.clock.now, when set, freezes the clock at that UTC time (tests, replays, what-if); otherwise
-- the real time. Either way the text is UTC ISO-8601 with milliseconds: 2026-11-24T09:30:00.000Z.
CREATE VIEW clock AS
SELECT coalesce(
    (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', value) FROM settings WHERE key = 'clock.now'),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
) AS now;
