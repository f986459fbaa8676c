package respondent

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/web"
)

// form is one POST of the step-by-step questionnaire. Answers to earlier steps travel in
// hidden fields, so the server keeps nothing until the last step is sent.
type form struct {
	q       *questionnaire.Questionnaire
	answers questionnaire.Answers
	step    int
	nav     string
	// region is the region chosen, or "" until the person chooses one: the step then asks,
	// with suggested (from the browser's language) preselected.
	region, suggested string
	seen              map[string]bool // items the page showed when it was sent
	added             bool            // an answer brought up a question the page did not show
}

// regionField is the form field of the region, and the id its error is reported under.
const regionField = "region"

// parseForm reads a form POST strictly: a field that is neither a control of the form nor an
// item of the questionnaire is a bad request, and so is anything malformed.
func (a *Area) parseForm(c *gin.Context, q *questionnaire.Questionnaire) (*form, error) {
	ct := c.ContentType()
	if ct != "application/x-www-form-urlencoded" {
		return nil, web.ErrMediaType
	}
	if err := c.Request.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, web.ErrTooLarge
		}
		return nil, web.ErrBadRequest
	}
	vals := c.Request.PostForm
	f := &form{q: q, answers: questionnaire.Answers{}, seen: map[string]bool{}}
	for key, vs := range vals {
		for _, v := range vs {
			if !utf8.ValidString(v) || len(v) > 200 {
				return nil, web.ErrBadRequest
			}
		}
		switch key {
		case "step":
			if len(vs) != 1 {
				return nil, web.ErrBadRequest
			}
			n, err := strconv.Atoi(vs[0])
			if err != nil || n < 0 || n >= len(q.Sections) {
				return nil, web.ErrBadRequest
			}
			f.step = n
		case "nav":
			if len(vs) != 1 || (vs[0] != "next" && vs[0] != "back") {
				return nil, web.ErrBadRequest
			}
			f.nav = vs[0]
		case regionField:
			if len(vs) != 1 {
				return nil, web.ErrBadRequest
			}
			// An empty or unknown region is asked for again on the step, with an error.
			f.region = a.site.KnownRegion(vs[0])
		case "seen":
			for _, id := range vs {
				if q.Item(id) == nil {
					return nil, web.ErrBadRequest
				}
				f.seen[id] = true
			}
		default:
			if q.Item(key) == nil {
				return nil, web.ErrBadRequest
			}
			if len(vs) > questionnaire.MaxAnswerCodes {
				return nil, web.ErrBadRequest
			}
			number := q.Item(key).Type == questionnaire.Number
			for _, v := range vs {
				if number {
					v = numberAnswer(v)
				}
				if v != "" {
					f.answers[key] = append(f.answers[key], v)
				}
			}
		}
	}
	if _, ok := vals["step"]; !ok {
		return nil, web.ErrBadRequest
	}
	if f.region == "" {
		f.suggested = a.site.SuggestedRegion(c.Request)
	}
	return f, nil
}

// nextSection is the index of the first shown section after i, or -1.
func (f *form) nextSection(i int, shown map[string]bool) int {
	for j := i + 1; j < len(f.q.Sections); j++ {
		if f.q.SectionShown(f.q.Sections[j], shown) {
			return j
		}
	}
	return -1
}

// mayShow reports whether a section is shown, or could still be shown once questions not yet
// answered are, so the step count does not jump as the person goes.
func (f *form) mayShow(sec *questionnaire.Section, shown map[string]bool) bool {
	if f.q.SectionShown(sec, shown) {
		return true
	}
	open := false
	var walk func(c *questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		if c == nil {
			return
		}
		if c.Item != "" && len(f.answers[c.Item]) == 0 {
			open = true
		}
		if c.Score != "" && f.scoreOpen(f.q.ScoreByID(c.Score), map[string]bool{}) {
			open = true
		}
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			walk(sub)
		}
	}
	walk(sec.ShowIf)
	for _, it := range sec.Items {
		walk(it.ShowIf)
	}
	return open
}

// prevSection is the index of the last shown section before i, or -1.
func (f *form) prevSection(i int, shown map[string]bool) int {
	for j := i - 1; j >= 0; j-- {
		if f.q.SectionShown(f.q.Sections[j], shown) {
			return j
		}
	}
	return -1
}

// checkSection returns the problems with one step's answers. added is true when an answer on
// this step brought up a question the page did not show (without JavaScript the page cannot
// show it at once); that question is then shown, with no error.
func (f *form) checkSection(i int, shown map[string]bool) (errs questionnaire.AnswersError, added bool) {
	for _, it := range f.q.Sections[i].Items {
		for _, e := range f.q.CheckItem(it, f.answers, shown) {
			if e.Kind == questionnaire.ErrRequired && !f.seen[it.ID] {
				added = true
				continue
			}
			errs = append(errs, e)
		}
	}
	return errs, added
}

// firstSectionWith is the first section holding an item with a problem.
func (f *form) firstSectionWith(errs questionnaire.AnswersError) int {
	for i, sec := range f.q.Sections {
		for _, it := range sec.Items {
			if len(errs.For(it.ID)) > 0 {
				return i
			}
		}
	}
	return 0
}

type stepPage struct {
	*web.Page
	QuestionnaireID string
	QTitle          string
	SectionTitle    string
	SectionIntro    string
	Step            int
	Number, Of      int
	First, Last     bool
	Items           []stepItem
	Carried         []carried
	Errors          []stepError
	Added           bool
	// FormRegion is the region chosen, carried in a hidden field; until there is one, the
	// step asks for it (AskRegion) with Regions, and RegionError when it was sent without.
	FormRegion        string
	AskRegion         bool
	Regions           []web.RegionChoice
	RegionPreselected bool
	RegionError       string
}

type stepItem struct {
	ID, Prompt, Help, Error string
	Multiple, Shown         bool
	Required                bool
	ShowIf                  string // the item's skip logic as JSON, for the page's own script
	Options                 []stepOption
	// A number item is one input: Value is the answer as sent (kept when the step comes back
	// with an error), from Min to Max, in Unit.
	Number   bool
	Value    string
	Min, Max int
	Unit     string
}

type stepOption struct {
	ID, Code, Label    string
	Checked, Exclusive bool
}

type carried struct{ Name, Value string }

type stepError struct{ Item, Message string }

func (a *Area) renderStep(c *gin.Context, p *web.Page, f *form, step int, shown map[string]bool,
	errs questionnaire.AnswersError, status int) error {
	return a.site.Render(c.Writer, status, "questionnaire", a.stepPage(p, f, step, shown, errs))
}

// stepPage is the page of one step of the form.
func (a *Area) stepPage(p *web.Page, f *form, step int, shown map[string]bool, errs questionnaire.AnswersError) *stepPage {
	q := f.q
	if step < 0 {
		step = 0
	}
	sec := q.Sections[step]
	sp := &stepPage{Page: p, QuestionnaireID: q.ID, QTitle: q.Title.In(p.Lang), SectionTitle: sec.Title.In(p.Lang),
		SectionIntro: sec.Intro.In(p.Lang), Step: step, FormRegion: f.region, AskRegion: f.region == ""}
	if sp.AskRegion {
		sp.Regions, sp.RegionPreselected = a.site.RegionChoices(p.Lang, f.suggested), f.suggested != ""
		if e := errs.For(regionField); len(e) > 0 {
			sp.RegionError = p.T("region.required")
			sp.Errors = append(sp.Errors, stepError{Item: regionField, Message: p.T("landing.region") + " " + sp.RegionError})
		}
	}
	// The layout adds the site's name, which is the questionnaire's (the self-check) in the
	// shipped set: name it once.
	p.Title = sec.Title.In(p.Lang)
	if qt := q.Title.In(p.Lang); qt != p.SiteName() {
		p.Title += " · " + qt
	}
	for i, other := range q.Sections {
		if f.mayShow(other, shown) {
			sp.Of++
			if i <= step {
				sp.Number++
			}
		}
	}
	sp.First = f.prevSection(step, shown) < 0
	sp.Last = f.nextSection(step, shown) < 0
	inSection := map[string]bool{}
	for _, it := range sec.Items {
		inSection[it.ID] = true
		si := stepItem{ID: it.ID, Prompt: it.Prompt.In(p.Lang), Help: it.Help.In(p.Lang), Multiple: it.Type == questionnaire.Multiple,
			Shown: shown[it.ID], Required: it.IsRequired(), Number: it.Type == questionnaire.Number}
		if si.Number {
			si.Min, si.Max = it.Range()
			si.Unit = it.Unit.In(p.Lang)
			if v := f.answers[it.ID]; len(v) > 0 {
				si.Value = v[0]
			}
		}
		// The page's script cannot compute scores: an item behind a score is left as the
		// server shows it, and comes up once the step is sent.
		if it.ShowIf != nil && !usesScore(it.ShowIf) {
			b, _ := json.Marshal(it.ShowIf)
			si.ShowIf = string(b)
		}
		if e := errs.For(it.ID); len(e) > 0 && si.Shown {
			si.Error = answerMessage(p, it, e[0], f.answers[it.ID])
			sp.Errors = append(sp.Errors, stepError{Item: it.ID, Message: si.Prompt + " " + si.Error})
		}
		if !si.Shown && !dependsOnSection(it.ShowIf, inSection) {
			continue // skip logic settled by earlier steps: nothing to show or reveal here
		}
		for _, o := range it.Options {
			si.Options = append(si.Options, stepOption{ID: it.ID + "-" + o.Code, Code: o.Code, Label: o.Label.In(p.Lang),
				Checked: slices.Contains(f.answers[it.ID], o.Code), Exclusive: o.Exclusive})
		}
		sp.Items = append(sp.Items, si)
	}
	for _, it := range q.Items() {
		if inSection[it.ID] || !shown[it.ID] {
			continue
		}
		for _, code := range f.answers[it.ID] {
			sp.Carried = append(sp.Carried, carried{Name: it.ID, Value: code})
		}
	}
	sp.Added = f.added && len(errs) == 0
	return sp
}

// dependsOnSection reports whether a condition looks at any item of the current step, so the
// page's script may need to reveal it as the person answers.
func dependsOnSection(cond *questionnaire.Condition, inSection map[string]bool) bool {
	if cond == nil {
		return false
	}
	if cond.Item != "" && inSection[cond.Item] {
		return true
	}
	for _, sub := range append(slices.Clone(cond.All), cond.Any...) {
		if dependsOnSection(sub, inSection) {
			return true
		}
	}
	return false
}
