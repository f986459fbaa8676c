package server

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
)

// saveResult stores a scored response; once it returns, the response is on disk.
func (s *Server) saveResult(c *gin.Context, r *questionnaire.Result, lang, region string) (string, error) {
	resp := &store.Response{
		Questionnaire: r.Questionnaire.ID, Version: r.Questionnaire.Version, Lang: lang, Region: region,
		Answers: r.Answers, Scores: r.Scores, Flags: r.FlagIDs(),
	}
	if r.Level != nil {
		resp.Band = r.Level.ID
	}
	return s.store.CreateResponse(c.Request.Context(), resp)
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// loadResult finds the response of a result link and scores it again with the version of the
// questionnaire it was answered with.
func (s *Server) loadResult(ctx context.Context, token string) (*store.Response, *questionnaire.Result, error) {
	if !tokenRE.MatchString(token) {
		return nil, nil, errNotFound
	}
	resp, err := s.store.ResponseByToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	q := s.cat.Version(resp.Questionnaire, resp.Version)
	if q == nil {
		return nil, nil, errGone
	}
	r, err := q.Score(resp.Answers)
	if err != nil {
		return nil, nil, err
	}
	return resp, r, nil
}

var errGone = &Error{http.StatusGone, "error.version_gone"}

type resultPage struct {
	*page
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
	Regions     []RegionChoice
	Urgent      bool
	Extra       any // sections other areas add (sharing)
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

func (s *Server) showResultPage(c *gin.Context) error {
	p := s.newPage(c, "")
	token := c.Param("token")
	resp, r, err := s.loadResult(c.Request.Context(), token)
	if err == errNotFound && tokenRE.MatchString(token) {
		if deleted, derr := s.store.TokenDeleted(c.Request.Context(), token); derr == nil && deleted {
			p.Title = p.T("deleted.title")
			return s.render(c.Writer, http.StatusGone, "deleted", p)
		}
	}
	if err != nil {
		return err
	}
	region := resp.Region
	if v := c.Query("region"); v != "" {
		region = s.region(v)
	}
	p.Path, p.Region = "/r/"+token, region
	view := r.View(p.Lang)
	p.Title = p.T("result.title")
	rp := &resultPage{page: p, Token: token, QTitle: r.Questionnaire.Title.In(p.Lang), Day: resp.Day,
		Flags: view.Flags, Level: view.Level, Advice: view.Advice, Notice: view.Notice,
		Regions: s.regionChoices(p, region)}
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
		rp.Crisis = s.helpGroups(p.Lang, region, []string{"emergency"}, isCrisisKind)
		rp.Help = s.helpGroups(p.Lang, region, kinds, func(kind string) bool { return !isCrisisKind(kind) })
	} else {
		rp.Help = s.helpGroups(p.Lang, region, kinds, nil)
	}
	rp.HelpMissing = len(s.cat.Resources.Missing(region, kinds)) > 0
	if rp.Extra, err = s.shareSection(c.Request.Context(), resp); err != nil {
		return err
	}
	return s.render(c.Writer, http.StatusOK, "result", rp)
}

func isCrisisKind(kind string) bool { return kind == "crisis" || kind == "emergency" }

// helpGroups are the help resources of a region for the kinds asked for (and every kind
// marked always), keeping only the kinds keep accepts when it is not nil.
func (s *Server) helpGroups(lang, region string, kinds []string, keep func(kind string) bool) []helpGroup {
	var out []helpGroup
	for _, g := range s.cat.Resources.For(region, kinds) {
		if keep != nil && !keep(g.Kind.ID) {
			continue
		}
		hg := helpGroup{Kind: g.Kind.ID, Label: g.Kind.Label.In(lang)}
		for _, res := range g.Resources {
			hr := helpResource{Name: res.Name.In(lang), About: res.About.In(lang)}
			var meta []string
			if res.Free {
				meta = append(meta, s.msgs.T(lang, "resource.free"))
			}
			if res.AlwaysOpen {
				meta = append(meta, s.msgs.T(lang, "resource.always_open"))
			}
			if len(res.Languages) > 0 {
				var langs []string
				for _, l := range res.Languages {
					langs = append(langs, s.msgs.T(lang, "lang.in."+l))
				}
				meta = append(meta, s.msgs.T(lang, "resource.languages", strings.Join(langs, ", ")))
			}
			hr.Meta = strings.Join(meta, " · ")
			for _, ct := range res.Contacts {
				hr.Contacts = append(hr.Contacts, s.contact(lang, ct))
			}
			hg.Resources = append(hg.Resources, hr)
		}
		out = append(out, hg)
	}
	return out
}

func (s *Server) contact(lang string, ct *questionnaire.Contact) helpContact {
	hc := helpContact{Type: ct.Type, Label: ct.Label.In(lang)}
	switch ct.Type {
	case "phone":
		hc.Href, hc.Text = template.URL("tel:"+ct.Dial()), s.msgs.T(lang, "contact.call", ct.Value)
	case "text":
		hc.Href = template.URL("sms:" + ct.Dial())
		if ct.Keyword != "" {
			hc.Href += template.URL("?&body=" + url.QueryEscape(ct.Keyword))
			hc.Text = s.msgs.T(lang, "contact.text_keyword", ct.Keyword, ct.Value)
		} else if hc.Label != "" {
			// A label such as "Text your ZIP code to 435748" says it all.
			hc.Text, hc.Label = hc.Label, ""
		} else {
			hc.Text = s.msgs.T(lang, "contact.text", ct.Value)
		}
	default:
		hc.Href = template.URL(ct.Value)
		hc.Text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ct.Value, "https://"), "www."), "/")
	}
	return hc
}

type deletePage struct {
	*page
	Token string
}

func (s *Server) showDeletePage(c *gin.Context) error {
	p := s.newPage(c, "")
	if _, _, err := s.loadResult(c.Request.Context(), c.Param("token")); err != nil {
		return err
	}
	p.Title = p.T("delete.title")
	return s.render(c.Writer, http.StatusOK, "delete", &deletePage{page: p, Token: c.Param("token")})
}

func (s *Server) deleteResult(c *gin.Context) error {
	p := s.newPage(c, "")
	token := c.Param("token")
	if !tokenRE.MatchString(token) {
		return errNotFound
	}
	err := s.store.DeleteResponse(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, p.Link("/r/"+token))
	return nil
}
