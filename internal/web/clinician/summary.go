package clinician

import (
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// summaryPage is a response as a clinician reads it.
type summaryPage struct {
	*staff.Page
	ResponseID, Reference, QTitle, Version, AnsweredIn, Day, Region, SharedUntil string
	Flags                                                                        []summaryFlag
	Level                                                                        *resultview.BandView
	LevelScore                                                                   resultview.ScoreView
	// Levels are the other levels with a value (a risk level per substance), after the main one.
	Levels []resultview.LevelView
	// DSM5: the questionnaire maps items to DSM-5 criteria, so their count means something.
	DSM5                         bool
	Scores                       []summaryScore
	Criteria                     []string
	CriteriaCount, CriteriaTotal int
	Context                      []summaryItem
	Sections                     []summarySection
	Notice                       string
	// FollowUps: some flag suggests a follow-up, so the page says they are suggestions only.
	FollowUps bool
}

type summaryFlag struct {
	ID, Severity, Label string
	// FollowUp is the questionnaire's suggested next step for the clinician, worded as a
	// suggestion ("Suggested: ..."); empty for flags that have none.
	FollowUp string
	Answers  []summaryItem // the answers that raised it
}

type summaryScore struct {
	resultview.ScoreView
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

func (a *Area) newSummary(c *gin.Context, p *staff.Page, resp *responsedb.Response, r *questionnaire.Result) (*summaryPage, error) {
	lang := p.Lang
	q := r.Questionnaire
	view := resultview.Of(r, lang)
	sp := &summaryPage{Page: p, ResponseID: resp.ID, Reference: resp.ID[:8], QTitle: q.Title.In(lang), Version: q.Version,
		AnsweredIn: p.T("lang.in." + resp.Lang), Day: resp.Day, Region: resp.Region, Level: view.Level,
		CriteriaCount: len(r.Criteria), CriteriaTotal: len(questionnaire.DSM5Criteria), Notice: p.T("clinician.summary.screening"),
		DSM5: q.MapsDSM5()}
	for _, lv := range view.Levels {
		if lv.Score != q.LevelScore().ID && lv.Band != "" {
			sp.Levels = append(sp.Levels, lv)
		}
	}
	for _, reg := range a.site.Catalog.Resources.Regions {
		if reg.ID == resp.Region {
			sp.Region = reg.Name.In(lang)
		}
	}
	exp, err := a.responses.ShareCodeExpiry(c.Request.Context(), resp.ID)
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
		if t.Number != "" {
			counted[t.Item.ID][t.Number] = true
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
		case it.Type == questionnaire.Number:
			ans := summaryAnswer{Label: numberLabel(it, codes[0], lang), Counted: counted[it.ID][codes[0]]}
			si.Counted, si.Answers = ans.Counted, []summaryAnswer{ans}
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
		sf := summaryFlag{ID: f.ID, Severity: f.Severity, Label: fhir.FlagLabel(f, lang, a.labels(lang)), FollowUp: f.FollowUp.In(lang)}
		for _, id := range conditionItems(f.When) {
			if it := q.Item(id); it != nil && len(r.Answers[id]) > 0 {
				sf.Answers = append(sf.Answers, item(it))
			}
		}
		sp.Flags = append(sp.Flags, sf)
		sp.FollowUps = sp.FollowUps || sf.FollowUp != ""
	}
	level := q.LevelScore()
	for _, sv := range view.Scores {
		ss := summaryScore{ScoreView: sv, IsLevel: level != nil && sv.ID == level.ID}
		if s := q.ScoreByID(sv.ID); s != nil && len(s.Bands) == 0 && len(s.Items) == 0 {
			// A score made only of other scores, without bands of its own, is a step towards
			// a level (ASSIST's "moderate or high risk" for each substance), not a finding.
			continue
		}
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
		if _, entry := sec.Entry(); entry != "" && !q.SectionShown(sec, shown) {
			// A block repeated for an entry the person did not tick (ASSIST's questions about
			// a substance never used): the answer that chose the entries already says so.
			continue
		}
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

// numberLabel is a number answer with its unit: "12 days".
func numberLabel(it *questionnaire.Item, value, lang string) string {
	if u := it.Unit.In(lang); u != "" {
		return value + " " + u
	}
	return value
}

// conditionItems lists the items a condition looks at, in order, without repeats.
func conditionItems(c *questionnaire.Condition) []string {
	var out []string
	for _, id := range c.ItemIDs() {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
