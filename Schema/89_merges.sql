-- Duplicates and merges (migration 0027).
--
-- possible_duplicates: pairs of live leads that are probably one person, each with its reasons and a
-- confidence. Each rule looks leads up by an index (migration 0027), never pair by pair over all leads:
--   email_alias            0.95  the same mailbox: dots ignored at Gmail (gmail.com, googlemail.com),
--                                a +tag ignored everywhere (ana+news@x.com is ana@x.com)
--   same_phone             0.90  the same last nine digits of the phone (+1 415 555 0100 and
--                                415.555.0100), with the same last name or one of them unnamed; 0.50 for
--                                two names (a shared switchboard is not one person)
--   same_name_at_company   0.80  the same first and last name at the same company
--   similar_name_at_company 0.60 one name the same and the other one edit away (a letter added,
--                                dropped or changed; names of three letters or more) at the same company
-- Names and companies compare trimmed and with ASCII letters folded (lower()). A pair found by several
-- rules has them all, and the confidence 1 - the product of (1 - each rule's). A pair noted in
-- not_duplicates is left out. lead_id is the older lead (the one `merge` keeps unless told otherwise).
--
-- INSERT INTO merges(kept_id, merged_id[, merged_by]) merges the merged lead into the kept one:
--   - the kept lead's empty fields are filled from the merged one's, as a capture fills them (a consent
--     given later wins), recorded in field_history by merged_by (or 'merge');
--   - the merged lead's activities, tasks, deals, field history, captures and outbox messages move to the
--     kept lead with their times; its stage history and assignments stay its own (they are what
--     happened to that record, and the reports are built from them) and are shown with the kept
--     lead's (the shell's `show`, lead_export);
--   - the kept lead's score is recomputed from all its activities (exactly what they give), its account's
--     score is added up again, and it qualifies (moves to mql) if the score now says so;
--   - the merged lead is kept as a tombstone: merged_into names the kept lead, its personal values are
--     gone from its row (they live on in the kept lead), erased_at is set so that every list, count and
--     rule passes it by, and its email (kept in merged_emails) brings a later capture to the kept lead.
--     Its owner's load is released and its nurture enrollments end ('merged').
-- INSERT INTO merge_undos(merge_id[, undone_by]) undoes it while nothing else has touched the kept lead
-- (its fields, stage, owner, activities, tasks, deals, history and later merges are as the merge left
-- them) and the merge moved no stage: everything moved goes back, both leads' fields and scores are
-- what they were (the field history records the way back), and the merged lead is live again. Nurture
-- enrollments the merge ended stay ended.

-- (internal) The moves under way: a merge moves rows from its merged lead to its kept lead, an undo
-- moves them back. The guards of the append-only tables let exactly these through. (A merge and an
-- undo are under way while their row has no time yet: the row is written last.)
CREATE VIEW _merge_moving AS
SELECT m.merged_id AS from_id, m.kept_id AS to_id
  FROM merges AS m WHERE m.id = (SELECT max(id) FROM merges) AND m.merged_at IS NULL
UNION ALL
SELECT m.kept_id, m.merged_id
  FROM merge_undos AS u JOIN merges AS m ON m.id = u.merge_id
 WHERE u.id = (SELECT max(id) FROM merge_undos) AND u.undone_at IS NULL;

-- (internal) What an undo compares: the kept lead as the merge left it.
CREATE VIEW _merge_fingerprint AS
SELECT l.id AS lead_id,
       json_array(l.updated_at, l.stage, l.owner_id, l.email, l.first_name, l.last_name, l.phone, l.company, l.title,
                  l.industry, l.company_size, l.country, l.source, l.campaign, l.consent, l.amount, l.custom, l.account_id,
                  l.erased_at, l.closed_at,
                  (SELECT max(a.id) FROM activity_log AS a WHERE a.lead_id = l.id),
                  (SELECT max(h.id) FROM stage_history AS h WHERE h.lead_id = l.id),
                  (SELECT max(s.id) FROM assignments AS s WHERE s.lead_id = l.id),
                  (SELECT max(f.id) FROM field_history AS f WHERE f.lead_id = l.id),
                  (SELECT max(t.id) FROM tasks AS t WHERE t.lead_id = l.id),
                  (SELECT count(*) FROM tasks AS t WHERE t.lead_id = l.id AND t.done_at IS NULL),
                  (SELECT max(d.id) || '/' || max(d.updated_at) FROM deals AS d WHERE d.lead_id = l.id),
                  (SELECT max(m.id) FROM merges AS m WHERE m.kept_id = l.id OR m.merged_id = l.id),
                  (SELECT group_concat(t.tag) FROM lead_tags AS t WHERE t.lead_id = l.id)) AS fingerprint
  FROM lead_records AS l;

CREATE TRIGGER merges_before_insert BEFORE INSERT ON merges
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        -- (NEW.id is -1 before SQLite numbers it; any other id but the next would replace or skip)
        WHEN NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM merges), 0) + 1
            THEN 'append_only: merges are numbered in order by SQLite; give no id'
        WHEN NEW.merged_at IS NOT NULL OR NEW.kept_before IS NOT NULL OR NEW.merged_before IS NOT NULL OR NEW.moved IS NOT NULL
             OR NEW.kept_after IS NOT NULL OR NEW.undone_at IS NOT NULL
            THEN 'maintained: a merge is asked for with INSERT INTO merges(kept_id, merged_id[, merged_by]); LeadDB writes the rest'
        WHEN NEW.kept_id IS NULL OR NEW.merged_id IS NULL
            THEN 'missing_lead: a merge needs kept_id and merged_id'
        WHEN typeof(NEW.kept_id) <> 'integer' OR typeof(NEW.merged_id) <> 'integer'
            THEN 'invalid_merge: kept_id and merged_id are lead ids; got ' || quote(NEW.kept_id) || ' and ' || quote(NEW.merged_id)
        WHEN k.id IS NULL THEN 'unknown_lead: no lead has id ' || NEW.kept_id
        WHEN m.id IS NULL THEN 'unknown_lead: no lead has id ' || NEW.merged_id
        WHEN k.id = m.id THEN 'invalid_merge: lead ' || k.id || ' cannot be merged into itself'
        WHEN k.merged_into IS NOT NULL
            THEN 'merged_lead: lead ' || k.id || ' was merged into lead ' || k.merged_into || '; merge into lead ' || k.merged_into
        WHEN m.merged_into IS NOT NULL
            THEN 'merged_lead: lead ' || m.id || ' was already merged into lead ' || m.merged_into
        WHEN k.erased_at IS NOT NULL THEN 'erased_lead: lead ' || k.id || ' was erased at ' || k.erased_at
        WHEN m.erased_at IS NOT NULL THEN 'erased_lead: lead ' || m.id || ' was erased at ' || m.erased_at
        -- The kept lead is the one further along (a win, then an open lead by its stage's position, then
        -- a lost one): its stage, owner and deadlines stay, so the person's progress is never undone.
        WHEN (SELECT CASE s.outcome WHEN 'won' THEN 3000000 WHEN 'lost' THEN 0 ELSE 1000000 + s.position END FROM stages AS s WHERE s.name = m.stage)
           > (SELECT CASE s.outcome WHEN 'won' THEN 3000000 WHEN 'lost' THEN 0 ELSE 1000000 + s.position END FROM stages AS s WHERE s.name = k.stage)
            THEN 'invalid_merge: lead ' || m.id || ' is ' || m.stage || ', further along than lead ' || k.id || ' (' || k.stage
                 || '); keep the lead further along: merge ' || m.id || ' into it (kept_id ' || m.id || ', merged_id ' || k.id || ')'
        WHEN NEW.merged_by IS NOT NULL
             AND (typeof(NEW.merged_by) <> 'text' OR length(NEW.merged_by) NOT BETWEEN 1 AND 100
                  OR NEW.merged_by GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(NEW.merged_by, char(0)) > 0)
            THEN 'invalid_text: merged_by names who merged in 1 to 100 printable characters; got ' || quote(NEW.merged_by)
        END, json_object('kept', CASE WHEN typeof(NEW.kept_id) = 'blob' THEN quote(NEW.kept_id) ELSE NEW.kept_id END,
                         'merged', CASE WHEN typeof(NEW.merged_id) = 'blob' THEN quote(NEW.merged_id) ELSE NEW.merged_id END)))
      FROM (SELECT 1)
      LEFT JOIN lead_records AS k ON k.id = NEW.kept_id
      LEFT JOIN lead_records AS m ON m.id = NEW.merged_id;
END;

CREATE TRIGGER merges_after_insert AFTER INSERT ON merges
BEGIN
    -- (after the insert: before it, an id left to SQLite reads as -1)
    SELECT RAISE(ABORT, 'append_only: merges are added at the end; give no id') WHERE NEW.id < 1 OR EXISTS (SELECT 1 FROM merges WHERE id > NEW.id);

    -- What both leads were, and which rows move.
    UPDATE merges
       SET kept_before = (SELECT json_object('stage', l.stage, 'email', l.email, 'first_name', l.first_name, 'last_name', l.last_name,
                                             'phone', l.phone, 'company', l.company, 'title', l.title, 'industry', l.industry,
                                             'company_size', l.company_size, 'country', l.country, 'source', l.source,
                                             'campaign', l.campaign, 'amount', l.amount, 'custom', l.custom, 'account_id', l.account_id,
                                             'consent', l.consent, 'consent_source', l.consent_source, 'consent_at', l.consent_at,
                                             'updated_at', l.updated_at)
                            FROM lead_records AS l WHERE l.id = NEW.kept_id),
           merged_before = (SELECT json_object('email', l.email, 'first_name', l.first_name, 'last_name', l.last_name,
                                               'phone', l.phone, 'company', l.company, 'title', l.title, 'industry', l.industry,
                                               'company_size', l.company_size, 'country', l.country, 'source', l.source,
                                               'campaign', l.campaign, 'amount', l.amount, 'custom', l.custom, 'account_id', l.account_id,
                                               'consent', l.consent, 'consent_source', l.consent_source, 'consent_at', l.consent_at,
                                               'updated_at', l.updated_at)
                              FROM lead_records AS l WHERE l.id = NEW.merged_id),
           moved = json_object(
               'activities', (SELECT json_group_array(id) FROM activity_log WHERE lead_id = NEW.merged_id),
               'tasks', (SELECT json_group_array(id) FROM tasks WHERE lead_id = NEW.merged_id),
               -- (the open tasks' owners: they follow the kept lead's owner, and go back with an undo)
               'task_owners', (SELECT json_group_object(id, owner_id) FROM tasks WHERE lead_id = NEW.merged_id AND done_at IS NULL),
               'deals', (SELECT json_group_array(id) FROM deals WHERE lead_id = NEW.merged_id),
               'field_history', (SELECT json_group_array(id) FROM field_history WHERE lead_id = NEW.merged_id),
               'captures', (SELECT json_group_array(id) FROM captures WHERE lead_id = NEW.merged_id),
               'outbox', (SELECT json_group_array(id) FROM outbox WHERE lead_id = NEW.merged_id),
               -- (the tags the kept lead lacks move; one it has stays on the tombstone)
               'tags', (SELECT json_group_array(t.tag) FROM lead_tags AS t WHERE t.lead_id = NEW.merged_id
                           AND NOT EXISTS (SELECT 1 FROM lead_tags AS k WHERE k.lead_id = NEW.kept_id AND k.tag = t.tag)))
     WHERE id = NEW.id;

    UPDATE activity_log SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE tasks
       SET lead_id = NEW.kept_id,
           owner_id = CASE WHEN done_at IS NULL
                           THEN coalesce((SELECT l.owner_id FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id WHERE l.id = NEW.kept_id AND r.active = 1), owner_id)
                           ELSE owner_id END
     WHERE lead_id = NEW.merged_id;
    UPDATE deals SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE field_history SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE captures SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE outbox SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE lead_tags SET lead_id = NEW.kept_id
     WHERE lead_id = NEW.merged_id AND tag IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.id), '$.tags'));

    -- The merged lead retired: its owner's load released, its nurture ended, its row a tombstone.
    INSERT INTO _rep_load(lead_id, rep, open, applies) VALUES (NEW.merged_id, NULL, 0, 1);
    INSERT INTO _nurture_end(lead_id, reason, applies) VALUES (NEW.merged_id, 'merged', 1);
    -- (one person: the funnel counts the kept lead only, 97_reports.sql)
    UPDATE stage_counts SET leads = leads - 1 WHERE stage = (SELECT stage FROM lead_records WHERE id = NEW.merged_id);
    UPDATE lead_records
       SET email = NULL, first_name = NULL, last_name = NULL, phone = NULL, company = NULL, title = NULL,
           consent = NULL, consent_source = NULL, consent_at = NULL, custom = NULL,
           merged_into = NEW.kept_id, erased_at = (SELECT now FROM clock), updated_at = (SELECT now FROM clock)
     WHERE id = NEW.merged_id;
    DELETE FROM lead_search WHERE rowid = NEW.merged_id;
    -- Its email brings later captures to the kept lead (unless the kept lead takes it as its own, below);
    -- so do the emails of the leads merged into it before, and those leads point at the kept lead now.
    INSERT INTO merged_emails(email, lead_id, merge_id)
    SELECT json_extract(m.merged_before, '$.email'), NEW.kept_id, NEW.id
      FROM merges AS m
     WHERE m.id = NEW.id AND json_extract(m.merged_before, '$.email') IS NOT NULL
       AND json_extract(m.kept_before, '$.email') IS NOT NULL;
    UPDATE merged_emails SET lead_id = NEW.kept_id WHERE lead_id = NEW.merged_id;
    UPDATE lead_records SET merged_into = NEW.kept_id WHERE merged_into = NEW.merged_id;

    -- The kept lead's empty fields filled, as a capture fills them.
    INSERT INTO _field_history_by(lead_id, changed_by) VALUES (NEW.kept_id, coalesce(NEW.merged_by, 'merge'));
    UPDATE lead_records
       SET (email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign, amount, custom,
            account_id, consent, consent_source, consent_at, updated_at) = (
           SELECT coalesce(lead_records.email, json_extract(b, '$.email')),
                  coalesce(lead_records.first_name, json_extract(b, '$.first_name')),
                  coalesce(lead_records.last_name, json_extract(b, '$.last_name')),
                  coalesce(lead_records.phone, json_extract(b, '$.phone')),
                  coalesce(lead_records.company, json_extract(b, '$.company')),
                  coalesce(lead_records.title, json_extract(b, '$.title')),
                  coalesce(lead_records.industry, json_extract(b, '$.industry')),
                  coalesce(lead_records.company_size, json_extract(b, '$.company_size')),
                  coalesce(lead_records.country, json_extract(b, '$.country')),
                  coalesce(lead_records.source, json_extract(b, '$.source')),
                  coalesce(lead_records.campaign, json_extract(b, '$.campaign')),
                  coalesce(lead_records.amount, json_extract(b, '$.amount')),
                  CASE WHEN json_extract(b, '$.custom') IS NULL THEN lead_records.custom
                       WHEN lead_records.custom IS NULL THEN json_extract(b, '$.custom')
                       ELSE json_patch(lead_records.custom, (SELECT json_group_object(n.key, n.value) FROM json_each(json_extract(b, '$.custom')) AS n
                                                              WHERE json_type(lead_records.custom, '$."' || n.key || '"') IS NULL)) END,
                  coalesce(lead_records.account_id, json_extract(b, '$.account_id')),
                  -- (the person's later word on consent wins)
                  CASE WHEN lead_records.consent IS NULL OR json_extract(b, '$.consent_at') > lead_records.consent_at
                       THEN coalesce(json_extract(b, '$.consent'), lead_records.consent) ELSE lead_records.consent END,
                  CASE WHEN lead_records.consent IS NULL OR json_extract(b, '$.consent_at') > lead_records.consent_at
                       THEN coalesce(json_extract(b, '$.consent_source'), lead_records.consent_source) ELSE lead_records.consent_source END,
                  CASE WHEN lead_records.consent IS NULL OR json_extract(b, '$.consent_at') > lead_records.consent_at
                       THEN coalesce(json_extract(b, '$.consent_at'), lead_records.consent_at) ELSE lead_records.consent_at END,
                  (SELECT now FROM clock)
             FROM (SELECT merged_before AS b FROM merges WHERE id = NEW.id))
     WHERE id = NEW.kept_id;
    INSERT INTO _field_history_by(lead_id, changed_by) VALUES (NEW.kept_id, NULL);

    -- Both scores as their activities give them now; the accounts' scores added up again at their next check.
    UPDATE lead_scores
       SET (engagement, engagement_at) = (SELECT coalesce(e.engagement, 0), e.engagement_at
                                            FROM (SELECT 1) LEFT JOIN engagement_recomputed AS e ON e.lead_id = lead_scores.lead_id),
           last_activity_at = (SELECT max(a.occurred_at) FROM activity_log AS a WHERE a.lead_id = lead_scores.lead_id)
     WHERE lead_id IN (NEW.kept_id, NEW.merged_id);
    UPDATE accounts SET kept_at = NULL
     WHERE kept_at IS NOT NULL AND id IN (SELECT account_id FROM lead_records WHERE id IN (NEW.kept_id, NEW.merged_id));
    -- The kept lead qualifies if its score now says so (as after a scored activity).
    UPDATE lead_records SET stage = 'mql', updated_at = (SELECT now FROM clock)
     WHERE id = NEW.kept_id AND EXISTS (SELECT 1 FROM mql_ready WHERE lead_id = NEW.kept_id);

    UPDATE merges
       SET merged_at = (SELECT now FROM clock),
           kept_after = (SELECT f.fingerprint FROM _merge_fingerprint AS f WHERE f.lead_id = NEW.kept_id)
     WHERE id = NEW.id;
END;

-- A merge is history: it is not changed (an undo sets undone_at, an erasure of the kept lead takes the
-- merged person's values out of it) or deleted.
CREATE TRIGGER merges_before_update BEFORE UPDATE ON merges
WHEN NOT (NEW.id IS OLD.id AND NEW.kept_id IS OLD.kept_id AND NEW.merged_id IS OLD.merged_id AND NEW.merged_by IS OLD.merged_by)
  OR NOT (
         -- (the merge under way writes what it found and did)
         (OLD.merged_at IS NULL AND OLD.id = (SELECT max(id) FROM merges) AND NEW.undone_at IS NULL)
         -- (an undo under way marks its merge undone)
      OR (NEW.merged_at IS OLD.merged_at AND NEW.moved IS OLD.moved AND NEW.kept_after IS OLD.kept_after
          AND NEW.kept_before IS OLD.kept_before AND NEW.merged_before IS OLD.merged_before
          AND OLD.undone_at IS NULL AND NEW.undone_at IS (SELECT now FROM clock)
          AND EXISTS (SELECT 1 FROM merge_undos AS u WHERE u.id = (SELECT max(id) FROM merge_undos) AND u.merge_id = OLD.id AND u.undone_at IS NULL))
         -- (an erasure of a lead of the merge, or of the lead its kept lead went into, takes every value out)
      OR (NEW.merged_at IS OLD.merged_at AND NEW.moved IS OLD.moved AND NEW.undone_at IS OLD.undone_at
          AND NEW.kept_before IS NULL AND NEW.merged_before IS NULL AND NEW.kept_after IS NULL
          AND EXISTS (SELECT 1 FROM erasures AS x
                       WHERE x.lead_id IN (OLD.kept_id, OLD.merged_id, (SELECT merged_into FROM lead_records WHERE id = OLD.kept_id)))))
BEGIN
    SELECT RAISE(ABORT, 'append_only: merges cannot be changed; INSERT INTO merge_undos(merge_id) undoes one');
END;

CREATE TRIGGER merges_before_delete BEFORE DELETE ON merges
BEGIN
    SELECT RAISE(ABORT, 'append_only: merges cannot be deleted; INSERT INTO merge_undos(merge_id) undoes one');
END;

CREATE TRIGGER merge_undos_before_insert BEFORE INSERT ON merge_undos
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NEW.id <> -1 AND NEW.id IS NOT coalesce((SELECT max(id) FROM merge_undos), 0) + 1
            THEN 'append_only: merge undos are numbered in order by SQLite; give no id'
        WHEN NEW.undone_at IS NOT NULL
            THEN 'maintained: an undo is asked for with INSERT INTO merge_undos(merge_id[, undone_by]); LeadDB writes the time'
        WHEN m.id IS NULL THEN 'unknown_merge: no merge has id ' || coalesce(NEW.merge_id, 'NULL')
        WHEN m.undone_at IS NOT NULL THEN 'not_undoable: merge ' || m.id || ' was undone at ' || m.undone_at
        WHEN k.erased_at IS NOT NULL AND k.merged_into IS NOT NULL
            THEN 'not_undoable: lead ' || k.id || ' was merged into lead ' || k.merged_into || ' since merge ' || m.id
        WHEN k.erased_at IS NOT NULL
            THEN 'not_undoable: lead ' || k.id || ' was erased at ' || k.erased_at
        WHEN k.stage IS NOT json_extract(m.kept_before, '$.stage')
            THEN 'not_undoable: lead ' || k.id || ' is ' || k.stage || ' now and was ' || json_extract(m.kept_before, '$.stage')
                 || ' before merge ' || m.id || '; a merge that moved a lead, or a lead moved since, is not undone'
        WHEN (SELECT f.fingerprint FROM _merge_fingerprint AS f WHERE f.lead_id = k.id) IS NOT m.kept_after
            THEN 'not_undoable: lead ' || k.id || ' has changed since merge ' || m.id || ' (its fields, owner, activities, tasks, deals, tags or merges);'
                 || ' a merge is undone only while nothing else has touched the kept lead'
        WHEN NEW.undone_by IS NOT NULL
             AND (typeof(NEW.undone_by) <> 'text' OR length(NEW.undone_by) NOT BETWEEN 1 AND 100
                  OR NEW.undone_by GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(NEW.undone_by, char(0)) > 0)
            THEN 'invalid_text: undone_by names who undid the merge in 1 to 100 printable characters; got ' || quote(NEW.undone_by)
        END, json_object('merge', NEW.merge_id)))
      FROM (SELECT 1)
      LEFT JOIN merges AS m ON m.id = NEW.merge_id
      LEFT JOIN lead_records AS k ON k.id = m.kept_id;
END;

CREATE TRIGGER merge_undos_after_insert AFTER INSERT ON merge_undos
BEGIN
    SELECT RAISE(ABORT, 'append_only: merge undos are added at the end; give no id') WHERE NEW.id < 1 OR EXISTS (SELECT 1 FROM merge_undos WHERE id > NEW.id);

    -- The kept lead's email as it was (which frees the merged lead's, if the kept lead took it).
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT kept_id, coalesce(NEW.undone_by, 'unmerge') FROM merges WHERE id = NEW.merge_id;
    UPDATE lead_records SET email = (SELECT json_extract(kept_before, '$.email') FROM merges WHERE id = NEW.merge_id)
     WHERE id = (SELECT kept_id FROM merges WHERE id = NEW.merge_id)
       AND email IS NOT (SELECT json_extract(kept_before, '$.email') FROM merges WHERE id = NEW.merge_id);

    -- The merged lead live again, with its values, its owner's load, its count in its stage and the
    -- leads merged into it before.
    DELETE FROM merged_emails WHERE merge_id = NEW.merge_id;
    INSERT INTO stage_counts(stage, leads)
    SELECT stage, 1 FROM lead_records WHERE id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
        ON CONFLICT (stage) DO UPDATE SET leads = leads + 1;
    INSERT INTO _rep_load(lead_id, rep, open, applies)
    SELECT l.id, l.owner_id, l.closed_at IS NULL, 1 FROM lead_records AS l WHERE l.id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id);
    INSERT INTO _field_history_by(lead_id, changed_by)
    SELECT merged_id, coalesce(NEW.undone_by, 'unmerge') FROM merges WHERE id = NEW.merge_id;
    UPDATE lead_records
       SET (email, first_name, last_name, phone, company, title, consent, consent_source, consent_at, custom) = (
           SELECT json_extract(b, '$.email'), json_extract(b, '$.first_name'), json_extract(b, '$.last_name'), json_extract(b, '$.phone'),
                  json_extract(b, '$.company'), json_extract(b, '$.title'), json_extract(b, '$.consent'),
                  json_extract(b, '$.consent_source'), json_extract(b, '$.consent_at'), json_extract(b, '$.custom')
             FROM (SELECT merged_before AS b FROM merges WHERE id = NEW.merge_id)),
           merged_into = NULL, erased_at = NULL,
           updated_at = coalesce((SELECT json_extract(merged_before, '$.updated_at') FROM merges WHERE id = NEW.merge_id), (SELECT now FROM clock))
     WHERE id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id);
    INSERT INTO _field_history_by(lead_id, changed_by) SELECT merged_id, NULL FROM merges WHERE id = NEW.merge_id;
    UPDATE merged_emails SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE merge_id IN (SELECT e.id FROM merges AS e WHERE e.kept_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id) AND e.undone_at IS NULL);
    UPDATE lead_records SET merged_into = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT e.merged_id FROM merges AS e WHERE e.kept_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id) AND e.undone_at IS NULL);

    -- The kept lead's other fields as they were (after the merged lead is back: an account it leaves
    -- has that person again).
    UPDATE lead_records
       SET (email, first_name, last_name, phone, company, title, industry, company_size, country, source, campaign, amount, custom,
            account_id, consent, consent_source, consent_at, updated_at) = (
           SELECT json_extract(b, '$.email'), json_extract(b, '$.first_name'), json_extract(b, '$.last_name'), json_extract(b, '$.phone'),
                  json_extract(b, '$.company'), json_extract(b, '$.title'), json_extract(b, '$.industry'), json_extract(b, '$.company_size'),
                  json_extract(b, '$.country'), json_extract(b, '$.source'), json_extract(b, '$.campaign'), json_extract(b, '$.amount'),
                  json_extract(b, '$.custom'), json_extract(b, '$.account_id'), json_extract(b, '$.consent'),
                  json_extract(b, '$.consent_source'), json_extract(b, '$.consent_at'), coalesce(json_extract(b, '$.updated_at'), (SELECT now FROM clock))
             FROM (SELECT kept_before AS b FROM merges WHERE id = NEW.merge_id))
     WHERE id = (SELECT kept_id FROM merges WHERE id = NEW.merge_id);
    INSERT INTO _field_history_by(lead_id, changed_by) SELECT kept_id, NULL FROM merges WHERE id = NEW.merge_id;
    -- A merged lead whose owner was deactivated since is routed as the deactivation routed the others.
    INSERT INTO routing_requests(lead_id, reason, release)
    SELECT l.id, 'lead ' || l.id || ' unmerged; its owner rep ' || r.id || ' (' || r.name || ') is inactive', 1
      FROM lead_records AS l JOIN reps AS r ON r.id = l.owner_id
     WHERE l.id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id) AND r.active = 0 AND l.closed_at IS NULL;

    -- What moved goes back.
    UPDATE activity_log SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.activities'));
    UPDATE tasks
       SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id),
           owner_id = CASE WHEN done_at IS NULL
                           -- (its owner before, if still active)
                           THEN coalesce((SELECT r.id FROM reps AS r
                                           WHERE r.id = json_extract((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.task_owners."' || tasks.id || '"')
                                             AND r.active = 1), owner_id)
                           ELSE owner_id END
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.tasks'));
    UPDATE deals SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.deals'));
    UPDATE field_history SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.field_history'));
    UPDATE captures SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.captures'));
    UPDATE outbox SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE id IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.outbox'));
    UPDATE lead_tags SET lead_id = (SELECT merged_id FROM merges WHERE id = NEW.merge_id)
     WHERE lead_id = (SELECT kept_id FROM merges WHERE id = NEW.merge_id)
       AND tag IN (SELECT value FROM json_each((SELECT moved FROM merges WHERE id = NEW.merge_id), '$.tags'));

    UPDATE lead_scores
       SET (engagement, engagement_at) = (SELECT coalesce(e.engagement, 0), e.engagement_at
                                            FROM (SELECT 1) LEFT JOIN engagement_recomputed AS e ON e.lead_id = lead_scores.lead_id),
           last_activity_at = (SELECT max(a.occurred_at) FROM activity_log AS a WHERE a.lead_id = lead_scores.lead_id)
     WHERE lead_id IN (SELECT kept_id FROM merges WHERE id = NEW.merge_id UNION ALL SELECT merged_id FROM merges WHERE id = NEW.merge_id);
    UPDATE accounts SET kept_at = NULL
     WHERE kept_at IS NOT NULL
       AND id IN (SELECT account_id FROM lead_records
                   WHERE id IN (SELECT kept_id FROM merges WHERE id = NEW.merge_id UNION ALL SELECT merged_id FROM merges WHERE id = NEW.merge_id));

    UPDATE merges SET undone_at = (SELECT now FROM clock) WHERE id = NEW.merge_id;
    UPDATE merge_undos SET undone_at = (SELECT now FROM clock) WHERE id = NEW.id;
END;

CREATE TRIGGER merge_undos_before_update BEFORE UPDATE ON merge_undos
WHEN NOT (OLD.undone_at IS NULL AND OLD.id = (SELECT max(id) FROM merge_undos) AND NEW.id IS OLD.id AND NEW.merge_id IS OLD.merge_id
          AND NEW.undone_by IS OLD.undone_by AND NEW.undone_at IS (SELECT now FROM clock))
BEGIN
    SELECT RAISE(ABORT, 'append_only: merge undos cannot be changed');
END;

CREATE TRIGGER merge_undos_before_delete BEFORE DELETE ON merge_undos
BEGIN
    SELECT RAISE(ABORT, 'append_only: merge undos cannot be deleted');
END;

-- merged_emails is kept by merges, undos and erasures.
CREATE TRIGGER merged_emails_before_insert BEFORE INSERT ON merged_emails
WHEN NOT EXISTS (SELECT 1 FROM merges AS m WHERE m.id = NEW.merge_id AND m.id = (SELECT max(id) FROM merges) AND m.merged_at IS NULL
                                            AND m.kept_id = NEW.lead_id AND json_extract(m.merged_before, '$.email') IS NEW.email)
BEGIN
    SELECT RAISE(ABORT, 'maintained: merged_emails is kept by merges; INSERT INTO merges(kept_id, merged_id) merges two leads');
END;

CREATE TRIGGER merged_emails_before_update BEFORE UPDATE ON merged_emails
WHEN NEW.email IS NOT OLD.email OR NEW.merge_id IS NOT OLD.merge_id
  OR (NEW.lead_id IS NOT OLD.lead_id AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v WHERE v.from_id = OLD.lead_id AND v.to_id = NEW.lead_id))
BEGIN
    SELECT RAISE(ABORT, 'maintained: merged_emails is kept by merges');
END;

CREATE TRIGGER merged_emails_before_delete BEFORE DELETE ON merged_emails
WHEN NOT EXISTS (SELECT 1 FROM merge_undos AS u WHERE u.id = (SELECT max(id) FROM merge_undos) AND u.merge_id = OLD.merge_id AND u.undone_at IS NULL)
 AND (SELECT erased_at FROM lead_records WHERE id = OLD.lead_id) IS NULL
BEGIN
    SELECT RAISE(ABORT, 'maintained: merged_emails is kept by merges; INSERT INTO merge_undos(merge_id) undoes one');
END;

-- merged_into follows merges.
CREATE TRIGGER lead_records_before_update_merged_into BEFORE UPDATE OF merged_into ON lead_records
WHEN NEW.merged_into IS NOT OLD.merged_into
 AND NOT EXISTS (SELECT 1 FROM _merge_moving AS v
                  WHERE (v.from_id = NEW.id AND v.to_id IS NEW.merged_into)
                     OR (OLD.merged_into IS v.from_id AND NEW.merged_into IS v.to_id)
                     OR (v.to_id = NEW.id AND NEW.merged_into IS NULL))
BEGIN
    SELECT RAISE(ABORT, 'maintained: merged_into follows merges; INSERT INTO merges(kept_id, merged_id) merges two leads');
END;

-- A pair found to be two people: INSERT INTO not_duplicates(lead_id, other_id, noted_by), the lower id first.
CREATE TRIGGER not_duplicates_before_insert BEFORE INSERT ON not_duplicates
BEGIN
    SELECT (SELECT _e.raised FROM rule_error AS _e WHERE _e.arg = json_array(CASE
        WHEN NOT EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.lead_id) THEN 'unknown_lead: no lead has id ' || coalesce(NEW.lead_id, 'NULL')
        WHEN NOT EXISTS (SELECT 1 FROM lead_records WHERE id = NEW.other_id) THEN 'unknown_lead: no lead has id ' || coalesce(NEW.other_id, 'NULL')
        WHEN (SELECT coalesce(merged_into, erased_at) FROM lead_records WHERE id = NEW.lead_id) IS NOT NULL
            THEN 'erased_lead: lead ' || NEW.lead_id || ' was merged into another or erased; it is no one''s duplicate now'
        WHEN (SELECT coalesce(merged_into, erased_at) FROM lead_records WHERE id = NEW.other_id) IS NOT NULL
            THEN 'erased_lead: lead ' || NEW.other_id || ' was merged into another or erased; it is no one''s duplicate now'
        WHEN NEW.noted_by IS NOT NULL
             AND (typeof(NEW.noted_by) <> 'text' OR length(NEW.noted_by) NOT BETWEEN 1 AND 100
                  OR NEW.noted_by GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*') OR instr(NEW.noted_by, char(0)) > 0)
            THEN 'invalid_text: noted_by names who noted the pair in 1 to 100 printable characters; got ' || quote(NEW.noted_by)
        WHEN NEW.lead_id >= NEW.other_id THEN 'invalid_merge: not_duplicates names a pair with the lower id first (' || NEW.lead_id || ', ' || NEW.other_id || ')'
        WHEN julianday(NEW.noted_at) IS NULL OR NEW.noted_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', NEW.noted_at)
            THEN 'invalid_time: noted_at ' || coalesce(quote(NEW.noted_at), 'NULL') || ' is not a time as LeadDB writes them (YYYY-MM-DDTHH:MM:SS.SSSZ)'
        END, json_object('lead', NEW.lead_id, 'other', NEW.other_id)));
END;

-- (internal) Whether two names (json_array(a, b)) are one edit apart: one letter added, dropped or
-- changed, both at least three letters long. After the first place they differ, the rest must agree.
CREATE VIEW _one_edit AS
SELECT x.arg,
       CASE WHEN x.a IS NULL OR x.b IS NULL OR x.a = x.b OR length(x.a) < 3 OR length(x.b) < 3 OR abs(length(x.a) - length(x.b)) > 1 THEN 0
            ELSE (SELECT CASE WHEN length(x.a) = length(x.b) THEN substr(x.a, p + 2) = substr(x.b, p + 2)
                              WHEN length(x.a) > length(x.b) THEN substr(x.a, p + 2) = substr(x.b, p + 1)
                              ELSE substr(x.a, p + 1) = substr(x.b, p + 2) END
                    FROM (SELECT min(d.n) AS p FROM _days AS d
                           WHERE d.n < max(length(x.a), length(x.b)) AND substr(x.a, d.n + 1, 1) IS NOT substr(x.b, d.n + 1, 1)))
       END AS yes
  FROM (SELECT j.json AS arg, json_extract(j.json, '$[0]') AS a, json_extract(j.json, '$[1]') AS b FROM json_each AS j WHERE j.key = 0) AS x;

-- Pairs of live leads that are probably one person (see the top of this file).
CREATE VIEW possible_duplicates AS
WITH pairs AS (
    -- email_alias: the other's email is this one's mailbox, or both are one mailbox
    SELECT min(a.id, b.id) AS lead_id, max(a.id, b.id) AS other_id, 'email_alias' AS reason, 0.95 AS confidence
      FROM lead_records AS a
      JOIN lead_records AS b
        ON b.email = CASE WHEN substr(a.email, instr(a.email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(a.email, 1, instr(substr(a.email, 1, instr(a.email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(a.email, 1, instr(a.email, '+') - 1) || substr(a.email, instr(a.email, '@')) END
     WHERE (a.email GLOB '?*+*@*' OR a.email GLOB '*@gmail.com' OR a.email GLOB '*@googlemail.com')
       AND b.id <> a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
    UNION ALL
    SELECT a.id, b.id, 'email_alias', 0.95
      FROM lead_records AS a
      JOIN lead_records AS b
        ON (CASE WHEN substr(b.email, instr(b.email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(b.email, 1, instr(substr(b.email, 1, instr(b.email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(b.email, 1, instr(b.email, '+') - 1) || substr(b.email, instr(b.email, '@')) END)
         = (CASE WHEN substr(a.email, instr(a.email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(a.email, 1, instr(substr(a.email, 1, instr(a.email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(a.email, 1, instr(a.email, '+') - 1) || substr(a.email, instr(a.email, '@')) END)
       AND (b.email GLOB '?*+*@*' OR b.email GLOB '*@gmail.com' OR b.email GLOB '*@googlemail.com')
     WHERE (a.email GLOB '?*+*@*' OR a.email GLOB '*@gmail.com' OR a.email GLOB '*@googlemail.com')
       AND b.id > a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
       -- (a pair where one is the other's mailbox is found above)
       AND b.email <> (CASE WHEN substr(a.email, instr(a.email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(a.email, 1, instr(substr(a.email, 1, instr(a.email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(a.email, 1, instr(a.email, '+') - 1) || substr(a.email, instr(a.email, '@')) END)
       AND a.email <> (CASE WHEN substr(b.email, instr(b.email, '@') + 1) IN ('gmail.com', 'googlemail.com')
                         THEN replace(substr(b.email, 1, instr(substr(b.email, 1, instr(b.email, '@') - 1) || '+', '+') - 1), '.', '') || '@gmail.com'
                         ELSE substr(b.email, 1, instr(b.email, '+') - 1) || substr(b.email, instr(b.email, '@')) END)
    UNION ALL
    -- same_phone: the last nine digits
    SELECT a.id, b.id, 'same_phone',
           CASE WHEN a.last_name IS NULL OR b.last_name IS NULL OR lower(trim(a.last_name)) = lower(trim(b.last_name)) THEN 0.90 ELSE 0.50 END
      FROM lead_records AS a
      JOIN lead_records AS b ON substr(b.phone, -9) = substr(a.phone, -9) AND length(b.phone) >= 9
     WHERE length(a.phone) >= 9 AND b.id > a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
    UNION ALL
    -- same_name_at_company
    SELECT a.id, b.id, 'same_name_at_company', 0.80
      FROM lead_records AS a
      JOIN lead_records AS b
        ON lower(trim(b.company)) = lower(trim(a.company)) AND lower(trim(b.last_name)) = lower(trim(a.last_name))
       AND lower(trim(b.first_name)) = lower(trim(a.first_name))
     WHERE b.id > a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
    UNION ALL
    -- similar_name_at_company: the same last name and a first name one edit away, or the other way round
    SELECT a.id, b.id, 'similar_name_at_company', 0.60
      FROM lead_records AS a
      JOIN lead_records AS b
        ON lower(trim(b.company)) = lower(trim(a.company)) AND lower(trim(b.last_name)) = lower(trim(a.last_name))
     WHERE b.id > a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
       AND (SELECT o.yes FROM _one_edit AS o WHERE o.arg = json_array(lower(trim(a.first_name)), lower(trim(b.first_name))))
    UNION ALL
    SELECT a.id, b.id, 'similar_name_at_company', 0.60
      FROM lead_records AS a
      JOIN lead_records AS b
        ON lower(trim(b.company)) = lower(trim(a.company)) AND lower(trim(b.first_name)) = lower(trim(a.first_name))
     WHERE b.id > a.id AND a.erased_at IS NULL AND b.erased_at IS NULL
       AND (SELECT o.yes FROM _one_edit AS o WHERE o.arg = json_array(lower(trim(a.last_name)), lower(trim(b.last_name))))
)
SELECT lead_id, other_id, reason, reasons, confidence
  FROM (-- (the reason is the one of the pair's surest rule: a bare column beside the only max())
        SELECT p.lead_id, p.other_id, p.reason, max(p.confidence) AS surest,
               group_concat(DISTINCT p.reason) AS reasons,
               round(1 - exp(sum(ln(1 - p.confidence))), 3) AS confidence
          FROM pairs AS p
         WHERE NOT EXISTS (SELECT 1 FROM not_duplicates AS n WHERE n.lead_id = p.lead_id AND n.other_id = p.other_id)
         GROUP BY p.lead_id, p.other_id);

-- A noted pair is kept as noted (deleting it lists the pair again).
CREATE TRIGGER not_duplicates_before_update BEFORE UPDATE ON not_duplicates
BEGIN
    SELECT RAISE(ABORT, 'read_only: a noted pair is not changed; delete it and note another');
END;
