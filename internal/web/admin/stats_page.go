package admin

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/chart"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// statsPage is a view of the dashboard: the views' navigation, the filter form, and when the
// filter is sound, the view's tables (with a chart, or bars) or the export form. Every figure
// comes from one protected release. Markup is kept lean: a page weighs under 30 KB with its
// CSS and script.
type statsPage struct {
	*staff.Page
	View                         string
	Views                        []statsViewLink
	Filter                       statsFilter
	QuestionnaireChoices         []statsChoice
	LanguageChoices              []statsChoice
	RegionChoices                []statsChoice
	Hidden                       []statsChoice // the filter, as hidden fields of the export form
	K, KMinus1                   int
	MaxWeeks, MaxMonths          int
	Release                      bool
	Coverage                     string
	Total                        cellView
	Suppressed                   int
	Time                         *timeChart
	Levels, Signs, Flags         *barTable
	Places                       placeTable
	Items                        []itemTable
	MinEpsilon, MaxEpsilon, MaxK string
}

// statsViewLink is an entry of the views' navigation; it keeps the filter.
type statsViewLink struct {
	Label, URL string
	Current    bool
}

// cellView is a count as shown: a number, or the word for a withheld count.
type cellView struct {
	Text, Percent string
	Withheld      bool
}

type placeTable struct {
	Columns []string
	Rows    []placeRow
}

type placeRow struct {
	Label string
	Total bool
	Cells []cellView
}

type itemTable struct {
	ID, Prompt string
	Rows       []chartRow
}

type chartRow struct {
	Label string
	Value cellView
}

// figures formats a release's figures for one page: numbers and shares in its language.
type figures struct{ *web.Page }

func (a *Area) newStatsPage(sp *staff.Page, view string, f statsFilter, rel *stats.Release) *statsPage {
	p := sp.Page
	data := &statsPage{Page: sp, View: view, Filter: f, K: stats.DefaultK, KMinus1: stats.DefaultK - 1,
		MaxWeeks: pageMaxWeeks, MaxMonths: pageMaxMonths,
		MinEpsilon: fmtFloat(stats.MinEpsilon), MaxEpsilon: fmtFloat(stats.MaxEpsilon), MaxK: strconv.Itoa(stats.MaxK)}
	data.QuestionnaireChoices, data.LanguageChoices, data.RegionChoices = a.filterChoices(p, f)
	v := f.values()
	var kv []string
	for _, k := range []string{"q", "from", "to", "by", "language", "region"} {
		if v.Get(k) != "" {
			data.Hidden = append(data.Hidden, statsChoice{Label: k, Value: v.Get(k)})
			kv = append(kv, k, v.Get(k))
		}
	}
	p.Keep = kv
	for _, sv := range statsViewPaths {
		data.Views = append(data.Views, statsViewLink{Label: p.T("stats.view." + sv.view), URL: p.Link(sv.path, kv...),
			Current: sv.view == view})
	}
	if rel == nil {
		return data
	}
	data.Release = true
	data.Suppressed = rel.Suppressed
	data.Coverage = p.T("stats.coverage", rel.Start.Format(time.DateOnly), rel.End.Format(time.DateOnly), len(rel.Periods))
	q := f.Questionnaire
	qtotal, _ := rel.Table(stats.TableByQuestionnaire, "").Cell(q, "responses")
	data.Total = figures{p}.cellView(qtotal, stats.Cell{})
	switch view {
	case statsOverview:
		data.Time = figures{p}.timeChart(rel)
		data.Levels = figures{p}.barTable(rel, rel.Table(stats.TableByLevel, q), qtotal, "levels")
		data.Flags = figures{p}.barTable(rel, rel.Table(stats.TableByFlag, q), qtotal, "flags")
		data.Signs = figures{p}.barTable(rel, rel.Table(stats.TableWarningSigns, q), qtotal, "signs")
		data.Places = figures{p}.placeTable(rel)
	case statsAnswers:
		data.Items = figures{p}.itemTables(rel, rel.Table(stats.TableOptions, q), qtotal)
	}
	return data
}

// itemTables are the answers to each question: how many chose each option.
func (p figures) itemTables(rel *stats.Release, t *stats.Table, qtotal stats.Cell) []itemTable {
	if t == nil {
		return nil
	}
	var items []itemTable
	var cur *itemTable
	for _, e := range t.Entries {
		if cur == nil || cur.ID != e.Row {
			items = append(items, itemTable{ID: e.Row, Prompt: rel.RowLabel(t, e, p.Lang)})
			cur = &items[len(items)-1]
		}
		cur.Rows = append(cur.Rows, chartRow{Label: rel.ColumnLabel(t, e, p.Lang), Value: p.cellView(e.Cell, qtotal)})
	}
	return items
}

// cellView shows a count, and its share of total when both are released.
func (p figures) cellView(c, total stats.Cell) cellView {
	if c.Suppressed {
		return cellView{Text: p.T("stats.withheld"), Withheld: true}
	}
	v := cellView{Text: p.number(c.Value)}
	if !total.Suppressed && total.Value > 0 {
		v.Percent = p.percent(float64(c.Value) / float64(total.Value))
	}
	return v
}

// number writes a count with the language's thousands separator.
func (p figures) number(n int64) string {
	s := strconv.FormatInt(n, 10)
	sep := ","
	if p.Lang == "es" {
		sep = "\u00a0" // a no-break space, as the RAE recommends
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

func (p figures) percent(f float64) string {
	s := strconv.FormatFloat(100*f, 'f', 1, 64)
	if p.Lang == "es" {
		return strings.Replace(s, ".", ",", 1) + "\u00a0%"
	}
	return s + "%"
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (p figures) placeTable(rel *stats.Release) placeTable {
	t := rel.Table(stats.TableByLangRegion, "")
	var pt placeTable
	rows := map[string]*placeRow{}
	for _, e := range t.Entries {
		r := rows[e.Row]
		if r == nil {
			label := p.T("stats.total")
			if e.Row != stats.Total {
				label = p.T("lang.in." + e.Row)
			}
			pt.Rows = append(pt.Rows, placeRow{Label: label, Total: e.Row == stats.Total})
			r = &pt.Rows[len(pt.Rows)-1]
			rows[e.Row] = r
		}
		if len(pt.Rows) == 1 {
			label := p.T("stats.total")
			if e.Column != stats.Total {
				label = rel.ColumnLabel(t, e, p.Lang)
			}
			pt.Columns = append(pt.Columns, label)
		}
		r.Cells = append(r.Cells, p.cellView(e.Cell, stats.Cell{Suppressed: true}))
	}
	return pt
}

// barTable is a table of one questionnaire (levels, warning signs, flags) whose rows carry a
// bar: the share of respondents when their number is released, else the count against the
// largest. The bars repeat the figures beside them, so they are hidden from screen readers.
type barTable struct {
	ID, Title, RowHeader string
	HasPercent, Empty    bool
	Rows                 []barRow
	// Words the template needs.
	CountHeader, PercentHeader, EmptyText string
}

type barRow struct {
	Label string
	Value cellView
	Bar   string // the bar's length, in percent of the cell; empty when withheld
}

func (p figures) barTable(rel *stats.Release, t *stats.Table, qtotal stats.Cell, kind string) *barTable {
	b := &barTable{ID: kind, Title: p.T("stats." + kind + "_title"), RowHeader: p.T("stats." + kind + "_row"),
		CountHeader: p.T("stats.count"), PercentHeader: p.T("stats.percent"), EmptyText: p.T("stats.empty")}
	var rows []stats.Entry
	if t != nil {
		for _, e := range t.Entries {
			if e.Row != stats.Total {
				rows = append(rows, e)
			}
		}
	}
	if len(rows) == 0 {
		b.Empty = true
		return b
	}
	b.HasPercent = !qtotal.Suppressed && qtotal.Value > 0
	scale := 1.0
	if b.HasPercent {
		scale = float64(qtotal.Value)
	} else {
		for _, e := range rows {
			scale = math.Max(scale, float64(e.Value))
		}
	}
	for _, e := range rows {
		label := rel.RowLabel(t, e, p.Lang)
		if label == "" {
			label = e.Row
		}
		r := barRow{Label: label, Value: p.cellView(e.Cell, qtotal)}
		if !e.Suppressed {
			r.Bar = chart.BarLength(float64(e.Value), scale)
		}
		b.Rows = append(b.Rows, r)
	}
	return b
}
