-- Responses: no IP, no User-Agent, no exact time; the day only.
CREATE TABLE responses (
	id            TEXT PRIMARY KEY,          -- random, internal (share codes and audit point here)
	token_hash    BLOB NOT NULL UNIQUE,      -- SHA-256 of the respondent's result token
	questionnaire TEXT NOT NULL,
	version       TEXT NOT NULL,
	lang          TEXT NOT NULL,
	region        TEXT NOT NULL,
	answers       TEXT NOT NULL,             -- JSON {"item": ["code", ...]}
	scores        TEXT NOT NULL,             -- JSON {"score": n}
	band          TEXT NOT NULL,
	flags         TEXT NOT NULL,             -- JSON ["flag", ...], most severe first
	day           TEXT NOT NULL              -- YYYY-MM-DD, UTC
) STRICT;
CREATE INDEX responses_day ON responses(day);

-- A deleted response leaves only the hash of its token, so the link can say "deleted".
CREATE TABLE deleted_tokens (
	token_hash BLOB PRIMARY KEY,
	day        TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Aggregate counters, updated in the same transaction as each submission and deletion.
-- period is an ISO week (2026-W47) or a month (2026-11); nothing finer is kept.
-- metric/key: responses/'' , band/<band id>, flag/<flag id>, option/<item>=<code>, score/<score>=<n>
CREATE TABLE counts (
	period        TEXT NOT NULL,
	questionnaire TEXT NOT NULL,
	version       TEXT NOT NULL,
	lang          TEXT NOT NULL,
	region        TEXT NOT NULL,
	metric        TEXT NOT NULL,
	key           TEXT NOT NULL,
	n             INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (period, questionnaire, version, lang, region, metric, key)
) STRICT, WITHOUT ROWID;
