package dbcopy_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// clock is a controllable time for a store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
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
