package stats

import (
	"context"
	"math"

	"github.com/google/differential-privacy/go/v3/noise"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

// Spend is the budget a questionnaire's period has spent: its ledger entries, their epsilons
// summed (the figure the cap applies to), and the epsilon they give composed exactly, which is
// lower when there are several Gaussian releases.
type Spend struct {
	Questionnaire, Period string
	FirstDay, LastDay     string
	Entries               []releasedb.LedgerEntry
	Epsilon               float64 // the sum
	Composed              float64 // at Delta; the sum when any entry is not Gaussian
}

// Budgets lists the spend of every released period, oldest first.
func Budgets(ctx context.Context, st *store.Store) ([]Spend, error) {
	entries, err := releasedb.New(st).Ledger(ctx)
	if err != nil {
		return nil, err
	}
	var out []Spend
	index := map[[4]string]int{}
	for _, e := range entries {
		k := [4]string{e.Questionnaire, e.Period, e.FirstDay, e.LastDay}
		i, ok := index[k]
		if !ok {
			out = append(out, Spend{Questionnaire: e.Questionnaire, Period: e.Period, FirstDay: e.FirstDay, LastDay: e.LastDay})
			i = len(out) - 1
			index[k] = i
		}
		out[i].Entries = append(out[i].Entries, e)
		out[i].Epsilon += e.Epsilon
	}
	for i := range out {
		out[i].Composed = composed(out[i].Entries)
	}
	return out, nil
}

// composed is the epsilon, at Delta, of Gaussian releases of the same people together: each
// is a Gaussian mechanism whose sensitivity over noise is mu_i = 1/sd(epsilon_i), and together
// they are one Gaussian mechanism with mu = sqrt(sum mu_i²). For any other mechanism the
// epsilons add up.
func composed(entries []releasedb.LedgerEntry) float64 {
	var mu2, sum float64
	for _, e := range entries {
		sum += e.Epsilon
		if e.Mechanism != Gaussian || e.Delta != Delta {
			return sum
		}
		s := noise.SigmaForGaussian(1, 1, e.Epsilon, Delta)
		mu2 += 1 / (s * s)
	}
	if len(entries) == 1 {
		return sum
	}
	target := 1 / math.Sqrt(mu2)
	lo, hi := 0.0, sum
	for range 40 {
		mid := (lo + hi) / 2
		if noise.SigmaForGaussian(1, 1, mid, Delta) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Ceil(hi*1e3) / 1e3
}
