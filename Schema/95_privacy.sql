-- Privacy: INSERT INTO erasures(lead_id) erases a person.
--
-- Every personal value of the lead (names, email, phone, company, title, custom values, free-text details) is removed
-- from lead_records, activity_log and outbox; stage_history, assignments and nurture_enrollments hold
-- none. The non-personal facts stay for reports (stage, source, campaign, industry, size, country,
-- dates, amounts, scores). A hash of the email, and one of the phone, is kept in suppressed_emails, so
-- capturing them again, or writing them onto another lead, is refused with `suppressed`. With PRAGMA secure_delete on (the project's connections always turn it
-- on; another program should turn it on before erasing), the erased text is overwritten in the file; after a checkpoint neither the database nor
-- its WAL holds a byte of it.
--
-- The hash is email_hash_input's (02_inputs.sql), which 60_intake.sql also reads to refuse a suppressed
-- email. Capture keys the person's captures carried are removed too (a key may hold personal data).

-- The search index's level count, read from its structure record (the row with id 10 of
-- lead_search_data: a 4-byte cookie, then the count as a varint; SQLite 3.44 and later may put the
-- 4 bytes FF 00 00 01 first). Each merge of every segment ('optimize', a 'merge' step of a negative
-- size) adds one or two levels under SQLite 3.40's FTS5, which calls the index corrupt past 2,000 (a
-- thousand erasures); later versions stop at 64. Past 500 levels (`rebuild`), an erasure or a purge
-- step rebuilds the index from its content instead of merging it: the rebuilt index holds no erased
-- person's terms and starts again from a level or two. (A rebuild reads every lead, about 3 s per 200,000
-- of them, and holds the write lock that long: once every couple of hundred erasures.)
CREATE VIEW _search_levels AS
SELECT levels, levels >= 500 AS rebuild
  FROM (SELECT CASE WHEN b0 < 128 THEN b0 ELSE (b0 - 128) * 128 + b1 % 128 END AS levels
          FROM (SELECT (instr('0123456789ABCDEF', substr(h, p, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, p + 1, 1)) - 1 AS b0,
                       (instr('0123456789ABCDEF', substr(h, p + 2, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, p + 3, 1)) - 1 AS b1
                  FROM (SELECT h, CASE WHEN substr(h, 9, 8) = 'FF000001' THEN 17 ELSE 9 END AS p
                          FROM (SELECT hex(substr(block, 1, 12)) AS h FROM lead_search_data WHERE id = 10))));

CREATE TRIGGER erasures_before_insert_check BEFORE INSERT ON erasures
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN l.id IS NULL THEN 'unknown_lead: no lead has id ' || coalesce(NEW.lead_id, 'NULL')
        WHEN l.merged_into IS NOT NULL THEN 'merged_lead: lead ' || l.id || ' was merged into lead ' || l.merged_into || '; erase lead ' || l.merged_into || ', which holds the person now'
        WHEN l.erased_at IS NOT NULL THEN 'erased_lead: lead ' || l.id || ' was already erased at ' || l.erased_at
        -- (a restore under way would replace the file and lose this erasure: migration 0015)
        WHEN r.id IS NOT NULL THEN 'restoring: a restore from ' || r.backup || ' began at ' || r.started_at
                                   || ' and replaces this file; erase lead ' || l.id || ' again when it ends'
        END))
      FROM (SELECT 1) LEFT JOIN lead_records AS l ON l.id = NEW.lead_id LEFT JOIN _restore AS r ON r.id = 1;
END;

CREATE TRIGGER erasures_after_insert AFTER INSERT ON erasures
BEGIN
    UPDATE erasures
       SET erased_at = (SELECT now FROM clock),
           email_hash = (SELECT h.hash FROM lead_records AS l, email_hash_input AS h
                          WHERE l.id = NEW.lead_id AND h.arg = json_array(l.email))
     WHERE id = NEW.id;

    -- (An upsert, not OR IGNORE: a trigger's OR IGNORE gives way to the firing statement's policy.)
    INSERT INTO suppressed_emails(email_hash, suppressed_at)
    SELECT email_hash, erased_at FROM erasures WHERE id = NEW.id AND email_hash IS NOT NULL
        ON CONFLICT (email_hash) DO NOTHING;
    -- The phone is suppressed too (hashed as tel: and the number), so a phone-only person stays erased.
    INSERT INTO suppressed_emails(email_hash, suppressed_at)
    SELECT h.hash, (SELECT now FROM clock)
      FROM lead_records AS l, email_hash_input AS h
     WHERE l.id = NEW.lead_id AND l.phone IS NOT NULL AND h.arg = json_array('tel:' || l.phone)
        ON CONFLICT (email_hash) DO NOTHING;

    -- The owner's capacity is released; enrollments end.
    INSERT INTO _rep_load(lead_id, rep, open, applies) VALUES (NEW.lead_id, NULL, 0, 1);
    INSERT INTO _nurture_end(lead_id, reason, applies) VALUES (NEW.lead_id, 'erased', 1);

    UPDATE captures SET capture_key = NULL WHERE lead_id = NEW.lead_id AND capture_key IS NOT NULL;
    -- Rows staged for a bulk capture (65_imports.sql) with the person's email or phone are deleted;
    -- captured rows hold no values.
    -- (a plain email or phone is compared as read without the input views: an erasure with many rows
    -- staged reads each of them)
    DELETE FROM lead_imports
     WHERE status = 'pending'
       AND (CASE WHEN CAST(email AS TEXT) NOT GLOB '*[^ -~]*' AND instr(email, char(0)) = 0 THEN nullif(lower(trim(email)), '')
                 ELSE (SELECT e.email FROM email_input AS e WHERE e.arg = json_array(CAST(lead_imports.email AS TEXT))) END
                = (SELECT l.email FROM lead_records AS l WHERE l.id = NEW.lead_id)
            OR CASE WHEN CAST(phone AS TEXT) NOT GLOB '*[^0-9+]*' AND instr(phone, char(0)) = 0 THEN nullif(CAST(phone AS TEXT), '')
                    ELSE (SELECT p.phone FROM phone_input AS p WHERE p.arg = json_array(CAST(lead_imports.phone AS TEXT))) END
                = (SELECT l.phone FROM lead_records AS l WHERE l.id = NEW.lead_id));
    DELETE FROM lead_search WHERE rowid = NEW.lead_id;
    -- FTS5 records a deletion as a marker and keeps the person's terms in older index segments until
    -- they are merged with it (the freed pages are zeroed with secure_delete). Merging every segment
    -- ('optimize') rewrites the whole index: the index of a file of at most 10 x tick.batch leads (a few
    -- hundred pages) is merged now; a larger one (seconds at a million leads) waits in _search_purge for
    -- lead_search_purge, a bounded step per transaction: LeadStore.erase and the shell's erase take the
    -- steps until none waits, and every tick takes one. (The steps come after this statement: FTS5
    -- writes the marker when the statement ends. The size is told by the lead ids, not by counting the
    -- index's pages, which would read them all.)
    INSERT INTO _search_purge(erasure_id)
    SELECT NEW.id WHERE (SELECT max(id) FROM lead_records) > 10 * (SELECT value FROM settings WHERE key = 'tick.batch');
    -- (an index that has grown too many levels is rebuilt from its content instead: see _search_levels)
    INSERT INTO lead_search(lead_search)
    SELECT CASE WHEN (SELECT rebuild FROM _search_levels) THEN 'rebuild' ELSE 'optimize' END
     WHERE NOT EXISTS (SELECT 1 FROM _search_purge WHERE erasure_id = NEW.id);
    -- A segment rule naming their email or phone names nobody now (36_segments.sql): the value is taken
    -- out of an `in` list, and an = or != rule reads an erased value that no lead has.
    UPDATE segment_rules
       SET value = CASE WHEN operator = 'in'
                        THEN coalesce((SELECT json_group_array(e.value) FROM json_each(segment_rules.value) AS e
                                        WHERE lower(trim(e.value)) NOT IN (SELECT lower(x.v) FROM (SELECT email AS v FROM lead_records WHERE id = NEW.lead_id
                                                                                                   UNION ALL SELECT phone FROM lead_records WHERE id = NEW.lead_id) AS x
                                                                            WHERE x.v IS NOT NULL)
                                       HAVING count(*) > 0), '["(erased)"]')
                        ELSE '(erased)' END
     WHERE attribute IN ('email', 'phone')
       AND EXISTS (SELECT 1 FROM json_each(CASE WHEN operator = 'in' AND json_valid(segment_rules.value) THEN segment_rules.value ELSE json_array(segment_rules.value) END) AS e
                    WHERE lower(trim(e.value)) IN (SELECT lower(x.v) FROM (SELECT email AS v FROM lead_records WHERE id = NEW.lead_id
                                                                          UNION ALL SELECT phone FROM lead_records WHERE id = NEW.lead_id) AS x WHERE x.v IS NOT NULL));
    UPDATE activity_log SET detail = NULL WHERE lead_id = NEW.lead_id AND detail IS NOT NULL;
    UPDATE outbox SET payload = json_object('lead_id', NEW.lead_id, 'erased', 1) WHERE lead_id = NEW.lead_id;
    UPDATE lead_records
       SET email = NULL, first_name = NULL, last_name = NULL, phone = NULL, company = NULL, title = NULL,
           consent = NULL, consent_source = NULL, consent_at = NULL, custom = NULL,
           erased_at = (SELECT now FROM clock), updated_at = (SELECT now FROM clock)
     WHERE id = NEW.lead_id;
    -- The last person of an account erased: the account's domain and name (which may name them) go too,
    -- from it and from the accounts merged into it (32_accounts.sql).
    -- A deal's name may name the person: their deals keep their facts, not their names (34_deals.sql).
    UPDATE deals SET name = NULL WHERE lead_id = NEW.lead_id AND name IS NOT NULL;
    -- Their undelivered messages are given up (nothing is left to send), and no delivery error about
    -- them is kept (94_outbox.sql).
    UPDATE outbox SET last_error = NULL WHERE lead_id = NEW.lead_id AND last_error IS NOT NULL;
    UPDATE outbox SET failed_at = (SELECT now FROM clock), claimed_by = NULL, claimed_at = NULL, retry_at = NULL
     WHERE lead_id = NEW.lead_id AND delivered_at IS NULL AND failed_at IS NULL;
    -- The history of their personal fields keeps no value (31_field_history.sql).
    UPDATE field_history SET old_value = NULL, new_value = NULL
     WHERE lead_id = NEW.lead_id AND field IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'consent', 'custom') AND (old_value IS NOT NULL OR new_value IS NOT NULL);
    -- Their tasks, and their deals' tasks: the open ones cancelled, and no note or outcome kept (88_tasks.sql).
    UPDATE tasks
       SET note = NULL,
           outcome = CASE WHEN done_at IS NULL OR outcome = 'cancelled' THEN 'cancelled' END,
           done_at = coalesce(done_at, (SELECT now FROM clock))
     WHERE (lead_id = NEW.lead_id OR deal_id IN (SELECT id FROM deals WHERE lead_id = NEW.lead_id))
       AND (done_at IS NULL OR note IS NOT NULL OR outcome IS NOT 'cancelled' AND outcome IS NOT NULL);
    INSERT INTO _account_forget(account_id, applies)
    VALUES ((SELECT account_id FROM lead_records WHERE id = NEW.lead_id), (SELECT account_id FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL);
    -- Their tags, and those of the leads merged into them, go (36_segments.sql).
    DELETE FROM lead_tags WHERE lead_id = NEW.lead_id OR lead_id IN (SELECT id FROM lead_records WHERE merged_into = NEW.lead_id);
    -- The emails of the leads merged into them are suppressed and forgotten, and no merge keeps what
    -- they were (89_merges.sql).
    INSERT INTO suppressed_emails(email_hash, suppressed_at)
    SELECT h.hash, (SELECT now FROM clock)
      FROM merged_emails AS e, email_hash_input AS h
     WHERE e.lead_id = NEW.lead_id AND h.arg = json_array(e.email)
        ON CONFLICT (email_hash) DO NOTHING;
    DELETE FROM merged_emails WHERE lead_id = NEW.lead_id;
    -- The values a merge of them into another lead filled there, and its undo took back, are in that
    -- lead's field history: taken out too.
    UPDATE field_history SET old_value = NULL, new_value = NULL
     WHERE lead_id IN (SELECT kept_id FROM merges WHERE merged_id = NEW.lead_id AND undone_at IS NOT NULL)
       AND field IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title', 'consent', 'custom')
       AND (old_value IS NOT NULL OR new_value IS NOT NULL)
       AND EXISTS (SELECT 1 FROM merges AS m LEFT JOIN merge_undos AS u ON u.merge_id = m.id
                    WHERE m.merged_id = NEW.lead_id AND m.kept_id = field_history.lead_id AND m.undone_at IS NOT NULL
                      AND ((field_history.changed_at = m.merged_at AND field_history.changed_by IS coalesce(m.merged_by, 'merge'))
                           OR (field_history.changed_at = m.undone_at AND field_history.changed_by IS coalesce(u.undone_by, 'unmerge'))));
    UPDATE merges SET kept_before = NULL, merged_before = NULL, kept_after = NULL
     WHERE (kept_id = NEW.lead_id OR merged_id = NEW.lead_id OR kept_id IN (SELECT id FROM lead_records WHERE merged_into = NEW.lead_id))
       AND (kept_before IS NOT NULL OR merged_before IS NOT NULL OR kept_after IS NOT NULL);
END;

-- An erased lead stays erased for every writer: no personal value is written back onto its row, its
-- activities' details or its outbox messages (the `leads` and `activities` views refuse first; these
-- guard the tables a careless script may write). The search index is a virtual table, which takes no
-- trigger: invariant_problems (99_checks.sql) reports an entry written back there.
CREATE TRIGGER lead_records_before_update_erased
BEFORE UPDATE OF email, first_name, last_name, phone, company, title, consent, consent_source, custom ON lead_records
WHEN OLD.erased_at IS NOT NULL
 AND coalesce(NEW.email, NEW.first_name, NEW.last_name, NEW.phone, NEW.company, NEW.title, NEW.consent, NEW.consent_source, NEW.custom) IS NOT NULL
 -- (an undo of a merge brings its merged lead back: 89_merges.sql)
 AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.to_id = OLD.id AND OLD.merged_into = v.from_id)
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(
        'erased_lead: lead ' || OLD.id || ' was erased at ' || OLD.erased_at || '; no personal data is written to it',
        json_object('lead', OLD.id)));
END;

CREATE TRIGGER activity_log_before_update_erased BEFORE UPDATE OF detail ON activity_log
WHEN NEW.detail IS NOT NULL AND (SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(
        'erased_lead: lead ' || NEW.lead_id || ' was erased; its activities keep no detail', json_object('lead', NEW.lead_id)));
END;

CREATE TRIGGER outbox_before_insert_erased BEFORE INSERT ON outbox
WHEN NEW.payload IS NOT json_object('lead_id', NEW.lead_id, 'erased', 1)
 AND (SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(
        'erased_lead: lead ' || NEW.lead_id || ' was erased; no message is written about it', json_object('lead', NEW.lead_id)));
END;

CREATE TRIGGER outbox_before_update_erased BEFORE UPDATE OF lead_id, payload ON outbox
WHEN NEW.payload IS NOT json_object('lead_id', NEW.lead_id, 'erased', 1)
 AND (SELECT erased_at FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL
BEGIN
    INSERT INTO _raise(arg) VALUES (json_array(
        'erased_lead: lead ' || NEW.lead_id || ' was erased; its messages keep no personal data', json_object('lead', NEW.lead_id)));
END;

CREATE TRIGGER erasures_before_update BEFORE UPDATE ON erasures
WHEN NEW.lead_id IS NOT OLD.lead_id
BEGIN
    SELECT RAISE(ABORT, 'append_only: erasures cannot be changed');
END;

CREATE TRIGGER erasures_before_delete BEFORE DELETE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'append_only: erasures cannot be deleted');
END;

-- Everything held about each lead, as one JSON document.
CREATE VIEW lead_export AS
SELECT l.id AS lead_id, json_object(
    'lead', json_object(
        'id', l.id, 'email', l.email, 'first_name', l.first_name, 'last_name', l.last_name, 'phone', l.phone,
        'company', l.company, 'title', l.title, 'industry', l.industry, 'company_size', l.company_size,
        'country', l.country, 'source', l.source, 'campaign', l.campaign, 'stage', l.stage, 'owner_id', l.owner_id,
        'score', l.score, 'fit_score', l.fit_score, 'engagement', l.engagement, 'amount', l.amount,
        'lost_reason', l.lost_reason, 'consent', l.consent, 'consent_source', l.consent_source,
        'consent_at', l.consent_at, 'created_at', l.created_at, 'updated_at', l.updated_at,
        'last_activity_at', l.last_activity_at, 'assigned_at', l.assigned_at, 'response_due_at', l.response_due_at,
        'first_response_at', l.first_response_at, 'sla_met', l.sla_met, 'converted_at', l.converted_at,
        'closed_at', l.closed_at, 'erased_at', l.erased_at, 'account_id', l.account_id, 'custom', json(l.custom)),
    'activities', (SELECT json_group_array(json_object('id', a.id, 'kind', a.kind, 'occurred_at', a.occurred_at,
                       'campaign', a.campaign, 'source', a.source, 'detail', a.detail, 'points', a.points))
                     FROM activity_log a WHERE a.lead_id = l.id),
    'stage_history', (SELECT json_group_array(json_object('from', h.from_stage, 'to', h.to_stage, 'at', h.changed_at))
                        FROM stage_history h WHERE h.lead_id = l.id),
    'assignments', (SELECT json_group_array(json_object('rep_id', s.rep_id, 'team', s.team, 'method', s.method,
                        'reason', s.reason, 'at', s.assigned_at))
                      FROM assignments s WHERE s.lead_id = l.id),
    'nurture_enrollments', (SELECT json_group_array(json_object('sequence_id', e.sequence_id, 'status', e.status,
                                'end_reason', e.end_reason, 'enrolled_at', e.enrolled_at, 'ended_at', e.ended_at))
                              FROM nurture_enrollments e WHERE e.lead_id = l.id),
    'deals', (SELECT json_group_array(json_object('id', d.id, 'kind', d.kind, 'name', d.name, 'amount', d.amount, 'stage', d.stage,
                  'created_at', d.created_at, 'closed_at', d.closed_at))
                FROM deals AS d WHERE d.lead_id = l.id),
    'tasks', (SELECT json_group_array(json_object('id', t.id, 'kind', t.kind, 'due_at', t.due_at, 'note', t.note, 'done_at', t.done_at,
                  'outcome', t.outcome, 'owner_id', t.owner_id))
                FROM tasks AS t WHERE t.lead_id = l.id),
    'field_history', (SELECT json_group_array(json_object('field', h.field, 'old', h.old_value, 'new', h.new_value,
                          'changed_at', h.changed_at, 'changed_by', h.changed_by))
                        FROM field_history AS h WHERE h.lead_id = l.id),
    'messages', (SELECT json_group_array(json_object('kind', o.kind, 'payload', json(o.payload),
                     'created_at', o.created_at, 'delivered_at', o.delivered_at))
                   FROM outbox o WHERE o.lead_id = l.id),
    'tags', (SELECT json_group_array(t.tag) FROM lead_tags AS t WHERE t.lead_id = l.id),
    -- The leads merged into this one (89_merges.sql): their own stage history, assignments and enrollments.
    'merged_leads', (SELECT json_group_array(json_object('id', t.id, 'created_at', t.created_at, 'merged_at', t.erased_at,
                         'stage_history', (SELECT json_group_array(json_object('from', h.from_stage, 'to', h.to_stage, 'at', h.changed_at))
                                             FROM stage_history h WHERE h.lead_id = t.id),
                         'assignments', (SELECT json_group_array(json_object('rep_id', s.rep_id, 'team', s.team, 'method', s.method,
                                             'reason', s.reason, 'at', s.assigned_at))
                                           FROM assignments s WHERE s.lead_id = t.id),
                         'nurture_enrollments', (SELECT json_group_array(json_object('sequence_id', e.sequence_id, 'status', e.status,
                                                     'end_reason', e.end_reason, 'enrolled_at', e.enrolled_at, 'ended_at', e.ended_at))
                                                   FROM nurture_enrollments e WHERE e.lead_id = t.id)))
                       FROM lead_records AS t WHERE t.merged_into = l.id)
) AS document
  FROM leads AS l;

-- A suppression is the record of a person's request: it is never changed or lifted by a stray write.
CREATE TRIGGER suppressed_emails_before_update BEFORE UPDATE ON suppressed_emails
BEGIN
    SELECT RAISE(ABORT, 'append_only: suppressed_emails records erasure requests and cannot be changed');
END;

CREATE TRIGGER suppressed_emails_before_delete BEFORE DELETE ON suppressed_emails
BEGIN
    SELECT RAISE(ABORT, 'append_only: suppressed_emails records erasure requests and cannot be deleted');
END;

-- Which of an email and a phone (arg = json_array(email, phone), either NULL) belong to an erased
-- person: one row each, with the value as it would be stored. Capture and updates refuse them.
CREATE VIEW suppressed_contacts AS
SELECT j.json AS arg, j.key AS position, v.value AS value
  FROM json_each AS j
  JOIN json_each(json_array(CASE j.key
           WHEN 0 THEN (SELECT e.email FROM email_input AS e WHERE e.arg = json_array(CAST(j.value AS TEXT)))
           ELSE (SELECT p.phone FROM phone_input AS p WHERE p.arg = json_array(CAST(j.value AS TEXT))) END)) AS v
  JOIN suppressed_emails AS s
    ON s.email_hash = (SELECT h.hash FROM email_hash_input AS h
                        WHERE h.arg = json_array(CASE j.key WHEN 0 THEN v.value ELSE 'tel:' || v.value END))
 WHERE j.value IS NOT NULL AND v.value IS NOT NULL;

-- SELECT pending FROM lead_search_purge: the erasures whose terms may remain in the search index's older
-- pages. INSERT INTO lead_search_purge(pages) VALUES (N): one step, merging at most N pages (of about
-- 4 KB) of the index towards a single segment; a step that finds nothing left to merge has removed every
-- erased person's terms, and the waiting erasures are done. (A step sees what earlier statements wrote
-- to the index: run it in a statement of its own after the erasure.)
CREATE VIEW lead_search_purge AS SELECT count(*) AS pending, NULL AS pages FROM _search_purge;

CREATE TRIGGER lead_search_purge_instead_of_insert INSTEAD OF INSERT ON lead_search_purge
WHEN EXISTS (SELECT 1 FROM _search_purge)
BEGIN
    INSERT INTO lead_search(lead_search) SELECT 'rebuild' WHERE (SELECT rebuild FROM _search_levels);
    -- (the structure record of an FTS5 table is the row with id 10 of its _data table)
    INSERT INTO _search_purge_step(id, structure) VALUES (1, (SELECT block FROM lead_search_data WHERE id = 10))
        ON CONFLICT (id) DO UPDATE SET structure = excluded.structure;
    INSERT INTO lead_search(lead_search, rank) VALUES ('merge', -max(1, coalesce(CAST(NEW.pages AS INTEGER), 1)));
    DELETE FROM _search_purge
     WHERE (SELECT block FROM lead_search_data WHERE id = 10) IS (SELECT structure FROM _search_purge_step WHERE id = 1);
END;

-- A waiting erasure leaves _search_purge only when a purge step found nothing left to merge.
CREATE TRIGGER search_purge_before_delete BEFORE DELETE ON _search_purge
WHEN (SELECT block FROM lead_search_data WHERE id = 10) IS NOT (SELECT structure FROM _search_purge_step WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_purge is LeadDB''s own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index');
END;

-- The step's record is the index's structure as a purge step found it: written only with the current
-- structure (as the step writes it), never deleted. (A script that writes the current structure and
-- then deletes the waiting erasures by design skips the purge, as one that drops these triggers would.)
CREATE TRIGGER search_purge_step_before_insert BEFORE INSERT ON _search_purge_step
WHEN NEW.id IS NOT 1 OR NEW.structure IS NOT (SELECT block FROM lead_search_data WHERE id = 10)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_purge_step is LeadDB''s own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index');
END;

CREATE TRIGGER search_purge_step_before_update BEFORE UPDATE ON _search_purge_step
WHEN NEW.id IS NOT 1 OR NEW.structure IS NOT (SELECT block FROM lead_search_data WHERE id = 10)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_purge_step is LeadDB''s own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index');
END;

CREATE TRIGGER search_purge_step_before_delete BEFORE DELETE ON _search_purge_step
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_purge_step is LeadDB''s own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index');
END;

CREATE TRIGGER search_purge_before_update BEFORE UPDATE ON _search_purge
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_purge is LeadDB''s own data; INSERT INTO lead_search_purge(pages) VALUES (N) purges the search index');
END;
