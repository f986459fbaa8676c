package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// Bad URLs and unreachable servers get errors that say which, and never show a password.
func TestOpenPostgresErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, url string
		want      error
	}{
		{"ErrBadPort", "postgres://u:hunter2secret@127.0.0.1:notaport/db", ErrBadURL},
		{"ErrBadSSLMode", "postgres://u:hunter2secret@127.0.0.1/db?sslmode=sometimes", ErrBadURL},
		{"ErrOtherScheme", "mysql://u:hunter2secret@127.0.0.1/db", ErrBadURL},
		{"ErrUnreachable", "postgres://u:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", ErrConnect},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			s, err := Open(ctx, c.url)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, c.want) {
				t.Errorf("err %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2secret") {
				t.Errorf("the error shows the password: %v", err)
			}
			if time.Since(start) > 8*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

// A server that would acknowledge commits before they are durable is refused.
func TestOpenPostgresRefusesAsynchronousCommit(t *testing.T) {
	db := storetest.Postgres.New(t)
	s, err := Open(context.Background(), db+"&synchronous_commit=off")
	if err == nil {
		s.Close()
		t.Fatal("opened with synchronous_commit=off")
	}
	if !strings.Contains(err.Error(), "synchronous_commit") {
		t.Errorf("err %v", err)
	}
}

// Instances starting together on one new database: each opens, the schema is migrated once,
// and its version is this program's.
func TestMigrateTogether(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.New(t)
		var wg sync.WaitGroup
		stores := make([]*Store, 4)
		errs := make([]error, len(stores))
		start := make(chan struct{})
		for i := range stores {
			wg.Go(func() {
				<-start
				stores[i], errs[i] = Open(context.Background(), db)
			})
		}
		close(start)
		wg.Wait()
		for i, s := range stores {
			if errs[i] != nil {
				t.Fatalf("instance %d: %v", i, errs[i])
			}
			defer s.Close()
		}
		names, _ := stores[0].d.migrationFiles()
		if v, err := stores[0].schemaVersion(context.Background()); err != nil || v != len(names) {
			t.Fatalf("schema version %d, %v; want %d", v, err, len(names))
		}
		if b == storetest.Postgres {
			var rows int
			stores[0].read.QueryRow("select count(*) from schema_version").Scan(&rows)
			if rows != len(names) {
				t.Errorf("%d migrations recorded, want %d (each once)", rows, len(names))
			}
		}
		if err := stores[1].Check(context.Background()); err != nil {
			t.Error(err)
		}
	})
}

// Every table either backend's schema has is in the table list (Copy, Check), and both
// backends have the same tables.
func TestTablesListed(t *testing.T) {
	listed := map[string]bool{}
	for _, tb := range Tables {
		listed[tb.Name] = true
	}
	var schemas [][]string
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.New(t)
		s, err := Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got := storetest.Tables(t, db)
		for _, name := range got {
			if !listed[name] {
				t.Errorf("table %s is not in the table list of tables.go", name)
			}
		}
		if len(got) != len(Tables) {
			t.Errorf("%d tables, %d listed", len(got), len(Tables))
		}
		schemas = append(schemas, got)
	})
	if len(schemas) == 2 && strings.Join(schemas[0], " ") != strings.Join(schemas[1], " ") {
		t.Errorf("the backends' tables differ:\n%v\n%v", schemas[0], schemas[1])
	}
}

// Two writes that lock two rows in opposite orders deadlock on PostgreSQL; it aborts one
// (SQLSTATE 40P01), Write runs that one again, and both commit.
func TestWriteRetriesADeadlock(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, storetest.Postgres.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.write.Exec(`insert into meta (name, value) values ('a', ''), ('b', '')`); err != nil {
		t.Fatal(err)
	}
	var both sync.WaitGroup // each first try waits until the other holds its first row
	both.Add(2)
	var mu sync.Mutex
	tries := map[string]int{}
	write := func(first, second string) error {
		return s.Write(ctx, func(tx *sql.Tx) error {
			mu.Lock()
			tries[first]++
			try := tries[first]
			mu.Unlock()
			if _, err := tx.Exec(`update meta set value = value || ? where name = ?`, first, first); err != nil {
				return err
			}
			if try == 1 {
				both.Done()
				both.Wait()
			}
			_, err := tx.Exec(`update meta set value = value || ? where name = ?`, first, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- write("a", "b") }()
	go func() { errs <- write("b", "a") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a write lost to the deadlock: %v", err)
		}
	}
	// At least one of the two runs again; under load the retry can meet the other write's
	// lock order again and deadlock once more, so more tries are allowed, as long as both
	// commit once (checked below).
	if tries["a"]+tries["b"] < 3 {
		t.Errorf("tries %v: want one of the two run again", tries)
	}
	for _, name := range []string{"a", "b"} {
		var v string
		s.read.QueryRow(`select value from meta where name = ?`, name).Scan(&v)
		if len(v) != 2 {
			t.Errorf("row %s is %q: want one update from each write", name, v)
		}
	}
}
