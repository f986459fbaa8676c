package statsview

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

// docMargins are the 90% margins the margin table of docs/stats-export.md quotes for a version
// of the shipped questionnaire, made the way a view makes them: weekly releases at epsilon 1
// of the shipped layout (every language by every region), summed over every slice ("week"),
// over one language ("language"), and over 52 weekly releases ("year"). Rows: a band of the
// level, the responses, a flag, an answer (an option's count), a warning sign.
func docMargins(t *testing.T, version string) (slices, langSlices int, m map[string][3]float64) {
	cat := shipped(t)
	q := cat.Version(qid, version)
	if q == nil {
		t.Fatalf("no %s %s", qid, version)
	}
	l := stats.NewLayout(q, stats.RegionIDs(cat))
	f := exact(t, stats.NewTally(l))
	body, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	view := func(weeks int, langs []string) *View {
		var ds []*decoded
		for w := range weeks {
			first := day(day0).AddDate(0, 0, 7*w)
			ds = append(ds, &decoded{Release: &releasedb.Release{ID: int64(w + 1), LedgerID: int64(w + 1), Questionnaire: qid,
				Version: version, Period: stats.WeekOf(first), FirstDay: store.Day(first), LastDay: store.Day(first.AddDate(0, 0, 6)),
				Body: string(body)}, f: f, first: first, last: first.AddDate(0, 0, 6)})
		}
		v := &View{Params: Params{By: stats.ByWeek, K: DefaultK, Questionnaires: []string{qid}, Langs: langs, Regions: l.Regions}, cat: cat}
		v.sum(ds)
		return v
	}
	m = map[string][3]float64{}
	for i, v := range []*View{view(1, l.Languages), view(1, l.Languages[:1]), view(52, l.Languages)} {
		get := func(table, row, column string) float64 {
			tb := v.Table(table, qid)
			if tb == nil {
				t.Fatalf("no table %s", table)
			}
			c, ok := tb.Cell(row, column)
			if !ok {
				t.Fatalf("no cell %s %s %s", table, row, column)
			}
			return c.Margin
		}
		put := func(name string, x float64) { a := m[name]; a[i] = x; m[name] = a }
		put("level", get(TableByLevel, l.Bands[0], "responses"))
		put("responses", get(TableByLevel, Total, "responses"))
		put("flag", get(TableByFlag, l.Flags[0], "responses"))
		put("answer", get(TableOptions, l.Items[0].ID, l.Items[0].Codes[0]))
		sign := v.Table(TableWarningSigns, qid).Entries[0]
		put("sign", sign.Margin)
	}
	return l.Slices(), len(l.Regions), m
}

// The margin table of docs/stats-export.md is what the code gives: each row recomputed here
// from the shipped questionnaire's versions and resources, so a new version, region or split
// that changes the margins fails until the doc says so. So are the cells one response touches.
func TestDocMargins(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/stats-export.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(doc)), " ")
	pm := func(x float64) string { return fmt.Sprintf("±%.0f", math.Round(x)) }
	row := func(figure, versions string, m [3]float64) string {
		return fmt.Sprintf("| %s | %s | %s | %s | %s |", figure, versions, pm(m[0]), pm(m[1]), pm(m[2]))
	}
	s11, r11, m11 := docMargins(t, "1.1.0")
	s12, r12, m12 := docMargins(t, "1.2.0")
	if s11 != s12 || r11 != r12 || m11["level"] != m12["level"] || m11["responses"] != m12["responses"] {
		t.Fatal("1.1.0 and 1.2.0 no longer share their slices and level margins: the doc's table has one row for both")
	}
	for _, m := range []map[string][3]float64{m11, m12} {
		if m["sign"] != m["answer"] {
			t.Fatalf("a warning sign's margin %v is not an answer's %v: the doc gives one row for both", m["sign"], m["answer"])
		}
	}
	cat := shipped(t)
	cells := func(v string) (flags, options int) {
		l := stats.NewLayout(cat.Version(qid, v), stats.RegionIDs(cat))
		return l.MaxCells(stats.PartFlags), l.MaxCells(stats.PartOptions)
	}
	f11, o11 := cells("1.1.0")
	f12, o12 := cells("1.2.0")
	want := []string{
		fmt.Sprintf("at epsilon 1 over the %d slices of the shipped resources", s12),
		fmt.Sprintf("| figure | questionnaire | 90%% margin, one week | one language (%d slices) | a year of weeks |", r12),
		row("a level (one band), everyone", "1.2.0 and 1.1.0", m12["level"]),
		row("responses, everyone", "1.2.0 and 1.1.0", m12["responses"]),
		row("a flag", fmt.Sprintf("1.2.0 (%d flags)", f12), m12["flag"]),
		row("", fmt.Sprintf("1.1.0 (%d flags)", f11), m11["flag"]),
		row("an answer, or a warning sign", fmt.Sprintf("1.2.0 (%d answer cells)", o12), m12["answer"]),
		row("", fmt.Sprintf("1.1.0 (%d answer cells)", o11), m11["answer"]),
		fmt.Sprintf("One response touches at most %d cells of a release of 1.2.0 (1 level, %d flags, %d answers) and %d of 1.1.0",
			1+f12+o12, f12, o12, 1+f11+o11),
	}
	for _, w := range want {
		if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("docs/stats-export.md does not say:\n%s", w)
		}
	}
}
