package store_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// Creates, deletes, other writes and refused creates, all at once so they share batches: every
// create that succeeded is stored, every early response deleted, and a refused create adds
// nothing.
func TestMixedBatchesKeepRowsExact(t *testing.T) {
	storetest.Run(t, testMixedBatches)
}

func testMixedBatches(t *testing.T, b storetest.Backend) {
	path := b.New(t)
	s := storetest.Open(t, store.Open, path)
	rs := responsedb.New(s)
	s.Now = func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	// A check refuses responses from one region, so some creates fail inside a batch (SQLite)
	// or beside other writes (PostgreSQL).
	refuse := `CREATE TRIGGER refuse_mars BEFORE INSERT ON responses WHEN NEW.region = 'mars'
		BEGIN SELECT RAISE(ABORT, 'refused'); END`
	if b == storetest.Postgres {
		refuse = `ALTER TABLE responses ADD CONSTRAINT refuse_mars CHECK (region <> 'mars')`
	}
	if err := s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(refuse)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// Responses committed first, to be deleted while new ones are written.
	first := make([]string, 50)
	for i := range first {
		tok, err := rs.CreateResponse(ctx, sample(i))
		if err != nil {
			t.Fatal(err)
		}
		first[i] = tok
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused, created := 0, 0
	for round := range 5 {
		for i := range 80 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch {
				case i%8 == 0 && round*10+i/8 < len(first):
					if err := rs.DeleteResponse(ctx, first[round*10+i/8]); err != nil {
						t.Errorf("delete: %v", err)
					}
				case i%8 == 1:
					r := sample(i)
					r.Region = "mars"
					if _, err := rs.CreateResponse(ctx, r); err == nil {
						t.Error("a refused create reported success")
					}
					mu.Lock()
					refused++
					mu.Unlock()
				case i%8 == 2:
					if err := s.Write(ctx, func(tx *sql.Tx) error {
						_, err := tx.Exec("insert into deleted_tokens (token_hash, day) values (?, '2026-01-01')", store.TokenHash(store.NewToken()))
						return err
					}); err != nil {
						t.Errorf("other write: %v", err)
					}
				default:
					if _, err := rs.CreateResponse(ctx, sample(round*80+i)); err != nil {
						t.Errorf("create: %v", err)
					}
					mu.Lock()
					created++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	var n int
	if err := db.QueryRow("select count(*) from responses").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := created; n != want {
		t.Errorf("%d responses stored, want %d (every early one deleted, %d created, %d refused)", n, want, created, refused)
	}
	var bad int
	if err := db.QueryRow("select count(*) from responses where region = 'mars'").Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d refused responses stored (%v)", bad, err)
	}
}
