-- Rows in no order a reader could use. A rowid table numbers its rows as they come, so the Nth
-- response (or share code) could be matched to the Nth submission in a proxy's log, which has
-- exact times and addresses: the day-only rule would be undone. Responses become WITHOUT ROWID,
-- kept in the order of their random ids; share codes keep an integer id, now random.
--
-- The index on day goes: only the daily purge reads by day, a scan once a day is cheap, and
-- every index in random order costs a page write per response (a fifth of the submissions a
-- second, measured).
--
-- Foreign keys are on during migrations, and a DROP of a parent deletes (and cascades) first, so
-- the children are rebuilt before their parents are dropped; renaming a table updates the
-- foreign keys that point at it.
CREATE TABLE responses_new (
	id            TEXT PRIMARY KEY,
	token_hash    BLOB NOT NULL UNIQUE,
	questionnaire TEXT NOT NULL,
	version       TEXT NOT NULL,
	lang          TEXT NOT NULL,
	region        TEXT NOT NULL,
	answers       TEXT NOT NULL,
	scores        TEXT NOT NULL,
	band          TEXT NOT NULL,
	flags         TEXT NOT NULL,
	day           TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO responses_new (id, token_hash, questionnaire, version, lang, region, answers, scores, band, flags, day)
	SELECT id, token_hash, questionnaire, version, lang, region, answers, scores, band, flags, day
	FROM responses ORDER BY id;

CREATE TABLE share_codes_new (
	id          INTEGER PRIMARY KEY,          -- random (Store.CreateShareCode), not a count
	response_id TEXT NOT NULL UNIQUE REFERENCES responses_new(id) ON DELETE CASCADE,
	code_hash   BLOB NOT NULL UNIQUE,
	expires_on  TEXT NOT NULL
) STRICT;
-- Existing codes get new random ids; their grants follow.
CREATE TEMP TABLE share_code_ids AS
	SELECT id AS old, (abs(random()) % 9007199254740991) + 1 AS new FROM share_codes;
INSERT INTO share_codes_new (id, response_id, code_hash, expires_on)
	SELECT m.new, c.response_id, c.code_hash, c.expires_on
	FROM share_codes c JOIN temp.share_code_ids m ON m.old = c.id ORDER BY m.new;

CREATE TABLE session_grants_new (
	session_hash  BLOB NOT NULL REFERENCES sessions(id_hash) ON DELETE CASCADE,
	share_code_id INTEGER NOT NULL REFERENCES share_codes_new(id) ON DELETE CASCADE,
	PRIMARY KEY (session_hash, share_code_id)
) STRICT, WITHOUT ROWID;
INSERT INTO session_grants_new (session_hash, share_code_id)
	SELECT g.session_hash, m.new FROM session_grants g JOIN temp.share_code_ids m ON m.old = g.share_code_id;
DROP TABLE temp.share_code_ids;

DROP TABLE session_grants;
DROP TABLE share_codes;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
ALTER TABLE share_codes_new RENAME TO share_codes;
ALTER TABLE session_grants_new RENAME TO session_grants;
CREATE INDEX share_codes_expiry ON share_codes(expires_on);
CREATE INDEX session_grants_code ON session_grants(share_code_id);
