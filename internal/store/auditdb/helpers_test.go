package auditdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// clock is a controllable time for a store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openClocked opens a new database on the backend, closed when the test ends, on a clock the
// test moves.
func openClocked(t *testing.T, b storetest.Backend) (*store.Store, *auditdb.DB, *clock) {
	t.Helper()
	s := openStore(t, b.New(t))
	t.Cleanup(func() { s.Close() })
	c := &clock{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	s.Now = c.now
	return s, auditdb.New(s), c
}

func limitFor(key string, max int) staffdb.Limit {
	return staffdb.Limit{Scope: "test", Key: []byte(key), Max: max, Window: time.Hour}
}

func refusal(actor string) auditdb.Tally {
	return auditdb.Tally{Action: auditdb.ActionLoginFailed, Outcome: auditdb.OutcomeThrottled, Actor: actor}
}
