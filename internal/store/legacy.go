package store

import (
	"context"
	"database/sql"
)

// The counters kept before releases (migration 5 renames them legacy_counts) wait until
// package stats turns their closed periods into releases, which drops them.

// LegacyCount is one counter: responses of a period, questionnaire version, language and
// region that had one metric/key (responses/"", band/<id>, flag/<id>, option/<item>=<code>).
type LegacyCount struct {
	Period, Questionnaire, Version, Lang, Region, Metric, Key string
	N                                                         int64
}

// HasLegacyCounts reports whether counters from before releases are still waiting (never on
// PostgreSQL, which came after releases).
func (s *Store) HasLegacyCounts(ctx context.Context) (bool, error) {
	return s.d.hasTable(ctx, s.read, "legacy_counts")
}

// EachLegacyCount calls fn with every waiting counter of weeks (weekly) or months, other than
// scores (which no release uses).
func (s *Store) EachLegacyCount(ctx context.Context, weekly bool, fn func(LegacyCount) error) error {
	if ok, err := s.HasLegacyCounts(ctx); err != nil || !ok {
		return err
	}
	// Weeks (2026-W47) and months (2026-11) share the column.
	rows, err := s.read.QueryContext(ctx, `/* Store.EachLegacyCount */ select period, questionnaire, version, lang,
		region, metric, key, n from legacy_counts where metric <> 'score' and (period like '%-W%') = ?`, weekly)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c LegacyCount
		if err := rows.Scan(&c.Period, &c.Questionnaire, &c.Version, &c.Lang, &c.Region, &c.Metric, &c.Key, &c.N); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dropEmptyLegacyCounts drops the waiting counters when there are none (a new database, or one
// that never had a response): nothing to turn into releases.
func dropEmptyLegacyCounts(ctx context.Context, db *sql.DB, d dialect) error {
	if ok, err := d.hasTable(ctx, db, "legacy_counts"); err != nil || !ok {
		return err
	}
	var any int
	err := db.QueryRowContext(ctx, `/* Store.dropEmptyLegacyCounts */ select count(*) from (select 1 from legacy_counts limit 1) t`).Scan(&any)
	if err != nil || any > 0 {
		return err
	}
	_, err = db.ExecContext(ctx, `/* Store.dropEmptyLegacyCounts */ drop table legacy_counts`)
	return err
}
