-- 0013_lead_imports: bulk capture. A program stages rows in lead_imports (with its own INSERTs, or the
-- sqlite3 shell's .import) and captures every pending row with one INSERT INTO lead_import_run
-- (Schema/65_imports.sql). A captured row keeps its outcome and lead, never the person's data.
CREATE TABLE lead_imports (
    id INTEGER PRIMARY KEY,
    -- the values as a program gives them to lead_intake (no type: kept as given, read by the capture)
    email, first_name, last_name, name, phone, company, title, industry, company_size, country, source,
    campaign, consent, consent_source, captured_at, detail, capture_key,
    -- set by the run: pending until captured, then created, merged or already_captured
    status TEXT NOT NULL DEFAULT 'pending',
    lead_id INTEGER,
    processed_at TEXT
);
CREATE INDEX lead_imports_pending ON lead_imports(id) WHERE status = 'pending';

-- Internal: the staged row a run is capturing (one row, only while a run is under way), so a refusal
-- names it.
CREATE TABLE _import_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    row INTEGER NOT NULL,
    last_capture INTEGER NOT NULL
);

-- Internal: the rows of the run under way, in order, each with how it is captured (Schema/65_imports.sql):
-- a `fast` row (a new lead whose values need no long reading) with the others like it, all at once; any
-- other row on its own, through lead_intake. Empty between runs. (email is every row's email as read, so
-- a later row of the same person is found.)
CREATE TABLE _import_plan (
    seq     INTEGER PRIMARY KEY,
    row     INTEGER NOT NULL UNIQUE,
    fast    INTEGER NOT NULL,
    lead_id INTEGER UNIQUE,
    -- a fast row's values as the capture stores them
    email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign,
    consent, consent_source, captured_at, detail, capture_key
);
CREATE INDEX _import_plan_email ON _import_plan(email);
CREATE INDEX _import_plan_capture_key ON _import_plan(capture_key);
