package statsview

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

var utilityFlag = flag.Bool("utility", false, "measure the utility table of docs/stats-export.md (slow)")

// population is a pool of synthetic responses to draw weeks from, in the languages and regions
// dev seed uses (a few regions get most responses).
func population(t testing.TB, n int, seed uint64) []*responsedb.Response {
	cat := shipped(t)
	q := cat.Latest(qid)
	rng := rand.New(rand.NewPCG(seed, 11))
	regions := stats.RegionIDs(cat)
	var out []*responsedb.Response
	for range n {
		r := stats.SyntheticResponse(q, rng, math.Pow(rng.Float64(), 2), nil)
		r.Lang = "en"
		if rng.IntN(4) == 0 {
			r.Lang = "es"
		}
		r.Region = regions[min(len(regions)-1, int(math.Floor(math.Pow(rng.Float64(), 2)*float64(len(regions)))))]
		out = append(out, r)
	}
	return out
}

// shareErrors are the absolute errors of a release's level shares and warning-sign shares over
// every language and region, as the view shows them, against the true shares.
func shareErrors(t testing.TB, l *stats.Layout, truth *stats.Tally, f *stats.Release) (level, signs []float64) {
	return viewErrors(truth, singleView(t, l, f))
}

func share(n, of int64) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestUtilityTable measures the mean absolute error of the level shares and of each warning
// sign's share, per weekly release, at 10 to 10,000 responses a week, for each mechanism and
// split considered. With -utility it prints the table of docs/stats-export.md; without, it
// checks on a few weeks that the release mechanism does better on warning signs than Laplace
// noise split across tables.
func TestUtilityTable(t *testing.T) {
	pop := population(t, 20000, 5)
	l := stats.NewLayout(shipped(t).Latest(qid), stats.RegionIDs(shipped(t)))
	budgets := []struct {
		name string
		b    stats.Budget
	}{
		{"Gaussian, chosen split (level 0.2, flags 0.1, options 0.7; half national)", stats.DefaultBudget(1)},
		{"Gaussian, same noise on every cell, half national", stats.Budget{Mechanism: stats.Gaussian, Epsilon: 1, National: 0.5,
			Shares: map[string]float64{stats.PartLevel: 1, stats.PartFlags: 4, stats.PartOptions: 29}}},
		{"Gaussian, chosen split, slices only", stats.Budget{Mechanism: stats.Gaussian, Epsilon: 1, National: 0,
			Shares: stats.DefaultBudget(1).Shares}},
		{"Laplace, epsilon split equally across tables, half national", stats.Budget{Mechanism: stats.Laplace, Epsilon: 1, National: 0.5,
			Shares: map[string]float64{stats.PartLevel: 1, stats.PartFlags: 1, stats.PartOptions: 1}}},
		{"Laplace, chosen split, half national", stats.Budget{Mechanism: stats.Laplace, Epsilon: 1, National: 0.5, Shares: stats.DefaultBudget(1).Shares}},
	}
	sizes, weeks := []int{10, 100, 1000, 10000}, 52
	if !*utilityFlag {
		sizes, weeks, budgets = []int{1000}, 4, []struct {
			name string
			b    stats.Budget
		}{budgets[0], budgets[3]}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	// errors measures releases of n responses each.
	errors := func(b stats.Budget, n, releases int) (level, signs float64) {
		var lv, sg []float64
		for range releases {
			tl := stats.NewTally(l)
			for range n {
				tl.Add(pop[rng.IntN(len(pop))])
			}
			f, err := b.Freeze(tl)
			if err != nil {
				t.Fatal(err)
			}
			a, b := shareErrors(t, l, tl, f)
			lv, sg = append(lv, a...), append(sg, b...)
		}
		return 100 * mean(lv), 100 * mean(sg)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "| mechanism | responses a week | level shares | warning-sign shares |\n|---|---|---|---|\n")
	signErr := map[string]float64{}
	for _, bc := range budgets {
		for _, n := range sizes {
			lv, sg := errors(bc.b, n, weeks)
			fmt.Fprintf(&out, "| %s | %d | %.2f | %.2f |\n", bc.name, n, lv, sg)
			signErr[bc.b.Mechanism] = sg / 100
		}
	}
	if *utilityFlag {
		fmt.Fprintf(&out, "\nmonthly releases (a month holds 30.44/7 weeks of responses), chosen mechanism, 12 releases:\n")
		for _, n := range sizes {
			lv, sg := errors(budgets[0].b, int(float64(n)*30.44/7), 12)
			fmt.Fprintf(&out, "| %d a week = %d a month | %.2f | %.2f |\n", n, int(float64(n)*30.44/7), lv, sg)
		}
	}
	t.Logf("mean absolute error, percentage points, over %d weekly releases at epsilon 1:\n%s", weeks, out.String())
	if signErr[stats.Gaussian] >= signErr[stats.Laplace] {
		t.Errorf("warning-sign shares: Gaussian error %.4f is not below Laplace's %.4f", signErr[stats.Gaussian], signErr[stats.Laplace])
	}
}

var utilityDB = flag.String("utility-db", "", "a database seeded and released by the command line (dev seed, stats release): measure each weekly release against its rows")

// TestUtilityOnDatabase measures, on a real seeded database, the mean absolute error of the
// level shares and of each warning sign's share in every weekly release of the year, as a
// view shows them, against the rows (still there: the retention is a year), and how long a
// view of the year takes. Run: go test -run TestUtilityOnDatabase -utility-db FILE ./internal/stats/statsview
func TestUtilityOnDatabase(t *testing.T) {
	if *utilityDB == "" {
		t.Skip("needs -utility-db")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *utilityDB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat := shipped(t)
	rs, err := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{Questionnaires: []string{qid}})
	if err != nil {
		t.Fatal(err)
	}
	var lv, sg, sizes []float64
	var truths []*stats.Tally
	var views []*View
	for _, r := range rs {
		p, err := stats.ParsePeriod(r.Period)
		if err != nil {
			t.Fatal(err)
		}
		tallies, err := tallyPeriod(ctx, st, cat, p)
		if err != nil {
			t.Fatal(err)
		}
		truth := tallies[r.Version]
		if truth == nil {
			continue
		}
		v, err := Query(ctx, releasedb.New(st), cat, Params{From: p.First, To: p.Last, By: stats.ByWeek, K: DefaultK}, p.Last)
		if err != nil {
			t.Fatal(err)
		}
		a, b := viewErrors(truth, v)
		lv, sg = append(lv, a...), append(sg, b...)
		sizes = append(sizes, responsesOf(truth))
		truths, views = append(truths, truth), append(views, v)
	}
	start := time.Now()
	year, err := Query(ctx, releasedb.New(st), cat, Params{From: mustDay(t, rs[0].FirstDay), To: mustDay(t, rs[len(rs)-1].LastDay), By: stats.ByWeek, K: DefaultK}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	whole := stats.NewTally(truths[0].Layout())
	for _, tl := range truths {
		for s := range tl.Counts {
			for i, c := range tl.Counts[s] {
				whole.Counts[s][i] += c
			}
		}
	}
	levelYear, signYear := viewErrors(whole, year)
	slices.Sort(sizes)
	t.Logf("%d weekly releases, %.0f to %.0f responses a week (median %.0f), %.0f in all", len(views), sizes[0], sizes[len(sizes)-1],
		sizes[len(sizes)/2], responsesOf(whole))
	t.Logf("mean absolute error per weekly release: level shares %.3f pp, warning-sign shares %.3f pp", 100*mean(lv), 100*mean(sg))
	t.Logf("the year as one view: level shares %.4f pp, warning-sign shares %.4f pp; the view took %s", 100*mean(levelYear), 100*mean(signYear), took)
}

// tallyPeriod counts the stored rows of a period without noise, by version, as the release job
// does: the truth a release is measured against.
func tallyPeriod(ctx context.Context, st *store.Store, cat *catalog.Catalog, p stats.Period) (map[string]*stats.Tally, error) {
	out := map[string]*stats.Tally{}
	err := responsedb.New(st).EachResponse(ctx, qid, store.Day(p.First), store.Day(p.Last), func(r *responsedb.Response) error {
		q := cat.Version(qid, r.Version)
		if q == nil {
			return nil
		}
		if out[r.Version] == nil {
			out[r.Version] = stats.NewTally(stats.NewLayout(q, stats.RegionIDs(cat)))
		}
		out[r.Version].Add(r)
		return nil
	})
	return out, err
}

func responsesOf(t *stats.Tally) float64 {
	var n float64
	for s := range t.Counts {
		for i := range t.Layout().Rows(stats.PartLevel) {
			n += float64(t.Counts[s][t.Layout().Offset(stats.PartLevel)+i])
		}
	}
	return n
}

// viewErrors are the absolute errors of a view's level and warning-sign shares (over every
// language and region) against a tally of the true counts.
func viewErrors(truth *stats.Tally, v *View) (level, signs []float64) {
	l := truth.Layout()
	whole := func(i int) (n float64) {
		for s := range truth.Counts {
			n += float64(truth.Counts[s][i])
		}
		return
	}
	n := responsesOf(truth)
	lt := v.Table(TableByLevel, l.Questionnaire)
	total, _ := lt.Cell(Total, "responses")
	for i, b := range l.Bands {
		c, _ := lt.Cell(b, "responses")
		level = append(level, math.Abs(share(c.Value, total.Value)-whole(l.Offset(stats.PartLevel)+i)/n))
	}
	st := v.Table(TableWarningSigns, l.Questionnaire)
	for _, it := range l.Items {
		if len(it.Signs) == 0 {
			continue
		}
		var k float64
		for _, code := range it.Signs {
			k += whole(l.Offset(stats.PartOptions) + slices.Index(l.Rows(stats.PartOptions), it.ID+"="+code))
		}
		c, _ := st.Cell(it.ID, "responses")
		signs = append(signs, math.Abs(share(c.Value, total.Value)-k/n))
	}
	return level, signs
}
