// Package statsview reads statistics releases for people: a View selects stored releases
// (Query) and sums them over the periods, questionnaires, languages and regions asked for,
// then lays the sums out as fixed tables of whole, non-negative figures with their margins of
// error and labels. The dashboard shows views and exports write them (CSV or JSON); no reader
// ever reaches a response.
package statsview

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
)

// DefaultK is the readability threshold: a figure whose noisy value is under k is shown as
// "fewer than k". It is post-processing of noisy values, not the protection.
const DefaultK = 11

// Table ids of a view, in the order of a view.
const (
	TableByPeriod        = "responses_by_period"
	TableByQuestionnaire = "responses_by_questionnaire"
	TableByLangRegion    = "responses_by_language_region"
	TableByLevel         = "responses_by_level"
	TableByFlag          = "responses_by_flag"
	TableWarningSigns    = "warning_signs"
	TableOptions         = "option_counts"
)

// Total is the row or column key of a total.
const Total = "total"

// View is what a dashboard page shows or an export holds: fixed tables summed from stored
// releases, post-processed for reading. Every figure is a sum of noisy release cells; a
// figure under k is marked Suppressed and shown as "fewer than k".
type View struct {
	Params     Params    // as asked, with defaults filled in
	Periods    []string  // the weeks or months of the time series, in order
	Start, End time.Time // the first and last days of the releases used
	Generated  string    // ISO week the view was made
	Tables     []*Table
	Suppressed int           // figures shown as "fewer than k"
	Releases   []ReleaseUsed // every release summed, oldest first

	cat *catalog.Catalog
	// responses is the unbiased estimate of the responses summed, before post-processing.
	responses estimate
}

// ReleaseUsed names a release a view summed, and what it spent.
type ReleaseUsed struct {
	ID            int64
	Questionnaire string
	Version       string
	Period        string
	Mechanism     string
	Epsilon       float64
	Delta         float64
	// Parts is the noise of each part: what the margins of error come from.
	Parts []stats.PartNoise
}

// Table is one fixed table: every row and column of its category lists, zeros included.
type Table struct {
	ID            string
	Questionnaire string // for the tables of one questionnaire; empty for the others
	Entries       []Entry
}

// Entry is one cell of a table, in long form: its row, its column and its figure.
type Entry struct {
	Row, Column string
	Cell
}

// Cell is one figure of a view.
type Cell struct {
	// Value is the post-processed figure: a whole number, never negative; the totals of a
	// table are the sums of its cells.
	Value int64
	// Suppressed means Value is under k, and is shown as "fewer than k" (a rule for readers
	// of noisy figures, not the protection).
	Suppressed bool
	// Margin is the 90% margin of error from the noise: the true count is within Value ±
	// Margin nine times in ten (before post-processing moved it).
	Margin float64
}

// Status is how an export names the cell: released, or fewer_than_k.
func (c Cell) Status() string {
	if c.Suppressed {
		return "fewer_than_k"
	}
	return "released"
}

// z90 is the two-sided 90% quantile of the normal distribution.
const z90 = 1.6448536269514722

// margin is the 90% margin of error of an estimate of variance v. Laplace noise summed over
// many cells is close to normal; for one Laplace cell the normal margin is a little narrow.
func margin(v float64) float64 { return math.Ceil(z90*math.Sqrt(v)*10) / 10 }

// Table returns the table with the id (and questionnaire, for per-questionnaire tables).
func (v *View) Table(id, questionnaire string) *Table {
	for _, t := range v.Tables {
		if t.ID == id && t.Questionnaire == questionnaire {
			return t
		}
	}
	return nil
}

// Cell returns the cell of a row and column, and whether the table has it.
func (t *Table) Cell(row, column string) (Cell, bool) {
	for _, e := range t.Entries {
		if e.Row == row && e.Column == column {
			return e.Cell, true
		}
	}
	return Cell{}, false
}

// estimate is an unbiased noisy sum and its variance.
type estimate struct {
	sum float64
	v   float64
}

func (e *estimate) add(o estimate) { e.sum += o.sum; e.v += o.v }

// fit post-processes estimates that must add up to total: the nearest non-negative values
// with that sum (Euclidean projection onto the simplex), rounded to whole numbers so that they
// still add up (largest remainders first). It is the step that keeps small noisy cells from
// going below zero without lifting the total.
func fit(ests []estimate, total int64) []int64 {
	out := make([]int64, len(ests))
	if total <= 0 || len(ests) == 0 {
		return out
	}
	u := make([]float64, len(ests))
	for i, e := range ests {
		u[i] = e.sum
	}
	sorted := slices.Clone(u)
	sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
	var cum, tau float64
	for j, x := range sorted {
		cum += x
		if t := (cum - float64(total)) / float64(j+1); x-t > 0 {
			tau = t
		}
	}
	type rem struct {
		i    int
		frac float64
	}
	var rems []rem
	var sum int64
	for i, x := range u {
		x = max(0, x-tau)
		out[i] = int64(math.Floor(x))
		sum += out[i]
		rems = append(rems, rem{i, x - math.Floor(x)})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for j := 0; sum < total && j < len(rems); j++ {
		out[rems[j].i]++
		sum++
	}
	return out
}

// clamp is an estimate held to [0, most] and rounded: for figures without a total to add up to
// (flags, options of a multiple-choice item).
func clamp(e estimate, most int64) int64 {
	return min(max(0, int64(math.Round(e.sum))), max(0, most))
}

// cell makes a figure of a view from its post-processed value and its estimate's variance.
func (v *View) cell(value int64, e estimate) Cell {
	c := Cell{Value: value, Margin: margin(e.v)}
	if value < int64(v.Params.K) {
		c.Suppressed = true
		v.Suppressed++
	}
	return c
}
