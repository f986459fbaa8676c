package admin

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// statsPage is a view of the dashboard: the views' navigation, the filter form, and when the
// filter is sound, the view's tables (with a chart, or bars) or the export form. Every figure
// is a sum of stored releases, shown with its margin of error. Markup is kept lean: a page
// weighs under 30 KB with its CSS and script.
type statsPage struct {
	*staff.Page
	View                 string
	Views                []statsViewLink
	Filter               statsFilter
	QuestionnaireChoices []statsChoice
	LanguageChoices      []statsChoice
	RegionChoices        []statsChoice
	Hidden               []statsChoice // the filter, as hidden fields of the export form
	K                    int
	MaxWeeks, MaxMonths  int
	MaxK                 string
	Release              bool // the filter found releases: figures follow
	Coverage             string
	Total                cellView
	Suppressed           int
	Time                 *timeChart
	Levels, Signs, Flags *barTable
	Places               placeTable
	Items                []itemTable
	Budget               *budgetTable // the overview only
}

// statsViewLink is an entry of the views' navigation; it keeps the filter.
type statsViewLink struct {
	Label, URL string
	Current    bool
}

// cellView is a figure as shown: a number or "fewer than k", its share of the responses when
// both are shown, and its margin of error ("±21").
type cellView struct {
	Text, Percent, Margin string
	Withheld              bool
}

// figures formats a view's figures for one page: numbers, shares and margins in its language.
type figures struct {
	*web.Page
	k int
}

func (a *Area) newStatsPage(sp *staff.Page, view string, f statsFilter, v *statsview.View) *statsPage {
	p := sp.Page
	data := &statsPage{Page: sp, View: view, Filter: f, K: statsview.DefaultK,
		MaxWeeks: pageMaxWeeks, MaxMonths: pageMaxMonths, MaxK: strconv.Itoa(statsview.MaxK)}
	data.QuestionnaireChoices, data.LanguageChoices, data.RegionChoices = a.filterChoices(p, f)
	vals := f.values()
	var kv []string
	for _, k := range []string{"q", "from", "to", "by", "language", "region"} {
		if vals.Get(k) != "" {
			data.Hidden = append(data.Hidden, statsChoice{Label: k, Value: vals.Get(k)})
			kv = append(kv, k, vals.Get(k))
		}
	}
	p.Keep = kv
	for _, sv := range statsViewPaths {
		data.Views = append(data.Views, statsViewLink{Label: p.T("stats.view." + sv.view), URL: p.Link(sv.path, kv...),
			Current: sv.view == view})
	}
	if v == nil {
		return data
	}
	fig := figures{p, v.Params.K}
	data.Release = true
	data.Suppressed = v.Suppressed
	data.Coverage = p.T("stats.coverage", v.Start.Format(time.DateOnly), v.End.Format(time.DateOnly), len(v.Periods))
	q := f.Questionnaire
	qtotal, _ := v.Table(statsview.TableByQuestionnaire, "").Cell(q, "responses")
	data.Total = fig.cellView(qtotal, statsview.Cell{Suppressed: true})
	switch view {
	case statsOverview:
		data.Time = fig.timeChart(v)
		data.Levels = fig.barTable(v, v.Table(statsview.TableByLevel, q), qtotal, "levels")
		data.Flags = fig.barTable(v, v.Table(statsview.TableByFlag, q), qtotal, "flags")
		data.Signs = fig.barTable(v, v.Table(statsview.TableWarningSigns, q), qtotal, "signs")
		data.Places = fig.placeTable(v)
	case statsAnswers:
		data.Items = fig.itemTables(v, v.Table(statsview.TableOptions, q), qtotal)
	}
	return data
}

// cellView shows a figure with its margin, and its share of total when both are shown.
func (p figures) cellView(c, total statsview.Cell) cellView {
	v := cellView{Margin: "±" + p.number(int64(math.Round(c.Margin)))}
	if c.Suppressed {
		v.Text, v.Withheld = p.T("stats.fewer_than", p.k), true
		return v
	}
	v.Text = p.number(c.Value)
	if !total.Suppressed && total.Value > 0 {
		v.Percent = p.percent(float64(c.Value) / float64(total.Value))
	}
	return v
}

// number writes a whole number with the language's thousands separator.
func (p figures) number(n int64) string {
	s := strconv.FormatInt(n, 10)
	sep := ","
	if p.Lang == "es" {
		sep = "\u00a0" // a no-break space, as the RAE recommends
	}
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// decimal writes a number such as an epsilon (1, 0.5, 1.455) with the language's decimal mark.
func (p figures) decimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if p.Lang == "es" {
		return strings.Replace(s, ".", ",", 1)
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
