package auditdb_test

import (
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// openClocked opens a new database on the backend, closed when the test ends, on a clock the
// test moves.
func openClocked(t *testing.T, b storetest.Backend) (*store.Store, *auditdb.DB, *storetest.Clock) {
	t.Helper()
	s := storetest.Open(t, store.Open, b.New(t))
	t.Cleanup(func() { s.Close() })
	c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	s.Now = c.Now
	return s, auditdb.New(s), c
}

func limitFor(key string, max int) staffdb.Limit {
	return staffdb.Limit{Scope: "test", Key: []byte(key), Max: max, Window: time.Hour}
}

func refusal(actor string) auditdb.Tally {
	return auditdb.Tally{Action: auditdb.ActionLoginFailed, Outcome: auditdb.OutcomeThrottled, Actor: actor}
}
