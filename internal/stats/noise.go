package stats

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/google/differential-privacy/go/v3/noise"
)

// Mechanisms. Gaussian is the one releases use; Laplace is kept to measure against it (see
// docs/stats-export.md, "Choosing the mechanism").
const (
	Gaussian = "gaussian"
	Laplace  = "laplace"
)

// Delta is the delta of a period's releases, all of them together: (epsilon, Delta)-DP for
// one submission. The Gaussian noise of several releases of a period composes into one
// Gaussian mechanism, so the period's delta stays Delta however many there are.
const Delta = 1e-6

// Library names the differential privacy implementation in exports.
const Library = "github.com/google/differential-privacy/go/v3 v3.0.0 (noise.Gaussian, analytic calibration)"

// Budget is what one release may spend, and how it splits it.
type Budget struct {
	Mechanism string
	Epsilon   float64
	// National is the share measured on the whole release (every language and region
	// together); the rest measures each language-and-region slice. The two are then
	// reconciled, so each slice sums to the whole exactly.
	National float64
	// Shares split the budget between the parts of a release (level, flags, options).
	Shares map[string]float64
}

// DefaultBudget is the budget of a release at epsilon: Gaussian noise; half on the whole
// release and half on the slices; of each half, 20% on the level, 10% on the flags and 70% on
// the options of the items (warning signs are options). The split was chosen on the
// utility table of docs/stats-export.md.
func DefaultBudget(epsilon float64) Budget {
	return Budget{Mechanism: Gaussian, Epsilon: epsilon, National: 0.5,
		Shares: map[string]float64{PartLevel: 0.2, PartFlags: 0.1, PartOptions: 0.7}}
}

// PartNoise is the noise on one part of a release, as stored with it.
type PartNoise struct {
	Part     string  `json:"part"`
	MaxCells int     `json:"max_cells"` // cells one response adds one to, at most
	Share    float64 `json:"share"`     // of the release's budget, both levels together
	// SDAll and SDSlice are the standard deviations of the noise added to each measured cell
	// of the whole release and of a slice; 0 when that level was not measured.
	SDAll   float64 `json:"sd_all"`
	SDSlice float64 `json:"sd_slice"`
}

// plan works out the noise of every part. Parts that no response can add to (a questionnaire
// without flags) get no share; the others divide the budget in proportion to their shares.
func (b Budget) plan(l *Layout) ([]PartNoise, error) {
	if math.IsNaN(b.Epsilon) || b.Epsilon < MinEpsilon || b.Epsilon > MaxEpsilon {
		return nil, paramErr("epsilon", "epsilon must be from %g to %g", float64(MinEpsilon), float64(MaxEpsilon))
	}
	if b.National < 0 || b.National >= 1 {
		return nil, errors.New("stats: the national share must be from 0 to below 1")
	}
	var sum float64
	for _, p := range partNames {
		if l.MaxCells(p) > 0 {
			sum += b.Shares[p]
		}
	}
	if sum <= 0 {
		return nil, errors.New("stats: the budget has no share for any part")
	}
	var out []PartNoise
	for _, p := range partNames {
		c := l.MaxCells(p)
		pn := PartNoise{Part: p, MaxCells: c}
		if c > 0 {
			pn.Share = b.Shares[p] / sum
			pn.SDAll = b.sd(c, pn.Share*b.National)
			pn.SDSlice = b.sd(c, pn.Share*(1-b.National))
		}
		out = append(out, pn)
	}
	return out, nil
}

// sensitivity is the sensitivity handed to the library for a part of c cells given a share of
// the budget. With the release's whole (epsilon, delta), a Gaussian of L2 sensitivity
// sqrt(c/share) has the noise that spends exactly that share: the privacy loss of Gaussian
// parts adds up in (sensitivity/sd)², so the parts of a release together are one Gaussian
// mechanism of the release's (epsilon, delta). Laplace spends share·epsilon on L1 sensitivity c.
func (b Budget) sensitivity(c int, share float64) float64 { return math.Sqrt(float64(c) / share) }

func (b Budget) sd(c int, share float64) float64 {
	if share <= 0 {
		return 0
	}
	if b.Mechanism == Laplace {
		return math.Sqrt2 * float64(c) / (share * b.Epsilon)
	}
	return noise.SigmaForGaussian(1, b.sensitivity(c, share), b.Epsilon, Delta)
}

// add returns count plus the noise of a part of c cells given a share of the budget.
func (b Budget) add(count int64, c int, share float64) (float64, error) {
	if b.Mechanism == Laplace {
		return noise.Laplace().AddNoiseFloat64(float64(count), int64(c), 1, share*b.Epsilon, 0)
	}
	return noise.Gaussian().AddNoiseFloat64(float64(count), 1, b.sensitivity(c, share), b.Epsilon, Delta)
}

// Release is the content of a stored release: its layout, its noise, and for each slice the
// noisy values of its measured cells. They are whole numbers, and may be below zero: each is the unbiased
// estimate, so sums over many releases stay unbiased. Whatever a reader sees is post-processed
// from them (no negatives, totals that add up; see statsview).
type Release struct {
	Layout    Layout      `json:"layout"`
	Mechanism string      `json:"mechanism"`
	Epsilon   float64     `json:"epsilon"`
	Delta     float64     `json:"delta"`
	National  float64     `json:"national_share"`
	Noise     []PartNoise `json:"noise"`
	Values    [][]int64   `json:"values"` // by slice (languages by regions), then measured cell
}

// Freeze adds noise to a tally. Each measured cell is noised twice, once for the whole
// release and once per slice; the slices are then moved toward the whole by the best linear
// unbiased estimate (generalised least squares on one parent and its K children), so that
// they add up to it, and rounded.
func (b Budget) Freeze(t *Tally) (*Release, error) {
	l := t.l
	plan, err := b.plan(l)
	if err != nil {
		return nil, err
	}
	f := &Release{Layout: *l, Mechanism: b.Mechanism, Epsilon: b.Epsilon, National: b.National, Noise: plan,
		Values: make([][]int64, l.Slices())}
	if b.Mechanism == Gaussian {
		f.Delta = Delta
	}
	for s := range f.Values {
		f.Values[s] = make([]int64, l.width())
	}
	k := l.Slices()
	ys := make([]float64, k)
	for _, pn := range plan {
		off := l.Offset(pn.Part)
		for r := range l.Rows(pn.Part) {
			if pn.MaxCells == 0 {
				break // no response reaches the part: every cell is 0, and nothing is spent
			}
			var whole int64
			var sumY float64
			for s := range k {
				c := t.Counts[s][off+r]
				whole += c
				y, err := b.add(c, pn.MaxCells, pn.Share*(1-b.National))
				if err != nil {
					return nil, fmt.Errorf("noise: %w", err)
				}
				ys[s] = y
				sumY += y
			}
			w := 0.0 // how far the slices move toward the whole
			if b.National > 0 {
				y0, err := b.add(whole, pn.MaxCells, pn.Share*b.National)
				if err != nil {
					return nil, fmt.Errorf("noise: %w", err)
				}
				v0, v1 := pn.SDAll*pn.SDAll, pn.SDSlice*pn.SDSlice
				w = v1 / (v0 + float64(k)*v1)
				for s := range k {
					ys[s] += w * (y0 - sumY)
				}
			}
			for s := range k {
				f.Values[s][off+r] = int64(math.Round(ys[s]))
			}
		}
	}
	return f, nil
}

// Variance is the variance of the sum of one measured cell of a part over n of the release's
// slices (n from 1 to all of them), after reconciliation: n·v1·(1 − n·w), w = v1/(v0 + K·v1).
// Over every slice it is the variance of the whole's estimate, K·v1·v0/(v0 + K·v1).
func (f *Release) Variance(pn PartNoise, n int) float64 {
	v1 := pn.SDSlice * pn.SDSlice
	if pn.SDAll == 0 {
		return float64(n) * v1
	}
	v0 := pn.SDAll * pn.SDAll
	w := v1 / (v0 + float64(f.Layout.Slices())*v1)
	return float64(n) * v1 * (1 - float64(n)*w)
}

// epsilonCache keeps Epsilon's answers: exports ask for the same few again and again.
var epsilonCache sync.Map

type epsilonKey struct {
	mechanism      string
	epsilon, share float64
}

// Epsilon is the epsilon a part of a release satisfies on its own (at the release's delta):
// what a reader of that part's tables alone could learn. For Laplace the parts' epsilons add
// up to the release's; Gaussian parts compose more tightly, so theirs add up to more.
func (p PartNoise) Epsilon(mechanism string, epsilon, delta float64) float64 {
	if p.Share <= 0 {
		return 0
	}
	if mechanism == Laplace {
		return p.Share * epsilon
	}
	k := epsilonKey{mechanism, epsilon, p.Share}
	if e, ok := epsilonCache.Load(k); ok {
		return e.(float64)
	}
	// The part alone is a Gaussian with sensitivity/sd sqrt(share) times the release's: find the
	// epsilon whose unit sd is the release's divided by sqrt(share).
	target := noise.SigmaForGaussian(1, 1, epsilon, delta) / math.Sqrt(p.Share)
	lo, hi := 0.0, epsilon
	for range 40 {
		mid := (lo + hi) / 2
		if noise.SigmaForGaussian(1, 1, mid, delta) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	e := math.Round(hi*1e4) / 1e4
	epsilonCache.Store(k, e)
	return e
}
