package server

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// statsPage is a view of the dashboard: the views' navigation, the filter form, and when the
// filter is sound, the view's tables (with a chart, or bars) or the export form. Every figure
// comes from one protected release. Markup is kept lean: a page weighs under 30 KB with its
// CSS and script (issue 7).
type statsPage struct {
	*staffPage
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

func (s *Server) newStatsPage(sp *staffPage, view string, f statsFilter, rel *stats.Release) *statsPage {
	p := sp.page
	data := &statsPage{staffPage: sp, View: view, Filter: f, K: stats.DefaultK, KMinus1: stats.DefaultK - 1,
		MaxWeeks: pageMaxWeeks, MaxMonths: pageMaxMonths,
		MinEpsilon: fmtFloat(stats.MinEpsilon), MaxEpsilon: fmtFloat(stats.MaxEpsilon), MaxK: strconv.Itoa(stats.MaxK)}
	data.QuestionnaireChoices, data.LanguageChoices, data.RegionChoices = s.filterChoices(p, f)
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
	data.Total = p.cellView(qtotal, stats.Cell{})
	switch view {
	case statsOverview:
		data.Time = p.timeChart(rel)
		data.Levels = p.barTable(rel, rel.Table(stats.TableByLevel, q), qtotal, "levels")
		data.Flags = p.barTable(rel, rel.Table(stats.TableByFlag, q), qtotal, "flags")
		data.Signs = p.barTable(rel, rel.Table(stats.TableWarningSigns, q), qtotal, "signs")
		data.Places = p.placeTable(rel)
	case statsAnswers:
		data.Items = p.itemTables(rel, rel.Table(stats.TableOptions, q), qtotal)
	}
	return data
}

// itemTables are the answers to each question: how many chose each option.
func (p *page) itemTables(rel *stats.Release, t *stats.Table, qtotal stats.Cell) []itemTable {
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
func (p *page) cellView(c, total stats.Cell) cellView {
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
func (p *page) number(n int64) string {
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

func (p *page) percent(f float64) string {
	s := strconv.FormatFloat(100*f, 'f', 1, 64)
	if p.Lang == "es" {
		return strings.Replace(s, ".", ",", 1) + "\u00a0%"
	}
	return s + "%"
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (p *page) placeTable(rel *stats.Release) placeTable {
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

// timeChart is responses per period: an inline SVG bar chart with a title and description,
// beside the table of its figures. Each bar is a segment of one path, drawn with a stroke as
// wide as a bar, which keeps a year of weeks to about a kilobyte.
type timeChart struct {
	Title, Desc      string
	Width, Height    int
	Grid             string // path data of the grid lines
	Bars, Withheld   string // path data: one vertical segment per period
	BarWidth         string
	YLabels, XLabels []axisLabel
	Rows             []chartRow
	Total            cellView
	// Words the template needs.
	TotalLabel, PeriodHeader, CountHeader string
}

type axisLabel struct{ X, Y, Text string }

// f1 writes a coordinate with at most one decimal.
func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// niceMax rounds a maximum up to 2, 4 or 10 times a power of ten, at least 20, so that the
// four grid steps are whole numbers.
func niceMax(v float64) float64 {
	for p := 10.0; ; p *= 10 {
		for _, m := range []float64{2, 4, 10} {
			if m*p >= v {
				return m * p
			}
		}
	}
}

// The time chart's geometry, in the units of its viewBox. Its text is 21 units high on a
// phone (12 CSS pixels when the chart is 343 pixels wide) and smaller where the chart is
// wider (stats.css), so margins leave room for 21-unit labels.
const (
	chartWidth, chartHeight = 600, 260
	chartTop, chartRight    = 14.0, 8.0
	chartBottom             = 42.0 // the dates hang 18 units below the plot, clear of the 0
	chartChar               = 14.0 // the width of a character of a 21-unit label, at most
	chartXLabels            = 6    // dates at most, on wide screens; phones show every other one
)

// timeChart draws responses per period as vertical bars; a withheld period is a hatched
// column the height of the chart (its figure is unknown, not small).
func (p *page) timeChart(rel *stats.Release) *timeChart {
	t := rel.Table(stats.TableByPeriod, "")
	unit := p.T("stats.unit_week")
	if rel.Params.By == stats.ByMonth {
		unit = p.T("stats.unit_month")
	}
	c := &timeChart{Title: p.T("stats.time_title", unit), Width: chartWidth, Height: chartHeight,
		TotalLabel: p.T("stats.total"), PeriodHeader: p.T("stats.period"), CountHeader: p.T("stats.count")}
	var periods []stats.Entry
	var total stats.Cell
	var highest stats.Entry
	withheld := 0
	for _, e := range t.Entries {
		if e.Row == stats.Total {
			total = e.Cell
			continue
		}
		periods = append(periods, e)
		if e.Suppressed {
			withheld++
		} else if e.Value > highest.Value {
			highest = e
		}
	}
	top0 := niceMax(float64(highest.Value))
	// The left margin fits the longest figure of the y axis, and half the first date.
	left := math.Max(12+chartChar*float64(len([]rune(p.number(int64(top0))))), chartChar*float64(len(periods[0].Row))/2+2)
	plotW, plotH := chartWidth-left-chartRight, chartHeight-chartTop-chartBottom
	bottom := chartTop + plotH
	var grid strings.Builder
	for i := 0; i <= 4; i++ {
		y := f1(bottom - plotH*float64(i)/4)
		grid.WriteString("M" + f1(left) + " " + y + "H" + f1(chartWidth-chartRight))
		c.YLabels = append(c.YLabels, axisLabel{X: f1(left - 8), Y: y, Text: p.number(int64(top0 * float64(i) / 4))})
	}
	c.Grid = grid.String()
	band := plotW / float64(len(periods))
	c.BarWidth = f1(math.Max(band*0.8, 1))
	every := int(math.Ceil(float64(len(periods)) / chartXLabels))
	var bars, hidden strings.Builder
	for i, e := range periods {
		x := left + band*(float64(i)+0.5)
		switch {
		case e.Suppressed:
			hidden.WriteString("M" + f1(x) + " " + f1(bottom) + "V" + f1(chartTop))
		case e.Value > 0:
			bars.WriteString("M" + f1(x) + " " + f1(bottom) + "V" + f1(bottom-plotH*float64(e.Value)/top0))
		}
		// A label that would run off the right edge is left out.
		if i%every == 0 && x+chartChar*float64(len(e.Row))/2 <= chartWidth {
			c.XLabels = append(c.XLabels, axisLabel{X: f1(x), Y: f1(bottom + 18), Text: e.Row})
		}
		c.Rows = append(c.Rows, chartRow{Label: e.Row, Value: p.cellView(e.Cell, stats.Cell{Suppressed: true})})
	}
	c.Bars, c.Withheld = bars.String(), hidden.String()
	c.Total = p.cellView(total, stats.Cell{Suppressed: true})
	c.Desc = p.T("stats.time_desc", unit, periods[0].Row, periods[len(periods)-1].Row, c.Total.Text)
	if highest.Value > 0 {
		c.Desc += " " + p.T("stats.time_desc_highest", p.number(highest.Value), highest.Row)
	}
	if withheld > 0 {
		c.Desc += " " + p.T("stats.desc_withheld", withheld)
	}
	return c
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

func (p *page) barTable(rel *stats.Release, t *stats.Table, qtotal stats.Cell, kind string) *barTable {
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
			r.Bar = f1(100 * float64(e.Value) / scale)
		}
		b.Rows = append(b.Rows, r)
	}
	return b
}
