-- 0003_lead_search: substring search over names, emails and companies that stays fast on a million
-- leads (the shell's `find`). A trigram FTS5 index, fed in batches: a capture or a change only queues
-- the lead's id (_search_queue); ticks and `find` bring the index up to date in one statement, because
-- writing FTS5 inside every capture costs more than the rest of the capture.
CREATE VIRTUAL TABLE lead_search USING fts5(first_name, last_name, email, company, tokenize = 'trigram');

CREATE TABLE _search_queue (
    lead_id INTEGER PRIMARY KEY
);
