-- Append-only audit of staff actions: who, what, which response, when, outcome. Never answers,
-- codes, tokens or passwords. Triggers refuse updates and deletes.
CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,            -- RFC 3339, UTC (staff actions, not respondents)
	user_id     INTEGER,                  -- null when no account matched (failed login)
	actor       TEXT NOT NULL,            -- the account's email, or what was typed at login (capped)
	action      TEXT NOT NULL,
	response_id TEXT,
	outcome     TEXT NOT NULL,            -- ok | denied | failed | throttled
	detail      TEXT NOT NULL DEFAULT ''  -- parameters of an export, never answers
) STRICT;
CREATE INDEX audit_user ON audit(user_id, id);
CREATE INDEX audit_action ON audit(action, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
