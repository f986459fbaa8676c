package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// releaseStats runs the release job at the store's clock, as serve's daily job does: every
// week that ended at least a day before gets its release.
func releaseStats(tb testing.TB, st *store.Store, cat *catalog.Catalog) []stats.Made {
	tb.Helper()
	made, err := stats.ReleaseDue(context.Background(), st, cat, stats.DefaultConfig(), st.Now(), false)
	if err != nil {
		tb.Fatal(err)
	}
	return made
}

// answerPastWeeks moves the clock back by weeks, sends perWeek answers through the API in each
// week up to now (in English and Spanish, from several regions), brings the clock back and
// runs the release job: the dashboard then has that many weekly releases to read.
func answerPastWeeks(t *testing.T, ts *testServer, clock *storetest.Clock, weeks, perWeek int) {
	t.Helper()
	q := ts.Cat.Latest(qid)
	week := 7 * 24 * time.Hour
	clock.Advance(-time.Duration(weeks) * week)
	for w := range weeks {
		for i := range perWeek {
			ctx := []string{"prescribed", "not_prescribed", "both"}[i%3]
			lang, region := []string{"en", "es"}[i%2], []string{"us", "uk", "us", "ca"}[(i+w)%4]
			if res, _ := ts.submitAPI(lang, region, answersFor(q, ctx, (i+w)%9, nil)); res.StatusCode != http.StatusCreated {
				t.Fatalf("API: %d %s", res.StatusCode, res.Body)
			}
		}
		clock.Advance(week)
	}
	if made := releaseStats(t, ts.Store, ts.Cat); len(made) < weeks-1 {
		t.Fatalf("%d releases made for %d weeks of answers", len(made), weeks)
	}
}
