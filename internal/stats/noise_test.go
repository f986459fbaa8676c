package stats

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/differential-privacy/go/v3/noise"

	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// layouts are the shipped questionnaire and two test fixtures of other shapes.
func layouts(t *testing.T) []*Layout {
	cat := shipped(t)
	out := []*Layout{NewLayout(cat.Latest(qid), RegionIDs(cat))}
	for _, f := range []string{"phq9.yaml", "dast10.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "questionnaire", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		q, err := definition.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, NewLayout(q, []string{"us", "other"}))
	}
	return out
}

// The parts of a release spend exactly its budget: for Gaussian noise the privacy loss
// sum(cells·(1/sd²)) over parts and levels is mu² of the release's (epsilon, delta); for
// Laplace the parts' epsilons add up to the release's.
func TestPlanSpendsTheBudget(t *testing.T) {
	for _, l := range layouts(t) {
		for _, b := range []Budget{DefaultBudget(1), DefaultBudget(0.3),
			{Mechanism: Gaussian, Epsilon: 2, National: 0, Shares: DefaultBudget(1).Shares},
			{Mechanism: Laplace, Epsilon: 1, National: 0.5, Shares: DefaultBudget(1).Shares}} {
			plan, err := b.plan(l)
			if err != nil {
				t.Fatal(err)
			}
			var spent, shares float64
			for _, pn := range plan {
				shares += pn.Share
				for _, sd := range []float64{pn.SDAll, pn.SDSlice} {
					if sd == 0 {
						continue
					}
					if b.Mechanism == Laplace {
						spent += float64(pn.MaxCells) / (sd / math.Sqrt2)
					} else {
						spent += float64(pn.MaxCells) / (sd * sd)
					}
				}
			}
			want := b.Epsilon
			if b.Mechanism == Gaussian {
				unit := noise.SigmaForGaussian(1, 1, b.Epsilon, Delta)
				want = 1 / (unit * unit)
			}
			// The library's sd is at most 0.1% above the tightest: the spend a little under.
			if spent > want*(1+1e-9) || spent < want*0.995 {
				t.Errorf("%s %s at %g: spends %.6f, budget %.6f", l.Questionnaire, b.Mechanism, b.Epsilon, spent, want)
			}
			if math.Abs(shares-1) > 1e-9 {
				t.Errorf("%s: shares add up to %g", l.Questionnaire, shares)
			}
		}
	}
}

func TestBudgetRefusesBadEpsilon(t *testing.T) {
	l := layouts(t)[0]
	for _, e := range []float64{0, -1, MinEpsilon / 2, MaxEpsilon * 2, math.NaN(), math.Inf(1)} {
		if _, err := DefaultBudget(e).plan(l); err == nil {
			t.Errorf("epsilon %g was accepted", e)
		}
	}
}

// A release's estimates are unbiased, and their spread is the variance the margins of error
// are computed from, for one slice and for the whole release (where reconciliation helps).
func TestFreezeUnbiasedWithStatedVariance(t *testing.T) {
	cat := shipped(t)
	l := NewLayout(cat.Latest(qid), RegionIDs(cat))
	tl := NewTally(l)
	for _, r := range population(t, 400, 3) {
		tl.Add(r)
	}
	const runs = 300
	b := DefaultBudget(1)
	cell := l.Offset(PartOptions) + 2 // an option of use_context
	var truth, truthSlice float64
	for s := range tl.Counts {
		truth += float64(tl.Counts[s][cell])
	}
	truthSlice = float64(tl.Counts[0][cell])
	var sum, sum2, one, one2 float64
	var f *Release
	for range runs {
		var err error
		if f, err = b.Freeze(tl); err != nil {
			t.Fatal(err)
		}
		var whole float64
		for s := range f.Values {
			whole += float64(f.Values[s][cell])
		}
		sum, sum2 = sum+whole, sum2+whole*whole
		x := float64(f.Values[0][cell])
		one, one2 = one+x, one2+x*x
	}
	pn := f.Noise[2]
	for _, c := range []struct {
		name            string
		sum, sum2, want float64
		n               int
	}{{"whole release", sum, sum2, truth, l.Slices()}, {"one slice", one, one2, truthSlice, 1}} {
		mean := c.sum / runs
		variance := c.sum2/runs - mean*mean
		stated := f.Variance(pn, c.n)
		if math.Abs(mean-c.want) > 4*math.Sqrt(stated/runs) {
			t.Errorf("%s: mean %.1f, truth %.0f", c.name, mean, c.want)
		}
		// The sample variance of 300 normal draws is within 25% of the true one by far.
		if variance < stated*0.75 || variance > stated*1.25 {
			t.Errorf("%s: variance %.0f, stated %.0f", c.name, variance, stated)
		}
	}
	if f.Variance(pn, l.Slices()) >= float64(l.Slices())*pn.SDSlice*pn.SDSlice/2 {
		t.Error("measuring the whole release does not reduce its variance")
	}
}

// One response never adds to more cells than the noise is calibrated for, whatever a stored row
// holds.
func TestTallyBoundsEachResponse(t *testing.T) {
	cat := shipped(t)
	l := NewLayout(cat.Latest(qid), RegionIDs(cat))
	for _, tc := range []struct {
		name string
		r    responsedb.Response
		want int64 // cells added to
	}{
		{"one band, one option", responsedb.Response{Band: "low", Answers: map[string][]string{"use_context": {"none_recent"}}}, 2},
		{"two codes on a single-choice item", responsedb.Response{Band: "low", Answers: map[string][]string{"use_context": {"prescribed", "both"}}}, 2},
		{"the same code twice", responsedb.Response{Band: "low", Answers: map[string][]string{"mental_health": {"anxiety", "anxiety"}}}, 2},
		// urinary allows its four symptoms at most ("none" is exclusive): five codes add four.
		{"more options than an item allows", responsedb.Response{Band: "low", Answers: map[string][]string{
			"urinary": {"often_urgent", "pain", "blood", "leaking", "none"}}}, 5},
		{"a flag twice and an unknown one", responsedb.Response{Band: "high", Flags: []string{"safety", "safety", "nope"}}, 2},
		{"an unknown band, item and code", responsedb.Response{Band: "nope", Answers: map[string][]string{"nope": {"x"}, "safety": {"x"}}}, 0},
	} {
		tl := NewTally(l)
		tc.r.Lang, tc.r.Region = "en", "us"
		tl.Add(&tc.r)
		var got int64
		for _, c := range tl.Counts[l.Slice("en", "us")] {
			got += c
		}
		if got != tc.want {
			t.Errorf("%s: added %d, want %d", tc.name, got, tc.want)
		}
	}
	tl := NewTally(l)
	tl.Add(&responsedb.Response{Lang: "fr", Region: "us", Band: "low"})
	if tl.skipped != 1 {
		t.Errorf("a response in a language the questionnaire lacks: skipped %d", tl.skipped)
	}
}
