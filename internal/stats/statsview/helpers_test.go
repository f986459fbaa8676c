package statsview

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

const qid = "ketamine-selfcheck"

var (
	shippedOnce sync.Once
	shippedCat  *catalog.Catalog
	shippedErr  error
)

// shipped is the built-in catalog, loaded once: tests only read it.
func shipped(t testing.TB) *catalog.Catalog {
	t.Helper()
	shippedOnce.Do(func() {
		shippedCat, shippedErr = catalog.Load(questionnaires.FS)
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shippedCat
}

// day0 is a Monday (2026-W10); seeded responses fall in the weeks after it.
var day0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	return openStoreOn(t, storetest.SQLite)
}

// openStoreOn is a store on a fresh database of a backend, and what names that database.
func openStoreOn(t testing.TB, b storetest.Backend) (*store.Store, string) {
	t.Helper()
	path := b.New(t)
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// seedRows stores n synthetic responses over weeks weeks from day0, in a few languages and
// regions with most regions rare, and returns them.
func seedRows(t testing.TB, st *store.Store, n, weeks int, rngSeed uint64) []*responsedb.Response {
	t.Helper()
	cat := shipped(t)
	rng := rand.New(rand.NewPCG(rngSeed, 7))
	q := cat.Latest(qid)
	regions := []string{"us", "us", "us", "uk", "uk", "ie", "ca", "au", "other"}
	var rs []*responsedb.Response
	for range n {
		r := stats.SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		r.Lang = []string{"en", "en", "en", "es"}[rng.IntN(4)]
		r.Region = regions[rng.IntN(len(regions))]
		r.Day = store.Day(day0.AddDate(0, 0, rng.IntN(weeks*7)))
		rs = append(rs, r)
	}
	if err := responsedb.New(st).CreateResponses(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// after is a moment when the first weeks weeks from day0 are all due for release.
func after(weeks int) time.Time { return day0.AddDate(0, 0, 7*weeks+2) }

// release runs the release job at now and fails the test on an error.
func release(t testing.TB, st *store.Store, now time.Time) []stats.Made {
	t.Helper()
	made, err := stats.ReleaseDue(context.Background(), st, shipped(t), stats.DefaultConfig(), now, false)
	if err != nil {
		t.Fatal(err)
	}
	return made
}

// weeksParams asks for the first weeks weeks from day0, everything.
func weeksParams(weeks int) Params {
	return Params{From: day0, To: day0.AddDate(0, 0, 7*weeks-1), By: stats.ByWeek, K: DefaultK}
}

func query(t testing.TB, st *store.Store, p Params) *View {
	t.Helper()
	v, err := Query(context.Background(), releasedb.New(st), shipped(t), p, day0.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// singleView is the view of one release held in memory, over every language and region.
func singleView(t testing.TB, l *stats.Layout, f *stats.Release) *View {
	t.Helper()
	body, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	d := &decoded{Release: &releasedb.Release{ID: 1, LedgerID: 1, Questionnaire: l.Questionnaire, Version: l.Version,
		Period: stats.WeekOf(day0), FirstDay: store.Day(day0), LastDay: store.Day(day0.AddDate(0, 0, 6)), Body: string(body)},
		f: f, first: day(day0), last: day(day0).AddDate(0, 0, 6)}
	v := &View{Params: Params{By: stats.ByWeek, K: DefaultK, Questionnaires: []string{l.Questionnaire}, Langs: l.Languages,
		Regions: l.Regions}, cat: shipped(t)}
	v.sum([]*decoded{d})
	return v
}

// exact is a release without noise: the tally's counts as they are, for tests of what
// is done with a release's values.
func exact(t testing.TB, tl *stats.Tally) *stats.Release {
	t.Helper()
	f, err := stats.DefaultBudget(1).Freeze(stats.NewTally(tl.Layout())) // the plan and shapes of a real release
	if err != nil {
		t.Fatal(err)
	}
	for s := range tl.Counts {
		copy(f.Values[s], tl.Counts[s])
	}
	return f
}
