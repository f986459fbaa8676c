package respondent

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// SaveResult stores a scored response and returns its result token; once it returns, the
// response is on disk. The web form and the API both store through it.
func (a *Area) SaveResult(ctx context.Context, r *questionnaire.Result, lang, region string) (string, error) {
	resp := &responsedb.Response{
		Questionnaire: r.Questionnaire.ID, Version: r.Questionnaire.Version, Lang: lang, Region: region,
		Answers: r.Answers, Scores: r.Scores, Flags: r.FlagIDs(),
	}
	if r.Level != nil {
		resp.Band = r.Level.ID
	}
	return a.responses.CreateResponse(ctx, resp)
}

// loadResult finds the response of a result link and scores it again with the version of the
// questionnaire it was answered with.
func (a *Area) loadResult(ctx context.Context, token string) (*responsedb.Response, *questionnaire.Result, error) {
	if !store.IsToken(token) {
		return nil, nil, web.ErrNotFound
	}
	resp, err := a.responses.ResponseByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, web.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	q := a.site.Catalog.Version(resp.Questionnaire, resp.Version)
	if q == nil {
		return nil, nil, web.ErrGone
	}
	r, err := q.Score(resp.Answers)
	if err != nil {
		return nil, nil, err
	}
	return resp, r, nil
}

type resultPage struct {
	*web.Page
	regionView
	Token  string
	QTitle string
	Day    string
	// Urgent: a safety flag is raised, and the page starts with a box of the lines to call or
	// text (Crisis, in the flag's order). Acute: the person has thoughts of ending their life
	// right now; the box starts with Call, their emergency number.
	Urgent, Acute bool
	Call          *helpContact
	// Act and Why are the acute flag's title and message, said once, as the box's heading and
	// why to call now.
	Act, Why string
	Crisis   []helpGroup
	Flags    []resultview.FlagView
	Level    *resultview.BandView
	Scale    *resultview.ScaleView
	// Levels are the questionnaire's other levels that have a value (a risk level for each
	// substance), after the main one.
	Levels []resultview.LevelView
	Told   []string
	// ToldInLevels: answers counted only toward the other levels are left out of Told; those
	// levels sum them up.
	ToldInLevels bool
	Advice       []resultview.AdviceView
	// Plan is the safety plan, printed with the result, with room to write.
	Plan      *resultview.AdviceView
	Help      []helpGroup
	WhereElse []whereElse
	Notice    string
	Share     *shareState
}

// safetyPlanAdvice is the advice the result shows as a numbered safety plan to fill in.
const safetyPlanAdvice = "safety_plan"

// ShowResultPage is a stored result: flags first, the level, what to do, where to get help.
func (a *Area) ShowResultPage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	token := c.Param("token")
	resp, r, err := a.loadResult(c.Request.Context(), token)
	if err == web.ErrNotFound && store.IsToken(token) {
		if deleted, derr := a.responses.TokenDeleted(c.Request.Context(), token); derr == nil && deleted {
			p.Title = p.T("deleted.title")
			return a.site.Render(c.Writer, http.StatusGone, "deleted", p)
		}
	}
	if err != nil {
		return err
	}
	// The region stored with the answers, unless the person changed it here; a region we do
	// not list changes nothing.
	region := a.site.KnownRegion(c.Query("region"))
	if region == "" {
		region = a.site.KnownRegion(resp.Region)
	}
	if region == "" {
		region = helplines.OtherRegion // stored under a region since taken out of the resources file
	}
	p.Path, p.Region = "/r/"+token, region
	view := resultview.Of(r, p.Lang)
	p.Title = p.T("result.title")
	rp := &resultPage{Page: p, regionView: a.regionView(p.Lang, "/r/"+token, region, true), Token: token,
		QTitle: r.Questionnaire.Title.In(p.Lang), Day: resp.Day, Flags: view.Flags, Level: view.Level, Scale: view.Scale,
		Notice: view.Notice, Urgent: r.SafetyRaised(), Acute: r.Acute()}
	rp.KeepsAnswers = true
	rp.Levels = otherLevels(view, r.Questionnaire)
	if rp.Acute {
		rp.Flags = rp.Flags[:0:0]
		for _, f := range view.Flags {
			if f.Severity == questionnaire.SeverityAcute {
				if rp.Act == "" {
					rp.Act = f.Title
				}
				rp.Why += f.Message + "\n"
				continue
			}
			rp.Flags = append(rp.Flags, f)
		}
	}
	told := saidInLevels(r, rp.Levels)
	for _, t := range view.Told {
		if told[t.Item] {
			rp.ToldInLevels = true
			continue
		}
		rp.Told = append(rp.Told, t.Text...)
	}
	for i, adv := range view.Advice {
		if adv.ID == safetyPlanAdvice {
			rp.Plan = &view.Advice[i]
			continue
		}
		rp.Advice = append(rp.Advice, adv)
	}
	kinds := r.ResourceKinds()
	if rp.Urgent {
		// The crisis and emergency lines are shown once, in the box at the top, in the order
		// the most urgent safety flag gives (emergency first when the person is in danger now).
		order := crisisOrder(r)
		rp.Crisis = a.helpGroups(p.Lang, region, order, func(kind string) bool { return slices.Contains(order, kind) })
		slices.SortStableFunc(rp.Crisis, func(x, y helpGroup) int { return slices.Index(order, x.Kind) - slices.Index(order, y.Kind) })
		rp.Help = a.helpGroups(p.Lang, region, kinds, func(kind string) bool { return !slices.Contains(order, kind) })
		if rp.Acute {
			rp.Call = a.emergencyCall(p.Lang, region)
		}
	} else {
		rp.Help = a.helpGroups(p.Lang, region, kinds, nil)
	}
	rp.WhereElse = a.whereElse(p.Lang, region, kinds)
	if rp.Share, err = a.shareSection(c.Request.Context(), resp); err != nil {
		return err
	}
	return a.site.Render(c.Writer, http.StatusOK, "result", rp)
}

// crisisOrder is the kinds of help the crisis box shows, in the order of the most urgent
// safety flag raised, always with crisis lines and emergency services.
func crisisOrder(r *questionnaire.Result) []string {
	var order []string
	for _, f := range r.Flags { // most urgent first
		if questionnaire.IsSafetySeverity(f.Severity) {
			order = slices.Clone(f.Resources)
			break
		}
	}
	for _, k := range []string{"crisis", "emergency"} {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	return order
}

type deletePage struct {
	*web.Page
	Token string
}

// ShowDeletePage asks before deleting a result.
func (a *Area) ShowDeletePage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	if _, _, err := a.loadResult(c.Request.Context(), c.Param("token")); err != nil {
		return err
	}
	p.Title = p.T("delete.title")
	return a.site.Render(c.Writer, http.StatusOK, "delete", &deletePage{Page: p, Token: c.Param("token")})
}

// DeleteResult deletes a result for good.
func (a *Area) DeleteResult(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	token := c.Param("token")
	if !store.IsToken(token) {
		return web.ErrNotFound
	}
	err := a.responses.DeleteResponse(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, p.Link("/r/"+token))
	return nil
}
