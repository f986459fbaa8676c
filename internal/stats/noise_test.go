package stats

import (
	"context"
	"math"
	"testing"
)

func TestLaplaceUnbiasedAndNonNegative(t *testing.T) {
	const runs = 4000
	eps, l0 := 0.5, int64(3)
	b := float64(l0) / eps // Laplace scale
	var sum float64
	differ := 0
	for range runs {
		v, err := laplace(1000, eps, l0)
		if err != nil {
			t.Fatal(err)
		}
		sum += float64(v)
		if v != 1000 {
			differ++
		}
	}
	mean := sum / runs
	// The mean of runs draws has standard deviation b·√2/√runs; allow five of them.
	if tol := 5 * b * math.Sqrt2 / math.Sqrt(runs); math.Abs(mean-1000) > tol {
		t.Errorf("mean of noisy counts = %.2f, want 1000 ± %.2f", mean, tol)
	}
	if differ < runs*9/10 {
		t.Errorf("only %d of %d noisy counts differ from the true count", differ, runs)
	}
	for range runs {
		v, err := laplace(0, eps, l0)
		if err != nil {
			t.Fatal(err)
		}
		if v < 0 {
			t.Fatalf("noisy count %d is negative", v)
		}
	}
}

func TestNoisyReleases(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 400, 3, 8)
	p := params(3)
	exact := draftOf(t, s.st, cat, p)
	p.Epsilon = 1
	const runs = 40
	sums := map[string]float64{}
	noisy := 0
	for range runs {
		r, err := Build(context.Background(), s.st, cat, p, day0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Noise == nil || r.Noise.EpsilonPerTable != 1.0/noisyTables {
			t.Fatalf("noise = %+v", r.Noise)
		}
		for _, tb := range r.Tables {
			for _, e := range tb.Entries {
				if e.Suppressed {
					continue
				}
				if e.Value < 0 || e.Value >= 1 && e.Value < DefaultK {
					t.Fatalf("%s %s/%s: released %d", tb.ID, e.Row, e.Column, e.Value)
				}
				if e.Value != exact.values[exact.index[e.id]] {
					noisy++
				}
			}
		}
		// Totals are sums of the released noisy parts of their table.
		tb := r.Table(TableByPeriod, "")
		var parts int64
		whole := true
		for _, e := range tb.Entries {
			if e.Row != Total {
				parts += e.Value
				whole = whole && !e.Suppressed
			}
		}
		if total, _ := tb.Cell(Total, "responses"); whole && !total.Suppressed && total.Value != parts {
			t.Errorf("total %d is not the sum of its parts %d", total.Value, parts)
		}
		for _, e := range r.Table(TableByQuestionnaire, "").Entries {
			sums[e.Row] += float64(e.Value)
		}
	}
	if noisy == 0 {
		t.Fatal("no released count carries noise")
	}
	// The per-version count is large and its noise has scale 7 (sd ≈ 10): the mean of 40 noisy
	// releases is within a few units of the truth.
	truth := float64(exact.values[exact.index[versionCell(qid, cat.Latest(qid).Version)]])
	if mean := sums[qid+"@"+cat.Latest(qid).Version] / runs; math.Abs(mean-truth) > 5*noisyTables*math.Sqrt2/math.Sqrt(runs) {
		t.Errorf("mean noisy count %.1f, true count %.0f", mean, truth)
	}
}
