-- 0022_account_score_kept: an account's score kept on the account (Schema/32_accounts.sql), so the
-- account_mql check after an activity costs the same however many people the account has: its best fit
-- (kept_fit) and its people's engagement anchored at a time (kept_engagement at kept_at), decayed as a
-- lead's is. kept_at NULL means "to be added up from its people at the next check" (every account starts
-- so, and an event the check cannot follow one point at a time sets it back).
ALTER TABLE accounts ADD COLUMN kept_fit REAL;
ALTER TABLE accounts ADD COLUMN kept_engagement REAL;
ALTER TABLE accounts ADD COLUMN kept_at TEXT;
