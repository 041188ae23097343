-- Accounts, deals and custom fields from the sqlite3 shell alone, on a file `leads migrate` set up:
--     sqlite3 leads.db < docs/examples/accounts-and-deals.sql
-- (The clock is frozen, so the output is the same every time: docs/examples/accounts-and-deals.out.)
.headers on
UPDATE settings SET value = '2026-11-24T09:00:00Z' WHERE key = 'clock.now';
INSERT INTO teams(name) VALUES ('analytics');
INSERT INTO reps(id, name, team) VALUES (1, 'Ana', 'default'), (2, 'Ben', 'default'), (3, 'Cy', 'analytics');
INSERT INTO routing_rules(priority, team, custom, description)
VALUES (1, 'analytics', '{"product_interest": "Analytics"}', 'Analytics buyers');

-- Three people of one company met at a trade show: one account, one owner.
INSERT INTO lead_intake(email, name, company, title, source, campaign) VALUES
    ('jane.roe@acme-robotics.com', 'Jane Roe', 'Acme Robotics', 'VP Operations', 'tradeshow', 'automate-2026'),
    ('bob.lee@acme-robotics.com', 'Bob Lee', 'Acme Robotics', 'Automation Engineer', 'tradeshow', 'automate-2026'),
    ('sue.kim@acme-robotics.com', 'Sue Kim', 'Acme Robotics', 'Head of IT', 'tradeshow', 'automate-2026');
SELECT id, email, account_id, owner_id FROM leads ORDER BY id;
SELECT account_id, domain, name, owner, people FROM account_overview;
SELECT role, name, title, missing FROM buying_committee WHERE account_id = 1 ORDER BY coalesce(position, 99), lead_id;

-- A BANT field with the wrong type is refused (the error goes to stderr), and the lead is unchanged.
UPDATE leads SET custom = '{"budget": "about 25k"}' WHERE id = 1;
UPDATE leads SET custom = '{"budget": 24000, "authority": "yes", "need": "Fleet scheduling", "timeline": "2026-12-15"}' WHERE id = 1;
SELECT id, custom FROM leads WHERE id = 1;

-- Jane converts: opportunity opens a new-business deal; winning it makes her and Acme customers.
UPDATE leads SET stage = 'contacted' WHERE id = 1;
UPDATE leads SET stage = 'sql' WHERE id = 1;
UPDATE leads SET stage = 'opportunity', amount = 24000 WHERE id = 1;
UPDATE deals SET name = 'Acme fleet scheduling', contract_start = '2026-12-01', contract_end = '2027-12-01', stage = 'proposal' WHERE lead_id = 1;
UPDATE deals SET stage = 'won' WHERE lead_id = 1;
SELECT id, stage FROM leads WHERE id = 1;
SELECT id, kind, stage, amount, owner_id, closed_at FROM deals;

-- A year later a tick opens the renewal for the account's owner, with its deadline.
UPDATE settings SET value = '2027-10-02T09:00:00Z' WHERE key = 'clock.now';
INSERT INTO ticks DEFAULT VALUES;
SELECT deal_id, account, owner, amount, contract_ends_on, response_due_at, days_left FROM renewals_due;

-- An upsell opened by hand is won.
INSERT INTO deals(account_id, kind, name, amount) VALUES (1, 'upsell', 'Analytics add-on', 6000);
UPDATE deals SET stage = 'won' WHERE kind = 'upsell';
SELECT account_id, domain, lifetime_revenue, won_deals, open_deals, next_renewal, open_renewal_id FROM customer_accounts;

-- A lead interested in analytics goes to the analytics team.
INSERT INTO lead_intake(email, name, custom) VALUES ('max@initech.io', 'Max Power', '{"product_interest": "analytics"}');
SELECT l.id, l.owner_id, a.reason FROM leads AS l JOIN assignments AS a ON a.lead_id = l.id WHERE l.email = 'max@initech.io';
