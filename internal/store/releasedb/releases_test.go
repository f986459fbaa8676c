package releasedb_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func weekBatch(q, period, first, last string, eps float64, versions ...string) *releasedb.ReleaseBatch {
	b := &releasedb.ReleaseBatch{Ledger: releasedb.LedgerEntry{Questionnaire: q, Period: period, FirstDay: first, LastDay: last,
		Epsilon: eps, Delta: 1e-6, Mechanism: "gaussian", Kind: "release", MadeOn: "2026-03-20", Actor: "job"}}
	for _, v := range versions {
		b.Releases = append(b.Releases, &releasedb.Release{Version: v, Body: `{"v":"` + v + `"}`})
	}
	return b
}

func ledgerLen(t *testing.T, releases *releasedb.DB) int {
	t.Helper()
	l, err := releases.Ledger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(l)
}

// A period is released once; again only on purpose, and never past its cap; a refused batch
// writes nothing, and neither does any other batch of the same call.
func TestSaveReleasesGuards(t *testing.T) { storetest.Run(t, testSaveReleasesGuards) }

func testSaveReleasesGuards(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s := storetest.Open(t, store.Open, b.New(t))
	defer s.Close()
	releases := releasedb.New(s)
	w10 := func(eps float64) *releasedb.ReleaseBatch {
		return weekBatch("q", "2026-W10", "2026-03-02", "2026-03-08", eps, "1.0", "1.1")
	}
	if err := releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{w10(1)}, releasedb.SaveGuard{MaxEpsilon: 2}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		batches []*releasedb.ReleaseBatch
		guard   releasedb.SaveGuard
		check   func(error) bool
	}{
		{"ErrReleased", []*releasedb.ReleaseBatch{w10(1)}, releasedb.SaveGuard{MaxEpsilon: 2},
			func(err error) bool { return errors.Is(err, releasedb.ErrReleased) }},
		{"ErrReleasedByAMonth", []*releasedb.ReleaseBatch{weekBatch("q", "2026-03", "2026-03-01", "2026-03-31", 1, "1.1")},
			releasedb.SaveGuard{MaxEpsilon: 2}, func(err error) bool { return errors.Is(err, releasedb.ErrReleased) }},
		{"ErrBudget", []*releasedb.ReleaseBatch{w10(1.5)}, releasedb.SaveGuard{Again: true, MaxEpsilon: 2},
			func(err error) bool { var be *releasedb.BudgetError; return errors.As(err, &be) && be.Spent == 1 }},
		{"ErrAllOrNone", []*releasedb.ReleaseBatch{weekBatch("q", "2026-W11", "2026-03-09", "2026-03-15", 1, "1.1"), w10(1)},
			releasedb.SaveGuard{MaxEpsilon: 2}, func(err error) bool { return errors.Is(err, releasedb.ErrReleased) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := releases.SaveReleases(ctx, tc.batches, tc.guard)
			if !tc.check(err) {
				t.Errorf("err %v", err)
			}
			if n := ledgerLen(t, releases); n != 1 {
				t.Errorf("%d ledger entries after a refused batch, want 1", n)
			}
		})
	}
	t.Run("OKAgainWithinTheCap", func(t *testing.T) {
		audit := &auditdb.Entry{Actor: "cli", Action: "stats_rerelease", Outcome: "ok", Detail: "period=2026-W10"}
		b := w10(1)
		if err := releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{b}, releasedb.SaveGuard{Again: true, MaxEpsilon: 2, Audit: audit}); err != nil {
			t.Fatal(err)
		}
		if b.Ledger.ID == 0 || b.Releases[1].ID == 0 || b.Releases[1].LedgerID != b.Ledger.ID || b.Releases[1].Period != "2026-W10" {
			t.Errorf("ids not filled: %+v %+v", b.Ledger, b.Releases[1])
		}
		entries, err := auditdb.New(s).Entries(ctx, auditdb.Filter{Action: "stats_rerelease"})
		if err != nil || len(entries) != 1 {
			t.Errorf("%d audit rows (%v)", len(entries), err)
		}
	})
	t.Run("OtherQuestionnaireIsOtherPeople", func(t *testing.T) {
		if err := releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{weekBatch("other", "2026-W10", "2026-03-02", "2026-03-08", 2, "1")},
			releasedb.SaveGuard{MaxEpsilon: 2}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestReleasesFilterAndAppendOnly(t *testing.T) { storetest.Run(t, testReleasesFilterAndAppendOnly) }

func testReleasesFilterAndAppendOnly(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s := storetest.Open(t, store.Open, b.New(t))
	defer s.Close()
	releases := releasedb.New(s)
	for _, b := range []*releasedb.ReleaseBatch{
		weekBatch("q", "2026-W10", "2026-03-02", "2026-03-08", 1, "1"),
		weekBatch("q", "2026-W11", "2026-03-09", "2026-03-15", 1, "1", "2"),
		weekBatch("p", "2026-W11", "2026-03-09", "2026-03-15", 1, "1"),
	} {
		if err := releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{b}, releasedb.SaveGuard{MaxEpsilon: 2}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    releasedb.ReleaseFilter
		want int
	}{
		{"everything", releasedb.ReleaseFilter{}, 4},
		{"one questionnaire", releasedb.ReleaseFilter{Questionnaires: []string{"q"}}, 3},
		{"a day inside a week", releasedb.ReleaseFilter{From: "2026-03-10", To: "2026-03-10"}, 3},
		{"a range touching both weeks", releasedb.ReleaseFilter{Questionnaires: []string{"q"}, From: "2026-03-08", To: "2026-03-09"}, 3},
		{"before any", releasedb.ReleaseFilter{To: "2026-03-01"}, 0},
	} {
		rs, err := releases.Releases(ctx, tc.f)
		if err != nil || len(rs) != tc.want {
			t.Errorf("%s: %d releases (%v), want %d", tc.name, len(rs), err, tc.want)
		}
	}
	if err := s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("update stat_releases set body = '{}'")
		return err
	}); err == nil {
		t.Error("a release was changed")
	}
	if err := s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("delete from stat_ledger")
		return err
	}); err == nil {
		t.Error("the ledger lost a row")
	}
}
