// Package store is the core of ketascreen's database: it opens SQLite (one file, the default)
// or PostgreSQL (several instances on one database), migrates the schema, and runs every
// write. It owns the schema's history (the numbered migrations of each backend, embedded, and
// the list of tables), how writes are run and made durable, and what hides the order
// submissions came in (SQLite's WAL checkpoints, PostgreSQL's regrouping of new rows).
//
// The tables are kept by packages under it, one per area, each a DB made with New(store):
// responsedb (what respondents leave: responses, deleted tokens, share codes), staffdb
// (accounts, sessions, second factors, limits, share-code claims, the server secret's
// fingerprint), auditdb (the audit log), releasedb (statistics releases and their ledger),
// jobdb (background jobs' leases and last runs), and dbcopy (a whole database copied to
// another). They run their SQL through what the core exports: Write for a write transaction,
// ReadDB for reads, Now for the clock, Holder for leases, and the few places the backends
// differ (Postgres, ForUpdate, HasTable, Vacuum, ForgetDeleted). A submission's row is
// inserted by the core itself (InsertResponse): it is the write the order-hiding is about.
//
// There is one implementation over database/sql, not an interface with two: the SQL is written
// by hand to run on both (ids the program makes, "insert ... on conflict", fixed-width text
// times, "?" placeholders that the PostgreSQL connection renumbers to $n with package
// pgrebind), so one set of queries and one set of tests serve both. What cannot be the same is
// isolated in a small dialect (dialect.go): the migrations and their version bookkeeping, a
// row lock where PostgreSQL needs one, the integrity check, backups, and SQLite's WAL.
//
// Writes differ in how they are run, not in their SQL. SQLite has one writer connection: every
// write goes through one goroutine that batches concurrent writes into one durable transaction
// (group commit). PostgreSQL takes concurrent transactions: each write is its own
// transaction from a pool, retried when PostgreSQL reports a serialization failure or a
// deadlock, and durable when its commit returns (synchronous_commit on).
package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"
)

// ErrNotFound means the thing asked for does not exist (or no longer does).
var ErrNotFound = errors.New("not found")

// ErrClosed means the store was closed: nothing more can be written.
var ErrClosed = errors.New("store: closed")

// Store is the database.
type Store struct {
	read  *sql.DB // SQLite: a read-only pool; PostgreSQL: the pool
	write *sql.DB // SQLite: the one writer connection; PostgreSQL: the pool
	d     dialect
	path  string // the file, or the URL without its password

	// holder names this process in job leases: random, made at Open.
	holder string

	// SQLite's writer (sqlite.go, wal.go).
	stmts  *writeStmts
	writes chan *writeOp
	done   chan struct{}
	wal    walKeeper

	// PostgreSQL's writes in flight, waited for by Close, and the regrouping of new rows
	// (regroup.go).
	inflight sync.WaitGroup
	regroup  *regrouper

	mu     sync.RWMutex // closed, against writes starting after Close
	closed bool

	// Now is the clock; tests replace it. Only days and weeks of it reach response rows.
	Now func() time.Time
}

// Open opens the database, creating it if needed, and applies migrations: a postgres:// or
// postgresql:// URL is a PostgreSQL database, anything else the path of a SQLite file.
func Open(ctx context.Context, db string) (*Store, error) {
	if db == "" {
		return nil, errors.New("no database path")
	}
	if IsPostgres(db) {
		return openPostgres(ctx, db)
	}
	if i := strings.Index(db, "://"); i > 0 && !strings.ContainsAny(db[:i], `/\`) {
		return nil, badURL(db, "only postgres:// URLs (or a file path for SQLite) are understood")
	}
	return openSQLite(ctx, db)
}

// IsPostgres says whether db names a PostgreSQL database rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.d.postgres }

// Close finishes the writes in flight and closes the database. Writes after it, and a second
// Close, return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	if !s.d.postgres {
		close(s.writes)
	}
	s.mu.Unlock()
	if s.d.postgres {
		s.inflight.Wait()
		s.regroup.stop()
		return s.write.Close()
	}
	<-s.done
	s.stmts.close()
	// A checkpoint folds the WAL back into the main file so a copy of the file alone is whole.
	_, _ = s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return errors.Join(s.read.Close(), s.write.Close())
}

// Path is the database file, or the PostgreSQL URL without its password.
func (s *Store) Path() string { return s.path }

// Holder names this store in job leases (package jobdb): random, made at Open.
func (s *Store) Holder() string { return s.holder }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "/* Store.Ping */ select 1").Scan(&one)
}

// Closed says whether Close has been called: a read on a closed pool fails with database/sql's
// own error, which callers report as ErrClosed.
func (s *Store) Closed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// ReadDB is the pool for reads: on SQLite its connections cannot write (writes go through
// Write); on PostgreSQL it is the one pool.
func (s *Store) ReadDB() *sql.DB { return s.read }

// Write runs fn in a write transaction and returns once it is durably committed. fn may run
// more than once (PostgreSQL retries a transaction that lost a race), so it must set what it
// reports from scratch each time. On SQLite concurrent writes are batched into one
// transaction, each inside its own savepoint, so one write's error undoes only that write.
func (s *Store) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.d.postgres {
		return s.writePostgres(ctx, fn)
	}
	return s.enqueue(ctx, &writeOp{fn: fn, done: make(chan error, 1)})
}

// InsertResponse stores one response row, durably when it returns nil. args are its columns
// in the order of insertResponseSQL: id, token_hash, questionnaire, version, lang, region,
// answers, scores, band, flags, day (package responsedb makes them). A submission takes the
// path that hides the order submissions came in: on SQLite the writer's prepared insert,
// counted towards emptying the WAL (wal.go); on PostgreSQL one statement whose row then joins
// the regrouping (regroup.go).
func (s *Store) InsertResponse(ctx context.Context, id string, args []any) error {
	if s.d.postgres {
		return s.insertResponsePostgres(ctx, id, args)
	}
	return s.enqueue(ctx, &writeOp{create: &newResponse{args: args}, done: make(chan error, 1)})
}

// enter counts a PostgreSQL write in flight, or refuses it after Close.
func (s *Store) enter() (done func(), err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	s.inflight.Add(1)
	return s.inflight.Done, nil
}

// Backup writes a consistent copy of a SQLite database to dest with VACUUM INTO and checks
// it. On PostgreSQL it refuses: pg_dump is the tool (see ketascreen backup).
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.d.postgres {
		return errors.New("a PostgreSQL database is backed up with pg_dump, not by ketascreen")
	}
	return s.backupSQLite(ctx, dest)
}

// Check checks the database: SQLite's PRAGMA integrity_check; on PostgreSQL, which checks its
// own pages, that the schema is this program's and that every table can be read through.
func (s *Store) Check(ctx context.Context) error {
	if s.d.postgres {
		return s.checkPostgres(ctx)
	}
	return integrity(ctx, s.read)
}

// ForgetDeleted empties SQLite's WAL after a delete. secure_delete zeroes the freed bytes in the new
// copy of each page, but the WAL still holds the old copies, deleted answers included, until
// a checkpoint folds it into the file and truncates it. Best effort: if readers hold an old
// snapshot the WAL stays for the next checkpoint (another delete, the daily purge, Close).
// PostgreSQL keeps deleted rows until VACUUM, which the daily purge runs (see Vacuum).
func (s *Store) ForgetDeleted(ctx context.Context) {
	if s.d.postgres {
		return
	}
	_, _ = s.write.ExecContext(ctx, "/* Store.ForgetDeleted */ PRAGMA wal_checkpoint(TRUNCATE)")
}
