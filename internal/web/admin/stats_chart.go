package admin

import (
	"math"

	"github.com/ketascreen/ketascreen/internal/chart"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
)

// timeChart is responses per period: an inline SVG bar chart with a title and description,
// beside the table of its figures.
type timeChart struct {
	*chart.Time
	Title, Desc string
	Rows        []chartRow
	Total       cellView
	// Words the template needs.
	TotalLabel, PeriodHeader, CountHeader, MarginHeader string
}

// timeChart draws responses per period as vertical bars, each with a whisker for its 90%
// margin of error. A period shown as "fewer than k" is a hatched column up to k, its whisker
// reaching k-1 and its margin: the figure is not shown, only the range it is likely in.
func (p figures) timeChart(v *statsview.View) *timeChart {
	t := v.Table(statsview.TableByPeriod, "")
	unit := p.T("stats.unit_week")
	if v.Params.By == stats.ByMonth {
		unit = p.T("stats.unit_month")
	}
	c := &timeChart{Title: p.T("stats.time_title", unit), TotalLabel: p.T("stats.total"),
		PeriodHeader: p.T("stats.period"), CountHeader: p.T("stats.count"), MarginHeader: p.T("stats.margin")}
	var bars []chart.Bar
	var periods []statsview.Entry
	var total statsview.Cell
	var highest statsview.Entry
	withheld := 0
	for _, e := range t.Entries {
		if e.Row == statsview.Total {
			total = e.Cell
			continue
		}
		periods = append(periods, e)
		b := chart.Bar{Label: e.Row, Value: float64(e.Value), Low: math.Max(float64(e.Value)-e.Margin, 0), High: float64(e.Value) + e.Margin}
		if e.Suppressed {
			b = chart.Bar{Label: e.Row, Value: float64(p.k), Unknown: true, High: float64(p.k-1) + e.Margin}
			withheld++
		} else if e.Value > highest.Value {
			highest = e
		}
		bars = append(bars, b)
		c.Rows = append(c.Rows, chartRow{Label: e.Row, Value: p.cellView(e.Cell, statsview.Cell{Suppressed: true})})
	}
	c.Time = chart.TimeBars(bars, p.number)
	c.Total = p.cellView(total, statsview.Cell{Suppressed: true})
	if len(periods) == 0 {
		return c
	}
	c.Desc = p.T("stats.time_desc", unit, periods[0].Row, periods[len(periods)-1].Row, c.Total.Text)
	if highest.Value > 0 {
		c.Desc += " " + p.T("stats.time_desc_highest", p.number(highest.Value), highest.Row)
	}
	if withheld > 0 {
		c.Desc += " " + p.T("stats.desc_withheld", withheld, p.k)
	}
	return c
}
