package stats

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// day0 is a Monday (2026-W10).
var day0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st := storetest.Open(t, store.Open, storetest.SQLite.New(t))
	t.Cleanup(func() { st.Close() })
	return st
}

// A response deleted before its week is released is in no release; once released, a deletion
// leaves the release as it is.
func TestDeletionBeforeAndAfterRelease(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cat := shipped(t)
	st.Now = func() time.Time { return day0 }
	submit := func() string {
		r := SyntheticResponse(cat.Latest(qid), rand.New(rand.NewPCG(5, 5)), 0.5, nil)
		r.Lang, r.Region = "es", "ie"
		tok, err := responsedb.New(st).CreateResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	early, late := submit(), submit()
	if err := responsedb.New(st).DeleteResponse(ctx, early); err != nil {
		t.Fatal(err)
	}
	tallies, err := tallyRows(ctx, st, cat, qid, []Period{PeriodOf(ByWeek, day0)})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, tl := range tallies[0] {
		for _, c := range tl.Counts {
			for i := range tl.Layout().Rows(PartLevel) {
				n += c[tl.Layout().Offset(PartLevel)+i]
			}
		}
	}
	if n != 1 {
		t.Errorf("the week's release would count %d responses, want 1 (one deleted)", n)
	}
	if _, err := ReleaseDue(ctx, st, cat, DefaultConfig(), day0.AddDate(0, 0, 9), false); err != nil {
		t.Fatal(err)
	}
	before, err := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := responsedb.New(st).DeleteResponse(ctx, late); err != nil {
		t.Fatal(err)
	}
	afterDel, err := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 1 || len(afterDel) != 1 || before[0].Body != afterDel[0].Body {
		t.Error("deleting a released response changed the release")
	}
}
