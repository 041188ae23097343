-- Bulk capture: stage rows, then capture them all in one statement.
--
--     INSERT INTO lead_imports(email, first_name, ..., capture_key) VALUES (...), (...);
--     INSERT INTO lead_import_run DEFAULT VALUES;          -- every pending row
--     INSERT INTO lead_import_run(max_rows) VALUES (500);  -- at most 500 of them
--
-- lead_imports has lead_intake's columns and takes any number of rows from any program (the sqlite3
-- shell's `.import --csv FILE lead_imports` with a header row naming the columns). A run captures the
-- pending rows in id order exactly as INSERT INTO lead_intake of each row would: the same rules, the
-- same ids and the same results (de-duplication against the earlier rows included). A program that
-- stages many rows runs with max_rows until none is pending, so no transaction holds the write lock for
-- long.
--
-- Each captured row gets its status (created, merged, or already_captured for a capture_key captured
-- before), its lead_id and processed_at, and its values are cleared: the lead holds them now, and an
-- erasure leaves nothing of the person here (95_privacy.sql deletes the person's pending rows too).
-- A row the rules refuse stops the run and nothing of the run is stored; the error names the row
-- ("... (lead_imports row 17)", and "import_row": 17 in its JSON, 01_errors.sql). Fix or delete that row
-- and run again. A captured row is never captured again; stage a new row instead.
CREATE VIEW lead_import_run AS SELECT NULL AS max_rows WHERE 0;

-- Internal: captures one staged row (see lead_import_run).
CREATE VIEW _import_row AS SELECT NULL AS id WHERE 0;

CREATE TRIGGER lead_import_run_instead_of_insert INSTEAD OF INSERT ON lead_import_run
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(
               'invalid_import: max_rows is the most rows one run captures: a whole number of at least 1, or NULL for every pending row; got '
               || CASE typeof(NEW.max_rows) WHEN 'blob' THEN 'bytes' ELSE quote(NEW.max_rows) END))
     WHERE NEW.max_rows IS NOT NULL AND NOT (typeof(NEW.max_rows) = 'integer' AND NEW.max_rows >= 1);
    INSERT INTO _import_row(id)
    SELECT id FROM lead_imports WHERE status = 'pending' ORDER BY id LIMIT coalesce(NEW.max_rows, -1);
    DELETE FROM _import_cursor;
END;

CREATE TRIGGER _import_row_instead_of_insert INSTEAD OF INSERT ON _import_row
BEGIN
    -- The row being captured (for refusals) and the newest capture before it (to tell its outcome).
    INSERT INTO _import_cursor(id, row, last_capture) VALUES (1, NEW.id, (SELECT coalesce(max(id), 0) FROM captures))
        ON CONFLICT (id) DO UPDATE SET row = excluded.row, last_capture = excluded.last_capture;
    INSERT INTO lead_intake(email, first_name, last_name, name, phone, company, title, industry, company_size, country,
                            source, campaign, consent, consent_source, captured_at, detail, capture_key)
    SELECT email, first_name, last_name, name, phone, company, title, industry, company_size, country,
           source, campaign, consent, consent_source, captured_at, detail, capture_key
      FROM lead_imports WHERE id = NEW.id;
    -- A new capture is the newest row of captures; a key captured before wrote none.
    UPDATE lead_imports
       SET (status, lead_id) = (SELECT CASE WHEN c.id > k.last_capture THEN c.outcome ELSE 'already_captured' END, c.lead_id
                                  FROM _import_cursor AS k, captures AS c
                                 WHERE c.id = CASE WHEN (SELECT max(id) FROM captures) > k.last_capture THEN (SELECT max(id) FROM captures)
                                                   ELSE (SELECT x.id FROM captures AS x WHERE x.capture_key = lead_imports.capture_key) END),
           processed_at = (SELECT now FROM clock),
           email = NULL, first_name = NULL, last_name = NULL, name = NULL, phone = NULL, company = NULL, title = NULL,
           industry = NULL, company_size = NULL, country = NULL, source = NULL, campaign = NULL, consent = NULL,
           consent_source = NULL, captured_at = NULL, detail = NULL, capture_key = NULL
     WHERE id = NEW.id;
END;

-- A staged row starts pending; only its run sets its outcome, and a captured row takes no new values.
CREATE TRIGGER lead_imports_before_insert BEFORE INSERT ON lead_imports
WHEN NEW.status IS NOT 'pending' OR NEW.lead_id IS NOT NULL OR NEW.processed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'maintained: a staged row starts pending; its status, lead_id and processed_at are set when INSERT INTO lead_import_run captures it');
END;

CREATE TRIGGER lead_imports_before_update BEFORE UPDATE ON lead_imports
WHEN (NEW.status IS NOT OLD.status OR NEW.lead_id IS NOT OLD.lead_id OR NEW.processed_at IS NOT OLD.processed_at
      OR (OLD.status IS NOT 'pending'
          AND coalesce(NEW.email, NEW.first_name, NEW.last_name, NEW.name, NEW.phone, NEW.company, NEW.title, NEW.industry,
                       NEW.company_size, NEW.country, NEW.source, NEW.campaign, NEW.consent, NEW.consent_source,
                       NEW.captured_at, NEW.detail, NEW.capture_key) IS NOT NULL))
 AND NOT (OLD.status = 'pending' AND OLD.id IS (SELECT row FROM _import_cursor))
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(CASE
        WHEN OLD.status IS NOT 'pending'
            THEN 'captured: lead_imports row ' || OLD.id || ' was captured (' || OLD.status || ', lead ' || coalesce(OLD.lead_id, 'none')
                 || '); stage a new row to capture it again'
        ELSE 'maintained: the status, lead_id and processed_at of lead_imports row ' || OLD.id
             || ' are set when INSERT INTO lead_import_run captures it'
        END, json_object('import_row', OLD.id)));
END;
