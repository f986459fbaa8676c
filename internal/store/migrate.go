package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationFiles are the backend's migrations, checked to be numbered 1, 2, 3...
func (d dialect) migrationFiles() ([]string, error) {
	names, err := fs.Glob(migrations, d.migrations+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for i, name := range names {
		n, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil || n != i+1 {
			return nil, fmt.Errorf("migration %s is out of sequence", name)
		}
	}
	return names, nil
}

// migrate brings the schema to this program's version. Two processes starting together on one
// database do not both apply a migration: SQLite's write lock, taken by each migration's
// transaction before it reads the version, or PostgreSQL's advisory lock, held by one of them
// while it migrates, makes the other wait and then find the work done.
func (d dialect) migrate(ctx context.Context, db *sql.DB) error {
	names, err := d.migrationFiles()
	if err != nil {
		return err
	}
	if d.postgres {
		return migratePostgres(ctx, db, names)
	}
	return migrateSQLite(ctx, db, names)
}

func tooNew(current, known int) error {
	return fmt.Errorf("the database is at schema version %d, newer than this program (%d): use a newer ketascreen", current, known)
}

// migrateSQLite applies each migration in its own immediate transaction, which holds the
// write lock from its start; the version is PRAGMA user_version.
func migrateSQLite(ctx context.Context, db *sql.DB, names []string) error {
	for i, name := range names {
		n := i + 1
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
			tx.Rollback()
			return err
		}
		if current > len(names) {
			tx.Rollback()
			return tooNew(current, len(names))
		}
		if n <= current {
			tx.Rollback()
			continue
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

// migratePostgres applies the migrations under a session advisory lock (one per schema, so
// that deployments in other schemas of the same database do not wait for each other). The
// version is the highest row of schema_version; each migration and its row commit together.
func migratePostgres(ctx context.Context, db *sql.DB, names []string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, "/* migrate */ select current_schema()").Scan(&schema); err != nil {
		return err
	}
	if !schema.Valid {
		return errors.New("the database's search_path names no schema that exists: create the schema, or fix search_path in the URL")
	}
	h := fnv.New64a()
	h.Write([]byte("ketascreen migrations " + schema.String))
	key := int64(h.Sum64())
	if _, err := conn.ExecContext(ctx, "/* migrate */ select pg_advisory_lock(?)", key); err != nil {
		return fmt.Errorf("wait for the migration lock: %w", err)
	}
	// Unlocked on the same connection; if that fails the connection is dropped, and the lock
	// with it (session locks end with their session).
	defer func() {
		if _, err := conn.ExecContext(context.Background(), "/* migrate */ select pg_advisory_unlock(?)", key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(ctx, `/* migrate */ create table if not exists schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := conn.QueryRowContext(ctx, "/* migrate */ select coalesce(max(version), 0) from schema_version").Scan(&current); err != nil {
		return err
	}
	if current > len(names) {
		return tooNew(current, len(names))
	}
	for i, name := range names[current:] {
		n := current + i + 1
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "/* migrate */ insert into schema_version (version, applied_at) values (?, ?)",
			n, time.Now().UTC().Format(TimeFormat)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// dropEmptyLegacyCounts drops the waiting counters when there are none (a new database, or one
// that never had a response): nothing to turn into releases.
func dropEmptyLegacyCounts(ctx context.Context, db *sql.DB, d dialect) error {
	if ok, err := d.hasTable(ctx, db, "legacy_counts"); err != nil || !ok {
		return err
	}
	var any int
	err := db.QueryRowContext(ctx, `/* Store.dropEmptyLegacyCounts */ select count(*) from (select 1 from legacy_counts limit 1) t`).Scan(&any)
	if err != nil {
		// Another instance starting at the same moment may have dropped it since the look.
		if ok, herr := d.hasTable(ctx, db, "legacy_counts"); herr == nil && !ok {
			return nil
		}
		return err
	}
	if any > 0 {
		return nil
	}
	_, err = db.ExecContext(ctx, `/* Store.dropEmptyLegacyCounts */ drop table if exists legacy_counts`)
	return err
}

// schemaVersion is the version the database is at.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	q := "PRAGMA user_version"
	if s.d.postgres {
		q = "/* Store.schemaVersion */ select coalesce(max(version), 0) from schema_version"
	}
	err := s.read.QueryRowContext(ctx, q).Scan(&v)
	return v, err
}
