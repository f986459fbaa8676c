-- What every instance on one database must agree on, beyond the rows themselves.
--
-- meta holds named facts about the deployment. secret_fingerprint is an HMAC-SHA256 of a fixed
-- string keyed with the server secret (never the secret): an instance started with another
-- secret, or a copy of the database restored next to the wrong secret, refuses to start
-- rather than silently fail every share code, session and two-factor secret.
CREATE TABLE meta (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Background jobs (the daily release and purge, the audit fold) run once across instances:
-- an instance runs a job only while it holds the job's lease, taken with one conditional
-- upsert that succeeds only when the lease is free or expired.
CREATE TABLE job_leases (
	name   TEXT PRIMARY KEY,
	holder TEXT NOT NULL,                 -- a random id of the holding process, nothing else
	until  INTEGER NOT NULL               -- unix seconds: the lease is held until then
) STRICT, WITHOUT ROWID;
