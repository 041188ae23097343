-- 0004_clock_shift: the clock can be shifted as well as frozen (what-if runs, replays at speed).
INSERT INTO settings(key, value, description) VALUES
    ('clock.shift', NULL, 'A SQLite time modifier such as +2 hours or -3 days applied to now (frozen or real); NULL for none');
