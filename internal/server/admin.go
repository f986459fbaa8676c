package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
)

// mountAdmin mounts the admin area's statistics: the dashboard and its export. Only admins
// reach them; both show releases protected by stats (fixed tables, suppression).
func (s *Server) mountAdmin(e *gin.Engine) error {
	if err := s.AddPages("admin_stats"); err != nil {
		return err
	}
	admin := e.Group("/admin", s.requireRole(store.RoleAdmin))
	admin.GET("/stats", s.handle(s.showStatsPage))
	admin.GET("/stats/export", s.handle(s.exportStats))
	return nil
}

// statsFilter is the dashboard's filter form, as sent.
type statsFilter struct {
	Questionnaire, From, To, By, Language, Region string
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
func (s *Server) statsParams(c *gin.Context) (statsFilter, stats.Params, error) {
	q := c.Request.URL.Query()
	now := s.store.Now()
	def := stats.DefaultParams(now)
	f := statsFilter{Questionnaire: q.Get("q"), From: q.Get("from"), To: q.Get("to"), By: q.Get("by"),
		Language: q.Get("language"), Region: q.Get("region")}
	if f.Questionnaire == "" && len(s.cat.IDs()) > 0 {
		f.Questionnaire = s.cat.IDs()[0]
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
	p := stats.Params{By: f.By, K: stats.DefaultK, Questionnaires: []string{f.Questionnaire}}
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
		if p.K, err = stats.ParseK(k); err != nil {
			return f, p, err
		}
	}
	if p.Epsilon, err = stats.ParseEpsilon(q.Get("epsilon")); err != nil {
		return f, p, err
	}
	return f, p, nil
}

func (s *Server) showStatsPage(c *gin.Context) error {
	p := s.newPage(c, "")
	p.Title = p.T("stats.title")
	p.Path = "/admin/stats"
	f, params, err := s.statsParams(c)
	var rel *stats.Release
	if err == nil {
		// The dashboard never adds noise: it is for the admins; noisy exports are for sharing.
		params.Epsilon, params.K = 0, stats.DefaultK
		rel, err = stats.Build(c.Request.Context(), s.store, s.cat, params, s.store.Now())
	}
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		// The page again, with the form and what to fix, and no figures.
		data := s.newStatsPage(p, f, nil)
		data.Error = p.T("stats.error." + pe.Code)
		return s.render(c.Writer, http.StatusBadRequest, "admin_stats", data)
	}
	if err != nil {
		return err
	}
	return s.render(c.Writer, http.StatusOK, "admin_stats", s.newStatsPage(p, f, rel))
}

func (s *Server) exportStats(c *gin.Context) error {
	format := c.Query("format")
	if format != "csv" && format != "json" {
		return &Error{http.StatusBadRequest, "stats.error.format"}
	}
	_, params, err := s.statsParams(c)
	var rel *stats.Release
	if err == nil {
		rel, err = stats.Build(c.Request.Context(), s.store, s.cat, params, s.store.Now())
	}
	var pe *stats.ParamError
	if errors.As(err, &pe) {
		return &Error{http.StatusBadRequest, "stats.error." + pe.Code}
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = rel.WriteCSV(&buf)
	} else {
		err = rel.WriteJSON(&buf, s.newPage(c, "").Lang)
	}
	if err != nil {
		return err
	}
	// The audit row before the download: no export leaves without one.
	u := staffUser(c)
	entry := store.AuditEntry{Actor: "unknown", Action: "export", Outcome: "ok", Detail: rel.AuditDetail(format)}
	if u != nil {
		entry.UserID, entry.Actor = u.ID, u.Email
	}
	if err := s.store.Audit(c.Request.Context(), entry); err != nil {
		return err
	}
	h := c.Writer.Header()
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ketascreen-stats-%s.%s"`, rel.Generated, format))
	c.Status(http.StatusOK)
	_, err = c.Writer.Write(buf.Bytes())
	return err
}

// statsChoice is an entry of a filter's select.
type statsChoice struct {
	Value, Label string
	Selected     bool
}

func (s *Server) filterChoices(p *page, f statsFilter) (qs, langs, regions []statsChoice) {
	for _, q := range s.cat.Questionnaires() {
		qs = append(qs, statsChoice{q.ID, q.Title.In(p.Lang), q.ID == f.Questionnaire})
	}
	langs = append(langs, statsChoice{"", p.T("stats.all_languages"), f.Language == ""})
	for _, l := range s.cat.Languages() {
		langs = append(langs, statsChoice{l, p.T("lang.in." + l), l == f.Language})
	}
	regions = append(regions, statsChoice{"", p.T("stats.all_regions"), f.Region == ""})
	for _, r := range s.regionChoices(p, f.Region) {
		regions = append(regions, statsChoice{r.ID, r.Name, r.Selected})
	}
	return qs, langs, regions
}
