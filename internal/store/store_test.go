package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func sample(i int) *responsedb.Response {
	bands := []string{"low", "some", "moderate", "high"}
	r := &responsedb.Response{
		Questionnaire: "ketamine-selfcheck", Version: "1.0.0", Lang: []string{"en", "es"}[i%2], Region: []string{"us", "uk", "other"}[i%3],
		Answers: questionnaire.Answers{"use_context": {"not_prescribed"}, "urinary": []string{"pain", "blood"}[:1+i%2]},
		Scores:  map[string]int{"signs": i % 7}, Band: bands[i%4],
	}
	if i%5 == 0 {
		r.Flags = []string{"safety"}
	}
	return r
}

// rawDB reads what the store wrote, with the backend's own driver and SQL.
func rawDB(t *testing.T, db string) *sql.DB { return storetest.Raw(t, db) }

func TestConcurrentWritesAreAllDurable(t *testing.T) {
	storetest.Run(t, testConcurrentWritesAreAllDurable)
}

func testConcurrentWritesAreAllDurable(t *testing.T, b storetest.Backend) {
	path := b.New(t)
	s := storetest.Open(t, store.Open, path)
	rs := responsedb.New(s)
	day := time.Date(2026, 11, 22, 15, 4, 5, 0, time.UTC)
	s.Now = func() time.Time { return day }

	const n = 300
	tokens := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := rs.CreateResponse(context.Background(), sample(i))
			if err != nil {
				t.Error(err)
			}
			tokens[i] = tok
		}()
	}
	wg.Wait()
	// Delete every third, as respondents might.
	for i := 0; i < n; i += 3 {
		if err := rs.DeleteResponse(context.Background(), tokens[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = storetest.Open(t, store.Open, path)
	defer s.Close()
	rs = responsedb.New(s)
	for i, tok := range tokens {
		r, err := rs.ResponseByToken(context.Background(), tok)
		switch {
		case i%3 == 0:
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted response %d: err %v", i, err)
			}
			if deleted, _ := rs.TokenDeleted(context.Background(), tok); !deleted {
				t.Errorf("deleted response %d left no tombstone", i)
			}
		case err != nil:
			t.Fatalf("response %d: %v", i, err)
		case r.Day != "2026-11-22" || r.Band != sample(i).Band:
			t.Errorf("response %d read back as day %q band %q", i, r.Day, r.Band)
		}
	}
	// A submission writes its row and nothing else: no counter keeps its answers.
	for _, table := range storetest.Tables(t, path) {
		if strings.Contains(table, "count") {
			t.Errorf("counter table remains: %s", table)
		}
	}
}

// Writes that fail leave nothing, and do not spoil the writes that share their batch (SQLite)
// or run beside them (PostgreSQL).
func TestFailedWriteDoesNotSpoilTheBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := storetest.Open(t, store.Open, b.New(t))
		defer s.Close()
		testFailedWrites(t, s)
	})
}

func testFailedWrites(t *testing.T, s *store.Store) {
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Write(context.Background(), func(tx *sql.Tx) error {
				if _, err := tx.Exec("insert into deleted_tokens (token_hash, day) values (?, '2026-01-01')", []byte{byte(i)}); err != nil {
					return err
				}
				if i%2 == 1 {
					return errors.New("refused")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i%2 == 1) {
			t.Errorf("write %d: err %v", i, err)
		}
	}
	var count int
	if err := rawDB(t, s.Path()).QueryRow("select count(*) from deleted_tokens").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 25 {
		t.Errorf("%d rows kept, want the 25 writes that succeeded", count)
	}
}

func TestDatabaseIsPrivateAndDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "k.db")
	s := storetest.Open(t, store.Open, path)
	defer s.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("database mode %v, want readable by its owner only", st.Mode().Perm())
	}
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
}

// On PostgreSQL the store does not pretend: pg_dump is the tool.
func TestBackupRefusedOnPostgres(t *testing.T) {
	s := storetest.Open(t, store.Open, storetest.Postgres.New(t))
	defer s.Close()
	err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v, want a refusal naming pg_dump", err)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	s := storetest.Open(t, store.Open, filepath.Join(dir, "k.db"))
	defer s.Close()
	tok, err := responsedb.New(s).CreateResponse(context.Background(), sample(1))
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "backup.db")
	if err := s.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(context.Background(), dest); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	b := storetest.Open(t, store.Open, dest)
	defer b.Close()
	if _, err := responsedb.New(b).ResponseByToken(context.Background(), tok); err != nil {
		t.Fatalf("backup lacks the response: %v", err)
	}
}

// TestDeletedAnswersLeaveNoTrace checks that a deleted response is gone from the file too, not
// only from the table: SQLite otherwise leaves a deleted row's bytes in free space, where
// anyone with a copy of the file can read them.
func TestDeletedAnswersLeaveNoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	s := storetest.Open(t, store.Open, path)
	rs := responsedb.New(s)
	ctx := context.Background()
	for i := range 20 { // others on the same pages, so the deleted row's page stays in use
		if _, err := rs.CreateResponse(ctx, sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	const marker = "zq_marker_answer_7f3c"
	r := sample(1)
	r.Answers = questionnaire.Answers{"use_context": {marker}}
	tok, err := rs.CreateResponse(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.DeleteResponse(ctx, tok); err != nil {
		t.Fatal(err)
	}
	holds := func(when string) {
		t.Helper()
		for _, f := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(f)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), marker) {
				t.Errorf("%s: %s still holds the deleted answers", when, filepath.Base(f))
			}
		}
	}
	holds("right after the delete, the server still running") // the WAL's old page copies too
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	holds("after closing")
}
