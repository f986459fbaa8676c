-- Staff access kept in the database, so that limits hold under concurrency, survive a restart
-- and are shared by every instance on the same database. Written to port to PostgreSQL:
-- ids are made by the program, times are integers or fixed-width text, no SQLite functions.

-- Limits are reservations. A try takes a slot before its work and gives it back when it
-- succeeds; a failed try keeps it until it expires. A key is an HMAC (keyed with the server
-- secret) of what is limited: a typed email, an account id, a device cookie's id. Never an
-- address, and never the email itself (people type passwords into the email field).
CREATE TABLE limit_slots (
	id     INTEGER PRIMARY KEY,           -- random, made by the program
	scope  TEXT NOT NULL,                 -- which allowance: login, login_device, code, redeem, ...
	key    BLOB NOT NULL,
	until  INTEGER NOT NULL               -- unix seconds: the slot counts until then
) STRICT;
CREATE INDEX limit_slots_key ON limit_slots(scope, key, until);
CREATE INDEX limit_slots_until ON limit_slots(until);

-- One row per limited key, written first in every reservation: in PostgreSQL the upsert locks
-- the row until commit, so concurrent tries of one key take turns (SQLite has one writer).
CREATE TABLE limit_keys (
	scope TEXT NOT NULL,
	key   BLOB NOT NULL,
	seen  INTEGER NOT NULL,               -- unix seconds of the last try, for the purge
	PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;

-- Alarms raised, at most one per name and period (an hour), so a flood raises one.
CREATE TABLE limit_alarms (
	name   TEXT NOT NULL,
	period TEXT NOT NULL,                 -- e.g. 2026-03-10T09
	PRIMARY KEY (name, period)
) STRICT, WITHOUT ROWID;

-- Refused tries (wrong password, wrong code, over a limit) are counted here per minute, key
-- and outcome, and folded into the append-only audit log once the minute is over: one audit
-- row per count, so a burst adds a bounded number of rows.
CREATE TABLE audit_tally (
	minute  TEXT NOT NULL,                -- RFC 3339, UTC, seconds zero
	action  TEXT NOT NULL,
	outcome TEXT NOT NULL,
	actor   TEXT NOT NULL,
	detail  TEXT NOT NULL,
	user_id INTEGER,
	n       INTEGER NOT NULL CHECK (n > 0),
	PRIMARY KEY (minute, action, outcome, actor, detail)
) STRICT, WITHOUT ROWID;

-- How many tries an audit row stands for: 1, or the count of a folded minute.
ALTER TABLE audit ADD COLUMN n INTEGER NOT NULL DEFAULT 1;

-- Two-factor sign-in (TOTP, RFC 6238). The secret is sealed with AES-256-GCM under a key
-- derived from the server secret (HKDF-SHA256), bound to the account id. confirmed_at is null
-- while enrolling. last_step is the time step of the last code accepted: that code and older
-- ones are refused, so a code cannot be used twice.
CREATE TABLE staff_totp (
	user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	secret       BLOB NOT NULL,
	confirmed_at TEXT,
	last_step    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Ten one-time recovery codes per account, as HMAC-SHA256 under a key derived from the server
-- secret (the codes hold 80 random bits, so a keyed hash is enough). Using one deletes it.
CREATE TABLE recovery_codes (
	user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	code_hash BLOB NOT NULL,
	PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;

-- Whether an account must use two-factor sign-in (admins always must; see internal/access).
ALTER TABLE users ADD COLUMN totp_required INTEGER NOT NULL DEFAULT 0 CHECK (totp_required IN (0, 1));

-- A sign-in half done: the password was right and a second factor (a code, or enrolment) is
-- next. Only a hash of its 256-bit token is kept; it lasts minutes and is used once.
CREATE TABLE signin_steps (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	stage      TEXT NOT NULL CHECK (stage IN ('code', 'enrol')),
	created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX signin_steps_user ON signin_steps(user_id);

-- A share code serves the first clinician who redeems it.
ALTER TABLE share_codes ADD COLUMN holder_id INTEGER REFERENCES users(id);
