// Package respondent is the anonymous side of ketascreen: the landing page, the help and
// privacy pages, the step-by-step questionnaire, the result, its deletion, and the share code
// a person may make for a clinician. Nothing here stores who a person is.
package respondent

import (
	"errors"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Area is the respondent's side of the site.
type Area struct {
	site      *web.Site
	responses *responsedb.DB
	// secret keys the hashes of share codes.
	secret []byte
	// shareDays is how long a share code stays valid; retentionDays how long answers are kept
	// (the privacy page says both).
	shareDays, retentionDays int
	// firstSteps are the rendered first steps of the questionnaires, by firstStepKey.
	firstSteps sync.Map
}

// New makes the respondent area.
func New(site *web.Site, secret []byte, shareDays, retentionDays int) *Area {
	return &Area{site: site, responses: responsedb.New(site.Store), secret: secret, shareDays: shareDays, retentionDays: retentionDays}
}

// Healthz says whether the database answers, for monitors.
func (a *Area) Healthz(c *gin.Context) {
	if err := a.site.Store.Ping(c.Request.Context()); err != nil {
		a.site.Log.Error("health check", "err", err)
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}

type landingPage struct {
	*web.Page
	// Heading and Intro are the site file's name and introduction when it has one; without,
	// the page speaks as the ketamine self-check (its messages).
	Heading, Intro string
	Questionnaires []landingEntry
	Regions        []web.RegionChoice
}

type landingEntry struct {
	ID, Title, Intro string
	Minutes          int
}

// ShowLandingPage is the start page.
func (a *Area) ShowLandingPage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	p.Path = "/"
	// A region the browser's language names is preselected; otherwise the picker starts at
	// "Choose where you are" and the first step asks again.
	p.Region = a.site.KnownRegion(c.Query("region"))
	if p.Region == "" {
		p.Region = a.site.SuggestedRegion(c.Request)
	}
	lp := &landingPage{Page: p, Regions: a.site.RegionChoices(p.Lang, p.Region)}
	if lp.Intro = a.site.Intro(p.Lang); lp.Intro != "" {
		lp.Heading = p.SiteName() // the layout's title is the site's name alone
	} else {
		p.Title = p.T("landing.title")
	}
	for _, q := range a.site.Catalog.Questionnaires() {
		if !q.HasLanguage(p.Lang) {
			continue
		}
		lp.Questionnaires = append(lp.Questionnaires, landingEntry{ID: q.ID, Title: q.Title.In(p.Lang),
			Intro: q.Introduction.In(p.Lang), Minutes: q.Minutes})
	}
	return a.site.Render(c.Writer, http.StatusOK, "landing", lp)
}

type helpPage struct {
	*web.Page
	regionView
	Help      []helpGroup
	WhereElse []whereElse
}

// ShowHelpPage lists every kind of help a region has (crisis lines first), without answering
// anything first, and where to look for the kinds it lacks.
func (a *Area) ShowHelpPage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	p.Path = "/help"
	region, chosen := a.helpRegion(c.Request)
	if chosen {
		p.Region = region
	}
	p.Title = p.T("help.title")
	var kinds []string
	for _, k := range a.site.Catalog.Resources.Kinds {
		kinds = append(kinds, k.ID)
	}
	hp := &helpPage{Page: p, regionView: a.regionView(p.Lang, "/help", region, chosen),
		Help: a.helpGroups(p.Lang, region, kinds, nil)}
	// Every kind is listed here, asked for or not: say where to look for those the region
	// lacks and the resources file says something about.
	for _, m := range a.site.Catalog.Resources.WhereToLook(region, kinds) {
		if text := m.WhereElse.In(p.Lang); text != "" {
			hp.WhereElse = append(hp.WhereElse, whereElse{Label: m.Kind.Label.In(p.Lang), Text: text})
		}
	}
	return a.site.Render(c.Writer, http.StatusOK, "help", hp)
}

type privacyPage struct {
	*web.Page
	RetentionDays, ShareDays int
}

// ShowPrivacyPage says what is kept and for how long.
func (a *Area) ShowPrivacyPage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	p.Path = "/privacy"
	p.Title = p.T("privacy.title")
	return a.site.Render(c.Writer, http.StatusOK, "privacy", &privacyPage{Page: p, RetentionDays: a.retentionDays, ShareDays: a.shareDays})
}

// questionnaireFor finds the questionnaire of a route, in a language it is written in.
func (a *Area) questionnaireFor(c *gin.Context, p *web.Page) (*questionnaire.Questionnaire, error) {
	q := a.site.Catalog.Latest(c.Param("id"))
	if q == nil || !q.HasLanguage(p.Lang) {
		return nil, web.ErrNotFound
	}
	return q, nil
}

// ShowQuestionnairePage is the first step of a questionnaire.
func (a *Area) ShowQuestionnairePage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	q, err := a.questionnaireFor(c, p)
	if err != nil {
		return err
	}
	// Without a region from the landing page, the first step asks where the person is, with
	// the region the browser's language names (if any) preselected.
	region, suggested := a.site.KnownRegion(web.QueryValue(c.Request, "region")), ""
	if region == "" {
		suggested = a.site.SuggestedRegion(c.Request)
	}
	// The first step holds nothing of the person: it is the same for everyone who asks for it
	// in a language and region, so it is rendered once and then served from memory. The key
	// has a bounded set of values (a parsed questionnaire, a supported language, regions of
	// the resources file or "").
	key := firstStepKey{q, p.Lang, region, suggested}
	if page, ok := a.firstSteps.Load(key); ok {
		return page.(*web.StaticPage).Write(c.Writer, c.Request)
	}
	f := &form{q: q, answers: questionnaire.Answers{}, region: region, suggested: suggested}
	shown := q.Visibility(f.answers)
	body, err := a.site.RenderBytes("questionnaire", a.stepPage(p, f, f.nextSection(-1, shown), shown, nil))
	if err != nil {
		return err
	}
	page := web.NewStaticPage(body)
	a.firstSteps.Store(key, page)
	return page.Write(c.Writer, c.Request)
}

// firstStepKey is what the first step of a questionnaire depends on.
type firstStepKey struct {
	q                       *questionnaire.Questionnaire
	lang, region, suggested string
}

// SaveStep takes one step of the form: back, the same step again with what needs fixing, the
// next step, or, after the last one, the stored result.
func (a *Area) SaveStep(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	q, err := a.questionnaireFor(c, p)
	if err != nil {
		return err
	}
	f, err := a.parseForm(c, q)
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
		return a.renderStep(c, p, f, step, shown, nil, http.StatusOK)
	}
	if f.nav == "back" {
		prev := f.prevSection(step, shown)
		if prev < 0 {
			prev = step
		}
		return a.renderStep(c, p, f, prev, shown, nil, http.StatusOK)
	}
	errs, added := f.checkSection(step, shown)
	f.added = added
	if f.region == "" {
		// No silent default: help lines for the wrong country are worse than none.
		errs = append(questionnaire.AnswersError{{Item: regionField, Kind: questionnaire.ErrRequired}}, errs...)
	}
	if len(errs) > 0 || added {
		status := http.StatusOK
		if len(errs) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return a.renderStep(c, p, f, step, shown, errs, status)
	}
	if next := f.nextSection(step, shown); next >= 0 {
		return a.renderStep(c, p, f, next, shown, nil, http.StatusOK)
	}
	result, err := q.Score(f.answers)
	var ae questionnaire.AnswersError
	if errors.As(err, &ae) {
		// Only a hand-made request gets here: the steps were checked one by one.
		at := f.firstSectionWith(ae)
		return a.renderStep(c, p, f, at, shown, ae, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	token, err := a.SaveResult(c.Request.Context(), result, p.Lang, f.region)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, p.Link("/r/"+token))
	return nil
}
