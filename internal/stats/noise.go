package stats

import (
	"strings"

	"github.com/google/differential-privacy/go/v3/dpagg"
	"github.com/google/differential-privacy/go/v3/noise"
)

// noisyTables is how many tables share the privacy budget. Each gets an equal part: the
// responses per period, per questionnaire version and per language and region, and for each
// questionnaire its levels, flags, item options and warning signs. A response belongs to one
// questionnaire, so the tables of different questionnaires count different responses and
// share the same part (parallel composition). Totals are sums of noisy cells: they cost
// nothing more.
const noisyTables = 7

// addNoise replaces every count that is not a total with a differentially private one:
// Laplace noise from dpagg.Count, scaled to how many cells of its table one response can add
// to, then clamped at 0; totals are then recomputed from the noisy parts. The unit protected
// is one submission.
func (d *draft) addNoise(epsilon float64) error {
	per := epsilon / noisyTables
	n := &Noise{Epsilon: epsilon, EpsilonPerTable: per}
	n.Tables = append(n.Tables,
		NoisyTable{Table: TableByPeriod, MaxCells: 1},
		NoisyTable{Table: TableByQuestionnaire, MaxCells: 1},
		NoisyTable{Table: TableByLangRegion, MaxCells: 1})
	l0 := map[string]int64{"period": 1, "q": 1, "place": 1}
	for _, b := range d.r.blocks {
		l0["band:"+b.id] = 1
		l0["flag:"+b.id] = b.maxFlags
		l0["option:"+b.id] = b.maxOptions
		l0["sign:"+b.id] = b.maxSigns
		n.Tables = append(n.Tables,
			NoisyTable{Table: TableByLevel, Questionnaire: b.id, MaxCells: 1},
			NoisyTable{Table: TableByFlag, Questionnaire: b.id, MaxCells: b.maxFlags},
			NoisyTable{Table: TableOptions, Questionnaire: b.id, MaxCells: b.maxOptions},
			NoisyTable{Table: TableWarningSigns, Questionnaire: b.id, MaxCells: b.maxSigns})
	}
	for i := range n.Tables {
		n.Tables[i].Scale = float64(n.Tables[i].MaxCells) / per
	}
	for i, id := range d.ids {
		if _, total := d.derived[i]; total {
			continue
		}
		kind, rest, _ := strings.Cut(id, ":")
		sens := l0[kind]
		if kind != "period" && kind != "place" && kind != "q" {
			q, _, _ := strings.Cut(rest, ":")
			sens = l0[kind+":"+q]
		}
		v, err := laplace(d.values[i], per, sens)
		if err != nil {
			return err
		}
		d.values[i] = v
	}
	d.computeDerived()
	d.r.Noise = n
	return nil
}

// laplace is count with Laplace noise for epsilon and L0 sensitivity l0, clamped at 0.
func laplace(count int64, epsilon float64, l0 int64) (int64, error) {
	c, err := dpagg.NewCount(&dpagg.CountOptions{Epsilon: epsilon, MaxPartitionsContributed: l0, Noise: noise.Laplace()})
	if err != nil {
		return 0, err
	}
	if err := c.IncrementBy(count); err != nil {
		return 0, err
	}
	v, err := c.Result()
	return max(v, 0), err
}
