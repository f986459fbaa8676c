package staffdb_test

import (
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// openClocked opens a new database on the backend, closed when the test ends, on a clock the
// test moves.
func openClocked(t *testing.T, b storetest.Backend) (*store.Store, *staffdb.DB, *storetest.Clock) {
	t.Helper()
	s := storetest.Open(t, store.Open, b.New(t))
	t.Cleanup(func() { s.Close() })
	c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	s.Now = c.Now
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
