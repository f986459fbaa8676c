package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ketascreen/ketascreen/internal/pgrebind"
)

// ErrBadURL means a database URL could not be understood.
var ErrBadURL = errors.New("bad database URL")

// ErrConnect means the PostgreSQL server could not be reached or refused the connection.
var ErrConnect = errors.New("cannot connect to PostgreSQL")

// postgresConns bounds the pool: each write holds a connection only for its transaction, and
// more connections than this make PostgreSQL slower, not faster, on a small server.
const postgresConns = 16

func badURL(db, why string) error {
	if r := redact(db); r != "" {
		return fmt.Errorf("%w %s: %s", ErrBadURL, r, why)
	}
	return fmt.Errorf("%w: %s", ErrBadURL, why)
}

// openPostgres connects to the database a postgres:// URL names, checks the settings that
// durability and privacy depend on, and migrates it.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's text starts with the URL, and an error from url.Parse quotes it again: neither
		// may show a password.
		why := err.Error()
		if _, after, ok := strings.Cut(why, "`: "); ok {
			why = after
		}
		return nil, badURL(dsn, strings.ReplaceAll(why, dsn, "the URL"))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second // an unreachable host fails in seconds, not minutes
	}
	db := sql.OpenDB(pgrebind.Connector(stdlib.GetConnector(*cfg)))
	db.SetMaxOpenConns(postgresConns)
	db.SetMaxIdleConns(postgresConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w at %s: %v", ErrConnect, redact(dsn), err)
	}
	if err := checkSettings(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := postgresDialect.migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{read: db, write: db, d: postgresDialect, path: redact(dsn), holder: NewID(), Now: time.Now}
	s.regroup = newRegrouper(s)
	return s, nil
}

// checkSettings refuses a server whose settings would break a promise: synchronous_commit off
// acknowledges commits before they are on disk, and track_commit_timestamp keeps the time of
// every commit, so of every submission.
func checkSettings(ctx context.Context, db *sql.DB) error {
	var syncCommit, commitTimes string
	if err := db.QueryRowContext(ctx, `/* openPostgres */ select current_setting('synchronous_commit'),
		current_setting('track_commit_timestamp')`).Scan(&syncCommit, &commitTimes); err != nil {
		return err
	}
	if syncCommit == "off" {
		return errors.New("synchronous_commit is off for this database or role: a submission could be acknowledged and then lost " +
			"in a crash. Set it on (ALTER ROLE ... SET synchronous_commit = on), or add synchronous_commit=on to the URL")
	}
	if commitTimes == "on" {
		return errors.New("track_commit_timestamp is on: PostgreSQL would keep the time of every commit, and so of every " +
			"submission. Turn it off in postgresql.conf and restart PostgreSQL")
	}
	return nil
}

// redact is a URL as it may be shown: without its password (in the user part or a parameter),
// or "" when it cannot be parsed.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// writePostgres runs fn in a transaction of its own, retried when it lost a race.
func (s *Store) writePostgres(ctx context.Context, fn func(tx *sql.Tx) error) error {
	done, err := s.enter()
	if err != nil {
		return err
	}
	defer done()
	return s.retryTx(ctx, fn)
}

// maxTries bounds how often a transaction is tried.
const maxTries = 8

// retryTx runs fn in a transaction until it commits, fails for another reason than a
// serialization failure or a deadlock (SQLSTATE 40001, 40P01), or has been tried maxTries
// times.
func (s *Store) retryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for try := 1; ; try++ {
		err := s.txOnce(ctx, fn)
		if err == nil || try == maxTries || !retryable(err) {
			return err
		}
		// A short random wait, longer each time, so the transactions that collided do not
		// collide again.
		wait := time.Duration(rand.Int64N(int64(try) * int64(2*time.Millisecond)))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

func (s *Store) txOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// insertResponsePostgres stores a response with one statement, committed when it returns,
// and hands its id to the regrouping (before Close can stop it).
func (s *Store) insertResponsePostgres(ctx context.Context, id string, args []any) error {
	done, err := s.enter()
	if err != nil {
		return err
	}
	defer done()
	if _, err := s.write.ExecContext(ctx, insertResponseSQL, args...); err != nil {
		return err
	}
	s.regroup.add(regrouped{table: "responses", key: id})
	return nil
}

// checkPostgres checks that the schema is this program's and that every table reads through.
func (s *Store) checkPostgres(ctx context.Context) error {
	names, err := s.d.migrationFiles()
	if err != nil {
		return err
	}
	v, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if v != len(names) {
		return fmt.Errorf("schema version %d, this program's is %d", v, len(names))
	}
	for _, t := range Tables {
		var n int64
		if err := s.read.QueryRowContext(ctx, "/* Store.Check */ select count(*) from "+t.Name).Scan(&n); err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
	}
	return nil
}

// Vacuum runs VACUUM on tables after deletes, on PostgreSQL (best effort): it keeps a deleted
// row in the table's files until VACUUM frees its space.
func (s *Store) Vacuum(ctx context.Context, tables ...string) {
	for _, t := range tables {
		_, _ = s.write.ExecContext(ctx, "/* Store.Vacuum */ vacuum "+t)
	}
}
