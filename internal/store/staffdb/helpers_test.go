package staffdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
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
func openClocked(t *testing.T, b storetest.Backend) (*store.Store, *staffdb.DB, *clock) {
	t.Helper()
	s := openStore(t, b.New(t))
	t.Cleanup(func() { s.Close() })
	c := &clock{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	s.Now = c.now
	return s, staffdb.New(s), c
}

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
