package auditdb

import (
	"context"
	"strings"

	"github.com/ketascreen/ketascreen/internal/store"
)

// Filter selects audit rows, newest first, a page at a time.
type Filter struct {
	User   string // an account's email: rows about that account, or typed as its email
	Action string
	Before int64 // only rows with a smaller id (the next page); 0 for the newest
	Limit  int   // at most this many (1 to 1000; default 50)
}

// Entries lists audit rows matching the filter, newest first.
func (db *DB) Entries(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	if !store.Storable(f.User + f.Action) { // no row holds it: text is stored Storable
		return nil, nil
	}
	var where []string
	var args []any
	if f.User != "" {
		where = append(where, `(user_id = (select id from users where email = ?) or actor = ? collate nocase)`)
		args = append(args, strings.TrimSpace(f.User), strings.TrimSpace(f.User))
	}
	if f.Action != "" {
		where = append(where, `action = ?`)
		args = append(args, f.Action)
	}
	if f.Before > 0 {
		where = append(where, `id < ?`)
		args = append(args, f.Before)
	}
	q := `/* auditdb.Entries */ select id, at, coalesce(user_id, 0), actor, action, coalesce(response_id, ''), outcome, detail, n from audit`
	if len(where) > 0 {
		q += ` where ` + strings.Join(where, ` and `)
	}
	q += ` order by id desc limit ?`
	args = append(args, f.Limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.ResponseID, &e.Outcome, &e.Detail, &e.Count); err != nil {
			return nil, err
		}
		e.At = store.ParseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Actions lists the actions that occur in the audit log, for a filter's choices.
func (db *DB) Actions(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `/* auditdb.Actions */ select distinct action from audit order by action`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
