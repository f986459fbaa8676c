package server_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// submitted stores answers through the API and returns the result's path without its query.
func (ts *testServer) submitted(answers questionnaire.Answers) string {
	ts.t.Helper()
	res, body := ts.submitAPI("en", "us", answers)
	token, _ := body["token"].(string)
	if res.StatusCode != 201 || token == "" {
		ts.t.Fatalf("API answered %d: %s", res.StatusCode, res.Body)
	}
	return "/r/" + token
}

// For every region, every level and every flag, the result page shows each kind of help the
// flags and the level ask for, or says that its list may be short; a crisis line is always
// there, and the crisis and emergency lines are shown once.
func TestResultHelpInEveryRegion(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	msgs := loadMessages(t)
	type variant struct {
		name    string
		answers questionnaire.Answers
	}
	var variants []variant
	for _, b := range q.LevelScore().Bands {
		variants = append(variants, variant{"level " + b.ID, answersFor(q, "both", b.Min, nil)})
	}
	for _, f := range q.Flags {
		variants = append(variants, variant{"flag " + f.ID, answersFor(q, "both", 0, raising(t, q, f))})
	}
	kindRE := regexp.MustCompile(`class="help-kind-([a-z_]+)"`)
	for _, v := range variants {
		r, err := q.Score(v.answers)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		path := ts.submitted(v.answers)
		for _, reg := range ts.Cat.Resources.Regions {
			for _, lang := range q.Languages {
				body := ts.get(path + "?lang=" + lang + "&region=" + reg.ID).Body
				shown := map[string]int{}
				for _, m := range kindRE.FindAllStringSubmatch(body, -1) {
					shown[m[1]]++
				}
				missing := ts.Cat.Resources.Missing(reg.ID, r.ResourceKinds())
				for _, kind := range r.ResourceKinds() {
					if shown[kind] == 0 && !slices.Contains(missing, kind) {
						t.Errorf("%s, %s, %s: asks for %s, which the region has, but the page does not show it", v.name, reg.ID, lang, kind)
					}
				}
				// A kind the region lacks is not promised: the page says where to look instead.
				if got := strings.Contains(body, `class="where-else"`); got != (len(missing) > 0) {
					t.Errorf("%s, %s, %s: says where else to look = %v, but missing kinds are %v", v.name, reg.ID, lang, got, missing)
				}
				for _, kind := range missing {
					k := ts.Cat.Resources.Kind(kind)
					where := k.IfMissing.In(lang)
					if where == "" {
						where = msgs.T(lang, "result.help_missing")
					}
					if !strings.Contains(body, htmlEscape(k.Label.In(lang))+".</strong> "+htmlEscape(where)) {
						t.Errorf("%s, %s, %s: %s is missing, and the page does not say where to look instead", v.name, reg.ID, lang, kind)
					}
				}
				if shown["crisis"] != 1 {
					t.Errorf("%s, %s, %s: crisis lines shown %d times, want once", v.name, reg.ID, lang, shown["crisis"])
				}
				for kind, n := range shown {
					if n > 1 {
						t.Errorf("%s, %s, %s: %s shown %d times", v.name, reg.ID, lang, kind, n)
					}
				}
			}
		}
	}
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// The longest result a person can get (every flag, every warning sign, every risk answer and
// every health problem, in treatment and outside it) stays within the page weight in every
// language and region.
func TestHeaviestResultWeight(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	every := questionnaire.Answers{"frequency": {"daily"}, "safety": {"yes"}, "memory": {"yes"},
		"urinary": {"often_urgent", "pain", "blood"}, "cope": {"yes"}, "use_alone": {"yes"}, "pressure": {"yes"},
		"other_substances": {"yes"}, "mental_health": {"depression", "anxiety", "ptsd", "psychosis", "other_mh"}}
	path := ts.submitted(answersFor(q, "both", len(q.Items()), every))
	heaviest, name := 0, ""
	for _, lang := range q.Languages {
		for _, reg := range ts.Cat.Resources.Regions {
			body := ts.get(path + "?lang=" + lang + "&region=" + reg.ID).Body
			weight := len(body)
			for _, m := range assetRE.FindAllStringSubmatch(body, -1) {
				weight += len(ts.get(m[1]).Body)
			}
			if weight > maxPageWeight {
				t.Errorf("%s result, region %s: %d bytes with CSS and script, over %d", lang, reg.ID, weight, maxPageWeight)
			}
			if weight > heaviest {
				heaviest, name = weight, lang+" "+reg.ID
			}
		}
	}
	t.Logf("heaviest result: %s, %d bytes with CSS and script", name, heaviest)
}

// raising returns answers that raise a flag, whatever kind of condition it has: a choice (with
// the answers that bring up its question, such as "yes" to safety before "right now"), or a
// score's minimum (every item of the score at its highest). It fails the test if the flag is
// then not raised, so a new kind of condition cannot pass unnoticed.
func raising(t *testing.T, q *questionnaire.Questionnaire, f *questionnaire.Flag) questionnaire.Answers {
	t.Helper()
	a := questionnaire.Answers{}
	var add func(c *questionnaire.Condition)
	add = func(c *questionnaire.Condition) {
		switch {
		case c == nil:
		case c.Item != "" && len(c.AnyOf) > 0:
			a[c.Item] = []string{c.AnyOf[0]}
			add(q.Item(c.Item).ShowIf)
		case c.Score != "" && c.Min != nil:
			s := q.ScoreByID(c.Score)
			for _, id := range s.Items {
				it := q.Item(id)
				best := it.Options[0]
				for _, o := range it.Options {
					if o.ValueFor(s.ID) > best.ValueFor(s.ID) {
						best = o
					}
				}
				a[id] = []string{best.Code}
				add(it.ShowIf)
			}
		case len(c.All) > 0:
			for _, sub := range c.All {
				add(sub)
			}
		case len(c.Any) > 0:
			add(c.Any[0])
		default:
			t.Fatalf("flag %s: write the answers that raise it here", f.ID)
		}
	}
	add(f.When)
	r, err := q.Score(answersFor(q, "both", 0, a))
	if err != nil {
		t.Fatalf("flag %s: %v", f.ID, err)
	}
	if !slices.Contains(r.FlagIDs(), f.ID) {
		t.Fatalf("flag %s: answers %v do not raise it", f.ID, a)
	}
	return a
}
