-- Internal tables: LeadDB's own data (constants the rules compute with, queues they drain). A program
-- that writes to one by mistake is refused: the rules depend on every row. Migrations, which run with the
-- schema dropped, are the only writers of the constants.

CREATE TRIGGER hash_powers_before_insert_internal BEFORE INSERT ON _hash_powers
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _hash_powers is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER hash_powers_before_update_internal BEFORE UPDATE ON _hash_powers
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _hash_powers is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER hash_powers_before_delete_internal BEFORE DELETE ON _hash_powers
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _hash_powers is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER positions_before_insert_internal BEFORE INSERT ON _positions
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _positions is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER positions_before_update_internal BEFORE UPDATE ON _positions
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _positions is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER positions_before_delete_internal BEFORE DELETE ON _positions
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _positions is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER days_before_insert_internal BEFORE INSERT ON _days
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _days is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER days_before_update_internal BEFORE UPDATE ON _days
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _days is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER days_before_delete_internal BEFORE DELETE ON _days
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _days is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER case_fold_before_insert_internal BEFORE INSERT ON _case_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _case_fold is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER case_fold_before_update_internal BEFORE UPDATE ON _case_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _case_fold is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER case_fold_before_delete_internal BEFORE DELETE ON _case_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _case_fold is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER fit_queue_before_insert_internal BEFORE INSERT ON _fit_queue
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_queue is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER fit_queue_before_update_internal BEFORE UPDATE ON _fit_queue
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_queue is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER fit_queue_before_delete_internal BEFORE DELETE ON _fit_queue
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_queue is LeadDB''s own data and cannot be changed');
END;

-- The search queue is written by the rules (a lead to re-index) and drained by lead_search_refresh. A
-- queued lead leaves the queue only once the index has it (or it was erased); anything else is refused.
CREATE TRIGGER search_queue_before_update_internal BEFORE UPDATE ON _search_queue
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_queue is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER search_queue_before_delete_internal BEFORE DELETE ON _search_queue
WHEN EXISTS (SELECT 1 FROM lead_records WHERE id = OLD.lead_id AND erased_at IS NULL)
 AND NOT EXISTS (SELECT 1 FROM lead_search WHERE rowid = OLD.lead_id)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _search_queue is LeadDB''s own data; INSERT INTO lead_search_refresh(pending) VALUES (NULL) drains it');
END;

CREATE TRIGGER accent_fold_before_insert_internal BEFORE INSERT ON _accent_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _accent_fold is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER accent_fold_before_update_internal BEFORE UPDATE ON _accent_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _accent_fold is LeadDB''s own data and cannot be changed');
END;

CREATE TRIGGER accent_fold_before_delete_internal BEFORE DELETE ON _accent_fold
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _accent_fold is LeadDB''s own data and cannot be changed');
END;

-- The words of the `word` fit rules follow fit_rules (20_fit.sql): a row that is not derived from the
-- rules is refused, and so is removing one that is.
CREATE TRIGGER fit_words_before_insert_internal BEFORE INSERT ON _fit_words
WHEN NOT EXISTS (SELECT 1 FROM fit_rule_words AS w WHERE w.rule_id = NEW.rule_id AND w.token = NEW.token AND w.pattern = NEW.pattern)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_words is LeadDB''s own data, derived from fit_rules; change fit_rules instead');
END;

CREATE TRIGGER fit_words_before_update_internal BEFORE UPDATE ON _fit_words
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_words is LeadDB''s own data, derived from fit_rules; change fit_rules instead');
END;

CREATE TRIGGER fit_words_before_delete_internal BEFORE DELETE ON _fit_words
WHEN EXISTS (SELECT 1 FROM fit_rule_words AS w WHERE w.rule_id = OLD.rule_id AND w.token = OLD.token AND w.pattern = OLD.pattern)
BEGIN
    SELECT RAISE(ABORT, 'internal_table: _fit_words is LeadDB''s own data, derived from fit_rules; change fit_rules instead');
END;
