package respondent

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
)

// SaveResult stores a scored response and returns its result token; once it returns, the
// response is on disk. The web form and the API both store through it.
func (a *Area) SaveResult(ctx context.Context, r *questionnaire.Result, lang, region string) (string, error) {
	resp := &store.Response{
		Questionnaire: r.Questionnaire.ID, Version: r.Questionnaire.Version, Lang: lang, Region: region,
		Answers: r.Answers, Scores: r.Scores, Flags: r.FlagIDs(),
	}
	if r.Level != nil {
		resp.Band = r.Level.ID
	}
	return a.site.Store.CreateResponse(ctx, resp)
}

// loadResult finds the response of a result link and scores it again with the version of the
// questionnaire it was answered with.
func (a *Area) loadResult(ctx context.Context, token string) (*store.Response, *questionnaire.Result, error) {
	if !store.IsToken(token) {
		return nil, nil, web.ErrNotFound
	}
	resp, err := a.site.Store.ResponseByToken(ctx, token)
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
	Token  string
	QTitle string
	Day    string
	Crisis []helpGroup
	Flags  []questionnaire.FlagView
	Level  *questionnaire.BandView
	Told   []string
	Advice []questionnaire.AdviceView
	Help   []helpGroup
	// HelpMissing: the region has no resource of a kind the flags or level ask for.
	HelpMissing bool
	Notice      string
	Regions     []web.RegionChoice
	Urgent      bool
	Share       *shareState
}

// RegionAction is where the choice of region is sent: this result again.
func (rp *resultPage) RegionAction() string { return "/r/" + rp.Token }

type helpGroup struct {
	Kind      string
	Label     string
	Resources []helpResource
}

type helpResource struct {
	Name, About string
	Meta        string // free, open 24/7, languages
	Contacts    []helpContact
}

type helpContact struct {
	Type, Text, Label string
	// Href is tel:, sms: or https:, from the checked resources file (lint allows nothing else);
	// html/template would otherwise blank the tel: and sms: schemes.
	Href template.URL
}

// ShowResultPage is a stored result: flags first, the level, what to do, where to get help.
func (a *Area) ShowResultPage(c *gin.Context) error {
	p := a.site.NewPage(c.Request, "")
	token := c.Param("token")
	resp, r, err := a.loadResult(c.Request.Context(), token)
	if err == web.ErrNotFound && store.IsToken(token) {
		if deleted, derr := a.site.Store.TokenDeleted(c.Request.Context(), token); derr == nil && deleted {
			p.Title = p.T("deleted.title")
			return a.site.Render(c.Writer, http.StatusGone, "deleted", p)
		}
	}
	if err != nil {
		return err
	}
	region := resp.Region
	if v := c.Query("region"); v != "" {
		region = a.site.Region(v)
	}
	p.Path, p.Region = "/r/"+token, region
	view := r.View(p.Lang)
	p.Title = p.T("result.title")
	rp := &resultPage{Page: p, Token: token, QTitle: r.Questionnaire.Title.In(p.Lang), Day: resp.Day,
		Flags: view.Flags, Level: view.Level, Advice: view.Advice, Notice: view.Notice,
		Regions: a.site.RegionChoices(p.Lang, region)}
	for _, t := range view.Told {
		rp.Told = append(rp.Told, t.Text...)
	}
	for _, f := range r.Flags {
		if f.Severity == "urgent" {
			rp.Urgent = true
		}
	}
	kinds := r.ResourceKinds()
	if rp.Urgent {
		// The crisis and emergency lines are shown once, in the box at the top.
		rp.Crisis = a.helpGroups(p.Lang, region, []string{"emergency"}, isCrisisKind)
		rp.Help = a.helpGroups(p.Lang, region, kinds, func(kind string) bool { return !isCrisisKind(kind) })
	} else {
		rp.Help = a.helpGroups(p.Lang, region, kinds, nil)
	}
	rp.HelpMissing = len(a.site.Catalog.Resources.Missing(region, kinds)) > 0
	if rp.Share, err = a.shareSection(c.Request.Context(), resp); err != nil {
		return err
	}
	return a.site.Render(c.Writer, http.StatusOK, "result", rp)
}

func isCrisisKind(kind string) bool { return kind == "crisis" || kind == "emergency" }

// helpGroups are the help resources of a region for the kinds asked for (and every kind
// marked always), keeping only the kinds keep accepts when it is not nil.
func (a *Area) helpGroups(lang, region string, kinds []string, keep func(kind string) bool) []helpGroup {
	var out []helpGroup
	for _, g := range a.site.Catalog.Resources.For(region, kinds) {
		if keep != nil && !keep(g.Kind.ID) {
			continue
		}
		hg := helpGroup{Kind: g.Kind.ID, Label: g.Kind.Label.In(lang)}
		for _, res := range g.Resources {
			hr := helpResource{Name: res.Name.In(lang), About: res.About.In(lang)}
			var meta []string
			if res.Free {
				meta = append(meta, a.site.T(lang, "resource.free"))
			}
			if res.AlwaysOpen {
				meta = append(meta, a.site.T(lang, "resource.always_open"))
			}
			if len(res.Languages) > 0 {
				var langs []string
				for _, l := range res.Languages {
					langs = append(langs, a.site.T(lang, "lang.in."+l))
				}
				meta = append(meta, a.site.T(lang, "resource.languages", strings.Join(langs, ", ")))
			}
			hr.Meta = strings.Join(meta, " · ")
			for _, ct := range res.Contacts {
				hr.Contacts = append(hr.Contacts, a.contact(lang, ct))
			}
			hg.Resources = append(hg.Resources, hr)
		}
		out = append(out, hg)
	}
	return out
}

func (a *Area) contact(lang string, ct *questionnaire.Contact) helpContact {
	hc := helpContact{Type: ct.Type, Label: ct.Label.In(lang)}
	switch ct.Type {
	case "phone":
		hc.Href, hc.Text = template.URL("tel:"+ct.Dial()), a.site.T(lang, "contact.call", ct.Value)
	case "text":
		hc.Href = template.URL("sms:" + ct.Dial())
		if ct.Keyword != "" {
			hc.Href += template.URL("?&body=" + url.QueryEscape(ct.Keyword))
			hc.Text = a.site.T(lang, "contact.text_keyword", ct.Keyword, ct.Value)
		} else if hc.Label != "" {
			// A label such as "Text your ZIP code to 435748" says it all.
			hc.Text, hc.Label = hc.Label, ""
		} else {
			hc.Text = a.site.T(lang, "contact.text", ct.Value)
		}
	default:
		hc.Href = template.URL(ct.Value)
		hc.Text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ct.Value, "https://"), "www."), "/")
	}
	return hc
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
	err := a.site.Store.DeleteResponse(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, p.Link("/r/"+token))
	return nil
}
