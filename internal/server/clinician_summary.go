package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store"
)

// redeem takes a share code from the form body (never the URL) and, when it is valid, lets
// this session open the response's summary, at a URL that holds the response's internal id
// and not the code. Failures count against the account's and everyone's hourly allowance.
func (a *clinicianArea) redeem(c *gin.Context) error {
	u, session := staffUser(c), staffSession(c)
	ctx := c.Request.Context()
	now := a.s.store.Now()
	entry := store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "redeem", Outcome: "failed"}
	if wait := a.throttle.redeemWait(u.ID, now); wait > 0 {
		entry.Outcome = "throttled"
		if a.throttle.note("redeem\x00"+strconv.FormatInt(u.ID, 10), now) {
			if err := a.s.store.Audit(ctx, entry); err != nil {
				return err
			}
		}
		retryAfter(c, int(math.Ceil(wait.Seconds())))
		return a.renderHome(c, u, http.StatusTooManyRequests, "clinician.redeem.throttled", int(math.Ceil(wait.Minutes())))
	}
	f, err := postedForm(c, "code")
	if err != nil {
		return err
	}
	code, err := sharecode.Parse(f["code"])
	if err != nil {
		// A typo, not a guess: audited, not counted.
		entry.Detail = "malformed"
		if err := a.s.store.Audit(ctx, entry); err != nil {
			return err
		}
		return a.renderHome(c, u, http.StatusUnprocessableEntity, "clinician.redeem.malformed")
	}
	entry.Outcome = "ok"
	rid, err := a.s.store.RedeemShareCode(ctx, session, code.Hash(a.s.cfg.Secret), entry)
	if errors.Is(err, store.ErrCodeInvalid) {
		a.throttle.redeemFailed(u.ID, now)
		entry.Outcome = "failed"
		if err := a.s.store.Audit(ctx, entry); err != nil {
			return err
		}
		return a.renderHome(c, u, http.StatusNotFound, "clinician.redeem.invalid")
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, a.s.newPage(c, "").Link("/clinician/responses/"+rid))
	return nil
}

var responseIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

var errNoAccess = &Error{http.StatusForbidden, "clinician.error.no_access"}

// viewable loads a response the session may see (it redeemed a still-valid code for it) and
// scores it again with the version it was answered with. A refusal is audited.
func (a *clinicianArea) viewable(c *gin.Context, action string) (*store.Response, *questionnaire.Result, error) {
	u, session := staffUser(c), staffSession(c)
	ctx := c.Request.Context()
	rid := c.Param("id")
	if !responseIDRE.MatchString(rid) {
		return nil, nil, errNotFound
	}
	ok, err := a.s.store.CanView(ctx, session, rid)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		// The same answer whether or not the response exists.
		if err := a.s.store.Audit(ctx, store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: action, ResponseID: rid, Outcome: "denied"}); err != nil {
			return nil, nil, err
		}
		return nil, nil, errNoAccess
	}
	resp, err := a.s.store.ResponseByID(ctx, rid)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	q := a.s.cat.Version(resp.Questionnaire, resp.Version)
	if q == nil {
		return nil, nil, errGone
	}
	r, err := q.Score(resp.Answers)
	if err != nil {
		return nil, nil, err
	}
	return resp, r, nil
}

func (a *clinicianArea) showSummaryPage(c *gin.Context) error {
	resp, r, err := a.viewable(c, "summary_view")
	if err != nil {
		return err
	}
	u := staffUser(c)
	p := a.newStaffPage(c, u, "clinician.summary.title", "/clinician/responses/"+resp.ID)
	sp, err := a.newSummary(c, p, resp, r)
	if err != nil {
		return err
	}
	// The audit row is written before the page is sent: no view without one.
	if err := a.s.store.Audit(c.Request.Context(), store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "summary_view",
		ResponseID: resp.ID, Outcome: "ok"}); err != nil {
		return err
	}
	return a.s.render(c.Writer, http.StatusOK, "clinician_summary", sp)
}

// fhirBase is the base of canonical URLs in downloads.
func (a *clinicianArea) fhirBase() string {
	if a.s.cfg.FHIRBase != "" {
		return a.s.cfg.FHIRBase
	}
	return fhir.DefaultBase
}

func (a *clinicianArea) labels(lang string) fhir.Labels {
	return func(key string) string { return a.s.msgs.T(lang, key) }
}

func (a *clinicianArea) downloadResponse(c *gin.Context) error {
	resp, r, err := a.viewable(c, "fhir_download")
	if err != nil {
		return err
	}
	lang := a.s.newPage(c, "").Lang
	qr := fhir.NewResponse(r, fhir.ResponseInfo{ID: resp.ID, Day: resp.Day}, lang, a.fhirBase(), a.labels(lang))
	return a.sendFHIR(c, resp, "QuestionnaireResponse", "ketascreen-"+resp.ID[:8]+"-questionnaire-response.json", qr)
}

func (a *clinicianArea) downloadQuestionnaire(c *gin.Context) error {
	resp, r, err := a.viewable(c, "fhir_download")
	if err != nil {
		return err
	}
	lang := a.s.newPage(c, "").Lang
	q := r.Questionnaire
	fq := fhir.NewQuestionnaire(q, lang, a.fhirBase(), a.labels(lang))
	return a.sendFHIR(c, resp, "Questionnaire", fmt.Sprintf("%s-%s-questionnaire.json", q.ID, q.Version), fq)
}

// sendFHIR writes a resource as a download, after its audit row.
func (a *clinicianArea) sendFHIR(c *gin.Context, resp *store.Response, kind, filename string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	u := staffUser(c)
	if err := a.s.store.Audit(c.Request.Context(), store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "fhir_download",
		ResponseID: resp.ID, Outcome: "ok", Detail: kind}); err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "application/fhir+json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+safeFilename(filename)+`"`)
	c.Status(http.StatusOK)
	_, err := c.Writer.Write(buf.Bytes())
	return err
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeFilename(s string) string { return unsafeFilename.ReplaceAllString(s, "-") }

// summaryPage is a response as a clinician reads it.
type summaryPage struct {
	*staffPage
	ResponseID, Reference, QTitle, Version, AnsweredIn, Day, Region, SharedUntil string
	Flags                                                                        []summaryFlag
	Level                                                                        *questionnaire.BandView
	LevelScore                                                                   questionnaire.ScoreView
	Scores                                                                       []summaryScore
	Criteria                                                                     []string
	CriteriaCount, CriteriaTotal                                                 int
	Context                                                                      []summaryItem
	Sections                                                                     []summarySection
	Notice                                                                       string
}

type summaryFlag struct {
	ID, Severity, Label string
	Answers             []summaryItem // the answers that raised it
}

type summaryScore struct {
	questionnaire.ScoreView
	BandLabel string
	IsLevel   bool
}

type summarySection struct {
	ID, Title string
	Items     []summaryItem
}

type summaryItem struct {
	ID, Prompt, DSM5 string
	Answers          []summaryAnswer
	NotAsked         bool // skip logic hid it
	Unanswered       bool // asked, optional, left blank
	Counted          bool // an answer counted in a score or raised a flag
}

type summaryAnswer struct {
	Label   string
	Counted bool
}

func (a *clinicianArea) newSummary(c *gin.Context, p *staffPage, resp *store.Response, r *questionnaire.Result) (*summaryPage, error) {
	lang := p.Lang
	q := r.Questionnaire
	view := r.View(lang)
	sp := &summaryPage{staffPage: p, ResponseID: resp.ID, Reference: resp.ID[:8], QTitle: q.Title.In(lang), Version: q.Version,
		AnsweredIn: p.T("lang.in." + resp.Lang), Day: resp.Day, Region: resp.Region, Level: view.Level,
		CriteriaCount: len(r.Criteria), CriteriaTotal: len(questionnaire.DSM5Criteria), Notice: p.T("clinician.summary.screening")}
	for _, reg := range a.s.cat.Resources.Regions {
		if reg.ID == resp.Region {
			sp.Region = reg.Name.In(lang)
		}
	}
	exp, err := a.s.store.ShareCodeExpiry(c.Request.Context(), resp.ID)
	if err != nil {
		return nil, err
	}
	sp.SharedUntil = exp

	// Which options counted (in a score, or by raising a flag).
	counted := map[string]map[string]bool{}
	for _, t := range r.Told {
		counted[t.Item.ID] = map[string]bool{}
		for _, o := range t.Options {
			counted[t.Item.ID][o.Code] = true
		}
	}
	shown := q.Visibility(r.Answers)
	item := func(it *questionnaire.Item) summaryItem {
		si := summaryItem{ID: it.ID, Prompt: it.Prompt.In(lang)}
		if it.DSM5 != "" {
			si.DSM5 = p.T("clinician.dsm5." + it.DSM5)
		}
		switch codes := r.Answers[it.ID]; {
		case !shown[it.ID]:
			si.NotAsked = true
		case len(codes) == 0:
			si.Unanswered = true
		default:
			for _, code := range codes {
				if o := it.Option(code); o != nil {
					ans := summaryAnswer{Label: o.Label.In(lang), Counted: counted[it.ID][code]}
					si.Counted = si.Counted || ans.Counted
					si.Answers = append(si.Answers, ans)
				}
			}
		}
		return si
	}

	for _, f := range r.Flags {
		sf := summaryFlag{ID: f.ID, Severity: f.Severity, Label: fhir.FlagLabel(f, lang, a.labels(lang))}
		for _, id := range conditionItems(f.When) {
			if it := q.Item(id); it != nil && len(r.Answers[id]) > 0 {
				sf.Answers = append(sf.Answers, item(it))
			}
		}
		sp.Flags = append(sp.Flags, sf)
	}
	level := q.LevelScore()
	for _, sv := range view.Scores {
		ss := summaryScore{ScoreView: sv, IsLevel: level != nil && sv.ID == level.ID}
		if s := q.ScoreByID(sv.ID); s != nil {
			if b := s.Band(sv.Value); b != nil {
				ss.BandLabel = b.Label.In(lang)
			}
		}
		if ss.IsLevel {
			sp.LevelScore = sv
		}
		sp.Scores = append(sp.Scores, ss)
	}
	for _, crit := range r.Criteria {
		sp.Criteria = append(sp.Criteria, p.T("clinician.dsm5."+crit))
	}
	for _, sec := range q.Sections {
		ss := summarySection{ID: sec.ID, Title: sec.Title.In(lang)}
		for _, it := range sec.Items {
			si := item(it)
			if it.Domain == "context" {
				sp.Context = append(sp.Context, si)
			}
			ss.Items = append(ss.Items, si)
		}
		sp.Sections = append(sp.Sections, ss)
	}
	return sp, nil
}

// conditionItems lists the items a condition looks at, in order, without repeats.
func conditionItems(c *questionnaire.Condition) []string {
	var out []string
	var walk func(*questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		if c == nil {
			return
		}
		if c.Item != "" && !slices.Contains(out, c.Item) {
			out = append(out, c.Item)
		}
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			walk(sub)
		}
	}
	walk(c)
	return out
}
