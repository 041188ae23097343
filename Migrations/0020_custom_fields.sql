-- 0020_custom_fields: fields a team defines for its leads (Schema/33_custom_fields.sql). A lead's values
-- are one JSON object, lead_records.custom, checked against the definitions on every write; a capture
-- and a staged import row may give them (lead_intake.custom, lead_imports.custom); fit rules
-- (attribute custom.NAME) and routing rules (routing_rules.custom) read them.

CREATE TABLE custom_fields (
    -- lower case letters, digits and _ (the key in lead_records.custom)
    name              TEXT PRIMARY KEY,
    -- text, number, date (YYYY-MM-DD), choice (one of `choices`) or boolean (stored 1 or 0)
    type              TEXT NOT NULL,
    -- for a choice: a JSON array of the choices, as they are stored
    choices           TEXT,
    label             TEXT,
    -- a lead needs a value to be in this stage or any later open or won one (not in new or mql, which
    -- the rules enter by themselves)
    required_at_stage TEXT REFERENCES stages(name) ON UPDATE CASCADE,
    position          INTEGER NOT NULL DEFAULT 100
) WITHOUT ROWID;
-- (a move looks up whether any field is required, without reading them all)
CREATE INDEX custom_fields_required ON custom_fields(required_at_stage) WHERE required_at_stage IS NOT NULL;

-- BANT (budget, authority, need, timeline) and the product a lead asked about. None is required until a
-- team says so: UPDATE custom_fields SET required_at_stage = 'sql' WHERE name IN ('budget', ...).
INSERT INTO custom_fields(name, type, choices, label, position) VALUES
    ('budget', 'number', NULL, 'Budget', 10),
    ('authority', 'boolean', NULL, 'Speaks for whoever signs', 20),
    ('need', 'text', NULL, 'Need', 30),
    ('timeline', 'date', NULL, 'Expected purchase date', 40),
    ('product_interest', 'choice', '["CRM", "Analytics", "Support", "Platform"]', 'Product of interest', 50);

ALTER TABLE lead_records ADD COLUMN custom TEXT;
ALTER TABLE lead_imports ADD COLUMN custom;
-- a JSON object of field names and accepted values (one, or a JSON array of them), all of which must match
ALTER TABLE routing_rules ADD COLUMN custom TEXT;

-- Fit rules may read a custom field (attribute custom.NAME): rebuilt, the attribute list is a CHECK.
CREATE TABLE fit_rules_0020 (
    id          INTEGER PRIMARY KEY,
    attribute   TEXT NOT NULL CHECK (attribute IN ('email', 'first_name', 'last_name', 'phone', 'company', 'title',
                    'industry', 'company_size', 'country', 'source', 'campaign') OR attribute GLOB 'custom.?*'),
    operator    TEXT NOT NULL CHECK (operator IN ('=', '!=', 'contains', 'word', '>=', '<=', 'in', 'free_email')),
    value       TEXT,
    points      REAL NOT NULL CHECK (points BETWEEN -1000 AND 1000),
    description TEXT,
    -- Maintained by Schema/20_fit.sql from operator and value (see fit_rule_lists there).
    match_list  TEXT,
    CHECK (operator NOT IN ('in', 'word') OR operator = 'word' AND NOT json_valid(value)
           OR (json_valid(value) AND json_type(value) = 'array')),
    CHECK (operator = 'free_email' OR value IS NOT NULL)
);
INSERT INTO fit_rules_0020(id, attribute, operator, value, points, description, match_list)
SELECT id, attribute, operator, value, points, description, match_list FROM fit_rules;
DROP TABLE fit_rules;
ALTER TABLE fit_rules_0020 RENAME TO fit_rules;
