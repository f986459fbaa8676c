package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// openSQLite opens (creating if needed) a SQLite database file: a read pool, one writer
// connection and the writer goroutine.
func openSQLite(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	// A new file is created readable by this user only before SQLite opens it (SQLite gives its
	// -wal and -shm files the same mode), so there is no moment when others could open it.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	// busy_timeout first, so the other pragmas wait for a lock instead of failing. secure_delete
	// zeroes what a delete frees: without it a deleted or purged response's answers stay in
	// the file's free space, readable by anyone with a copy.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)" +
		"&_pragma=secure_delete(1)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := openWriter(ctx, dsn+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// The file holds answers about drug use: readable by this user only.
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			_ = os.Chmod(f, 0o600)
		}
	}
	d := sqliteDialect
	if err := d.migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := dropEmptyLegacyCounts(ctx, w, d); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	stmts, err := prepareWrites(ctx, w)
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	var pageSize int64
	if err := w.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		stmts.close()
		r.Close()
		w.Close()
		return nil, err
	}
	s := &Store{read: r, write: w, d: d, stmts: stmts, writes: make(chan *writeOp, 1024), done: make(chan struct{}),
		path: path, holder: NewID(), Now: time.Now}
	s.wal.init(pageSize)
	go s.writer()
	return s, nil
}

// writeOp is one unit of work for the writer: fn, or a new response to insert.
type writeOp struct {
	fn     func(tx *sql.Tx) error
	create *newResponse
	done   chan error
}

// newResponse is a response row, made by the caller so the writer, which every write waits
// for, only runs a statement.
type newResponse struct {
	args []any // the columns of insertResponse
}

// maxBatch bounds how many writes share one transaction.
const maxBatch = 256

func (s *Store) enqueue(ctx context.Context, op *writeOp) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.writes <- op:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, wait for the outcome even if the caller gives up: the write may commit.
	return <-op.done
}

func (s *Store) writer() {
	defer close(s.done)
	batch := make([]*writeOp, 0, maxBatch)
	for {
		op, ok := s.nextWrite()
		if !ok {
			return
		}
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
		s.committed(batch)
	}
}

// insertResponseSQL stores one response; both backends run it.
const insertResponseSQL = `/* Store.InsertResponse */ insert into responses
	(id, token_hash, questionnaire, version, lang, region, answers, scores, band, flags, day)
	values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// writeStmts are the writer's statements, prepared once on its single connection and reused
// by every transaction.
type writeStmts struct {
	savepoint, rollbackTo, release, insertResponse *sql.Stmt
}

func prepareWrites(ctx context.Context, db *sql.DB) (*writeStmts, error) {
	ws := &writeStmts{}
	for _, p := range []struct {
		to  **sql.Stmt
		sql string
	}{
		{&ws.savepoint, "SAVEPOINT w"},
		{&ws.rollbackTo, "ROLLBACK TO w"},
		{&ws.release, "RELEASE w"},
		{&ws.insertResponse, insertResponseSQL},
	} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			ws.close()
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.to = st
	}
	return ws, nil
}

func (ws *writeStmts) close() {
	for _, st := range []*sql.Stmt{ws.savepoint, ws.rollbackTo, ws.release, ws.insertResponse} {
		if st != nil {
			st.Close()
		}
	}
}

// commit runs a batch of writes in one transaction and tells each its outcome once the
// transaction is durably committed (or failed).
func (s *Store) commit(batch []*writeOp) {
	errs := make([]error, len(batch))
	err := s.runBatch(batch, errs)
	for i, op := range batch {
		if err != nil {
			op.done <- fmt.Errorf("write transaction: %w", err)
		} else {
			op.done <- errs[i]
		}
	}
}

// runBatch is the transaction of a batch.
func (s *Store) runBatch(batch []*writeOp, errs []error) (err error) {
	tx, err := s.write.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	// On the writer's one connection these reuse the statements prepared at Open.
	stmt := func(st *sql.Stmt) *sql.Stmt { return tx.Stmt(st) }
	savepoint, rollbackTo, release := stmt(s.stmts.savepoint), stmt(s.stmts.rollbackTo), stmt(s.stmts.release)
	var insert *sql.Stmt
	for i, op := range batch {
		if op.create != nil {
			// One statement, which SQLite undoes by itself when it fails: no savepoint needed
			// (they were two of a submission's three statements).
			if insert == nil {
				insert = stmt(s.stmts.insertResponse)
			}
			_, errs[i] = insert.Exec(op.create.args...)
			continue
		}
		if _, err = savepoint.Exec(); err != nil {
			return err
		}
		errs[i] = op.fn(tx)
		if errs[i] != nil {
			if _, err = rollbackTo.Exec(); err != nil {
				return err
			}
		}
		if _, err = release.Exec(); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// backupSQLite writes a consistent copy of the database to dest with VACUUM INTO and checks it.
func (s *Store) backupSQLite(ctx context.Context, dest string) error {
	// Created empty and private first (VACUUM INTO fills an empty file), and never over a file
	// that exists.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", dest)
	}
	if err != nil {
		return err
	}
	f.Close()
	// A connection of its own: VACUUM INTO cannot run in a transaction nor on the query-only pool.
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "/* Store.Backup */ VACUUM INTO ?", dest); err != nil {
		os.Remove(dest)
		return err
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: dest}).EscapedPath()+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	return integrity(ctx, db)
}

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

// openWriter opens the writer's one connection. Two processes opening a new file at the same
// moment can both try to switch it to WAL, and SQLite answers the loser SQLITE_BUSY at once,
// without waiting out busy_timeout: the open is tried again for up to 10 seconds.
func openWriter(ctx context.Context, dsn string) (*sql.DB, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		w, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		err = w.PingContext(ctx)
		if err == nil {
			return w, nil
		}
		w.Close()
		if !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().After(deadline) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(20 * time.Millisecond):
		}
	}
}
