package admin

import (
	"github.com/ketascreen/ketascreen/internal/chart"
	"github.com/ketascreen/ketascreen/internal/stats"
)

// timeChart is responses per period: an inline SVG bar chart with a title and description,
// beside the table of its figures.
type timeChart struct {
	*chart.Time
	Title, Desc string
	Rows        []chartRow
	Total       cellView
	// Words the template needs.
	TotalLabel, PeriodHeader, CountHeader string
}

// timeChart draws responses per period as vertical bars; a withheld period is a hatched
// column the height of the chart (its figure is unknown, not small).
func (p figures) timeChart(rel *stats.Release) *timeChart {
	t := rel.Table(stats.TableByPeriod, "")
	unit := p.T("stats.unit_week")
	if rel.Params.By == stats.ByMonth {
		unit = p.T("stats.unit_month")
	}
	c := &timeChart{Title: p.T("stats.time_title", unit),
		TotalLabel: p.T("stats.total"), PeriodHeader: p.T("stats.period"), CountHeader: p.T("stats.count")}
	var bars []chart.Bar
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
		bars = append(bars, chart.Bar{Label: e.Row, Value: float64(e.Value), Unknown: e.Suppressed})
		if e.Suppressed {
			withheld++
		} else if e.Value > highest.Value {
			highest = e
		}
		c.Rows = append(c.Rows, chartRow{Label: e.Row, Value: p.cellView(e.Cell, stats.Cell{Suppressed: true})})
	}
	c.Time = chart.TimeBars(bars, p.number)
	c.Total = p.cellView(total, stats.Cell{Suppressed: true})
	if len(periods) == 0 {
		return c
	}
	c.Desc = p.T("stats.time_desc", unit, periods[0].Row, periods[len(periods)-1].Row, c.Total.Text)
	if highest.Value > 0 {
		c.Desc += " " + p.T("stats.time_desc_highest", p.number(highest.Value), highest.Row)
	}
	if withheld > 0 {
		c.Desc += " " + p.T("stats.desc_withheld", withheld)
	}
	return c
}
