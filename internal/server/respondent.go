package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

func (s *Server) mountRespondent(e *gin.Engine) {
	e.GET("/", s.handle(s.showLandingPage))
	e.GET("/privacy", s.handle(s.showPrivacyPage))
	e.GET("/help", s.handle(s.showHelpPage))
	e.GET("/healthz", s.healthz)
	e.GET("/static/*file", s.serveStatic)
	e.HEAD("/static/*file", s.serveStatic)
	e.GET("/q/:id", s.handle(s.showQuestionnairePage))
	e.POST("/q/:id", s.handle(s.saveStep))
	e.GET("/r/:token", s.handle(s.showResultPage))
	e.GET("/r/:token/delete", s.handle(s.showDeletePage))
	e.POST("/r/:token/delete", s.handle(s.deleteResult))
}

func (s *Server) healthz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		s.log.Error("health check", "err", err)
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}

// RegionChoice is one entry of a region picker.
type RegionChoice struct {
	ID, Name string
	Selected bool
}

// regionChoices lists the regions of the help resources, "other" last.
func (s *Server) regionChoices(p *page, selected string) []RegionChoice {
	var out []RegionChoice
	var other *RegionChoice
	for _, r := range s.cat.Resources.Regions {
		rc := RegionChoice{ID: r.ID, Name: r.Name.In(p.Lang), Selected: r.ID == selected}
		if r.ID == questionnaire.OtherRegion {
			other = &rc
			continue
		}
		out = append(out, rc)
	}
	if other != nil {
		out = append(out, *other)
	}
	return out
}

// region is a valid region id from a request value, or "other".
func (s *Server) region(v string) string {
	if s.cat.Resources.HasRegion(v) {
		return v
	}
	return questionnaire.OtherRegion
}

type landingPage struct {
	*page
	Questionnaires []landingEntry
	Regions        []RegionChoice
}

type landingEntry struct {
	ID, Title, Intro string
	Minutes          int
}

func (s *Server) showLandingPage(c *gin.Context) error {
	p := s.newPage(c, "")
	p.Path = "/"
	p.Region = c.Query("region")
	p.Title = p.T("landing.title")
	lp := &landingPage{page: p, Regions: s.regionChoices(p, p.Region)}
	for _, q := range s.cat.Questionnaires() {
		if !q.HasLanguage(p.Lang) {
			continue
		}
		lp.Questionnaires = append(lp.Questionnaires, landingEntry{ID: q.ID, Title: q.Title.In(p.Lang),
			Intro: q.Introduction.In(p.Lang), Minutes: q.Minutes})
	}
	return s.render(c.Writer, http.StatusOK, "landing", lp)
}

type helpPage struct {
	*page
	Regions []RegionChoice
	Help    []helpGroup
}

// RegionAction is where the choice of region is sent.
func (*helpPage) RegionAction() string { return "/help" }

// showHelpPage lists every kind of help a region has (crisis lines first), without answering
// anything first.
func (s *Server) showHelpPage(c *gin.Context) error {
	p := s.newPage(c, "")
	p.Path = "/help"
	region := s.region(c.Query("region"))
	p.Region = region
	p.Title = p.T("help.title")
	var kinds []string
	for _, k := range s.cat.Resources.Kinds {
		kinds = append(kinds, k.ID)
	}
	return s.render(c.Writer, http.StatusOK, "help", &helpPage{page: p, Regions: s.regionChoices(p, region),
		Help: s.helpGroups(p.Lang, region, kinds, nil)})
}

type privacyPage struct {
	*page
	RetentionDays, ShareDays int
}

func (s *Server) showPrivacyPage(c *gin.Context) error {
	p := s.newPage(c, "")
	p.Path = "/privacy"
	p.Title = p.T("privacy.title")
	return s.render(c.Writer, http.StatusOK, "privacy", &privacyPage{page: p, RetentionDays: s.cfg.RetentionDays, ShareDays: s.cfg.ShareDays})
}

// questionnaireFor finds the questionnaire of a route, in a language it is written in.
func (s *Server) questionnaireFor(c *gin.Context, p *page) (*questionnaire.Questionnaire, error) {
	q := s.cat.Latest(c.Param("id"))
	if q == nil || !q.HasLanguage(p.Lang) {
		return nil, errNotFound
	}
	return q, nil
}

func (s *Server) showQuestionnairePage(c *gin.Context) error {
	p := s.newPage(c, "")
	q, err := s.questionnaireFor(c, p)
	if err != nil {
		return err
	}
	region := s.region(c.Query("region"))
	// The first step holds nothing of the person: it is the same for everyone who asks for it
	// in a language and region, so it is rendered once and then served from memory. The key
	// has a bounded set of values (a parsed questionnaire, a supported language, a region of
	// the resources file).
	key := firstStepKey{q, p.Lang, region}
	if body, ok := s.firstSteps.Load(key); ok {
		return writeHTML(c.Writer, http.StatusOK, body.([]byte))
	}
	f := &form{q: q, answers: questionnaire.Answers{}, region: region}
	shown := q.Visibility(f.answers)
	body, err := s.renderBytes("questionnaire", s.stepPage(p, f, f.nextSection(-1, shown), shown, nil))
	if err != nil {
		return err
	}
	s.firstSteps.Store(key, body)
	return writeHTML(c.Writer, http.StatusOK, body)
}

// firstStepKey is what the first step of a questionnaire depends on.
type firstStepKey struct {
	q            *questionnaire.Questionnaire
	lang, region string
}

// saveStep takes one step of the form: back, the same step again with what needs fixing, the
// next step, or, after the last one, the stored result.
func (s *Server) saveStep(c *gin.Context) error {
	p := s.newPage(c, "")
	q, err := s.questionnaireFor(c, p)
	if err != nil {
		return err
	}
	f, err := s.parseForm(c, q)
	if err != nil {
		return err
	}
	// Answers that the person's own later choices hid (they went back and changed their mind)
	// are dropped, never counted.
	f.answers = q.Prune(f.answers)
	shown := q.Visibility(f.answers)
	step := f.step
	if !q.SectionShown(q.Sections[step], shown) {
		step = f.nextSection(step, shown)
		return s.renderStep(c, p, f, step, shown, nil, http.StatusOK)
	}
	if f.nav == "back" {
		prev := f.prevSection(step, shown)
		if prev < 0 {
			prev = step
		}
		return s.renderStep(c, p, f, prev, shown, nil, http.StatusOK)
	}
	errs, added := f.checkSection(step, shown)
	f.added = added
	if len(errs) > 0 || added {
		status := http.StatusOK
		if len(errs) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return s.renderStep(c, p, f, step, shown, errs, status)
	}
	if next := f.nextSection(step, shown); next >= 0 {
		return s.renderStep(c, p, f, next, shown, nil, http.StatusOK)
	}
	result, err := q.Score(f.answers)
	var ae questionnaire.AnswersError
	if errors.As(err, &ae) {
		// Only a hand-made request gets here: the steps were checked one by one.
		at := f.firstSectionWith(ae)
		return s.renderStep(c, p, f, at, shown, ae, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	token, err := s.saveResult(c, result, p.Lang, f.region)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, p.Link("/r/"+token))
	return nil
}
