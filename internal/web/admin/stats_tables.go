package admin

import (
	"math"

	"github.com/ketascreen/ketascreen/internal/chart"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
)

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

// itemTables are the answers to each question: how many chose each option.
func (p figures) itemTables(v *statsview.View, t *statsview.Table, qtotal statsview.Cell) []itemTable {
	if t == nil {
		return nil
	}
	var items []itemTable
	var cur *itemTable
	for _, e := range t.Entries {
		if cur == nil || cur.ID != e.Row {
			items = append(items, itemTable{ID: e.Row, Prompt: v.RowLabel(t, e, p.Lang)})
			cur = &items[len(items)-1]
		}
		cur.Rows = append(cur.Rows, chartRow{Label: v.ColumnLabel(t, e, p.Lang), Value: p.cellView(e.Cell, qtotal)})
	}
	return items
}

// placeTable is responses by language (rows) and region (columns), each with its margin.
func (p figures) placeTable(v *statsview.View) placeTable {
	t := v.Table(statsview.TableByLangRegion, "")
	var pt placeTable
	rows := map[string]*placeRow{}
	for _, e := range t.Entries {
		r := rows[e.Row]
		if r == nil {
			label := p.T("stats.total")
			if e.Row != statsview.Total {
				label = p.T("lang.in." + e.Row)
			}
			pt.Rows = append(pt.Rows, placeRow{Label: label, Total: e.Row == statsview.Total})
			r = &pt.Rows[len(pt.Rows)-1]
			rows[e.Row] = r
		}
		if len(pt.Rows) == 1 {
			label := p.T("stats.total")
			if e.Column != statsview.Total {
				label = v.ColumnLabel(t, e, p.Lang)
			}
			pt.Columns = append(pt.Columns, label)
		}
		r.Cells = append(r.Cells, p.cellView(e.Cell, statsview.Cell{Suppressed: true}))
	}
	return pt
}

// barTable is a table of one questionnaire (levels, warning signs, flags) whose rows carry a
// bar: the share of respondents when their number is shown, else the figure against the
// largest. Each bar has a whisker for its margin of error; a figure shown as "fewer than k" is
// a dashed box over the range it is likely in. The bars repeat the figures beside them, so
// they are hidden from screen readers.
type barTable struct {
	ID, Title, RowHeader string
	HasPercent, Empty    bool
	Rows                 []barRow
	// Words the template needs.
	CountHeader, MarginHeader, PercentHeader, EmptyText string
}

type barRow struct {
	Label string
	Value cellView
	// Bar is the bar's length in percent of the cell (for a figure under k, the dashed box's);
	// WhiskerX and WhiskerW the whisker's start and length, empty when there is none.
	Bar, WhiskerX, WhiskerW string
}

func (p figures) barTable(v *statsview.View, t *statsview.Table, qtotal statsview.Cell, kind string) *barTable {
	b := &barTable{ID: kind, Title: p.T("stats." + kind + "_title"), RowHeader: p.T("stats." + kind + "_row"),
		CountHeader: p.T("stats.count"), MarginHeader: p.T("stats.margin"), PercentHeader: p.T("stats.percent"),
		EmptyText: p.T("stats.empty")}
	var rows []statsview.Entry
	if t != nil {
		for _, e := range t.Entries {
			if e.Row != statsview.Total {
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
			scale = math.Max(scale, float64(e.Value)+e.Margin)
		}
	}
	for _, e := range rows {
		label := v.RowLabel(t, e, p.Lang)
		if label == "" {
			label = e.Row
		}
		r := barRow{Label: label, Value: p.cellView(e.Cell, qtotal)}
		if e.Suppressed {
			// Under k: shown as a range, from none to k-1 and its margin.
			r.Bar = chart.BarLength(float64(p.k-1)+e.Margin, scale)
		} else {
			r.Bar = chart.BarLength(float64(e.Value), scale)
			if e.Margin > 0 {
				lo := math.Max(float64(e.Value)-e.Margin, 0)
				hi := math.Min(float64(e.Value)+e.Margin, scale)
				r.WhiskerX = chart.BarLength(lo, scale)
				r.WhiskerW = chart.F1(math.Max(hi-lo, 0) / scale * 100)
			}
		}
		b.Rows = append(b.Rows, r)
	}
	return b
}
