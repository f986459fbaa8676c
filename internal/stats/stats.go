// Package stats makes the anonymized statistics of ketascreen: a fixed set of tables built
// from the aggregate counters (never from single responses), protected by small-cell
// suppression with complementary suppression and, optionally, by differential privacy, and
// written as CSV or JSON. The dashboard and the export command show the same releases.
package stats

import (
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Format names the export format; FormatVersion changes whenever a reader would need to.
const (
	Format        = "ketascreen-stats"
	FormatVersion = 1
)

// DefaultK is the smallest count released: CMS cell-size policy, no count from 1 to 10.
const DefaultK = 11

// Table ids, in the order of a release.
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

// Release is one set of tables, protected together: what a dashboard page shows or an
// export holds. Suppressed cells have no value.
type Release struct {
	Params    Params
	Periods   []string  // the weeks or months covered, in order
	Start     time.Time // first day of the first period
	End       time.Time // last day of the last period
	Generated string    // ISO week the release was made
	Tables    []*Table
	// Noise describes the differential privacy of the release; nil without --epsilon.
	Noise *Noise
	// Suppressed counts the withheld cells.
	Suppressed int

	blocks         []*block
	langs, regions []string
	resources      *questionnaire.Resources
}

// Table is one fixed table: every row and column of its category lists, zeros included.
type Table struct {
	ID            string
	Questionnaire string // for the tables of one questionnaire; empty for the others
	Entries       []Entry
}

// Entry is one cell of a table, in long form: its row, its column and its count.
type Entry struct {
	Row, Column string
	Cell
	id string // the cell's id: a total shown in several tables is one cell
}

// Cell is a released count, or a withheld one.
type Cell struct {
	Value      int64 // 0 when suppressed
	Suppressed bool
}

// Noise is how differential privacy was applied.
type Noise struct {
	Epsilon         float64
	EpsilonPerTable float64
	Tables          []NoisyTable
}

// NoisyTable is one table's share of the privacy budget.
type NoisyTable struct {
	Table         string
	Questionnaire string
	// MaxCells is how many cells of the table one submission can add to (the L0 sensitivity).
	MaxCells int64
	// Scale is the Laplace scale b = MaxCells / EpsilonPerTable; the noise's standard
	// deviation is b·√2.
	Scale float64
}

// Table returns the table with the id (and questionnaire, for per-questionnaire tables).
func (r *Release) Table(id, questionnaire string) *Table {
	for _, t := range r.Tables {
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

// Method names the protection of a release.
func (r *Release) Method() string {
	if r.Noise != nil {
		return "differential_privacy+small_cell_suppression"
	}
	return "small_cell_suppression"
}
