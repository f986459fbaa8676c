package stats

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
)

var utilityFlag = flag.Bool("utility", false, "measure the utility table of docs/stats-export.md (slow)")

// population is a pool of synthetic responses to draw weeks from, in the languages and regions
// dev seed uses (a few regions get most responses).
func population(t testing.TB, n int, seed uint64) []*store.Response {
	cat := shipped(t)
	q := cat.Latest(qid)
	rng := rand.New(rand.NewPCG(seed, 11))
	regions := regionIDs(cat)
	var out []*store.Response
	for range n {
		r := SyntheticResponse(q, rng, math.Pow(rng.Float64(), 2), nil)
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
func shareErrors(t testing.TB, l *layout, truth *tally, f *frozen) (level, signs []float64) {
	v := singleView(t, l, f)
	var trueResp float64
	lo := l.offset(partLevel)
	whole := func(c *tally, i int) (n float64) {
		for s := range c.counts {
			n += float64(c.counts[s][i])
		}
		return
	}
	for i := range l.Bands {
		trueResp += whole(truth, lo+i)
	}
	lt := v.Table(TableByLevel, l.Questionnaire)
	total, _ := lt.Cell(Total, "responses")
	for i, b := range l.Bands {
		c, _ := lt.Cell(b, "responses")
		level = append(level, math.Abs(share(c.Value, total.Value)-whole(truth, lo+i)/trueResp))
	}
	st := v.Table(TableWarningSigns, l.Questionnaire)
	for _, it := range l.Items {
		if len(it.Signs) == 0 {
			continue
		}
		var n float64
		for _, code := range it.Signs {
			n += whole(truth, truth.index[partOptions+":"+it.ID+"="+code])
		}
		c, _ := st.Cell(it.ID, "responses")
		signs = append(signs, math.Abs(share(c.Value, total.Value)-n/trueResp))
	}
	return level, signs
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
	l := newLayout(shipped(t).Latest(qid), regionIDs(shipped(t)))
	budgets := []struct {
		name string
		b    Budget
	}{
		{"Gaussian, chosen split (level 0.2, flags 0.1, options 0.7; half national)", DefaultBudget(1)},
		{"Gaussian, same noise on every cell, half national", Budget{Mechanism: Gaussian, Epsilon: 1, National: 0.5,
			Shares: map[string]float64{partLevel: 1, partFlags: 4, partOptions: 29}}},
		{"Gaussian, chosen split, slices only", Budget{Mechanism: Gaussian, Epsilon: 1, National: 0,
			Shares: DefaultBudget(1).Shares}},
		{"Laplace, epsilon split equally across tables, half national", Budget{Mechanism: Laplace, Epsilon: 1, National: 0.5,
			Shares: map[string]float64{partLevel: 1, partFlags: 1, partOptions: 1}}},
		{"Laplace, chosen split, half national", Budget{Mechanism: Laplace, Epsilon: 1, National: 0.5, Shares: DefaultBudget(1).Shares}},
	}
	sizes, weeks := []int{10, 100, 1000, 10000}, 52
	if !*utilityFlag {
		sizes, weeks, budgets = []int{1000}, 4, []struct {
			name string
			b    Budget
		}{budgets[0], budgets[3]}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	var out strings.Builder
	fmt.Fprintf(&out, "| mechanism | responses a week | level shares | warning-sign shares |\n|---|---|---|---|\n")
	signErr := map[string]float64{}
	for _, bc := range budgets {
		for _, n := range sizes {
			var lv, sg []float64
			for range weeks {
				tl := newTally(l)
				for range n {
					tl.add(pop[rng.IntN(len(pop))])
				}
				f, err := bc.b.freeze(tl)
				if err != nil {
					t.Fatal(err)
				}
				a, b := shareErrors(t, l, tl, f)
				lv, sg = append(lv, a...), append(sg, b...)
			}
			fmt.Fprintf(&out, "| %s | %d | %.2f | %.2f |\n", bc.name, n, 100*mean(lv), 100*mean(sg))
			signErr[bc.b.Mechanism] = mean(sg)
		}
	}
	t.Logf("mean absolute error, percentage points, over %d weekly releases at epsilon 1:\n%s", weeks, out.String())
	if signErr[Gaussian] >= signErr[Laplace] {
		t.Errorf("warning-sign shares: Gaussian error %.4f is not below Laplace's %.4f", signErr[Gaussian], signErr[Laplace])
	}
}
