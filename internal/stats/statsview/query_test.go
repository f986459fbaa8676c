package statsview

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

// Bad parameters, or a range no release covers, are a ParamError naming the mistake.
func TestQueryErrors(t *testing.T) {
	st, _ := openStore(t)
	seedRows(t, st, 100, 1, 6)
	release(t, st, after(1))
	for _, tc := range []struct {
		name string
		edit func(*Params)
		code string
	}{
		{"ErrNoRelease", func(p *Params) { p.From, p.To = day0.AddDate(0, 0, 14), day0.AddDate(0, 0, 20) }, "no_release"},
		{"ErrNoReleaseYet", func(p *Params) { p.From, p.To = day0.AddDate(-1, 0, 0), day0.AddDate(-1, 0, 6) }, "no_release"},
		{"ErrLanguage", func(p *Params) { p.Langs = []string{"xx"} }, "language"},
		{"ErrRegion", func(p *Params) { p.Regions = []string{"mars"} }, "region"},
		{"ErrQuestionnaire", func(p *Params) { p.Questionnaires = []string{"nope"} }, "questionnaire"},
		{"ErrRangeOrder", func(p *Params) { p.From, p.To = p.To, p.From }, "range_order"},
		{"ErrRangeLong", func(p *Params) { p.From = day0.AddDate(-20, 0, 0) }, "range_long"},
		{"ErrBy", func(p *Params) { p.By = "day" }, "by"},
		{"ErrK", func(p *Params) { p.K = 5 }, "k"},
		{"ErrNoDates", func(p *Params) { p.From = time.Time{} }, "date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := weeksParams(1)
			tc.edit(&p)
			_, err := Query(context.Background(), releasedb.New(st), shipped(t), p, day0)
			var pe *stats.ParamError
			if !errors.As(err, &pe) || pe.Code != tc.code || pe.Msg == "" {
				t.Errorf("err %v, want a stats.ParamError %s", err, tc.code)
			}
		})
	}
}

// A view is a function of stored releases: asking twice gives the same bytes; a filter only
// selects slices, so one region equals everything minus the other regions exactly, and a
// range is the sum of its weeks.
func TestViewsOnlySelectAndSum(t *testing.T) {
	st, _ := openStore(t)
	seedRows(t, st, 500, 3, 7)
	release(t, st, after(3))
	export := func(p Params) []byte {
		var b bytes.Buffer
		if err := query(t, st, p).WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	p := weeksParams(3)
	if a, b := export(p), export(p); !bytes.Equal(a, b) {
		t.Error("the same view twice differs")
	}
	ie := p
	ie.Regions = []string{"ie"}
	rest := p
	for _, r := range shipped(t).Resources.Regions {
		if r.ID != "ie" {
			rest.Regions = append(rest.Regions, r.ID)
		}
	}
	all := query(t, st, p)
	one, others := query(t, st, ie), query(t, st, rest)
	// The raw estimates (before post-processing) of one region are everything minus the rest.
	raw := func(v *View) float64 { return v.responses.sum }
	if d := raw(all) - raw(one) - raw(others); math.Abs(d) > 1e-9 {
		t.Errorf("all %v, ie %v, rest %v: not %v apart", raw(all), raw(one), raw(others), d)
	}
	weeks := 0.0
	for i := range 3 {
		wp := weeksParams(1)
		wp.From, wp.To = day0.AddDate(0, 0, 7*i), day0.AddDate(0, 0, 7*i+6)
		weeks += raw(query(t, st, wp))
	}
	if math.Abs(weeks-raw(all)) > 1e-9 {
		t.Errorf("three weeks add up to %v, the range says %v", weeks, raw(all))
	}
}

// The counters of a database made by the version before releases become releases of its
// closed weeks, noised; the counters are dropped in the same transaction; the week still open
// is released later from its rows.
func TestConvertCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v4.db")
	gz, err := os.ReadFile(filepath.Join("..", "..", "store", "testdata", "v4-seeded.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Counted per week before the change (from the fixture): 2, 15, 27, 41, 54, 68, then 33 in
	// the week of 2026-12-02, which is still open.
	truth := map[string]float64{"2026-W43": 2, "2026-W44": 15, "2026-W45": 27, "2026-W46": 41, "2026-W47": 54, "2026-W48": 68}
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	made, err := stats.ConvertCounters(ctx, st, shipped(t), stats.DefaultConfig(), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != len(truth) || made[0].Period != "2026-W43" || made[len(made)-1].Period != "2026-W48" {
		t.Fatalf("made %+v", made)
	}
	for _, m := range made {
		if m.Kind != "counters" || m.Epsilon != 1 {
			t.Errorf("entry %+v", m)
		}
	}
	if ok, err := releasedb.New(st).HasLegacyCounts(ctx); ok || err != nil {
		t.Errorf("the counters are still there (%v)", err)
	}
	if again, err := stats.ConvertCounters(ctx, st, shipped(t), stats.DefaultConfig(), now); err != nil || len(again) != 0 {
		t.Errorf("converting twice made %d (%v)", len(again), err)
	}
	v, err := Query(ctx, releasedb.New(st), shipped(t), Params{From: time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC), To: now, By: stats.ByWeek, K: DefaultK}, now)
	if err != nil {
		t.Fatal(err)
	}
	for p, n := range truth {
		c, _ := v.Table(TableByPeriod, "").Cell(p, "responses")
		if math.Abs(float64(c.Value)-n) > 4*c.Margin+1 {
			t.Errorf("%s: %d ± %.0f, counted %g", p, c.Value, c.Margin, n)
		}
	}
	// The open week, later, from its rows.
	made, err = stats.ReleaseDue(ctx, st, shipped(t), stats.DefaultConfig(), now.AddDate(0, 0, 7), false)
	if err != nil || len(made) != 1 || made[0].Period != "2026-W49" {
		t.Errorf("then the job made %+v (%v)", made, err)
	}
}
