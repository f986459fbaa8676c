package releasedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// LedgerEntry is one row of the budget ledger: a release of one questionnaire's period.
type LedgerEntry struct {
	ID                int64
	Questionnaire     string
	Period            string // 2026-W05 or 2026-02
	FirstDay, LastDay string // YYYY-MM-DD
	Epsilon, Delta    float64
	Mechanism         string
	Kind              string // release, rerelease, counters (made from the counters kept before releases)
	MadeOn            string // YYYY-MM-DD
	Actor             string
}

// Release is one questionnaire version's release in a ledger entry. Body is what package stats
// wrote; this package does not read it.
type Release struct {
	ID, LedgerID      int64
	Questionnaire     string
	Version           string
	Period            string
	FirstDay, LastDay string
	Body              string
}

// ReleaseBatch is a ledger entry and the releases it paid for.
type ReleaseBatch struct {
	Ledger   LedgerEntry
	Releases []*Release
}

// SaveGuard says what SaveReleases must check and do in its transaction.
type SaveGuard struct {
	// Again allows a batch whose days were already released (a re-release); without it such a
	// batch is refused with ErrReleased.
	Again bool
	// MaxEpsilon caps, per questionnaire, the epsilon of all ledger entries that touch a
	// batch's days, the batch included; above it the batch is refused with a *BudgetError.
	MaxEpsilon float64
	// Audit, when set, is written in the same transaction.
	Audit *auditdb.Entry
	// DropLegacyCounts drops the counters kept before releases in the same transaction.
	DropLegacyCounts bool
}

// ErrReleased means a period was already released.
var ErrReleased = errors.New("already released")

// BudgetError means a release would spend more than a period's cap.
type BudgetError struct {
	Questionnaire, Period string
	Spent, Asked, Max     float64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s %s has spent epsilon %g; %g more would pass the cap of %g", e.Questionnaire, e.Period, e.Spent, e.Asked, e.Max)
}

// SaveReleases writes batches of releases, all or none. It fills the ids.
func (db *DB) SaveReleases(ctx context.Context, batches []*ReleaseBatch, g SaveGuard) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		// Each batch's budget check reads the ledger before writing it: writers of releases
		// take turns (SQLite has one writer; PostgreSQL locks the ledger against other writers,
		// readers go on).
		if db.st.Postgres() {
			if _, err := tx.Exec(`/* releasedb.SaveReleases */ lock table stat_ledger in exclusive mode`); err != nil {
				return err
			}
		}
		for _, b := range batches {
			if err := saveBatch(tx, b, g); err != nil {
				return err
			}
		}
		if g.Audit != nil {
			if err := db.audit.AppendTx(tx, *g.Audit); err != nil {
				return err
			}
		}
		if g.DropLegacyCounts {
			if _, err := tx.Exec(`/* releasedb.SaveReleases */ drop table if exists legacy_counts`); err != nil {
				return err
			}
		}
		return nil
	})
}

func saveBatch(tx *sql.Tx, b *ReleaseBatch, g SaveGuard) error {
	l := &b.Ledger
	var spent float64
	var n int
	// Entries that touch any of the batch's days: summing them bounds every day's total.
	if err := tx.QueryRow(`/* releasedb.saveBatch */ select coalesce(sum(epsilon), 0), count(*) from stat_ledger
		where questionnaire = ? and first_day <= ? and last_day >= ?`, l.Questionnaire, l.LastDay, l.FirstDay).Scan(&spent, &n); err != nil {
		return err
	}
	if n > 0 && !g.Again {
		return fmt.Errorf("%s %s: %w", l.Questionnaire, l.Period, ErrReleased)
	}
	// A hair of slack so that 1.0 + 1.0 fits a cap of 2.0 in floating point.
	if spent+l.Epsilon > g.MaxEpsilon+1e-9 {
		return &BudgetError{l.Questionnaire, l.Period, spent, l.Epsilon, g.MaxEpsilon}
	}
	err := tx.QueryRow(`/* releasedb.saveBatch */ insert into stat_ledger
		(questionnaire, period, first_day, last_day, epsilon, delta, mechanism, kind, made_on, actor)
		values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`, l.Questionnaire, l.Period, l.FirstDay, l.LastDay,
		l.Epsilon, l.Delta, l.Mechanism, l.Kind, l.MadeOn, l.Actor).Scan(&l.ID)
	if err != nil {
		return err
	}
	for _, r := range b.Releases {
		r.LedgerID, r.Questionnaire, r.Period, r.FirstDay, r.LastDay = l.ID, l.Questionnaire, l.Period, l.FirstDay, l.LastDay
		if err := tx.QueryRow(`/* releasedb.saveBatch */ insert into stat_releases
			(ledger_id, questionnaire, version, period, first_day, last_day, body) values (?, ?, ?, ?, ?, ?, ?) returning id`,
			r.LedgerID, r.Questionnaire, r.Version, r.Period, r.FirstDay, r.LastDay, r.Body).Scan(&r.ID); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseFilter selects releases: of these questionnaires (all when empty), whose days touch
// From to To (days, inclusive; empty for no bound).
type ReleaseFilter struct {
	Questionnaires []string
	From, To       string
}

// Releases lists the releases a filter selects, oldest first.
func (db *DB) Releases(ctx context.Context, f ReleaseFilter) ([]*Release, error) {
	if !store.Storable(strings.Join(f.Questionnaires, "") + f.From + f.To) { // no release holds it
		return nil, nil
	}
	q := `/* releasedb.Releases */ select id, ledger_id, questionnaire, version, period, first_day, last_day, body
		from stat_releases where 1 = 1`
	var args []any
	if len(f.Questionnaires) > 0 {
		q += " and questionnaire in (" + strings.TrimSuffix(strings.Repeat("?, ", len(f.Questionnaires)), ", ") + ")"
		for _, id := range f.Questionnaires {
			args = append(args, id)
		}
	}
	if f.From != "" {
		q += " and last_day >= ?"
		args = append(args, f.From)
	}
	if f.To != "" {
		q += " and first_day <= ?"
		args = append(args, f.To)
	}
	rows, err := db.read.QueryContext(ctx, q+" order by first_day, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Release
	for rows.Next() {
		r := &Release{}
		if err := rows.Scan(&r.ID, &r.LedgerID, &r.Questionnaire, &r.Version, &r.Period, &r.FirstDay, &r.LastDay, &r.Body); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Ledger lists the budget ledger, oldest first.
func (db *DB) Ledger(ctx context.Context) ([]LedgerEntry, error) {
	rows, err := db.read.QueryContext(ctx, `/* releasedb.Ledger */ select id, questionnaire, period, first_day, last_day,
		epsilon, delta, mechanism, kind, made_on, actor from stat_ledger order by first_day, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LedgerEntry
	for rows.Next() {
		var e LedgerEntry
		if err := rows.Scan(&e.ID, &e.Questionnaire, &e.Period, &e.FirstDay, &e.LastDay, &e.Epsilon, &e.Delta,
			&e.Mechanism, &e.Kind, &e.MadeOn, &e.Actor); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReleaseSpan is, per questionnaire, the last day its releases cover and, when it has none, the
// day of its oldest stored response: where the release job starts.
type ReleaseSpan struct{ FirstResponse, LastReleased string }

// ReleaseSpans finds the span of every questionnaire that has releases, and of those of
// questionnaires without one that have responses. The responses are read (a scan: their day
// has no index) only when one of questionnaires has no release yet, so the daily run is cheap.
func (db *DB) ReleaseSpans(ctx context.Context, questionnaires []string) (map[string]ReleaseSpan, error) {
	out := map[string]ReleaseSpan{}
	err := db.eachPair(ctx, `/* releasedb.ReleaseSpans */ select questionnaire, max(last_day) from stat_ledger group by questionnaire`,
		func(id, d string) { out[id] = ReleaseSpan{LastReleased: d} })
	if err != nil {
		return nil, err
	}
	for _, id := range questionnaires {
		if _, ok := out[id]; !ok {
			return out, db.eachPair(ctx, `/* releasedb.ReleaseSpans */ select questionnaire, min(day) from responses group by questionnaire`,
				func(id, d string) {
					if _, ok := out[id]; !ok {
						out[id] = ReleaseSpan{FirstResponse: d}
					}
				})
		}
	}
	return out, nil
}

func (db *DB) eachPair(ctx context.Context, query string, fn func(a, b string)) error {
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}
