-- Statistics become releases. Once a week (or month) is over, the release job counts that
-- period's responses into fixed tables, adds differentially private noise and stores the
-- result here for good; dashboards and exports only read these tables. The store keeps what
-- package stats gives it (body is its JSON) and never recomputes anything.
--
-- The budget ledger: one row per release of one questionnaire's period (every version of it),
-- with the epsilon it spent. A period is released once; releasing it again is an explicit,
-- audited act, capped per period by summing the epsilons of the rows that cover its days.
CREATE TABLE stat_ledger (
	id            INTEGER PRIMARY KEY,
	questionnaire TEXT NOT NULL,
	period        TEXT NOT NULL,              -- 2026-W05 or 2026-02
	first_day     TEXT NOT NULL,              -- YYYY-MM-DD, the period's first day
	last_day      TEXT NOT NULL,              -- YYYY-MM-DD, its last day
	epsilon       REAL NOT NULL CHECK (epsilon > 0),
	delta         REAL NOT NULL CHECK (delta >= 0 AND delta < 1),
	mechanism     TEXT NOT NULL,              -- gaussian | laplace
	kind          TEXT NOT NULL CHECK (kind IN ('release', 'rerelease', 'counters')),
	made_on       TEXT NOT NULL,              -- YYYY-MM-DD
	actor         TEXT NOT NULL               -- job, cli, or the account that asked
) STRICT;
CREATE INDEX stat_ledger_days ON stat_ledger(questionnaire, last_day);

-- One release per questionnaire version in a ledger row.
CREATE TABLE stat_releases (
	id            INTEGER PRIMARY KEY,
	ledger_id     INTEGER NOT NULL REFERENCES stat_ledger(id),
	questionnaire TEXT NOT NULL,
	version       TEXT NOT NULL,
	period        TEXT NOT NULL,
	first_day     TEXT NOT NULL,
	last_day      TEXT NOT NULL,
	body          TEXT NOT NULL,              -- layout, noise and noisy cells, as package stats writes them
	UNIQUE (ledger_id, version)
) STRICT;
CREATE INDEX stat_releases_days ON stat_releases(questionnaire, last_day);

-- Neither is ever changed or deleted: a release is what was published.
CREATE TRIGGER stat_ledger_no_update BEFORE UPDATE ON stat_ledger BEGIN SELECT RAISE(ABORT, 'the statistics ledger is append-only'); END;
CREATE TRIGGER stat_ledger_no_delete BEFORE DELETE ON stat_ledger BEGIN SELECT RAISE(ABORT, 'the statistics ledger is append-only'); END;
CREATE TRIGGER stat_releases_no_update BEFORE UPDATE ON stat_releases BEGIN SELECT RAISE(ABORT, 'a release is never changed'); END;
CREATE TRIGGER stat_releases_no_delete BEFORE DELETE ON stat_releases BEGIN SELECT RAISE(ABORT, 'a release is never deleted'); END;

-- The counters of the first version (per week and month, per language and region, per answer)
-- are no longer written. They wait here until package stats turns the closed periods among
-- them into noisy releases and drops the table, in one transaction (Store.SaveReleases with
-- DropLegacyCounts); noise needs Go, so SQL cannot do it. An empty table is dropped at once.
ALTER TABLE counts RENAME TO legacy_counts;
