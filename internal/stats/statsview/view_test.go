package statsview

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/stats"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []float64
		total int64
		want  []int64
	}{
		{"already whole and adding up", []float64{3, 5, 2}, 10, []int64{3, 5, 2}},
		{"a negative cell goes to zero, the others give way", []float64{-4, 8, 6}, 10, []int64{0, 6, 4}},
		{"every cell negative", []float64{-3, -1}, 4, []int64{1, 3}},
		{"a total of zero", []float64{5, 7}, 0, []int64{0, 0}},
		{"rounding keeps the total", []float64{1.5, 1.5, 1.5, 1.5}, 6, []int64{2, 2, 1, 1}},
		{"a larger total lifts every cell alike", []float64{1, 2}, 7, []int64{3, 4}},
		{"no cells", nil, 5, []int64{}},
	} {
		es := make([]estimate, len(tc.in))
		for i, x := range tc.in {
			es[i] = estimate{sum: x}
		}
		got := fit(es, tc.total)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: fit(%v, %d) = %v, want %v", tc.name, tc.in, tc.total, got, tc.want)
		}
	}
}

// Random inputs: fit's output is never negative and always adds up to the total.
func TestFitAddsUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		es := make([]estimate, 1+rng.IntN(9))
		for j := range es {
			es[j].sum = rng.NormFloat64() * 40
		}
		total := int64(rng.IntN(60))
		got := fit(es, total)
		var sum int64
		for _, x := range got {
			if x < 0 {
				t.Fatalf("fit gave %v", got)
			}
			sum += x
		}
		if total > 0 && sum != total || total == 0 && sum != 0 {
			t.Fatalf("fit(%v, %d) adds up to %d", es, total, sum)
		}
	}
}

// Every table of a view from a noisy release: whole, never negative, totals the sums of their
// cells, one total of responses across tables, warning signs as their options say, and figures
// under k marked.
func TestViewAddsUp(t *testing.T) {
	cat := shipped(t)
	l := stats.NewLayout(cat.Latest(qid), stats.RegionIDs(cat))
	for _, n := range []int{0, 30, 3000} {
		tl := stats.NewTally(l)
		for _, r := range population(t, n, 2) {
			tl.Add(r)
		}
		f, err := stats.DefaultBudget(1).Freeze(tl)
		if err != nil {
			t.Fatal(err)
		}
		v := singleView(t, l, f)
		total, _ := v.Table(TableByLevel, qid).Cell(Total, "responses")
		sums := map[string]int64{}
		marked := 0
		for _, tb := range v.Tables {
			for _, e := range tb.Entries {
				if e.Value < 0 || math.IsNaN(e.Margin) || e.Margin <= 0 {
					t.Fatalf("%d: %s %s/%s = %+v", n, tb.ID, e.Row, e.Column, e.Cell)
				}
				if e.Suppressed != (e.Value < DefaultK) {
					t.Errorf("%d: %s %s/%s: %d marked %v", n, tb.ID, e.Row, e.Column, e.Value, e.Suppressed)
				}
				if e.Suppressed {
					marked++
				}
				if e.Row != Total && e.Column != Total && tb.ID != TableOptions && tb.ID != TableWarningSigns && tb.ID != TableByFlag {
					sums[tb.ID+"/"+e.Column] += e.Value
				}
			}
		}
		if marked != v.Suppressed {
			t.Errorf("%d: %d cells marked, the view counts %d", n, marked, v.Suppressed)
		}
		for _, c := range []struct{ table, row, column, sum string }{
			{TableByPeriod, Total, "responses", TableByPeriod + "/responses"},
			{TableByLevel, Total, "responses", TableByLevel + "/responses"},
			{TableByQuestionnaire, Total, "responses", ""},
			{TableByLangRegion, Total, Total, ""},
		} {
			tb := v.Table(c.table, "")
			if tb == nil {
				tb = v.Table(c.table, qid)
			}
			got, _ := tb.Cell(c.row, c.column)
			if got.Value != total.Value || c.sum != "" && sums[c.sum] != total.Value {
				t.Errorf("%d: %s total %d (cells %d), level total %d", n, c.table, got.Value, sums[c.sum], total.Value)
			}
		}
		// Responses by language and region: rows and columns add up.
		tb := v.Table(TableByLangRegion, "")
		for _, lang := range l.Languages {
			var row int64
			for _, g := range l.Regions {
				c, _ := tb.Cell(lang, g)
				row += c.Value
			}
			if c, _ := tb.Cell(lang, Total); c.Value != row {
				t.Errorf("%d: %s total %d, cells %d", n, lang, c.Value, row)
			}
		}
		// A single-choice item's options add up to at most the responses; a warning sign is its
		// "yes".
		opts, signs := v.Table(TableOptions, qid), v.Table(TableWarningSigns, qid)
		var asked int64
		for _, e := range opts.Entries {
			if e.Row == "use_context" {
				asked += e.Value
			}
		}
		if asked > total.Value {
			t.Errorf("%d: use_context answered %d times by %d responses", n, asked, total.Value)
		}
		yes, _ := opts.Cell("craving", "yes")
		sign, _ := signs.Cell("craving", "responses")
		if yes.Value != sign.Value {
			t.Errorf("%d: craving yes %d, warning sign %d", n, yes.Value, sign.Value)
		}
	}
}
