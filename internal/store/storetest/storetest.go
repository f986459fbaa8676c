// Package storetest gives tests a fresh, empty database on each backend the store runs on, so
// that one test runs against SQLite and PostgreSQL as subtests instead of being copied.
//
// SQLite is always there: a file in the test's temporary folder. PostgreSQL is used when
// KETASCREEN_TEST_POSTGRES holds the URL of a server the tests may create schemas on (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable): each database is a new schema with
// a random name, dropped when the test ends, and the URL given to the store sets search_path
// to it, so tests and packages running at once never meet. Without the variable PostgreSQL
// subtests skip and say so; with CI=true they fail instead, so a broken pipeline cannot pass by
// skipping.
//
// It does not import the store: the core's own tests (package store) use it too. Open therefore
// takes store.Open as an argument.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// EnvPostgres names the variable that holds the URL of the PostgreSQL server for tests.
const EnvPostgres = "KETASCREEN_TEST_POSTGRES"

// Backend is a kind of database the store runs on.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Backends is the table of backends every store-touching test runs against.
var Backends = []Backend{SQLite, Postgres}

// Run runs f once per backend, as subtests named after them.
func Run(t *testing.T, f func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(string(b), func(t *testing.T) {
			b.Need(t)
			f(t, b)
		})
	}
}

// Need skips the test when the backend is not available here (fails it with CI=true).
func (b Backend) Need(t testing.TB) {
	t.Helper()
	if b != Postgres || os.Getenv(EnvPostgres) != "" {
		return
	}
	const what = "PostgreSQL tests need " + EnvPostgres + " (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)"
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; with CI=true they must run (.ci/run starts PostgreSQL and sets it)", what)
	}
	t.Skipf("skipped: %s; CI=true makes this a failure", what)
}

// New is a new, empty database for the test, as store.Open takes it: a file path for SQLite, a
// URL for PostgreSQL (a new schema, dropped with everything in it when the test ends).
func (b Backend) New(t testing.TB) string {
	t.Helper()
	b.Need(t)
	if b == SQLite {
		return filepath.Join(t.TempDir(), "k.db")
	}
	base := os.Getenv(EnvPostgres)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	schema := "ks_test_" + randomHex(8)
	if _, err := db.ExecContext(ctx, "create schema "+schema); err != nil {
		t.Fatalf("create a schema on %s for the test: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("drop schema " + schema + " cascade"); err != nil {
			t.Errorf("drop the test's schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, base, schema)
}

// WithSearchPath is a PostgreSQL URL with its search_path set to schema.
func WithSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// BackendOf says which backend a database New made is on.
func BackendOf(db string) Backend {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Raw opens a database New made with the backend's own driver, for a test to look at what the
// store wrote (or to spoil it). Its SQL is the backend's own: PostgreSQL's parameters are $1.
func Raw(t testing.TB, db string) *sql.DB {
	t.Helper()
	var raw *sql.DB
	var err error
	if BackendOf(db) == Postgres {
		raw, err = sql.Open("pgx", db)
	} else {
		raw, err = sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// Tables lists the tables of a database New made, by name.
func Tables(t testing.TB, db string) []string {
	t.Helper()
	q := `select name from sqlite_master where type = 'table' order by name`
	if BackendOf(db) == Postgres {
		q = `select table_name from information_schema.tables where table_schema = current_schema()
			and table_name <> 'schema_version' order by table_name`
	}
	rows, err := Raw(t, db).Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out) // PostgreSQL orders by its collation
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Burst runs n calls of f at once: every goroutine waits on a barrier, as requests held open
// by an attacker and released together.
func Burst(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// Open opens a database New made with open, which is store.Open (this package cannot import
// the store), and fails the test if it does not open. Closing it is the caller's.
func Open[S any](t testing.TB, open func(context.Context, string) (S, error), db string) S {
	t.Helper()
	s, err := open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Clock is a controllable time for a store (s.Now = c.Now), safe for the goroutines of a
// burst.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock that stands at t until the test moves it.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d (back if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
