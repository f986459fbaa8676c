// Package jobdb keeps what lets background jobs run once across every instance on one
// database: leases and the day each job last ran.
//
// Before a run, an instance takes the job's lease, which one conditional upsert grants only
// when nobody holds it or its time is over (or the instance holds it already). It works the
// same on SQLite (several processes on one file) and PostgreSQL (the upsert locks the lease's
// row, so of two instances asking at once one gets it and the other sees it taken). An
// instance is named in leases by its store's Holder, made at Open.
package jobdb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// DB is the jobs' leases and last runs in a store.
type DB struct{ st *store.Store }

// New is the jobs' leases and last runs in st.
func New(st *store.Store) *DB { return &DB{st: st} }

// Lease takes the named lease for d, or renews it when this store holds it. It reports
// whether this store holds it now.
func (db *DB) Lease(ctx context.Context, name string, d time.Duration) (bool, error) {
	if name == "" || d < time.Second {
		return false, errors.New("jobdb: a lease needs a name and a duration of a second or more")
	}
	held := false
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		now := db.st.Now()
		res, err := tx.Exec(`/* jobdb.Lease */ insert into job_leases (name, holder, until) values (?, ?, ?)
			on conflict (name) do update set holder = excluded.holder, until = excluded.until
			where job_leases.until <= ? or job_leases.holder = excluded.holder`,
			name, db.st.Holder(), now.Add(d).Unix(), now.Unix())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		held = n == 1
		return err
	})
	return held, err
}

// EndLease gives the named lease up, when this store holds it, so that another instance may
// take it at once (after a job failed, say).
func (db *DB) EndLease(ctx context.Context, name string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* jobdb.EndLease */ delete from job_leases where name = ? and holder = ?`, name, db.st.Holder())
		return err
	})
}

// LastRun is the last day (YYYY-MM-DD) a job recorded it ran, or "".
func (db *DB) LastRun(ctx context.Context, job string) (string, error) {
	var day string
	err := db.st.ReadDB().QueryRowContext(ctx, `/* jobdb.LastRun */ select value from meta where name = ?`, "last_run:"+job).Scan(&day)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return day, err
}

// SetLastRun records the day a job ran, so that other instances do not run it again that day.
func (db *DB) SetLastRun(ctx context.Context, job, day string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* jobdb.SetLastRun */ insert into meta (name, value) values (?, ?)
			on conflict (name) do update set value = excluded.value`, "last_run:"+job, day)
		return err
	})
}
