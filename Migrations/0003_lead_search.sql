-- 0003_lead_search: substring search over names, emails and companies that stays fast on a million
-- leads (the shell's `find`). A trigram FTS5 index over lead_records (external content: the text is
-- not stored twice); Schema/30_leads.sql keeps it in step with every insert, change and erasure.
CREATE VIRTUAL TABLE lead_search USING fts5(
    first_name, last_name, email, company,
    content = 'lead_records', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO lead_search(lead_search) VALUES ('rebuild');
