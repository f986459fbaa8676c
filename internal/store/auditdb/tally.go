package auditdb

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// Refused tries are counted per minute, key and outcome in audit_tally, and folded into the
// audit log once their minute is over. The audit log stays append-only (its rows are inserted
// once, never updated), and a burst of any size adds at most FoldRowsPerMinute rows for a
// minute, plus one row per action and outcome for the keys beyond them.

// Tally is a refused try, counted in the audit log per minute rather than written as a row.
type Tally struct {
	Action  Action
	Outcome Outcome
	UserID  int64  // 0 when no account matched
	Actor   string // the account's email, or what was typed
	Detail  string
}

// FoldRowsPerMinute bounds the audit rows a minute of refused tries becomes: the keys with the
// most tries get a row each, the rest share one row per action and outcome.
const FoldRowsPerMinute = 20

// minuteOf is the minute a tally row counts in, as stored.
func minuteOf(t time.Time) string { return t.UTC().Truncate(time.Minute).Format(store.TimeFormat) }

// TallyTx counts a refused try inside a caller's transaction.
func (db *DB) TallyTx(tx *sql.Tx, t Tally) error {
	if t.Action == "" || t.Outcome == "" {
		return fmt.Errorf("auditdb: a tally needs an action and an outcome")
	}
	t.Actor, t.Detail = store.StorableText(t.Actor, 254), store.StorableText(t.Detail, 0)
	var uid any
	if t.UserID != 0 {
		uid = t.UserID
	}
	_, err := tx.Exec(`/* auditdb.TallyTx */ insert into audit_tally (minute, action, outcome, actor, detail, user_id, n)
		values (?, ?, ?, ?, ?, ?, 1)
		on conflict (minute, action, outcome, actor, detail) do update set n = audit_tally.n + 1`,
		minuteOf(db.st.Now()), string(t.Action), string(t.Outcome), t.Actor, t.Detail, uid)
	return err
}

// FoldTally turns the counts of every minute before the given time into audit rows, in
// one transaction, and returns how many rows it wrote. Pass a time in the future to fold
// everything (at shutdown).
func (db *DB) FoldTally(ctx context.Context, before time.Time) (int, error) {
	written := 0
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		written = 0
		// Deleted first and folded from what the delete returns: of two instances folding at
		// once, only one gets each row (PostgreSQL makes the second wait, then finds them gone).
		rows, err := tx.Query(`/* auditdb.FoldTally */ delete from audit_tally where minute < ?
			returning minute, action, outcome, actor, detail, coalesce(user_id, 0), n`, minuteOf(before))
		if err != nil {
			return err
		}
		type tallied struct {
			minute string
			e      Entry
		}
		var all []tallied
		for rows.Next() {
			var t tallied
			if err := rows.Scan(&t.minute, &t.e.Action, &t.e.Outcome, &t.e.Actor, &t.e.Detail, &t.e.UserID, &t.e.Count); err != nil {
				rows.Close()
				return err
			}
			t.e.At = store.ParseTime(t.minute)
			all = append(all, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Each minute's keys with the most tries first.
		slices.SortFunc(all, func(a, b tallied) int {
			return cmp.Or(cmp.Compare(a.minute, b.minute), cmp.Compare(b.e.Count, a.e.Count), cmp.Compare(a.e.Action, b.e.Action),
				cmp.Compare(a.e.Outcome, b.e.Outcome), cmp.Compare(a.e.Actor, b.e.Actor), cmp.Compare(a.e.Detail, b.e.Detail))
		})
		type other struct {
			minute  string
			action  Action
			outcome Outcome
		}
		var keep []Entry
		others := map[other][2]int{} // keys and tries beyond the minute's rows
		var order []other
		perMinute := map[string]int{}
		for _, t := range all {
			if perMinute[t.minute] < FoldRowsPerMinute {
				perMinute[t.minute]++
				keep = append(keep, t.e)
				continue
			}
			k := other{t.minute, t.e.Action, t.e.Outcome}
			if _, ok := others[k]; !ok {
				order = append(order, k)
			}
			o := others[k]
			others[k] = [2]int{o[0] + 1, o[1] + t.e.Count}
		}
		for _, k := range order {
			o := others[k]
			keep = append(keep, Entry{At: store.ParseTime(k.minute), Actor: "(" + strconv.Itoa(o[0]) + " others)",
				Action: k.action, Outcome: k.outcome, Detail: "keys=" + strconv.Itoa(o[0]), Count: o[1]})
		}
		for _, e := range keep {
			if err := db.AppendTx(tx, e); err != nil {
				return err
			}
		}
		written = len(keep)
		return nil
	})
	return written, err
}

// Total is how many tries of an action ended with an outcome.
type Total struct {
	Action  Action
	Outcome Outcome
	Tries   int // the sum of the rows' counts
	Rows    int
}

// Totals sums the audit log since a time by action and outcome, counting each row's
// tries, and the minutes not folded yet: what the audit page shows above the rows.
func (db *DB) Totals(ctx context.Context, since time.Time) ([]Total, error) {
	rows, err := db.read.QueryContext(ctx, `/* auditdb.Totals */ select action, outcome, sum(n), sum(r) from (
			select action, outcome, n, 1 as r from audit where at >= ?
			union all
			select action, outcome, n, 0 as r from audit_tally where minute >= ?
		) t group by action, outcome order by action, outcome`,
		since.UTC().Format(time.RFC3339), minuteOf(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var t Total
		if err := rows.Scan(&t.Action, &t.Outcome, &t.Tries, &t.Rows); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
