package admin

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// Area is the admin area: the audit log and the statistics dashboard.
type Area struct {
	site     *web.Site
	staffDB  *staffdb.DB
	audit    *auditdb.DB
	releases *releasedb.DB
	views    viewAudit
}

// New makes the admin area.
func New(site *web.Site) *Area {
	return &Area{site: site, staffDB: staffdb.New(site.Store), audit: auditdb.New(site.Store), releases: releasedb.New(site.Store)}
}

// A dashboard page shows at most a year of weeks, or five years of months, so that it stays
// under the page weight limit (30 KB with its CSS and script). Exports go further
// (statsview.MaxWeeks, statsview.MaxMonths).
const (
	pageMaxWeeks  = 53
	pageMaxMonths = 60
)

// Views of the dashboard, each with the filter form.
const (
	statsOverview = "overview" // responses over time, level, flags, warning signs, language and region
	statsAnswers  = "answers"  // the answers to each question
	statsExport   = "export"   // the export form (its downloads are /admin/stats/export?format=)
)

// statsViewPaths are the views' paths, in the order of the dashboard's navigation.
var statsViewPaths = []struct{ view, path string }{{statsOverview, "/admin/stats"}, {statsAnswers, "/admin/stats/answers"},
	{statsExport, "/admin/stats/export"}}

// statsFilter is the dashboard's filter form, as sent.
type statsFilter struct {
	Questionnaire, From, To, By, Language, Region string
	// dated says the request named a date: without one, the range is the default.
	dated bool
}

// values are the filter as query parameters (for links and hidden fields).
func (f statsFilter) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", f.Questionnaire}, {"from", f.From}, {"to", f.To}, {"by", f.By},
		{"language", f.Language}, {"region", f.Region}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// statsParams reads the filter of a dashboard or export request. The response language is
// "language" because "lang" is the interface's.
func (a *Area) statsParams(c *gin.Context) (statsFilter, statsview.Params, error) {
	q := c.Request.URL.Query()
	now := a.site.Store.Now()
	def := statsview.DefaultParams(now)
	f := statsFilter{Questionnaire: q.Get("q"), From: q.Get("from"), To: q.Get("to"), By: q.Get("by"),
		Language: q.Get("language"), Region: q.Get("region"), dated: q.Get("from") != "" || q.Get("to") != ""}
	// Views read stored releases; an old link or script asking for noise is told so.
	if q.Has("epsilon") {
		return f, statsview.Params{}, statsview.ErrEpsilonView
	}
	if f.Questionnaire == "" && len(a.site.Catalog.IDs()) > 0 {
		f.Questionnaire = a.site.Catalog.IDs()[0]
	}
	if f.From == "" {
		f.From = stats.WeekOf(def.From)
	}
	if f.To == "" {
		f.To = stats.WeekOf(def.To)
	}
	if f.By == "" {
		f.By = stats.ByWeek
	}
	p := statsview.Params{By: f.By, K: statsview.DefaultK, Questionnaires: []string{f.Questionnaire}}
	var err error
	if p.From, err = stats.ParseWeek("from", f.From); err != nil {
		return f, p, err
	}
	if p.To, err = stats.ParseWeek("to", f.To); err != nil {
		return f, p, err
	}
	// A week covers its seven days.
	if _, err := time.Parse(time.DateOnly, f.To); err != nil {
		p.To = p.To.AddDate(0, 0, 6)
	}
	if f.Language != "" {
		p.Langs = []string{f.Language}
	}
	if f.Region != "" {
		p.Regions = []string{f.Region}
	}
	if k := q.Get("k"); k != "" {
		if p.K, err = statsview.ParseK(k); err != nil {
			return f, p, err
		}
	}
	return f, p, nil
}

// ShowStatsPage is a view of the dashboard (which one, its path says).
func (a *Area) ShowStatsPage(c *gin.Context) error {
	name := statsOverview
	switch {
	case strings.HasSuffix(c.FullPath(), "/answers"):
		name = statsAnswers
	case strings.HasSuffix(c.FullPath(), "/export"):
		name = statsExport
	}
	p := a.site.NewPage(c.Request, "")
	p.Title = p.T("stats.title") + ": " + p.T("stats.view."+name)
	// The dashboard needs no script (app.js is the form's, the result's print button's and
	// the error focus of other pages); without it five years of months stay under 30 KB.
	p.NoScript = true
	for _, v := range statsViewPaths {
		if v.view == name {
			p.Path = v.path
		}
	}
	sp := &staff.Page{Page: p, User: staff.User(c)}
	ctx := c.Request.Context()
	f, params, err := a.statsParams(c)
	var view *statsview.View
	notice := ""
	if err == nil {
		// Pages read at the readability threshold; a higher k is for exports.
		params.K = statsview.DefaultK
		if name != statsExport {
			notice, err = boundPeriods(p, &params)
		}
	}
	if err == nil {
		view, err = statsview.Query(ctx, a.releases, a.site.Catalog, params, a.site.Store.Now())
	}
	var pe *stats.ParamError
	if errors.As(err, &pe) && pe.Code == "no_release" && !f.dated {
		// Nothing released yet in the default range (a new site, or one idle for a year): the
		// state of the service, not a mistake in the request. Said, with no figures.
		data := a.newStatsPage(sp, name, f, nil)
		data.Notice = p.T("stats.error.no_release")
		if name == statsOverview {
			if data.Budget, err = a.budgetTable(ctx, p, f.Questionnaire, params); err != nil {
				return err
			}
		}
		return a.site.Render(c.Writer, http.StatusOK, "admin_stats", data)
	}
	if errors.As(err, &pe) {
		// The page again, with the form and what to fix, and no figures.
		data := a.newStatsPage(sp, name, f, nil)
		data.Error = p.T("stats.error." + pe.Code)
		if pe.Code == "range_page" {
			data.Error = p.T("stats.error.range_page", pageMaxMonths)
		}
		return a.site.Render(c.Writer, http.StatusBadRequest, "admin_stats", data)
	}
	if err != nil {
		return err
	}
	data := a.newStatsPage(sp, name, f, view)
	data.Notice = notice // staffPage's
	if name == statsOverview {
		if data.Budget, err = a.budgetTable(ctx, p, f.Questionnaire, params); err != nil {
			return err
		}
	}
	body, err := a.site.RenderBytes("admin_stats", data)
	if err != nil {
		return err
	}
	if err := a.auditView(ctx, sp.User, name, view); err != nil {
		return err
	}
	return web.WriteHTML(c.Writer, http.StatusOK, body)
}

// boundPeriods keeps a dashboard page to pageMaxWeeks weeks or pageMaxMonths months: a longer
// weekly range is shown by month, with a notice saying so (the export still gives weeks); a
// longer monthly range is a mistake to fix.
func boundPeriods(p *web.Page, params *statsview.Params) (notice string, err error) {
	if params.By == stats.ByWeek && stats.PeriodCount(stats.ByWeek, params.From, params.To) > pageMaxWeeks {
		params.By = stats.ByMonth
		notice = p.T("stats.notice.by_month", pageMaxWeeks)
	}
	if params.By == stats.ByMonth && stats.PeriodCount(stats.ByMonth, params.From, params.To) > pageMaxMonths {
		return "", &stats.ParamError{Code: "range_page", Msg: "the dashboard shows at most " + strconv.Itoa(pageMaxMonths) + " months"}
	}
	return notice, nil
}

// ExportStats downloads a view as CSV or JSON; without a format it is the dashboard's export
// view, whose form asks for one.
func (a *Area) ExportStats(c *gin.Context) error {
	if !c.Request.URL.Query().Has("format") {
		return a.ShowStatsPage(c)
	}
	format := c.Query("format")
	if format != "csv" && format != "json" {
		return &web.Error{Status: http.StatusBadRequest, Key: "stats.error.format"}
	}
	ctx := c.Request.Context()
	_, params, err := a.statsParams(c)
	var view *statsview.View
	if err == nil {
		view, err = statsview.Query(ctx, a.releases, a.site.Catalog, params, a.site.Store.Now())
	}
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		return &web.Error{Status: http.StatusBadRequest, Key: "stats.error." + pe.Code}
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = view.WriteCSV(&buf)
	} else {
		err = view.WriteJSON(&buf, a.site.NewPage(c.Request, "").Lang)
	}
	if err != nil {
		return err
	}
	// The audit row before the download: no export leaves without one.
	if err := a.auditExport(ctx, staff.User(c), format, view); err != nil {
		return err
	}
	h := c.Writer.Header()
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ketascreen-stats-%s.%s"`, view.Generated, format))
	c.Status(http.StatusOK)
	_, err = c.Writer.Write(buf.Bytes())
	return err
}

// statsChoice is an entry of a filter's select.
type statsChoice struct {
	Value, Label string
	Selected     bool
}

func (a *Area) filterChoices(p *web.Page, f statsFilter) (qs, langs, regions []statsChoice) {
	for _, q := range a.site.Catalog.Questionnaires() {
		qs = append(qs, statsChoice{q.ID, q.Title.In(p.Lang), q.ID == f.Questionnaire})
	}
	langs = append(langs, statsChoice{"", p.T("stats.all_languages"), f.Language == ""})
	for _, l := range a.site.Catalog.Languages() {
		langs = append(langs, statsChoice{l, p.T("lang.in." + l), l == f.Language})
	}
	regions = append(regions, statsChoice{"", p.T("stats.all_regions"), f.Region == ""})
	for _, r := range a.site.RegionChoices(p.Lang, f.Region) {
		regions = append(regions, statsChoice{r.ID, r.Name, r.Selected})
	}
	return qs, langs, regions
}
