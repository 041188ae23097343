-- Deals (migration 0021): what a team sells to an account, through a pipeline kept as data.
--
-- deals(id, account_id, lead_id, owner_id, kind, name, amount, stage, lost_reason, expected_close_on,
-- contract_start, contract_end, renewal_of, response_due_at, created_at, updated_at, closed_at):
--   - kind: new_business, upsell, cross_sell or renewal; an upsell, cross-sell or renewal is for a customer
--     account (one with a won deal).
--   - stage: a row of deal_stages; a move follows deal_transitions; one with outcome won or lost closes
--     the deal (closed_at); won needs an amount, lost a lost_reason. Every move is in deal_history.
--   - A deal belongs to an account, a lead (its primary contact), or both; the account defaults to the
--     lead's, the owner to the account's owner (or the lead's).
--   - Days (expected_close_on, contract_start, contract_end) are YYYY-MM-DD; a subscription has both
--     contract days, the end after the start.
--
-- Conversion, for programs that know only lead stages as for those that know deals:
--   - a lead entering a stage that needs an amount (opportunity) opens a new_business deal with its
--     amount and owner, unless it has an open one;
--   - winning a new_business deal wins its lead (to the first won stage, when its stage may move
--     there) and makes its account a customer; a lead won by a move wins its open deal;
--   - losing one moves its lead as the reason says (lost_reasons.lead_stage: disqualified, or back to
--     nurturing); a lead lost by a move loses its open deal with its reason;
--   - while both are open, the deal's amount and the lead's follow each other.
-- Renewals: a tick opens a won subscription's renewal renewal.notice_days before its contract ends
-- (96_ticks.sql), for the account's owner, with a deadline renewal.response_days later and a
-- `renewal_due` notice; a lost renewal is churn.

-- Internal: a deal's values about to be stored, checked (the first problem is raised). Called by the
-- deal's insert and update triggers with the values as given (a view's NEW keeps their types); the
-- *_changed flags say which references are new (an erased lead stays the contact of its old deals).
CREATE VIEW _deal_check AS
SELECT NULL AS id, NULL AS account_id, NULL AS lead_id, NULL AS owner_id, NULL AS kind, NULL AS name, NULL AS amount,
       NULL AS stage, NULL AS lost_reason, NULL AS expected_close_on, NULL AS contract_start, NULL AS contract_end,
       NULL AS renewal_of, NULL AS account_changed, NULL AS lead_changed, NULL AS owner_changed, NULL AS kind_changed
 WHERE 0;

CREATE TRIGGER _deal_check_instead_of_insert INSTEAD OF INSERT ON _deal_check
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.kind IS NULL OR NEW.kind NOT IN ('new_business', 'upsell', 'cross_sell', 'renewal')
            THEN 'invalid_deal: kind must be new_business, upsell, cross_sell or renewal; got ' || quote(NEW.kind)
        WHEN NEW.account_id IS NULL AND NEW.lead_id IS NULL
            THEN 'invalid_deal: a deal needs an account or a lead (account_id, lead_id)'
        WHEN NEW.account_id IS NOT NULL AND a.id IS NULL
            THEN 'unknown_account: no account has id ' || quote(NEW.account_id)
        WHEN a.merged_into IS NOT NULL AND NEW.account_changed
            THEN 'merged_account: account ' || a.id || ' was merged into account ' || a.merged_into || '; the deal belongs to ' || a.merged_into
        WHEN a.erased_at IS NOT NULL AND NEW.account_changed
            THEN 'erased_account: account ' || a.id || ' was erased at ' || a.erased_at || '; no deal is opened for it'
        WHEN NEW.lead_id IS NOT NULL AND l.id IS NULL
            THEN 'unknown_lead: no lead has id ' || quote(NEW.lead_id)
        WHEN l.erased_at IS NOT NULL AND NEW.lead_changed
            THEN 'erased_lead: lead ' || l.id || ' was erased; it is no deal''s contact'
        WHEN NEW.owner_id IS NOT NULL AND r.id IS NULL
            THEN 'unknown_rep: no rep has id ' || quote(NEW.owner_id)
        WHEN r.active = 0 AND NEW.owner_changed
            THEN 'inactive_rep: rep ' || r.id || ' (' || r.name || ') is inactive; a deal''s owner is an active rep'
        WHEN s.name IS NULL
            THEN 'unknown_stage: ' || quote(NEW.stage) || ' is not a deal stage (stages: '
                 || (SELECT group_concat(name, ', ') FROM (SELECT name FROM deal_stages ORDER BY position)) || ')'
        WHEN NEW.amount IS NOT NULL AND NOT (typeof(NEW.amount) IN ('integer', 'real') AND NEW.amount > 0 AND NEW.amount < 1e15)
            THEN 'invalid_amount: deal ' || coalesce(nullif(NEW.id, -1), 'new') || ' amount ' || CASE typeof(NEW.amount) WHEN 'blob' THEN 'of bytes' ELSE quote(NEW.amount) END
                 || ' is not a number above 0 and below 1e15 (write 12000 or 12000.50: no thousands separators, units or currency)'
        WHEN s.outcome = 'won' AND NEW.amount IS NULL
            THEN 'missing_amount: deal ' || coalesce(nullif(NEW.id, -1), 'new') || ' needs an amount above 0 to be ' || s.name
        WHEN s.outcome = 'lost' AND NEW.lost_reason IS NULL
            THEN 'missing_lost_reason: deal ' || coalesce(nullif(NEW.id, -1), 'new') || ' needs a lost_reason to be ' || s.name
                 || ' (one of: ' || (SELECT group_concat(reason, ', ') FROM lost_reasons) || ')'
        WHEN NEW.lost_reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lost_reasons WHERE reason = NEW.lost_reason)
            THEN 'unknown_lost_reason: ' || NEW.lost_reason || ' is not in lost_reasons (one of: ' || (SELECT group_concat(reason, ', ') FROM lost_reasons) || ')'
        WHEN NEW.kind = 'new_business' AND NEW.lead_id IS NOT NULL AND s.outcome IS NULL
             AND EXISTS (SELECT 1 FROM deals WHERE lead_id = NEW.lead_id AND kind = 'new_business' AND closed_at IS NULL AND id IS NOT NEW.id)
            THEN 'already_exists: lead ' || NEW.lead_id || ' has an open new-business deal (deal '
                 || (SELECT min(id) FROM deals WHERE lead_id = NEW.lead_id AND kind = 'new_business' AND closed_at IS NULL AND id IS NOT NEW.id) || '); work that one'
        -- (a won new-business deal wins its lead: where its lead's stage cannot move to a won stage, it is not won)
        WHEN s.outcome = 'won' AND NEW.kind = 'new_business' AND l.id IS NOT NULL AND l.erased_at IS NULL
             AND (SELECT outcome FROM stages WHERE name = l.stage) IS NULL
             AND NOT EXISTS (SELECT 1 FROM stage_transitions AS t JOIN stages AS ws ON ws.name = t.to_stage
                              WHERE t.from_stage = l.stage AND ws.outcome = 'won')
            THEN 'invalid_transition: deal ' || coalesce(nullif(NEW.id, -1), 'new') || ' cannot be won while its lead ' || l.id || ' is in ' || l.stage
                 || ' (a lead is won from: ' || coalesce((SELECT group_concat(DISTINCT t.from_stage) FROM stage_transitions AS t JOIN stages AS ws ON ws.name = t.to_stage
                                                          WHERE ws.outcome = 'won'), 'nowhere') || '; move it there first)'
        WHEN NEW.lost_reason IS NOT NULL AND s.outcome IS NOT 'lost'
            THEN 'invalid_deal: only a lost deal has a lost_reason (deal ' || coalesce(nullif(NEW.id, -1), 'new') || ' is ' || s.name || ')'
        WHEN t.bad IS NOT NULL
            THEN 'invalid_time: ' || t.bad || ' is not a day such as 2027-03-31'
        WHEN NEW.contract_start IS NOT NULL AND NEW.account_id IS NULL
            THEN 'invalid_deal: a subscription belongs to an account (its renewal is the account''s): give account_id with the contract days'
        WHEN (NEW.contract_start IS NULL) <> (NEW.contract_end IS NULL) OR NEW.contract_end <= NEW.contract_start
            THEN 'invalid_deal: a subscription has a contract_start and a contract_end after it; got '
                 || coalesce(NEW.contract_start, 'NULL') || ' and ' || coalesce(NEW.contract_end, 'NULL')
        WHEN NEW.kind IN ('upsell', 'cross_sell', 'renewal') AND NEW.kind_changed AND (a.id IS NULL OR a.customer_since IS NULL)
            THEN 'not_customer: ' || CASE WHEN a.id IS NULL THEN 'a ' || NEW.kind || ' deal is for a customer account: give its account_id'
                                          ELSE 'account ' || a.id || ' has no won deal yet; a ' || NEW.kind || ' deal is for a customer (open a new_business deal)' END
        WHEN NEW.kind_changed AND NEW.renewal_of IS NOT NULL AND EXISTS (SELECT 1 FROM deals WHERE renewal_of = NEW.renewal_of AND id IS NOT NEW.id)
            THEN 'already_exists: deal ' || NEW.renewal_of || ' has its renewal already (deal '
                 || (SELECT id FROM deals WHERE renewal_of = NEW.renewal_of AND id IS NOT NEW.id) || ')'
        WHEN NEW.kind_changed AND NEW.renewal_of IS NOT NULL AND (NEW.kind IS NOT 'renewal' OR NOT EXISTS (
                 SELECT 1 FROM deals AS w JOIN deal_stages AS ws ON ws.name = w.stage
                  WHERE w.id = NEW.renewal_of AND ws.outcome = 'won' AND w.account_id IS NEW.account_id AND w.contract_end IS NOT NULL))
            THEN 'invalid_deal: renewal_of names the won subscription deal of the same account that a renewal renews; deal ' || quote(NEW.renewal_of) || ' is not one'
        WHEN length(NEW.name) > 500 OR instr(NEW.name, char(0)) OR NEW.name GLOB '*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159) || ']*'
             OR typeof(NEW.name) NOT IN ('text', 'null')
             OR (NEW.name GLOB '*[^ -~]*' AND EXISTS (SELECT 1 FROM utf8_fields AS b WHERE b.arg = json_object('name', NEW.name)))
            THEN 'invalid_text: a deal''s name is one line of at most 500 printable characters in UTF-8'
        END, json_object('deal', nullif(NEW.id, -1), 'account', NEW.account_id, 'lead', NEW.lead_id)))
      FROM (SELECT 1)
      LEFT JOIN accounts AS a ON a.id = NEW.account_id
      LEFT JOIN lead_records AS l ON l.id = NEW.lead_id
      LEFT JOIN reps AS r ON r.id = NEW.owner_id
      LEFT JOIN deal_stages AS s ON s.name = NEW.stage
      -- (the first day that is not one)
      JOIN (SELECT CASE
                WHEN NEW.expected_close_on IS NOT NULL AND NOT (typeof(NEW.expected_close_on) = 'text' AND NEW.expected_close_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                                              AND date(julianday(NEW.expected_close_on)) IS NEW.expected_close_on)
                    THEN 'expected_close_on ' || quote(NEW.expected_close_on)
                WHEN NEW.contract_start IS NOT NULL AND NOT (typeof(NEW.contract_start) = 'text' AND NEW.contract_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                                           AND date(julianday(NEW.contract_start)) IS NEW.contract_start)
                    THEN 'contract_start ' || quote(NEW.contract_start)
                WHEN NEW.contract_end IS NOT NULL AND NOT (typeof(NEW.contract_end) = 'text' AND NEW.contract_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                                                         AND date(julianday(NEW.contract_end)) IS NEW.contract_end)
                    THEN 'contract_end ' || quote(NEW.contract_end)
                END AS bad) AS t;
END;

-- A new deal: checked, given what it was not given (the account of its lead, an owner, its times), and
-- recorded in its history; a deal opened closed does at once what closing does (_deal_closed).
CREATE TRIGGER deals_before_insert BEFORE INSERT ON deals
BEGIN
    SELECT RAISE(ABORT, 'already_exists: a deal with that id exists; update it instead (a replace would delete it and its history''s deal)')
     WHERE NEW.id <> -1 AND EXISTS (SELECT 1 FROM deals WHERE id = NEW.id);
    -- (an id far ahead would leave SQLite no next one: deals are numbered in order)
    SELECT RAISE(ABORT, 'maintained: deals are numbered in order by SQLite; leave out the id')
     WHERE NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM deals), 0) + 1;
    SELECT RAISE(ABORT, 'maintained: a deal''s created_at, updated_at, closed_at and response_due_at are kept by LeadDB; leave them out')
     WHERE coalesce(NEW.created_at, NEW.updated_at, NEW.closed_at) IS NOT NULL
        -- (only a tick opening a renewal gives a deadline)
        OR (NEW.response_due_at IS NOT NULL AND NOT (NEW.renewal_of IS NOT NULL AND NEW.response_due_at IS (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', now, '+' || (SELECT value FROM settings WHERE key = 'renewal.response_days') || ' days') FROM clock)));
    INSERT INTO _deal_check(id, account_id, lead_id, owner_id, kind, name, amount, stage, lost_reason, expected_close_on,
                            contract_start, contract_end, renewal_of, account_changed, lead_changed, owner_changed, kind_changed)
    VALUES (NEW.id, coalesce(NEW.account_id, (SELECT account_id FROM lead_records WHERE id = NEW.lead_id)), NEW.lead_id, NEW.owner_id,
            NEW.kind, NEW.name, NEW.amount, NEW.stage, NEW.lost_reason, NEW.expected_close_on, NEW.contract_start, NEW.contract_end,
            NEW.renewal_of, 1, 1, 1, 1);
END;

CREATE TRIGGER deals_after_insert AFTER INSERT ON deals
BEGIN
    SELECT RAISE(ABORT, 'maintained: a deal''s id is a whole number from 1 to 10^12; leave it out and SQLite numbers it')
     WHERE NEW.id < 1 OR NEW.id > 1000000000000;
    UPDATE deals
       SET account_id = coalesce(NEW.account_id, (SELECT account_id FROM lead_records WHERE id = NEW.lead_id)),
           owner_id = coalesce(NEW.owner_id,
                               (SELECT r.id FROM accounts AS a JOIN reps AS r ON r.id = a.owner_id
                                 WHERE a.id = coalesce(NEW.account_id, (SELECT account_id FROM lead_records WHERE id = NEW.lead_id)) AND r.active = 1),
                               (SELECT r.id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id WHERE l.id = NEW.lead_id AND r.active = 1)),
           name = nullif(trim(NEW.name, char(32, 9, 10, 13)), ''),
           created_at = (SELECT now FROM clock),
           updated_at = (SELECT now FROM clock),
           closed_at = CASE WHEN (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NOT NULL THEN (SELECT now FROM clock) END
     WHERE id = NEW.id;
    INSERT INTO deal_history(deal_id, from_stage, to_stage, amount, lost_reason, changed_at)
    VALUES (NEW.id, NULL, NEW.stage, NEW.amount, NEW.lost_reason, (SELECT now FROM clock));
    INSERT INTO _deal_closed(deal_id, applies) VALUES (NEW.id, (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NOT NULL);
END;

-- A change: checked as an insert is (references only when they change: a deal of an erased contact or
-- an inactive owner stays as it is); a move follows deal_transitions and is recorded.
CREATE TRIGGER deals_before_update BEFORE UPDATE ON deals
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.id IS NOT OLD.id THEN 'read_only: deal ' || OLD.id || ' keeps its id'
        WHEN NEW.kind IS NOT OLD.kind THEN 'read_only: deal ' || OLD.id || ' keeps its kind (' || OLD.kind || '); open another deal'
        WHEN NEW.renewal_of IS NOT OLD.renewal_of THEN 'read_only: deal ' || OLD.id || ' keeps the deal it renews'
        -- A closed deal's facts stay (its account follows a merge of it).
        WHEN (SELECT outcome FROM deal_stages WHERE name = OLD.stage) IS NOT NULL AND NEW.stage IS OLD.stage
             AND (NEW.amount IS NOT OLD.amount OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id)) OR NEW.contract_start IS NOT OLD.contract_start
                  OR NEW.contract_end IS NOT OLD.contract_end OR NEW.expected_close_on IS NOT OLD.expected_close_on
                  OR (NEW.lost_reason IS NOT OLD.lost_reason AND OLD.created_at IS NOT NULL)
                  OR (NEW.account_id IS NOT OLD.account_id
                      AND NOT EXISTS (SELECT 1 FROM account_merges AS m
                                       WHERE m.id = (SELECT max(id) FROM account_merges) AND m.merged_id = OLD.account_id
                                         AND m.kept_id = NEW.account_id AND m.merged_at IS NULL)))
            THEN 'read_only: deal ' || OLD.id || ' is ' || OLD.stage || '; its amount, account, contact and days stay (open another deal'
                 || CASE WHEN (SELECT outcome FROM deal_stages WHERE name = OLD.stage) = 'lost' THEN ', or reopen it' ELSE '' END || ')'
        WHEN OLD.created_at IS NOT NULL AND NEW.updated_at IS NOT OLD.updated_at AND NEW.updated_at IS NOT (SELECT now FROM clock)
            THEN 'maintained: a deal''s updated_at is kept by LeadDB'
        WHEN NEW.name IS NOT NULL AND NEW.name IS NOT OLD.name
             AND ((SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL OR (SELECT erased_at FROM accounts WHERE id = NEW.account_id) IS NOT NULL)
            THEN 'erased_lead: deal ' || OLD.id || ' belongs to an erased person or account; no name is written to it'
        -- (OLD.created_at is NULL only while deals_after_insert fills the new row in)
        WHEN OLD.created_at IS NOT NULL
             AND (NEW.created_at IS NOT OLD.created_at OR NEW.response_due_at IS NOT OLD.response_due_at
                  OR (NEW.closed_at IS NOT OLD.closed_at AND NEW.stage IS OLD.stage
                      -- (deals_after_update sets it as the stage says: cleared when open, now when it closes)
                      AND NOT CASE WHEN (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NULL THEN NEW.closed_at IS NULL
                                   ELSE OLD.closed_at IS NULL AND NEW.closed_at IS (SELECT now FROM clock) END))
            THEN 'maintained: a deal''s created_at, closed_at and response_due_at are kept by LeadDB (closed_at follows its stage)'
        WHEN NEW.stage IS NOT OLD.stage AND EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.stage)
             AND NOT EXISTS (SELECT 1 FROM deal_transitions WHERE from_stage = OLD.stage AND to_stage = NEW.stage)
            THEN 'invalid_transition: deal ' || OLD.id || ' cannot move from ' || OLD.stage || ' to ' || NEW.stage || ' (allowed: '
                 || coalesce((SELECT group_concat(to_stage, ', ') FROM (SELECT t.to_stage FROM deal_transitions AS t JOIN deal_stages AS s ON s.name = t.to_stage
                                                                       WHERE t.from_stage = OLD.stage ORDER BY s.position)), 'none') || ')'
        END, json_object('deal', OLD.id, 'from', OLD.stage, 'to', NEW.stage)));
    -- (only what changed is checked: a name cleared by an erasure needs nothing more)
    INSERT INTO _deal_check(id, account_id, lead_id, owner_id, kind, name, amount, stage, lost_reason, expected_close_on,
                            contract_start, contract_end, renewal_of, account_changed, lead_changed, owner_changed, kind_changed)
    SELECT OLD.id, NEW.account_id, NEW.lead_id, NEW.owner_id, NEW.kind, NEW.name, NEW.amount, NEW.stage,
            -- (a deal reopened from lost loses its reason, which its history keeps)
            CASE WHEN NEW.stage IS NOT OLD.stage AND (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NOT 'lost' AND NEW.lost_reason IS OLD.lost_reason
                 THEN NULL ELSE NEW.lost_reason END,
            NEW.expected_close_on, NEW.contract_start, NEW.contract_end, NEW.renewal_of,
            NEW.account_id IS NOT OLD.account_id, NEW.lead_id IS NOT OLD.lead_id, NEW.owner_id IS NOT OLD.owner_id, 0
     WHERE NEW.account_id IS NOT OLD.account_id OR NEW.lead_id IS NOT OLD.lead_id OR NEW.owner_id IS NOT OLD.owner_id
        OR NEW.amount IS NOT OLD.amount OR NEW.stage IS NOT OLD.stage OR NEW.lost_reason IS NOT OLD.lost_reason
        OR NEW.expected_close_on IS NOT OLD.expected_close_on OR NEW.contract_start IS NOT OLD.contract_start
        OR NEW.contract_end IS NOT OLD.contract_end OR (NEW.name IS NOT OLD.name AND NEW.name IS NOT NULL);
END;

CREATE TRIGGER deals_after_update AFTER UPDATE OF stage, name, amount, account_id, lead_id, owner_id, expected_close_on,
                                                 contract_start, contract_end, lost_reason ON deals
WHEN NEW.stage IS NOT OLD.stage OR NEW.name IS NOT OLD.name OR NEW.amount IS NOT OLD.amount OR NEW.account_id IS NOT OLD.account_id
  OR NEW.lead_id IS NOT OLD.lead_id OR NEW.owner_id IS NOT OLD.owner_id OR NEW.expected_close_on IS NOT OLD.expected_close_on
  OR NEW.contract_start IS NOT OLD.contract_start OR NEW.contract_end IS NOT OLD.contract_end OR NEW.lost_reason IS NOT OLD.lost_reason
BEGIN
    UPDATE deals
       SET name = nullif(trim(NEW.name, char(32, 9, 10, 13)), ''),
           updated_at = (SELECT now FROM clock),
           closed_at = CASE WHEN (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NULL THEN NULL
                            WHEN NEW.stage IS NOT OLD.stage OR OLD.closed_at IS NULL THEN (SELECT now FROM clock)
                            ELSE OLD.closed_at END,
           lost_reason = CASE WHEN (SELECT outcome FROM deal_stages WHERE name = NEW.stage) = 'lost' THEN NEW.lost_reason END
     WHERE id = NEW.id;
    INSERT INTO deal_history(deal_id, from_stage, to_stage, amount, lost_reason, changed_at)
    SELECT NEW.id, OLD.stage, NEW.stage, NEW.amount,
           CASE WHEN (SELECT outcome FROM deal_stages WHERE name = NEW.stage) = 'lost' THEN NEW.lost_reason END, (SELECT now FROM clock)
     WHERE NEW.stage IS NOT OLD.stage;
    INSERT INTO _deal_closed(deal_id, applies)
    VALUES (NEW.id, NEW.stage IS NOT OLD.stage AND (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NOT NULL);
    -- An open new-business deal's amount is its lead's while the lead is in a stage that needs one (the
    -- lead's field history names the deal: 31_field_history.sql).
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT NEW.lead_id, 'deal ' || NEW.id WHERE NEW.amount IS NOT OLD.amount AND NEW.lead_id IS NOT NULL AND NEW.kind = 'new_business';
    UPDATE lead_records SET amount = NEW.amount, updated_at = (SELECT now FROM clock)
     WHERE id = NEW.lead_id AND NEW.amount IS NOT OLD.amount AND NEW.amount IS NOT NULL AND NEW.kind = 'new_business'
       AND (SELECT outcome FROM deal_stages WHERE name = NEW.stage) IS NULL AND amount IS NOT NEW.amount
       AND (SELECT requires_amount FROM stages WHERE name = lead_records.stage) = 1;
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT NEW.lead_id, NULL WHERE NEW.amount IS NOT OLD.amount AND NEW.lead_id IS NOT NULL AND NEW.kind = 'new_business';
END;

-- Internal: what a deal's closing does. Won: the account is a customer (its next notice is an expansion
-- signal: mql_at starts again), and a new-business deal wins its lead. Lost: a new-business deal moves
-- its lead as the reason says. A lead is moved only where stage_transitions lets it go.
CREATE VIEW _deal_closed(deal_id, applies) AS SELECT NULL, NULL WHERE 0;

CREATE TRIGGER _deal_closed_insert INSTEAD OF INSERT ON _deal_closed
WHEN NEW.applies
BEGIN
    UPDATE accounts
       SET customer_since = coalesce(accounts.customer_since, (SELECT now FROM clock)),
           mql_at = CASE WHEN accounts.customer_since IS NULL THEN NULL ELSE accounts.mql_at END
      FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
     WHERE d.id = NEW.deal_id AND accounts.id = d.account_id AND s.outcome = 'won';
    -- (the first won stage of leads, by position)
    UPDATE lead_records
       SET stage = (SELECT name FROM stages WHERE outcome = 'won' ORDER BY position LIMIT 1),
           amount = coalesce(d.amount, lead_records.amount),
           updated_at = (SELECT now FROM clock)
      FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
     WHERE d.id = NEW.deal_id AND lead_records.id = d.lead_id AND d.kind = 'new_business' AND s.outcome = 'won'
       AND lead_records.erased_at IS NULL
       AND (SELECT outcome FROM stages WHERE name = lead_records.stage) IS NULL
       AND EXISTS (SELECT 1 FROM stage_transitions
                    WHERE from_stage = lead_records.stage AND to_stage = (SELECT name FROM stages WHERE outcome = 'won' ORDER BY position LIMIT 1));
    UPDATE lead_records
       SET stage = r.lead_stage,
           lost_reason = CASE WHEN (SELECT outcome FROM stages WHERE name = r.lead_stage) = 'lost' THEN d.lost_reason END,
           updated_at = (SELECT now FROM clock)
      FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage JOIN lost_reasons AS r ON r.reason = d.lost_reason
     WHERE d.id = NEW.deal_id AND lead_records.id = d.lead_id AND d.kind = 'new_business' AND s.outcome = 'lost'
       AND lead_records.erased_at IS NULL AND lead_records.stage IS NOT r.lead_stage
       AND (SELECT outcome FROM stages WHERE name = lead_records.stage) IS NULL
       AND EXISTS (SELECT 1 FROM stage_transitions WHERE from_stage = lead_records.stage AND to_stage = r.lead_stage);
END;

-- A lead moved by a program that knows only lead stages: into a stage that needs an amount, it opens a
-- new-business deal (unless it has an open one); won, it wins its open new-business deal (or, with an
-- amount and none, records one won); lost, it loses it with its reason. (A deal that moved the lead
-- is closed already: nothing more happens.)
CREATE TRIGGER lead_records_after_update_stage_deal AFTER UPDATE OF stage ON lead_records
WHEN NEW.stage IS NOT OLD.stage
 AND CASE WHEN (SELECT requires_amount FROM stages WHERE name = NEW.stage) = 1 THEN 1
          ELSE (SELECT outcome FROM stages WHERE name = NEW.stage) IS NOT NULL END
BEGIN
    INSERT INTO deals(lead_id, kind, amount, stage)
    SELECT NEW.id, 'new_business', NEW.amount, (SELECT name FROM deal_stages WHERE outcome IS NULL ORDER BY position LIMIT 1)
     WHERE (SELECT outcome FROM stages WHERE name = NEW.stage) IS NULL
       AND NOT EXISTS (SELECT 1 FROM deals WHERE lead_id = NEW.id AND kind = 'new_business' AND closed_at IS NULL);
    UPDATE deals
       SET stage = (SELECT t.to_stage FROM deal_transitions AS t JOIN deal_stages AS s ON s.name = t.to_stage
                     WHERE t.from_stage = deals.stage AND s.outcome = 'won' ORDER BY s.position LIMIT 1),
           amount = coalesce(NEW.amount, amount)
     WHERE lead_id = NEW.id AND kind = 'new_business' AND closed_at IS NULL
       AND (SELECT outcome FROM stages WHERE name = NEW.stage) = 'won' AND coalesce(NEW.amount, amount) IS NOT NULL
       AND EXISTS (SELECT 1 FROM deal_transitions AS t JOIN deal_stages AS s ON s.name = t.to_stage WHERE t.from_stage = deals.stage AND s.outcome = 'won');
    INSERT INTO deals(lead_id, kind, amount, stage)
    SELECT NEW.id, 'new_business', NEW.amount, (SELECT name FROM deal_stages WHERE outcome = 'won' ORDER BY position LIMIT 1)
     WHERE (SELECT outcome FROM stages WHERE name = NEW.stage) = 'won' AND NEW.amount IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
                        WHERE d.lead_id = NEW.id AND d.kind = 'new_business' AND (d.closed_at IS NULL OR s.outcome = 'won'));
    UPDATE deals
       SET stage = (SELECT t.to_stage FROM deal_transitions AS t JOIN deal_stages AS s ON s.name = t.to_stage
                     WHERE t.from_stage = deals.stage AND s.outcome = 'lost' ORDER BY s.position LIMIT 1),
           lost_reason = coalesce(NEW.lost_reason, (SELECT reason FROM lost_reasons ORDER BY reason LIMIT 1))
     WHERE lead_id = NEW.id AND kind = 'new_business' AND closed_at IS NULL
       AND (SELECT outcome FROM stages WHERE name = NEW.stage) = 'lost'
       AND EXISTS (SELECT 1 FROM deal_transitions AS t JOIN deal_stages AS s ON s.name = t.to_stage WHERE t.from_stage = deals.stage AND s.outcome = 'lost');
END;

-- A lead's amount changed while its new-business deal is open: the deal's follows.
CREATE TRIGGER lead_records_after_update_amount_deal AFTER UPDATE OF amount ON lead_records
WHEN NEW.amount IS NOT OLD.amount AND NEW.amount IS NOT NULL
BEGIN
    UPDATE deals SET amount = NEW.amount
     WHERE lead_id = NEW.id AND kind = 'new_business' AND closed_at IS NULL AND amount IS NOT NEW.amount;
END;

-- Deals are history: lost, never deleted.
CREATE TRIGGER deals_before_delete BEFORE DELETE ON deals
BEGIN
    SELECT RAISE(ABORT, 'read_only: deals are not deleted; lose one instead (UPDATE deals SET stage = ''lost'', lost_reason = ...)');
END;

-- (a row is the move the deal just made: to its stage, from where its history ended, once)
CREATE TRIGGER deal_history_before_insert BEFORE INSERT ON deal_history
WHEN NEW.id <> -1 OR NEW.changed_at IS NOT (SELECT now FROM clock)
  OR NOT EXISTS (SELECT 1 FROM deals WHERE id = NEW.deal_id AND stage = NEW.to_stage)
  OR NEW.from_stage IS NOT (SELECT h.to_stage FROM deal_history AS h WHERE h.deal_id = NEW.deal_id ORDER BY h.id DESC LIMIT 1)
  OR NEW.from_stage IS NEW.to_stage
BEGIN
    SELECT RAISE(ABORT, 'append_only: deal_history is written by LeadDB as deals move; move the deal (UPDATE deals SET stage = ...)');
END;

CREATE TRIGGER deal_history_before_update BEFORE UPDATE ON deal_history
BEGIN
    SELECT RAISE(ABORT, 'append_only: deal_history cannot be changed');
END;

CREATE TRIGGER deal_history_before_delete BEFORE DELETE ON deal_history
BEGIN
    SELECT RAISE(ABORT, 'append_only: deal_history cannot be deleted');
END;

-- The deal pipeline is configuration: a stage with deals or history is not renamed, deleted or given
-- another outcome; positions and probabilities may change; the last open, won or lost stage stays. A
-- transition names stages there are.
CREATE TRIGGER deal_stages_before_update BEFORE UPDATE OF name, outcome ON deal_stages
WHEN NEW.name IS NOT OLD.name OR NEW.outcome IS NOT OLD.outcome
BEGIN
    INSERT INTO _raise(arg) SELECT json_array(CASE
        WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.name)
            THEN 'already_exists: deal stage ' || NEW.name || ' exists; a key is not moved onto another row (a replace would delete it)'
        WHEN EXISTS (SELECT 1 FROM deals WHERE stage = OLD.name) OR EXISTS (SELECT 1 FROM deal_history WHERE to_stage = OLD.name OR from_stage = OLD.name)
            THEN 'stage_in_use: deal stage ' || OLD.name || ' has deals or history; its name and outcome stay'
        WHEN NEW.name IS NOT OLD.name AND OLD.name = 'qualification'
            THEN 'required_stage: deal stage qualification is where a new deal starts (deals.stage''s default); it keeps its name'
        WHEN NEW.outcome IS NOT OLD.outcome AND NOT EXISTS (SELECT 1 FROM deal_stages WHERE outcome IS OLD.outcome AND name <> OLD.name)
            THEN 'stage_in_use: deal stage ' || OLD.name || ' is the last ' || coalesce(OLD.outcome, 'open') || ' stage; it keeps its outcome'
        END)
     WHERE CASE WHEN NEW.name IS NOT OLD.name AND EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.name) THEN 1
                WHEN EXISTS (SELECT 1 FROM deals WHERE stage = OLD.name) OR EXISTS (SELECT 1 FROM deal_history WHERE to_stage = OLD.name OR from_stage = OLD.name) THEN 1
                WHEN NEW.name IS NOT OLD.name AND OLD.name = 'qualification' THEN 1
                ELSE NEW.outcome IS NOT OLD.outcome AND NOT EXISTS (SELECT 1 FROM deal_stages WHERE outcome IS OLD.outcome AND name <> OLD.name) END;
END;

CREATE TRIGGER deal_stages_before_delete BEFORE DELETE ON deal_stages
WHEN EXISTS (SELECT 1 FROM deals WHERE stage = OLD.name) OR EXISTS (SELECT 1 FROM deal_history WHERE to_stage = OLD.name OR from_stage = OLD.name)
  OR NOT EXISTS (SELECT 1 FROM deal_stages WHERE outcome IS OLD.outcome AND name <> OLD.name) OR OLD.name = 'qualification'
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('stage_in_use: deal stage ' || OLD.name
        || ' has deals or history, or is the last ' || coalesce(OLD.outcome, 'open') || ' stage; it is not deleted'));
END;

-- (a stage deleted takes its transitions along)
CREATE TRIGGER deal_stages_after_delete AFTER DELETE ON deal_stages
BEGIN
    DELETE FROM deal_transitions WHERE from_stage = OLD.name OR to_stage = OLD.name;
END;

CREATE TRIGGER deal_stages_after_update AFTER UPDATE OF name ON deal_stages
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE deal_transitions SET from_stage = NEW.name WHERE from_stage = OLD.name;
    UPDATE deal_transitions SET to_stage = NEW.name WHERE to_stage = OLD.name;
END;

-- (a stage's values, for its insert and update triggers)
CREATE VIEW deal_stage_problems AS
SELECT name, 'invalid_config: deal stage ' || name || ' needs a whole-number position, a probability from 0 to 1 and an outcome of won, lost or NULL; got '
             || quote(position) || ', ' || quote(probability) || ', ' || quote(outcome) AS problem
  FROM deal_stages
 WHERE typeof(position) <> 'integer' OR (probability IS NOT NULL AND NOT (typeof(probability) IN ('integer', 'real') AND probability BETWEEN 0 AND 1))
    OR outcome NOT IN ('won', 'lost');

CREATE TRIGGER deal_stages_after_insert_check AFTER INSERT ON deal_stages
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM deal_stage_problems WHERE name = NEW.name;
END;

CREATE TRIGGER deal_stages_after_update_check AFTER UPDATE ON deal_stages
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(problem)) FROM deal_stage_problems WHERE name = NEW.name;
END;

CREATE TRIGGER deal_stages_before_insert_no_replace BEFORE INSERT ON deal_stages
WHEN EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.name)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: deal stage ' || NEW.name || ' exists; update it instead'));
END;

CREATE TRIGGER deal_transitions_after_insert_check AFTER INSERT ON deal_transitions
WHEN NOT EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.from_stage) OR NOT EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.to_stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_stage: a deal transition from ' || quote(NEW.from_stage) || ' to ' || quote(NEW.to_stage)
        || ' names a stage that is not in deal_stages'));
END;

CREATE TRIGGER deal_transitions_after_update_check AFTER UPDATE ON deal_transitions
WHEN NOT EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.from_stage) OR NOT EXISTS (SELECT 1 FROM deal_stages WHERE name = NEW.to_stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_stage: a deal transition from ' || quote(NEW.from_stage) || ' to ' || quote(NEW.to_stage)
        || ' names a stage that is not in deal_stages'));
END;

CREATE TRIGGER deal_transitions_before_update_no_replace BEFORE UPDATE ON deal_transitions
WHEN (NEW.from_stage IS NOT OLD.from_stage OR NEW.to_stage IS NOT OLD.to_stage)
 AND EXISTS (SELECT 1 FROM deal_transitions WHERE from_stage = NEW.from_stage AND to_stage = NEW.to_stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: the deal transition from ' || NEW.from_stage || ' to ' || NEW.to_stage
        || ' exists; a key is not moved onto another row (a replace would delete it)'));
END;

CREATE TRIGGER deal_transitions_before_insert_no_replace BEFORE INSERT ON deal_transitions
WHEN EXISTS (SELECT 1 FROM deal_transitions WHERE from_stage = NEW.from_stage AND to_stage = NEW.to_stage)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('already_exists: the deal transition from ' || NEW.from_stage || ' to ' || NEW.to_stage || ' exists'));
END;

-- A lost reason says what a lost new-business deal does to its lead: a lead stage there is.
CREATE TRIGGER lost_reasons_after_insert_lead_stage AFTER INSERT ON lost_reasons
WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.lead_stage AND outcome IS NOT 'won')
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_stage: lost reason ' || NEW.reason || ' sends a lead to ' || quote(NEW.lead_stage)
        || ', which is not an open or lost stage (stages: ' || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages WHERE outcome IS NOT 'won' ORDER BY position)) || ')'));
END;

CREATE TRIGGER lost_reasons_after_update_lead_stage AFTER UPDATE OF lead_stage ON lost_reasons
WHEN NOT EXISTS (SELECT 1 FROM stages WHERE name = NEW.lead_stage AND outcome IS NOT 'won')
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array('unknown_stage: lost reason ' || NEW.reason || ' sends a lead to ' || quote(NEW.lead_stage)
        || ', which is not an open or lost stage (stages: ' || (SELECT group_concat(name, ', ') FROM (SELECT name FROM stages WHERE outcome IS NOT 'won' ORDER BY position)) || ')'));
END;

-- Customers: accounts with a won deal; their lifetime revenue (won deals), open deals and next renewal
-- (the earliest end, today or later, of a won subscription no renewal has replaced: an open renewal is
-- open_renewal_id).
CREATE VIEW customer_accounts AS
SELECT a.id AS account_id, a.domain, a.name, a.owner_id, r.name AS owner, a.customer_since,
       (SELECT total(d.amount) FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage WHERE d.account_id = a.id AND s.outcome = 'won') AS lifetime_revenue,
       (SELECT count(*) FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage WHERE d.account_id = a.id AND s.outcome = 'won') AS won_deals,
       (SELECT count(*) FROM deals AS d WHERE d.account_id = a.id AND d.closed_at IS NULL) AS open_deals,
       -- (a subscription whose renewal was won or lost is renewed or churned: only open or unopened ones count)
       (SELECT min(d.contract_end) FROM deals AS d JOIN deal_stages AS s ON s.name = d.stage
         WHERE d.account_id = a.id AND s.outcome = 'won' AND d.contract_end IS NOT NULL
           AND d.contract_end >= date((SELECT now FROM clock))
           AND NOT EXISTS (SELECT 1 FROM deals AS n WHERE n.renewal_of = d.id AND n.closed_at IS NOT NULL)) AS next_renewal,
       (SELECT min(d.id) FROM deals AS d WHERE d.account_id = a.id AND d.kind = 'renewal' AND d.closed_at IS NULL) AS open_renewal_id
  FROM accounts AS a
  LEFT JOIN reps AS r ON r.id = a.owner_id
 WHERE a.customer_since IS NOT NULL AND a.merged_into IS NULL AND a.erased_at IS NULL;

-- Open renewal deals, soonest contract end first: who has it, for how much, by when it must be answered.
-- When a renewal was answered: its first move (a deal_history row with a from_stage), or the first
-- outbound touch of its contact (a call, an email sent, a meeting) since it was opened, whichever came
-- first; NULL while it is unanswered. (A touch logged with an earlier time answers nothing.)
CREATE VIEW renewal_responses AS
SELECT deal_id, response_due_at, moved_at, touched_at,
       min(coalesce(moved_at, touched_at), coalesce(touched_at, moved_at)) AS answered_at
  FROM (SELECT d.id AS deal_id, d.response_due_at,
               (SELECT min(h.changed_at) FROM deal_history AS h WHERE h.deal_id = d.id AND h.from_stage IS NOT NULL) AS moved_at,
               (SELECT min(x.occurred_at) FROM activity_log AS x JOIN activity_kinds AS k ON k.kind = x.kind
                 WHERE x.lead_id = d.lead_id AND x.occurred_at >= d.created_at AND k.direction = 'outbound') AS touched_at
          FROM deals AS d
         WHERE d.kind = 'renewal');

-- Open renewals. response_overdue: unanswered (renewal_responses) past response_due_at; a tick then
-- tells the owner's manager once (renewal_overdue, renewal_escalations in 96_ticks.sql).
CREATE VIEW renewals_due AS
SELECT d.id AS deal_id, d.account_id, a.domain, a.name AS account, d.owner_id, r.name AS owner, d.amount, d.stage,
       coalesce(w.contract_end, d.contract_start, d.expected_close_on) AS contract_ends_on, d.expected_close_on, d.response_due_at,
       CAST(julianday(coalesce(w.contract_end, d.contract_start, d.expected_close_on)) - julianday(date((SELECT now FROM clock))) AS INTEGER) AS days_left,
       coalesce(p.answered_at IS NULL AND d.response_due_at < (SELECT now FROM clock), 0) AS response_overdue, d.renewal_of,
       p.answered_at,
       (SELECT e.ran_at FROM renewal_escalations AS e WHERE e.deal_id = d.id AND e.status = 'notified') AS escalated_at
  FROM deals AS d
  JOIN renewal_responses AS p ON p.deal_id = d.id
  -- (a renewal opened by hand renews nothing recorded: its own days say when)
  LEFT JOIN deals AS w ON w.id = d.renewal_of
  LEFT JOIN accounts AS a ON a.id = d.account_id
  LEFT JOIN reps AS r ON r.id = d.owner_id
 WHERE d.kind = 'renewal' AND d.closed_at IS NULL;

-- Renewal escalations are written by the ticks (96_ticks.sql) and are history: one per renewal whose
-- deadline passed while it was open, never changed or deleted.
CREATE TRIGGER renewal_escalations_before_insert BEFORE INSERT ON renewal_escalations
WHEN NEW.tick_id IS NOT (SELECT max(id) FROM ticks) OR NEW.ran_at IS NOT (SELECT now FROM clock)
  OR NEW.response_due_at IS NOT (SELECT response_due_at FROM deals WHERE id = NEW.deal_id AND closed_at IS NULL)
  OR NEW.response_due_at >= NEW.ran_at
  OR NEW.status IS NOT CASE WHEN (SELECT answered_at FROM renewal_responses WHERE deal_id = NEW.deal_id) IS NULL THEN 'notified' ELSE 'answered' END
  OR NEW.answered_at IS NOT (SELECT answered_at FROM renewal_responses WHERE deal_id = NEW.deal_id)
  OR EXISTS (SELECT 1 FROM renewal_escalations WHERE deal_id = NEW.deal_id OR id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'append_only: renewal_escalations is written by the ticks when a renewal''s response_due_at passes; run a tick (INSERT INTO ticks DEFAULT VALUES)');
END;

CREATE TRIGGER renewal_escalations_before_update BEFORE UPDATE ON renewal_escalations
BEGIN
    SELECT RAISE(ABORT, 'append_only: renewal escalations cannot be changed');
END;

CREATE TRIGGER renewal_escalations_before_delete BEFORE DELETE ON renewal_escalations
BEGIN
    SELECT RAISE(ABORT, 'append_only: renewal escalations cannot be deleted');
END;

-- Churn: renewals lost, with the revenue that went with them.
CREATE VIEW churn AS
SELECT d.id AS deal_id, d.account_id, a.domain, a.name AS account, d.owner_id, d.amount AS lost_revenue,
       d.lost_reason, d.closed_at AS churned_at, w.contract_end AS contract_ended_on
  FROM deals AS d
  JOIN deal_stages AS s ON s.name = d.stage AND s.outcome = 'lost'
  LEFT JOIN deals AS w ON w.id = d.renewal_of
  LEFT JOIN accounts AS a ON a.id = d.account_id
 WHERE d.kind = 'renewal';

-- Customers whose people are engaging: a customer account's score at or above expansion.threshold,
-- with its latest expansion_signal and its open upsell and cross-sell deals.
CREATE VIEW expansion_signals AS
SELECT c.account_id, c.domain, c.name, c.owner_id, c.owner, s.score, s.engagement,
       (SELECT max(o.created_at) FROM outbox AS o
         WHERE o.kind = 'expansion_signal' AND o.lead_id IN (SELECT id FROM lead_records WHERE account_id = c.account_id)) AS signalled_at,
       (SELECT count(*) FROM deals AS d WHERE d.account_id = c.account_id AND d.kind IN ('upsell', 'cross_sell') AND d.closed_at IS NULL) AS open_expansion_deals
  FROM customer_accounts AS c
  JOIN account_scores AS s ON s.account_id = c.account_id
 WHERE s.score >= (SELECT CAST(value AS REAL) FROM settings WHERE key = 'expansion.threshold') - 1e-6;
