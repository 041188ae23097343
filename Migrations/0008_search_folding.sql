-- 0008_search_folding: search ignores accents (José is found by jose, Müller by muller) and covers
-- phones and whole names. These statements were first appended to 0005 after it had landed, which
-- would make every file deployed with the original 0005 refuse to migrate; they live here instead.
-- The trigram index is rebuilt with phone and name (first and last) columns, and every lead is queued
-- to be indexed again (Schema/30_leads.sql). A file that already holds them (from the appended 0005)
-- is left as it is: each statement checks first.
--
-- Files that ran the appended 0005 recorded its checksum; the runner accepts it (the line below), and
-- this migration then changes nothing they lack: it only rebuilds the index and queues every lead.
-- accepts 0005_trustworthy_rules.sql checksum f9ee12abb23c15518d38eb89ff779d90c5a87bd4d424aa52a6aa2f1b47516dd7

CREATE TABLE IF NOT EXISTS _accent_fold (
    ch   TEXT PRIMARY KEY,
    base TEXT NOT NULL
) WITHOUT ROWID;

INSERT OR IGNORE INTO _accent_fold(ch, base) VALUES
    ('ß', 'ss'), ('à', 'a'), ('á', 'a'), ('â', 'a'), ('ã', 'a'), ('ä', 'a'), ('å', 'a'), ('æ', 'ae'),
    ('ç', 'c'), ('è', 'e'), ('é', 'e'), ('ê', 'e'), ('ë', 'e'), ('ì', 'i'), ('í', 'i'), ('î', 'i'),
    ('ï', 'i'), ('ð', 'd'), ('ñ', 'n'), ('ò', 'o'), ('ó', 'o'), ('ô', 'o'), ('õ', 'o'), ('ö', 'o'),
    ('ø', 'o'), ('ù', 'u'), ('ú', 'u'), ('û', 'u'), ('ü', 'u'), ('ý', 'y'), ('þ', 'th'), ('ÿ', 'y'),
    ('ā', 'a'), ('ă', 'a'), ('ą', 'a'), ('ć', 'c'), ('ĉ', 'c'), ('ċ', 'c'), ('č', 'c'), ('ď', 'd'),
    ('đ', 'd'), ('ē', 'e'), ('ĕ', 'e'), ('ė', 'e'), ('ę', 'e'), ('ě', 'e'), ('ĝ', 'g'), ('ğ', 'g'),
    ('ġ', 'g'), ('ģ', 'g'), ('ĥ', 'h'), ('ħ', 'h'), ('ĩ', 'i'), ('ī', 'i'), ('ĭ', 'i'), ('į', 'i'),
    ('ı', 'i'), ('ĵ', 'j'), ('ķ', 'k'), ('ĺ', 'l'), ('ļ', 'l'), ('ľ', 'l'), ('ł', 'l'), ('ń', 'n'),
    ('ņ', 'n'), ('ň', 'n'), ('ŋ', 'n'), ('ō', 'o'), ('ŏ', 'o'), ('ő', 'o'), ('œ', 'oe'), ('ŕ', 'r'),
    ('ŗ', 'r'), ('ř', 'r'), ('ś', 's'), ('ŝ', 's'), ('ş', 's'), ('š', 's'), ('ţ', 't'), ('ť', 't'),
    ('ŧ', 't'), ('ũ', 'u'), ('ū', 'u'), ('ŭ', 'u'), ('ů', 'u'), ('ű', 'u'), ('ų', 'u'), ('ŵ', 'w'),
    ('ŷ', 'y'), ('ź', 'z'), ('ż', 'z'), ('ž', 'z'), ('ơ', 'o'), ('ư', 'u'), ('ǎ', 'a'), ('ǐ', 'i'),
    ('ǒ', 'o'), ('ǔ', 'u'), ('ǖ', 'u'), ('ǘ', 'u'), ('ǚ', 'u'), ('ǜ', 'u'), ('ǟ', 'a'), ('ǡ', 'a'),
    ('ǧ', 'g'), ('ǩ', 'k'), ('ǫ', 'o'), ('ǭ', 'o'), ('ǰ', 'j'), ('ǵ', 'g'), ('ǹ', 'n'), ('ǻ', 'a'),
    ('ȁ', 'a'), ('ȃ', 'a'), ('ȅ', 'e'), ('ȇ', 'e'), ('ȉ', 'i'), ('ȋ', 'i'), ('ȍ', 'o'), ('ȏ', 'o'),
    ('ȑ', 'r'), ('ȓ', 'r'), ('ȕ', 'u'), ('ȗ', 'u'), ('ș', 's'), ('ț', 't'), ('ȟ', 'h'), ('ȧ', 'a'),
    ('ȩ', 'e'), ('ȫ', 'o'), ('ȭ', 'o'), ('ȯ', 'o'), ('ȱ', 'o'), ('ȳ', 'y'), ('ḁ', 'a'), ('ḃ', 'b'),
    ('ḅ', 'b'), ('ḇ', 'b'), ('ḉ', 'c'), ('ḋ', 'd'), ('ḍ', 'd'), ('ḏ', 'd'), ('ḑ', 'd'), ('ḓ', 'd'),
    ('ḕ', 'e'), ('ḗ', 'e'), ('ḙ', 'e'), ('ḛ', 'e'), ('ḝ', 'e'), ('ḟ', 'f'), ('ḡ', 'g'), ('ḣ', 'h'),
    ('ḥ', 'h'), ('ḧ', 'h'), ('ḩ', 'h'), ('ḫ', 'h'), ('ḭ', 'i'), ('ḯ', 'i'), ('ḱ', 'k'), ('ḳ', 'k'),
    ('ḵ', 'k'), ('ḷ', 'l'), ('ḹ', 'l'), ('ḻ', 'l'), ('ḽ', 'l'), ('ḿ', 'm'), ('ṁ', 'm'), ('ṃ', 'm'),
    ('ṅ', 'n'), ('ṇ', 'n'), ('ṉ', 'n'), ('ṋ', 'n'), ('ṍ', 'o'), ('ṏ', 'o'), ('ṑ', 'o'), ('ṓ', 'o'),
    ('ṕ', 'p'), ('ṗ', 'p'), ('ṙ', 'r'), ('ṛ', 'r'), ('ṝ', 'r'), ('ṟ', 'r'), ('ṡ', 's'), ('ṣ', 's'),
    ('ṥ', 's'), ('ṧ', 's'), ('ṩ', 's'), ('ṫ', 't'), ('ṭ', 't'), ('ṯ', 't'), ('ṱ', 't'), ('ṳ', 'u'),
    ('ṵ', 'u'), ('ṷ', 'u'), ('ṹ', 'u'), ('ṻ', 'u'), ('ṽ', 'v'), ('ṿ', 'v'), ('ẁ', 'w'), ('ẃ', 'w'),
    ('ẅ', 'w'), ('ẇ', 'w'), ('ẉ', 'w'), ('ẋ', 'x'), ('ẍ', 'x'), ('ẏ', 'y'), ('ẑ', 'z'), ('ẓ', 'z'),
    ('ẕ', 'z'), ('ẖ', 'h'), ('ẗ', 't'), ('ẘ', 'w'), ('ẙ', 'y'), ('ạ', 'a'), ('ả', 'a'), ('ấ', 'a'),
    ('ầ', 'a'), ('ẩ', 'a'), ('ẫ', 'a'), ('ậ', 'a'), ('ắ', 'a'), ('ằ', 'a'), ('ẳ', 'a'), ('ẵ', 'a'),
    ('ặ', 'a'), ('ẹ', 'e'), ('ẻ', 'e'), ('ẽ', 'e'), ('ế', 'e'), ('ề', 'e'), ('ể', 'e'), ('ễ', 'e'),
    ('ệ', 'e'), ('ỉ', 'i'), ('ị', 'i'), ('ọ', 'o'), ('ỏ', 'o'), ('ố', 'o'), ('ồ', 'o'), ('ổ', 'o'),
    ('ỗ', 'o'), ('ộ', 'o'), ('ớ', 'o'), ('ờ', 'o'), ('ở', 'o'), ('ỡ', 'o'), ('ợ', 'o'), ('ụ', 'u'),
    ('ủ', 'u'), ('ứ', 'u'), ('ừ', 'u'), ('ử', 'u'), ('ữ', 'u'), ('ự', 'u'), ('ỳ', 'y'), ('ỵ', 'y'),
    ('ỷ', 'y'), ('ỹ', 'y');

DROP TABLE IF EXISTS lead_search;
CREATE VIRTUAL TABLE lead_search USING fts5(first_name, last_name, email, company, phone, name, tokenize = 'trigram');
INSERT INTO _search_queue(lead_id) SELECT id FROM lead_records WHERE erased_at IS NULL AND id NOT IN (SELECT lead_id FROM _search_queue);
