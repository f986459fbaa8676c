-- Staff accounts (clinicians and admins), their sessions, and the respondents' share codes.
-- No password, session id or share code is ever stored: only Argon2id hashes of passwords,
-- SHA-256 of session ids (256 random bits), and HMAC-SHA256 of share codes keyed with a secret
-- kept outside this file.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role          TEXT NOT NULL CHECK (role IN ('clinician', 'admin')),
	password_hash TEXT NOT NULL,             -- $argon2id$v=19$m=...,t=...,p=...$salt$hash
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL              -- RFC 3339, UTC
) STRICT;

CREATE TABLE sessions (
	id_hash      BLOB PRIMARY KEY,           -- SHA-256 of the cookie's value
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,              -- RFC 3339, UTC: the absolute timeout counts from here
	last_seen_at TEXT NOT NULL               -- the idle timeout counts from here
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- One active code per response; deleting the response deletes its code.
CREATE TABLE share_codes (
	id          INTEGER PRIMARY KEY,
	response_id TEXT NOT NULL UNIQUE REFERENCES responses(id) ON DELETE CASCADE,
	code_hash   BLOB NOT NULL UNIQUE,        -- HMAC-SHA256(secret, code)
	expires_on  TEXT NOT NULL                -- YYYY-MM-DD, UTC: valid through the end of that day
) STRICT;
CREATE INDEX share_codes_expiry ON share_codes(expires_on);

-- The summaries a session may open: a code redeemed in that session. Signing out, the code's
-- revocation or expiry, or the response's deletion ends the access.
CREATE TABLE session_grants (
	session_hash  BLOB NOT NULL REFERENCES sessions(id_hash) ON DELETE CASCADE,
	share_code_id INTEGER NOT NULL REFERENCES share_codes(id) ON DELETE CASCADE,
	PRIMARY KEY (session_hash, share_code_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_grants_code ON session_grants(share_code_id);
