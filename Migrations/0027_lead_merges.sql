-- 0027_lead_merges: possible duplicates and lead merges (Schema/89_merges.sql).

-- A merged lead points at the lead it was merged into (NULL for every other lead).
ALTER TABLE lead_records ADD COLUMN merged_into INTEGER REFERENCES lead_records(id);

-- INSERT INTO merges(kept_id, merged_id[, merged_by]) merges two leads; LeadDB fills in the rest: when,
-- what each lead was before (for an undo), which rows moved, and what the kept lead was right after.
CREATE TABLE merges (
    id            INTEGER PRIMARY KEY,
    kept_id       INTEGER NOT NULL REFERENCES lead_records(id),
    merged_id     INTEGER NOT NULL REFERENCES lead_records(id),
    merged_by     TEXT,
    merged_at     TEXT,
    kept_before   TEXT,
    merged_before TEXT,
    moved         TEXT,
    kept_after    TEXT,
    undone_at     TEXT
);
CREATE INDEX merges_kept ON merges(kept_id);
CREATE INDEX merges_merged ON merges(merged_id);

-- INSERT INTO merge_undos(merge_id[, undone_by]) undoes a merge while nothing else has touched the kept lead.
CREATE TABLE merge_undos (
    id        INTEGER PRIMARY KEY,
    merge_id  INTEGER NOT NULL REFERENCES merges(id),
    undone_by TEXT,
    undone_at TEXT
);

-- The email of a merged lead (when the kept lead has one of its own): a capture of it lands on the kept lead.
CREATE TABLE merged_emails (
    email    TEXT PRIMARY KEY,
    lead_id  INTEGER NOT NULL REFERENCES lead_records(id),
    merge_id INTEGER NOT NULL REFERENCES merges(id)
) WITHOUT ROWID;
CREATE INDEX merged_emails_lead ON merged_emails(lead_id);

-- Pairs a person looked at and found to be two people: possible_duplicates leaves them out.
CREATE TABLE not_duplicates (
    lead_id  INTEGER NOT NULL REFERENCES lead_records(id),
    other_id INTEGER NOT NULL REFERENCES lead_records(id),
    noted_by TEXT,
    noted_at TEXT NOT NULL,
    PRIMARY KEY (lead_id, other_id),
    CHECK (lead_id < other_id)
) WITHOUT ROWID;

-- The keys possible_duplicates looks leads up by (each expression is the view's, word for word):
-- a phone's last nine digits (the same number with and without its country or trunk prefix), a
-- person's name at a company, and an email's mailbox at providers that ignore dots and +tags.
CREATE INDEX lead_records_phone_tail ON lead_records(substr(phone, -9)) WHERE length(phone) >= 9;
CREATE INDEX lead_records_person ON lead_records(lower(trim(company)), lower(trim(last_name)), lower(trim(first_name)));
CREATE INDEX lead_records_person_first ON lead_records(lower(trim(company)), lower(trim(first_name)));
CREATE INDEX lead_records_email_alias
    ON lead_records(CASE WHEN substr(email, instr(email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(email, 1, instr(substr(email, 1, instr(email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(email, 1, instr(email, '+') - 1) || substr(email, instr(email, '@')) END)
 WHERE email GLOB '?*+*@*' OR email GLOB '*@gmail.com' OR email GLOB '*@googlemail.com';
