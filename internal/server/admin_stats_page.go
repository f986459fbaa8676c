package server

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// statsPage is the dashboard: the filter form, and when the filter is sound, the charts with
// their tables and the export form. Every figure comes from one protected release.
type statsPage struct {
	*page
	Filter                       statsFilter
	QuestionnaireChoices         []statsChoice
	LanguageChoices              []statsChoice
	RegionChoices                []statsChoice
	Hidden                       []statsChoice // the filter, as hidden fields of the export form
	Error                        string
	K, KMinus1                   int
	Release                      bool
	Coverage                     string
	Total                        cellView
	Suppressed                   int
	Time, Levels, Signs, Flags   *chart
	Places                       placeTable
	Items                        []itemTable
	MinEpsilon, MaxEpsilon, MaxK string
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

func (s *Server) newStatsPage(p *page, f statsFilter, rel *stats.Release) *statsPage {
	data := &statsPage{page: p, Filter: f, K: stats.DefaultK, KMinus1: stats.DefaultK - 1,
		MinEpsilon: fmtFloat(stats.MinEpsilon), MaxEpsilon: fmtFloat(stats.MaxEpsilon), MaxK: strconv.Itoa(stats.MaxK)}
	data.QuestionnaireChoices, data.LanguageChoices, data.RegionChoices = s.filterChoices(p, f)
	v := f.values()
	for _, k := range []string{"q", "from", "to", "by", "language", "region"} {
		if v.Get(k) != "" {
			data.Hidden = append(data.Hidden, statsChoice{Label: k, Value: v.Get(k)})
		}
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
	data.Time = p.timeChart(rel)
	data.Levels = p.barChart(rel, rel.Table(stats.TableByLevel, q), qtotal, "levels")
	data.Signs = p.barChart(rel, rel.Table(stats.TableWarningSigns, q), qtotal, "signs")
	data.Flags = p.barChart(rel, rel.Table(stats.TableByFlag, q), qtotal, "flags")
	data.Places = p.placeTable(rel)
	if t := rel.Table(stats.TableOptions, q); t != nil {
		var cur *itemTable
		for _, e := range t.Entries {
			if cur == nil || cur.ID != e.Row {
				data.Items = append(data.Items, itemTable{ID: e.Row, Prompt: rel.RowLabel(t, e, p.Lang)})
				cur = &data.Items[len(data.Items)-1]
			}
			cur.Rows = append(cur.Rows, chartRow{Label: rel.ColumnLabel(t, e, p.Lang), Value: p.cellView(e.Cell, qtotal)})
		}
	}
	return data
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

// chart is an inline SVG bar chart with the table of its figures.
type chart struct {
	ID, Title, Desc string
	Width, Height   int
	Vertical        bool
	Bars            []bar
	Grid            []gridLine
	Labels          []axisLabel
	Rows            []chartRow
	RowHeader       string
	HasPercent      bool
	Empty           bool
	// Words the chart's template needs.
	CountHeader, PercentHeader, EmptyText string
}

func (p *page) newChart(id, title, rowHeader string) *chart {
	return &chart{ID: id, Title: title, Width: 720, RowHeader: rowHeader,
		CountHeader: p.T("stats.count"), PercentHeader: p.T("stats.percent"), EmptyText: p.T("stats.empty")}
}

type bar struct {
	X, Y, W, H   string
	Withheld     bool
	Label        string // horizontal charts: the row's label above its bar
	LabelX       string
	LabelY       string
	Value        string // horizontal charts: the figure after the bar
	ValueX       string
	ValueY       string
	WithheldText string
}

type gridLine struct{ X1, Y1, X2, Y2, TextX, TextY, Text, Anchor string }

type axisLabel struct{ X, Y, Text string }

type chartRow struct {
	Label string
	Value cellView
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

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

// timeChart draws responses per period as vertical bars; a withheld period is a hatched
// column the height of the chart (its figure is unknown, not small).
func (p *page) timeChart(rel *stats.Release) *chart {
	t := rel.Table(stats.TableByPeriod, "")
	unit := p.T("stats.unit_week")
	if rel.Params.By == stats.ByMonth {
		unit = p.T("stats.unit_month")
	}
	c := p.newChart("chart-time", p.T("stats.time_title", unit), p.T("stats.period"))
	c.Height, c.Vertical = 260, true
	const left, right, top, bottom = 56.0, 8.0, 12.0, 30.0
	plotW, plotH := float64(c.Width)-left-right, float64(c.Height)-top-bottom
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
	for i := 0; i <= 4; i++ {
		y := top + plotH - plotH*float64(i)/4
		c.Grid = append(c.Grid, gridLine{X1: f1(left), Y1: f1(y), X2: f1(left + plotW), Y2: f1(y),
			TextX: f1(left - 6), TextY: f1(y + 4), Text: p.number(int64(top0 * float64(i) / 4)), Anchor: "end"})
	}
	band := plotW / float64(len(periods))
	every := int(math.Ceil(float64(len(periods)) / 8))
	for i, e := range periods {
		x := left + band*float64(i) + band*0.1
		b := bar{X: f1(x), W: f1(math.Max(band*0.8, 1)), Withheld: e.Suppressed}
		if e.Suppressed {
			b.Y, b.H = f1(top), f1(plotH)
		} else {
			h := plotH * float64(e.Value) / top0
			b.Y, b.H = f1(top+plotH-h), f1(h)
		}
		c.Bars = append(c.Bars, b)
		if i%every == 0 {
			c.Labels = append(c.Labels, axisLabel{X: f1(left + band*float64(i) + band/2), Y: f1(top + plotH + 18), Text: e.Row})
		}
		c.Rows = append(c.Rows, chartRow{Label: e.Row, Value: p.cellView(e.Cell, stats.Cell{Suppressed: true})})
	}
	c.Rows = append(c.Rows, chartRow{Label: p.T("stats.total"), Value: p.cellView(total, stats.Cell{Suppressed: true})})
	totalText := p.cellView(total, stats.Cell{}).Text
	c.Desc = p.T("stats.time_desc", unit, periods[0].Row, periods[len(periods)-1].Row, totalText)
	if highest.Value > 0 {
		c.Desc += " " + p.T("stats.time_desc_highest", p.number(highest.Value), highest.Row)
	}
	if withheld > 0 {
		c.Desc += " " + p.T("stats.desc_withheld", withheld)
	}
	return c
}

// barChart draws a table of one questionnaire (levels, warning signs, flags) as horizontal
// bars: the share of respondents when their number is released, else the counts.
func (p *page) barChart(rel *stats.Release, t *stats.Table, qtotal stats.Cell, kind string) *chart {
	c := p.newChart("chart-"+kind, p.T("stats."+kind+"_title"), p.T("stats."+kind+"_row"))
	if t == nil {
		c.Empty = true
		return c
	}
	var rows []stats.Entry
	for _, e := range t.Entries {
		if e.Row != stats.Total {
			rows = append(rows, e)
		}
	}
	if len(rows) == 0 {
		c.Empty = true
		return c
	}
	share := !qtotal.Suppressed && qtotal.Value > 0
	c.HasPercent = share
	scale := 1.0
	if share {
		scale = float64(qtotal.Value)
	} else {
		for _, e := range rows {
			scale = math.Max(scale, float64(e.Value))
		}
	}
	const left, right, rowH, barH = 8.0, 150.0, 44.0, 16.0
	plotW := float64(c.Width) - left - right
	c.Height = int(rowH*float64(len(rows)) + 8)
	var parts []string
	withheld := 0
	for i, e := range rows {
		label := rel.RowLabel(t, e, p.Lang)
		if label == "" {
			label = e.Row
		}
		v := p.cellView(e.Cell, qtotal)
		c.Rows = append(c.Rows, chartRow{Label: label, Value: v})
		y := float64(i)*rowH + 4
		b := bar{Label: truncate(label, 86), LabelX: f1(left), LabelY: f1(y + 13), X: f1(left), Y: f1(y + 20), H: f1(barH),
			Withheld: e.Suppressed, ValueY: f1(y + 20 + barH - 3)}
		if e.Suppressed {
			withheld++
			b.W = f1(plotW)
			b.WithheldText = v.Text
			b.ValueX = f1(left + plotW + 8)
			b.Value = v.Text
		} else {
			w := plotW * float64(e.Value) / scale
			b.W = f1(math.Max(w, 0))
			b.ValueX = f1(left + w + 6)
			b.Value = v.Text
			if v.Percent != "" {
				b.Value = v.Percent + " (" + v.Text + ")"
			}
			figure := v.Text
			if v.Percent != "" {
				figure = v.Percent
			}
			parts = append(parts, label+": "+figure)
		}
		c.Bars = append(c.Bars, b)
	}
	if share {
		c.Desc = p.T("stats.bars_desc_share", p.number(qtotal.Value))
	} else {
		c.Desc = p.T("stats.bars_desc_counts")
	}
	if len(parts) > 0 {
		c.Desc += " " + strings.Join(parts, "; ") + "."
	}
	if withheld > 0 {
		c.Desc += " " + p.T("stats.desc_withheld", withheld)
	}
	return c
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
