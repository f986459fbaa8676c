package releasedb

import (
	"context"
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
func (db *DB) HasLegacyCounts(ctx context.Context) (bool, error) {
	return db.st.HasTable(ctx, "legacy_counts")
}

// EachLegacyCount calls fn with every waiting counter of weeks (weekly) or months, other than
// scores (which no release uses).
func (db *DB) EachLegacyCount(ctx context.Context, weekly bool, fn func(LegacyCount) error) error {
	if ok, err := db.HasLegacyCounts(ctx); err != nil || !ok {
		return err
	}
	// Weeks (2026-W47) and months (2026-11) share the column.
	rows, err := db.read.QueryContext(ctx, `/* releasedb.EachLegacyCount */ select period, questionnaire, version, lang,
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
