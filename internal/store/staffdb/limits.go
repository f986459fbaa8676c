package staffdb

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// Limit is one allowance: at most Max tries of one Scope and Key within Window. A try holds a
// slot from the moment it starts, so tries running at the same time count too; a failed try
// keeps its slot until the window has passed, a successful one gives it back.
type Limit struct {
	Scope  string
	Key    []byte // an HMAC of what is limited (see internal/access), never the thing itself
	Max    int
	Window time.Duration
}

// Reservation is the slots one try holds while it runs.
type Reservation struct{ ids []int64 }

// Held reports whether the reservation holds any slot.
func (r Reservation) Held() bool { return len(r.ids) > 0 }

// Reserve takes one slot of every limit, or none. When a limit is full it takes none, counts
// the refusal and returns how long until that limit has room again (at least a second).
//
// Each limit is two statements in the write transaction: an upsert of the key's row, which in
// PostgreSQL locks it until commit so concurrent tries of one key take turns, then a single
// conditional insert that counts the live slots and adds one only below the maximum. SQLite
// runs one write transaction at a time anyway; neither backend can hand out more slots than
// the maximum, however many tries arrive together.
func (db *DB) Reserve(ctx context.Context, limits []Limit, refused auditdb.Tally) (Reservation, time.Duration, error) {
	for _, l := range limits {
		if l.Scope == "" || len(l.Key) == 0 || l.Max < 1 || l.Window < time.Second {
			return Reservation{}, 0, errors.New("staffdb: a limit needs a scope, a key, a maximum and a window of a second or more")
		}
	}
	// Keys are locked in one order, so two tries of overlapping limits cannot deadlock in
	// PostgreSQL.
	limits = slices.Clone(limits)
	slices.SortFunc(limits, func(a, b Limit) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), bytes.Compare(a.Key, b.Key))
	})
	var r Reservation
	var wait time.Duration
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		r, wait = Reservation{}, 0
		now := db.st.Now()
		for _, l := range limits {
			id := store.RandomRowID()
			ok, w, err := reserveSlot(tx, l, id, now)
			if err != nil {
				return err
			}
			if !ok {
				wait = max(wait, w)
				continue
			}
			r.ids = append(r.ids, id)
		}
		if wait == 0 {
			return nil
		}
		// All or nothing: a refused try holds no slot of the limits that had room.
		if err := deleteSlots(tx, r.ids); err != nil {
			return err
		}
		r = Reservation{}
		return db.audit.TallyTx(tx, refused)
	})
	if err != nil {
		return Reservation{}, 0, err
	}
	return r, wait, nil
}

// reserveSlot takes a slot of one limit inside a write transaction, or says how long until
// one is free.
func reserveSlot(tx *sql.Tx, l Limit, id int64, now time.Time) (bool, time.Duration, error) {
	unix := now.Unix()
	if _, err := tx.Exec(`/* staffdb.Reserve */ insert into limit_keys (scope, key, seen) values (?, ?, ?)
		on conflict (scope, key) do update set seen = excluded.seen`, l.Scope, l.Key, unix); err != nil {
		return false, 0, err
	}
	res, err := tx.Exec(`/* staffdb.Reserve */ insert into limit_slots (id, scope, key, until)
		select ?, ?, ?, ? where (select count(*) from limit_slots where scope = ? and key = ? and until > ?) < ?`,
		id, l.Scope, l.Key, now.Add(l.Window).Unix(), l.Scope, l.Key, unix, l.Max)
	if err != nil {
		return false, 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, 0, err
	}
	// Full: room comes when the oldest slot beyond the maximum expires.
	var held int
	if err := tx.QueryRow(`/* staffdb.Reserve */ select count(*) from limit_slots where scope = ? and key = ? and until > ?`,
		l.Scope, l.Key, unix).Scan(&held); err != nil {
		return false, 0, err
	}
	var until int64
	err = tx.QueryRow(`/* staffdb.Reserve */ select until from limit_slots where scope = ? and key = ? and until > ?
		order by until limit 1 offset ?`, l.Scope, l.Key, unix, max(held-l.Max, 0)).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		until = unix + 1
	} else if err != nil {
		return false, 0, err
	}
	return false, time.Duration(max(until-unix, 1)) * time.Second, nil
}

func deleteSlots(tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.Exec(`/* staffdb.Release */ delete from limit_slots where id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// Release gives a reservation's slots back: the try succeeded, or was never evaluated (then t
// counts why, when given).
func (db *DB) Release(ctx context.Context, r Reservation, t *auditdb.Tally) error {
	if !r.Held() && t == nil {
		return nil
	}
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		if err := deleteSlots(tx, r.ids); err != nil || t == nil {
			return err
		}
		return db.audit.TallyTx(tx, *t)
	})
}

// Keep leaves a failed try's slots in place until they expire, and counts the failure.
func (db *DB) Keep(ctx context.Context, r Reservation, failed auditdb.Tally) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error { return db.audit.TallyTx(tx, failed) })
}

// HeldSlots counts the live slots of a scope over every key: the failed tries of its window,
// and the tries running now.
func (db *DB) HeldSlots(ctx context.Context, scope string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `/* staffdb.HeldSlots */ select count(*) from limit_slots where scope = ? and until > ?`,
		scope, db.st.Now().Unix()).Scan(&n)
	return n, err
}

// RaiseAlarm records an alarm at most once per name and period (such as an hour) and writes e
// to the audit log when this call raised it. It reports whether it did.
func (db *DB) RaiseAlarm(ctx context.Context, name, period string, e auditdb.Entry) (bool, error) {
	raised := false
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		raised = false
		res, err := tx.Exec(`/* staffdb.RaiseAlarm */ insert into limit_alarms (name, period) values (?, ?)
			on conflict (name, period) do nothing`, name, period)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		raised = true
		return db.audit.AppendTx(tx, e)
	})
	return raised, err
}

// PurgeLimits deletes expired slots, keys not tried for a day, alarms older than a week and
// sign-ins left half done. Run often (every minute): an attack leaves many slots behind.
func (db *DB) PurgeLimits(ctx context.Context) error {
	now := db.st.Now()
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql string
			arg any
		}{
			{`/* staffdb.PurgeLimits */ delete from limit_slots where until <= ?`, now.Unix()},
			{`/* staffdb.PurgeLimits */ delete from limit_keys where seen < ?`, now.Add(-24 * time.Hour).Unix()},
			{`/* staffdb.PurgeLimits */ delete from limit_alarms where period < ?`, now.Add(-7 * 24 * time.Hour).UTC().Format(time.RFC3339)},
			{`/* staffdb.PurgeLimits */ delete from signin_steps where created_at <= ?`, now.Add(-SignInStepLifetime).UTC().Format(store.TimeFormat)},
		} {
			if _, err := tx.Exec(q.sql, q.arg); err != nil {
				return err
			}
		}
		return nil
	})
}
