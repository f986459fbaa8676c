package store

import (
	"context"
	"database/sql"
)

// dialect is what differs between SQLite and PostgreSQL beyond how writes are run. Everything
// else in the store is one SQL text for both.
type dialect struct {
	postgres bool
	// migrations is the folder of the backend's numbered migrations (each backend has its own
	// numbering: PostgreSQL started from the schema SQLite had reached).
	migrations string
	// forUpdate ends a select whose rows a write transaction must hold until it commits.
	// SQLite has one writer, and no such clause.
	forUpdate string
}

var (
	sqliteDialect   = dialect{migrations: "migrations/sqlite"}
	postgresDialect = dialect{postgres: true, migrations: "migrations/postgres", forUpdate: " for update"}
)

// ForUpdate ends a select whose rows a write transaction must hold until it commits: " for
// update" on PostgreSQL, nothing on SQLite (one writer).
func (s *Store) ForUpdate() string { return s.d.forUpdate }

// HasTable reports whether a table exists (in the schema the store uses, on PostgreSQL).
func (s *Store) HasTable(ctx context.Context, name string) (bool, error) {
	return s.d.hasTable(ctx, s.read, name)
}

// hasTable reports whether a table exists (in the schema the store uses, on PostgreSQL).
func (d dialect) hasTable(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (bool, error) {
	var n int
	var err error
	if d.postgres {
		err = q.QueryRowContext(ctx, `/* dialect.hasTable */ select count(*) from information_schema.tables
			where table_schema = current_schema() and table_name = ?`, name).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, `/* dialect.hasTable */ select count(*) from sqlite_master
			where type = 'table' and name = ?`, name).Scan(&n)
	}
	return n > 0, err
}
