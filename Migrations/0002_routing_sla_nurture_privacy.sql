-- 0002_routing_sla_nurture_privacy: routing and assignment, response SLAs and escalation, nurture
-- sequences, erasure, the stage counts behind the funnel, and Unicode case folding for emails. Behaviour is in Schema/ (40_stages.sql,
-- 80_routing.sql to 97_reports.sql).

INSERT INTO settings(key, value, description) VALUES
    ('sla.due_soon_minutes', 60, 'sla_due_soon lists leads whose response is due within this many minutes');

-- Routing rules, lowest priority number first. A NULL condition matches anything; a text condition may
-- be a JSON array of accepted values (case-insensitive). No rule matching means team `default`.
CREATE TABLE routing_rules (
    id               INTEGER PRIMARY KEY,
    priority         INTEGER NOT NULL DEFAULT 100,
    team             TEXT NOT NULL REFERENCES teams(name) ON UPDATE CASCADE,
    country          TEXT,
    industry         TEXT,
    source           TEXT,
    min_company_size INTEGER,
    max_company_size INTEGER,
    description      TEXT
);

CREATE INDEX routing_rules_priority ON routing_rules(priority, id);

-- Every change of a lead's owner, automatic or by hand: who, why, when. rep_id NULL: unassigned by hand.
CREATE TABLE assignments (
    id              INTEGER PRIMARY KEY,
    lead_id         INTEGER NOT NULL REFERENCES lead_records(id),
    rep_id          INTEGER REFERENCES reps(id),
    previous_rep_id INTEGER REFERENCES reps(id),
    team            TEXT,
    rule_id         INTEGER,
    method          TEXT NOT NULL CHECK (method IN ('round_robin', 'load_balanced', 'manual')),
    reason          TEXT NOT NULL,
    assigned_at     TEXT NOT NULL
);

CREATE INDEX assignments_lead ON assignments(lead_id, id);

-- Ask for a lead to be routed: INSERT INTO routing_requests(lead_id, reason). The work happens in a
-- trigger and no row is kept (the outcome is in assignments, or the outbox when no rep is free).
CREATE TABLE routing_requests (
    lead_id INTEGER NOT NULL,
    reason  TEXT
);

-- Response SLAs: the first matching policy by priority (min_score and source NULL = any) gives an
-- assigned lead its response_due_at, in business hours when the policy says so.
CREATE TABLE sla_policies (
    id               INTEGER PRIMARY KEY,
    priority         INTEGER NOT NULL DEFAULT 100,
    name             TEXT NOT NULL,
    min_score        REAL,
    source           TEXT,
    response_minutes INTEGER NOT NULL CHECK (response_minutes > 0),
    business_hours   INTEGER NOT NULL DEFAULT 0 CHECK (business_hours IN (0, 1))
);

INSERT INTO sla_policies(priority, name, min_score, source, response_minutes, business_hours) VALUES
    (10, 'hot: 1 hour', 70, NULL, 60, 0),
    (100, 'standard: 24 hours', NULL, NULL, 1440, 0);

-- Opening hours per weekday (0 = Sunday), UTC, HH:MM. A weekday without a row is closed.
CREATE TABLE business_hours (
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens   TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
    closes  TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]'),
    PRIMARY KEY (weekday, opens),
    CHECK (opens < closes)
) WITHOUT ROWID;

INSERT INTO business_hours(weekday, opens, closes) VALUES
    (1, '09:00', '17:00'), (2, '09:00', '17:00'), (3, '09:00', '17:00'), (4, '09:00', '17:00'), (5, '09:00', '17:00');

CREATE TABLE holidays (
    day  TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    name TEXT
) WITHOUT ROWID;

-- Escalation steps for breached SLAs, run by ticks once per lead, step and assignment.
CREATE TABLE sla_escalations (
    id              INTEGER PRIMARY KEY,
    minutes_overdue INTEGER NOT NULL CHECK (minutes_overdue >= 0),
    action          TEXT NOT NULL CHECK (action IN ('notify_manager', 'reassign'))
);

INSERT INTO sla_escalations(minutes_overdue, action) VALUES (30, 'notify_manager'), (240, 'reassign');

CREATE TABLE sla_escalation_runs (
    id            INTEGER PRIMARY KEY,
    tick_id       INTEGER NOT NULL,
    lead_id       INTEGER NOT NULL,
    escalation_id INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL,
    action        TEXT NOT NULL,
    ran_at        TEXT NOT NULL,
    UNIQUE (lead_id, escalation_id, assignment_id)
);

CREATE INDEX sla_escalation_runs_tick ON sla_escalation_runs(tick_id);

-- INSERT INTO ticks DEFAULT VALUES runs the rules that depend on time passing.
CREATE TABLE ticks (
    id        INTEGER PRIMARY KEY,
    ticked_at TEXT
);

-- Nurture sequences: a lead entering nurturing is enrolled in the first sequence (by priority) whose
-- source and industry match (NULL = any), else the default one.
CREATE TABLE nurture_sequences (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    priority   INTEGER NOT NULL DEFAULT 100,
    source     TEXT,
    industry   TEXT,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);

CREATE TABLE nurture_steps (
    sequence_id INTEGER NOT NULL REFERENCES nurture_sequences(id),
    position    INTEGER NOT NULL CHECK (position >= 1),
    delay_days  REAL NOT NULL CHECK (delay_days >= 0),
    subject     TEXT NOT NULL,
    PRIMARY KEY (sequence_id, position)
) WITHOUT ROWID;

INSERT INTO nurture_sequences(id, name, priority, is_default) VALUES (1, 'default', 1000, 1);
INSERT INTO nurture_steps(sequence_id, position, delay_days, subject) VALUES
    (1, 1, 1, 'Getting the most out of your trial'),
    (1, 2, 4, 'How teams like yours use us'),
    (1, 3, 7, 'Anything we can help with?');

CREATE TABLE nurture_enrollments (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES lead_records(id),
    sequence_id INTEGER NOT NULL REFERENCES nurture_sequences(id),
    next_step   INTEGER,
    next_due_at TEXT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended')),
    end_reason  TEXT,
    enrolled_at TEXT NOT NULL,
    ended_at    TEXT
);

CREATE INDEX nurture_enrollments_due ON nurture_enrollments(next_due_at) WHERE status = 'active';
CREATE INDEX nurture_enrollments_lead ON nurture_enrollments(lead_id);

-- Erasure: INSERT INTO erasures(lead_id) scrubs the person's data and suppresses the email by hash.
CREATE TABLE erasures (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL,
    email_hash TEXT,
    erased_at  TEXT
);

CREATE TABLE suppressed_emails (
    email_hash    TEXT PRIMARY KEY,
    suppressed_at TEXT NOT NULL
) WITHOUT ROWID;

-- Powers for the email hash (a polynomial hash modulo two primes below 2^31, computed with SQLite's
-- integer arithmetic: no function needs to be registered). n covers the 254 characters of an email.
CREATE TABLE _hash_powers (
    n  INTEGER PRIMARY KEY,
    p1 INTEGER NOT NULL,
    p2 INTEGER NOT NULL
);

WITH RECURSIVE powers(n, p1, p2) AS (
    SELECT 0, 1, 1
    UNION ALL
    SELECT n + 1, (p1 * 1000003) % 2147483647, (p2 * 999983) % 2147483629 FROM powers WHERE n < 253
)
INSERT INTO _hash_powers(n, p1, p2) SELECT n, p1, p2 FROM powers;

-- Days ahead, for business-hours deadlines (a deadline further than a year of closed days is an error).
CREATE TABLE _days (n INTEGER PRIMARY KEY);

WITH RECURSIVE days(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM days WHERE n < 400)
INSERT INTO _days(n) SELECT n FROM days;

-- SLA breaches and due-soon lists read only unanswered, open, assigned leads.
CREATE INDEX lead_records_response_due ON lead_records(response_due_at)
    WHERE first_response_at IS NULL AND closed_at IS NULL AND response_due_at IS NOT NULL;

CREATE INDEX lead_records_unassigned ON lead_records(created_at)
    WHERE owner_id IS NULL AND closed_at IS NULL AND erased_at IS NULL;

-- How many leads are in each stage now, kept by the stage rules so the funnel never counts a million rows.
CREATE TABLE stage_counts (
    stage TEXT PRIMARY KEY,
    leads INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO stage_counts(stage, leads)
SELECT s.name, (SELECT count(*) FROM lead_records l WHERE l.stage = s.name) FROM stages AS s;

-- Lower-case forms of the upper-case letters of Latin-1, Latin Extended-A/B and Additional, Greek and
-- Cyrillic (Unicode simple case mapping; 524 letters). SQLite's built-in lower() folds ASCII only.
CREATE TABLE _case_fold (
    upper TEXT PRIMARY KEY,
    lower TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO _case_fold(upper, lower) VALUES
    ('À', 'à'), ('Á', 'á'), ('Â', 'â'), ('Ã', 'ã'), ('Ä', 'ä'), ('Å', 'å'), ('Æ', 'æ'), ('Ç', 'ç'),
    ('È', 'è'), ('É', 'é'), ('Ê', 'ê'), ('Ë', 'ë'), ('Ì', 'ì'), ('Í', 'í'), ('Î', 'î'), ('Ï', 'ï'),
    ('Ð', 'ð'), ('Ñ', 'ñ'), ('Ò', 'ò'), ('Ó', 'ó'), ('Ô', 'ô'), ('Õ', 'õ'), ('Ö', 'ö'), ('Ø', 'ø'),
    ('Ù', 'ù'), ('Ú', 'ú'), ('Û', 'û'), ('Ü', 'ü'), ('Ý', 'ý'), ('Þ', 'þ'), ('Ā', 'ā'), ('Ă', 'ă'),
    ('Ą', 'ą'), ('Ć', 'ć'), ('Ĉ', 'ĉ'), ('Ċ', 'ċ'), ('Č', 'č'), ('Ď', 'ď'), ('Đ', 'đ'), ('Ē', 'ē'),
    ('Ĕ', 'ĕ'), ('Ė', 'ė'), ('Ę', 'ę'), ('Ě', 'ě'), ('Ĝ', 'ĝ'), ('Ğ', 'ğ'), ('Ġ', 'ġ'), ('Ģ', 'ģ'),
    ('Ĥ', 'ĥ'), ('Ħ', 'ħ'), ('Ĩ', 'ĩ'), ('Ī', 'ī'), ('Ĭ', 'ĭ'), ('Į', 'į'), ('Ĳ', 'ĳ'), ('Ĵ', 'ĵ'),
    ('Ķ', 'ķ'), ('Ĺ', 'ĺ'), ('Ļ', 'ļ'), ('Ľ', 'ľ'), ('Ŀ', 'ŀ'), ('Ł', 'ł'), ('Ń', 'ń'), ('Ņ', 'ņ'),
    ('Ň', 'ň'), ('Ŋ', 'ŋ'), ('Ō', 'ō'), ('Ŏ', 'ŏ'), ('Ő', 'ő'), ('Œ', 'œ'), ('Ŕ', 'ŕ'), ('Ŗ', 'ŗ'),
    ('Ř', 'ř'), ('Ś', 'ś'), ('Ŝ', 'ŝ'), ('Ş', 'ş'), ('Š', 'š'), ('Ţ', 'ţ'), ('Ť', 'ť'), ('Ŧ', 'ŧ'),
    ('Ũ', 'ũ'), ('Ū', 'ū'), ('Ŭ', 'ŭ'), ('Ů', 'ů'), ('Ű', 'ű'), ('Ų', 'ų'), ('Ŵ', 'ŵ'), ('Ŷ', 'ŷ'),
    ('Ÿ', 'ÿ'), ('Ź', 'ź'), ('Ż', 'ż'), ('Ž', 'ž'), ('Ɓ', 'ɓ'), ('Ƃ', 'ƃ'), ('Ƅ', 'ƅ'), ('Ɔ', 'ɔ'),
    ('Ƈ', 'ƈ'), ('Ɖ', 'ɖ'), ('Ɗ', 'ɗ'), ('Ƌ', 'ƌ'), ('Ǝ', 'ǝ'), ('Ə', 'ə'), ('Ɛ', 'ɛ'), ('Ƒ', 'ƒ'),
    ('Ɠ', 'ɠ'), ('Ɣ', 'ɣ'), ('Ɩ', 'ɩ'), ('Ɨ', 'ɨ'), ('Ƙ', 'ƙ'), ('Ɯ', 'ɯ'), ('Ɲ', 'ɲ'), ('Ɵ', 'ɵ'),
    ('Ơ', 'ơ'), ('Ƣ', 'ƣ'), ('Ƥ', 'ƥ'), ('Ʀ', 'ʀ'), ('Ƨ', 'ƨ'), ('Ʃ', 'ʃ'), ('Ƭ', 'ƭ'), ('Ʈ', 'ʈ'),
    ('Ư', 'ư'), ('Ʊ', 'ʊ'), ('Ʋ', 'ʋ'), ('Ƴ', 'ƴ'), ('Ƶ', 'ƶ'), ('Ʒ', 'ʒ'), ('Ƹ', 'ƹ'), ('Ƽ', 'ƽ'),
    ('Ǆ', 'ǆ'), ('Ǉ', 'ǉ'), ('Ǌ', 'ǌ'), ('Ǎ', 'ǎ'), ('Ǐ', 'ǐ'), ('Ǒ', 'ǒ'), ('Ǔ', 'ǔ'), ('Ǖ', 'ǖ'),
    ('Ǘ', 'ǘ'), ('Ǚ', 'ǚ'), ('Ǜ', 'ǜ'), ('Ǟ', 'ǟ'), ('Ǡ', 'ǡ'), ('Ǣ', 'ǣ'), ('Ǥ', 'ǥ'), ('Ǧ', 'ǧ'),
    ('Ǩ', 'ǩ'), ('Ǫ', 'ǫ'), ('Ǭ', 'ǭ'), ('Ǯ', 'ǯ'), ('Ǳ', 'ǳ'), ('Ǵ', 'ǵ'), ('Ƕ', 'ƕ'), ('Ƿ', 'ƿ'),
    ('Ǹ', 'ǹ'), ('Ǻ', 'ǻ'), ('Ǽ', 'ǽ'), ('Ǿ', 'ǿ'), ('Ȁ', 'ȁ'), ('Ȃ', 'ȃ'), ('Ȅ', 'ȅ'), ('Ȇ', 'ȇ'),
    ('Ȉ', 'ȉ'), ('Ȋ', 'ȋ'), ('Ȍ', 'ȍ'), ('Ȏ', 'ȏ'), ('Ȑ', 'ȑ'), ('Ȓ', 'ȓ'), ('Ȕ', 'ȕ'), ('Ȗ', 'ȗ'),
    ('Ș', 'ș'), ('Ț', 'ț'), ('Ȝ', 'ȝ'), ('Ȟ', 'ȟ'), ('Ƞ', 'ƞ'), ('Ȣ', 'ȣ'), ('Ȥ', 'ȥ'), ('Ȧ', 'ȧ'),
    ('Ȩ', 'ȩ'), ('Ȫ', 'ȫ'), ('Ȭ', 'ȭ'), ('Ȯ', 'ȯ'), ('Ȱ', 'ȱ'), ('Ȳ', 'ȳ'), ('Ⱥ', 'ⱥ'), ('Ȼ', 'ȼ'),
    ('Ƚ', 'ƚ'), ('Ⱦ', 'ⱦ'), ('Ɂ', 'ɂ'), ('Ƀ', 'ƀ'), ('Ʉ', 'ʉ'), ('Ʌ', 'ʌ'), ('Ɇ', 'ɇ'), ('Ɉ', 'ɉ'),
    ('Ɋ', 'ɋ'), ('Ɍ', 'ɍ'), ('Ɏ', 'ɏ'), ('Ͱ', 'ͱ'), ('Ͳ', 'ͳ'), ('Ͷ', 'ͷ'), ('Ϳ', 'ϳ'), ('Ά', 'ά'),
    ('Έ', 'έ'), ('Ή', 'ή'), ('Ί', 'ί'), ('Ό', 'ό'), ('Ύ', 'ύ'), ('Ώ', 'ώ'), ('Α', 'α'), ('Β', 'β'),
    ('Γ', 'γ'), ('Δ', 'δ'), ('Ε', 'ε'), ('Ζ', 'ζ'), ('Η', 'η'), ('Θ', 'θ'), ('Ι', 'ι'), ('Κ', 'κ'),
    ('Λ', 'λ'), ('Μ', 'μ'), ('Ν', 'ν'), ('Ξ', 'ξ'), ('Ο', 'ο'), ('Π', 'π'), ('Ρ', 'ρ'), ('Σ', 'σ'),
    ('Τ', 'τ'), ('Υ', 'υ'), ('Φ', 'φ'), ('Χ', 'χ'), ('Ψ', 'ψ'), ('Ω', 'ω'), ('Ϊ', 'ϊ'), ('Ϋ', 'ϋ'),
    ('Ϗ', 'ϗ'), ('Ϙ', 'ϙ'), ('Ϛ', 'ϛ'), ('Ϝ', 'ϝ'), ('Ϟ', 'ϟ'), ('Ϡ', 'ϡ'), ('Ϣ', 'ϣ'), ('Ϥ', 'ϥ'),
    ('Ϧ', 'ϧ'), ('Ϩ', 'ϩ'), ('Ϫ', 'ϫ'), ('Ϭ', 'ϭ'), ('Ϯ', 'ϯ'), ('ϴ', 'θ'), ('Ϸ', 'ϸ'), ('Ϲ', 'ϲ'),
    ('Ϻ', 'ϻ'), ('Ͻ', 'ͻ'), ('Ͼ', 'ͼ'), ('Ͽ', 'ͽ'), ('Ѐ', 'ѐ'), ('Ё', 'ё'), ('Ђ', 'ђ'), ('Ѓ', 'ѓ'),
    ('Є', 'є'), ('Ѕ', 'ѕ'), ('І', 'і'), ('Ї', 'ї'), ('Ј', 'ј'), ('Љ', 'љ'), ('Њ', 'њ'), ('Ћ', 'ћ'),
    ('Ќ', 'ќ'), ('Ѝ', 'ѝ'), ('Ў', 'ў'), ('Џ', 'џ'), ('А', 'а'), ('Б', 'б'), ('В', 'в'), ('Г', 'г'),
    ('Д', 'д'), ('Е', 'е'), ('Ж', 'ж'), ('З', 'з'), ('И', 'и'), ('Й', 'й'), ('К', 'к'), ('Л', 'л'),
    ('М', 'м'), ('Н', 'н'), ('О', 'о'), ('П', 'п'), ('Р', 'р'), ('С', 'с'), ('Т', 'т'), ('У', 'у'),
    ('Ф', 'ф'), ('Х', 'х'), ('Ц', 'ц'), ('Ч', 'ч'), ('Ш', 'ш'), ('Щ', 'щ'), ('Ъ', 'ъ'), ('Ы', 'ы'),
    ('Ь', 'ь'), ('Э', 'э'), ('Ю', 'ю'), ('Я', 'я'), ('Ѡ', 'ѡ'), ('Ѣ', 'ѣ'), ('Ѥ', 'ѥ'), ('Ѧ', 'ѧ'),
    ('Ѩ', 'ѩ'), ('Ѫ', 'ѫ'), ('Ѭ', 'ѭ'), ('Ѯ', 'ѯ'), ('Ѱ', 'ѱ'), ('Ѳ', 'ѳ'), ('Ѵ', 'ѵ'), ('Ѷ', 'ѷ'),
    ('Ѹ', 'ѹ'), ('Ѻ', 'ѻ'), ('Ѽ', 'ѽ'), ('Ѿ', 'ѿ'), ('Ҁ', 'ҁ'), ('Ҋ', 'ҋ'), ('Ҍ', 'ҍ'), ('Ҏ', 'ҏ'),
    ('Ґ', 'ґ'), ('Ғ', 'ғ'), ('Ҕ', 'ҕ'), ('Җ', 'җ'), ('Ҙ', 'ҙ'), ('Қ', 'қ'), ('Ҝ', 'ҝ'), ('Ҟ', 'ҟ'),
    ('Ҡ', 'ҡ'), ('Ң', 'ң'), ('Ҥ', 'ҥ'), ('Ҧ', 'ҧ'), ('Ҩ', 'ҩ'), ('Ҫ', 'ҫ'), ('Ҭ', 'ҭ'), ('Ү', 'ү'),
    ('Ұ', 'ұ'), ('Ҳ', 'ҳ'), ('Ҵ', 'ҵ'), ('Ҷ', 'ҷ'), ('Ҹ', 'ҹ'), ('Һ', 'һ'), ('Ҽ', 'ҽ'), ('Ҿ', 'ҿ'),
    ('Ӏ', 'ӏ'), ('Ӂ', 'ӂ'), ('Ӄ', 'ӄ'), ('Ӆ', 'ӆ'), ('Ӈ', 'ӈ'), ('Ӊ', 'ӊ'), ('Ӌ', 'ӌ'), ('Ӎ', 'ӎ'),
    ('Ӑ', 'ӑ'), ('Ӓ', 'ӓ'), ('Ӕ', 'ӕ'), ('Ӗ', 'ӗ'), ('Ә', 'ә'), ('Ӛ', 'ӛ'), ('Ӝ', 'ӝ'), ('Ӟ', 'ӟ'),
    ('Ӡ', 'ӡ'), ('Ӣ', 'ӣ'), ('Ӥ', 'ӥ'), ('Ӧ', 'ӧ'), ('Ө', 'ө'), ('Ӫ', 'ӫ'), ('Ӭ', 'ӭ'), ('Ӯ', 'ӯ'),
    ('Ӱ', 'ӱ'), ('Ӳ', 'ӳ'), ('Ӵ', 'ӵ'), ('Ӷ', 'ӷ'), ('Ӹ', 'ӹ'), ('Ӻ', 'ӻ'), ('Ӽ', 'ӽ'), ('Ӿ', 'ӿ'),
    ('Ԁ', 'ԁ'), ('Ԃ', 'ԃ'), ('Ԅ', 'ԅ'), ('Ԇ', 'ԇ'), ('Ԉ', 'ԉ'), ('Ԋ', 'ԋ'), ('Ԍ', 'ԍ'), ('Ԏ', 'ԏ'),
    ('Ԑ', 'ԑ'), ('Ԓ', 'ԓ'), ('Ԕ', 'ԕ'), ('Ԗ', 'ԗ'), ('Ԙ', 'ԙ'), ('Ԛ', 'ԛ'), ('Ԝ', 'ԝ'), ('Ԟ', 'ԟ'),
    ('Ԡ', 'ԡ'), ('Ԣ', 'ԣ'), ('Ԥ', 'ԥ'), ('Ԧ', 'ԧ'), ('Ԩ', 'ԩ'), ('Ԫ', 'ԫ'), ('Ԭ', 'ԭ'), ('Ԯ', 'ԯ'),
    ('Ḁ', 'ḁ'), ('Ḃ', 'ḃ'), ('Ḅ', 'ḅ'), ('Ḇ', 'ḇ'), ('Ḉ', 'ḉ'), ('Ḋ', 'ḋ'), ('Ḍ', 'ḍ'), ('Ḏ', 'ḏ'),
    ('Ḑ', 'ḑ'), ('Ḓ', 'ḓ'), ('Ḕ', 'ḕ'), ('Ḗ', 'ḗ'), ('Ḙ', 'ḙ'), ('Ḛ', 'ḛ'), ('Ḝ', 'ḝ'), ('Ḟ', 'ḟ'),
    ('Ḡ', 'ḡ'), ('Ḣ', 'ḣ'), ('Ḥ', 'ḥ'), ('Ḧ', 'ḧ'), ('Ḩ', 'ḩ'), ('Ḫ', 'ḫ'), ('Ḭ', 'ḭ'), ('Ḯ', 'ḯ'),
    ('Ḱ', 'ḱ'), ('Ḳ', 'ḳ'), ('Ḵ', 'ḵ'), ('Ḷ', 'ḷ'), ('Ḹ', 'ḹ'), ('Ḻ', 'ḻ'), ('Ḽ', 'ḽ'), ('Ḿ', 'ḿ'),
    ('Ṁ', 'ṁ'), ('Ṃ', 'ṃ'), ('Ṅ', 'ṅ'), ('Ṇ', 'ṇ'), ('Ṉ', 'ṉ'), ('Ṋ', 'ṋ'), ('Ṍ', 'ṍ'), ('Ṏ', 'ṏ'),
    ('Ṑ', 'ṑ'), ('Ṓ', 'ṓ'), ('Ṕ', 'ṕ'), ('Ṗ', 'ṗ'), ('Ṙ', 'ṙ'), ('Ṛ', 'ṛ'), ('Ṝ', 'ṝ'), ('Ṟ', 'ṟ'),
    ('Ṡ', 'ṡ'), ('Ṣ', 'ṣ'), ('Ṥ', 'ṥ'), ('Ṧ', 'ṧ'), ('Ṩ', 'ṩ'), ('Ṫ', 'ṫ'), ('Ṭ', 'ṭ'), ('Ṯ', 'ṯ'),
    ('Ṱ', 'ṱ'), ('Ṳ', 'ṳ'), ('Ṵ', 'ṵ'), ('Ṷ', 'ṷ'), ('Ṹ', 'ṹ'), ('Ṻ', 'ṻ'), ('Ṽ', 'ṽ'), ('Ṿ', 'ṿ'),
    ('Ẁ', 'ẁ'), ('Ẃ', 'ẃ'), ('Ẅ', 'ẅ'), ('Ẇ', 'ẇ'), ('Ẉ', 'ẉ'), ('Ẋ', 'ẋ'), ('Ẍ', 'ẍ'), ('Ẏ', 'ẏ'),
    ('Ẑ', 'ẑ'), ('Ẓ', 'ẓ'), ('Ẕ', 'ẕ'), ('ẞ', 'ß'), ('Ạ', 'ạ'), ('Ả', 'ả'), ('Ấ', 'ấ'), ('Ầ', 'ầ'),
    ('Ẩ', 'ẩ'), ('Ẫ', 'ẫ'), ('Ậ', 'ậ'), ('Ắ', 'ắ'), ('Ằ', 'ằ'), ('Ẳ', 'ẳ'), ('Ẵ', 'ẵ'), ('Ặ', 'ặ'),
    ('Ẹ', 'ẹ'), ('Ẻ', 'ẻ'), ('Ẽ', 'ẽ'), ('Ế', 'ế'), ('Ề', 'ề'), ('Ể', 'ể'), ('Ễ', 'ễ'), ('Ệ', 'ệ'),
    ('Ỉ', 'ỉ'), ('Ị', 'ị'), ('Ọ', 'ọ'), ('Ỏ', 'ỏ'), ('Ố', 'ố'), ('Ồ', 'ồ'), ('Ổ', 'ổ'), ('Ỗ', 'ỗ'),
    ('Ộ', 'ộ'), ('Ớ', 'ớ'), ('Ờ', 'ờ'), ('Ở', 'ở'), ('Ỡ', 'ỡ'), ('Ợ', 'ợ'), ('Ụ', 'ụ'), ('Ủ', 'ủ'),
    ('Ứ', 'ứ'), ('Ừ', 'ừ'), ('Ử', 'ử'), ('Ữ', 'ữ'), ('Ự', 'ự'), ('Ỳ', 'ỳ'), ('Ỵ', 'ỵ'), ('Ỷ', 'ỷ'),
    ('Ỹ', 'ỹ'), ('Ỻ', 'ỻ'), ('Ỽ', 'ỽ'), ('Ỿ', 'ỿ');

-- One row that the capture and update rules fill with the email they are normalising; the view
-- _email_normalised (Schema/60_intake.sql) is the one definition of a normalised email.
CREATE TABLE _email_scratch (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    raw  TEXT
);

INSERT INTO _email_scratch(slot, raw) VALUES (1, NULL);
