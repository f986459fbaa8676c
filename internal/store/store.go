// Package store keeps everything ketascreen writes to disk in one SQLite file: responses,
// their aggregate counters, and (for clinicians and admins) accounts, sessions, share codes and
// the audit log. Reads use a pool; every write goes through one writer connection that batches
// concurrent writes into one durable transaction (group commit).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound means the thing asked for does not exist (or no longer does).
var ErrNotFound = errors.New("not found")

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the database.
type Store struct {
	read   *sql.DB
	write  *sql.DB
	writes chan *writeOp
	done   chan struct{}
	path   string

	// Now is the clock; tests replace it. Only days and weeks of it reach response rows.
	Now func() time.Time
}

// Open opens (creating if needed) the database file and applies migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("no database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	// busy_timeout first, so the other pragmas wait for a lock instead of failing.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := sql.Open("sqlite", dsn+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// The file holds answers about drug use: readable by this user only.
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			_ = os.Chmod(f, 0o600)
		}
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	s := &Store{read: r, write: w, writes: make(chan *writeOp, 1024), done: make(chan struct{}), path: path, Now: time.Now}
	go s.writer()
	return s, nil
}

// Close finishes queued writes and closes the database.
func (s *Store) Close() error {
	close(s.writes)
	<-s.done
	// A checkpoint folds the WAL back into the main file so a copy of the file alone is whole.
	_, _ = s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return errors.Join(s.read.Close(), s.write.Close())
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "/* Store.Ping */ select 1").Scan(&one)
}

func migrate(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var current int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current > len(names) {
		return fmt.Errorf("the database is at schema version %d, newer than this program (%d): use a newer ketascreen", current, len(names))
	}
	for i, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil || n != i+1 {
			return fmt.Errorf("migration %s is out of sequence", name)
		}
		if n <= current {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// writeOp is one unit of work for the writer.
type writeOp struct {
	fn   func(tx *sql.Tx) error
	done chan error
}

// maxBatch bounds how many writes share one transaction.
const maxBatch = 256

// Write runs fn in a write transaction and returns once it is durably committed. Concurrent
// writes are batched into one transaction, each inside its own savepoint, so one write's error
// undoes only that write.
func (s *Store) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	op := &writeOp{fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- op:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, wait for the outcome even if the caller gives up: the write may commit.
	return <-op.done
}

func (s *Store) writer() {
	defer close(s.done)
	batch := make([]*writeOp, 0, maxBatch)
	for op := range s.writes {
		batch = append(batch[:0], op)
	collect:
		for len(batch) < maxBatch {
			select {
			case more, ok := <-s.writes:
				if !ok {
					break collect
				}
				batch = append(batch, more)
			default:
				break collect
			}
		}
		s.commit(batch)
	}
}

func (s *Store) commit(batch []*writeOp) {
	errs := make([]error, len(batch))
	tx, err := s.write.BeginTx(context.Background(), nil)
	if err == nil {
		for i, op := range batch {
			if _, err = tx.Exec("SAVEPOINT w"); err != nil {
				break
			}
			if errs[i] = op.fn(tx); errs[i] != nil {
				if _, err = tx.Exec("ROLLBACK TO w"); err != nil {
					break
				}
			}
			if _, err = tx.Exec("RELEASE w"); err != nil {
				break
			}
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	for i, op := range batch {
		if err != nil {
			op.done <- fmt.Errorf("write transaction: %w", err)
		} else {
			op.done <- errs[i]
		}
	}
}

// Backup writes a consistent copy of the database to dest with VACUUM INTO and checks it.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s already exists", dest)
	}
	// A connection of its own: VACUUM INTO cannot run in a transaction nor on the query-only pool.
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "/* Store.Backup */ VACUUM INTO ?", dest); err != nil {
		return err
	}
	_ = os.Chmod(dest, 0o600)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: dest}).EscapedPath()+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	return integrity(ctx, db)
}

// Check runs PRAGMA integrity_check on the database.
func (s *Store) Check(ctx context.Context) error { return integrity(ctx, s.read) }

func integrity(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}
