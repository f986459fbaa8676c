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

// maxEveryFlagResultWeight is the ceiling for the one result over maxPageWeight: every flag,
// every warning sign and every piece of advice at once, whose words alone (about 17 KB in
// Spanish) leave too little for the page around them. docs/performance.md says why; the ceiling
// keeps it from growing unseen.
const maxEveryFlagResultWeight = 32_500

// Results stay within the page weight in every language and region: every warning sign with
// thoughts of ending one's life right now (the urgent box, the safety plan), and every warning
// sign with each other flag. The result with every flag and every piece of advice at once stays
// under its own ceiling.
func TestHeaviestResultWeight(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	every := heaviestAnswers(t, q)
	r, err := q.Score(every)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Flags) != len(q.Flags) || len(r.Advice()) != len(q.Advice)-1 || !r.Acute() {
		// All advice but the one for people who have stopped using.
		t.Fatalf("%d of %d flags, %d of %d pieces of advice, acute %v: not the heaviest result", len(r.Flags), len(q.Flags),
			len(r.Advice()), len(q.Advice), r.Acute())
	}
	type variant struct {
		name    string
		answers questionnaire.Answers
		most    int
	}
	variants := []variant{{"every flag at once", every, maxEveryFlagResultWeight}}
	for _, f := range q.Flags {
		if f.Severity == questionnaire.SeverityUrgent {
			continue // raised with the acute flag, the heavier of the two
		}
		variants = append(variants, variant{"every sign, flag " + f.ID, answersFor(q, "both", len(q.Items()), raising(t, q, f)), maxPageWeight})
	}
	assets := map[string]int{}
	for _, v := range variants {
		path := ts.submitted(v.answers)
		heaviest, name := 0, ""
		for _, lang := range q.Languages {
			for _, reg := range ts.Cat.Resources.Regions {
				body := ts.get(path + "?lang=" + lang + "&region=" + reg.ID).Body
				weight := len(body)
				for _, m := range assetRE.FindAllStringSubmatch(body, -1) {
					if _, ok := assets[m[1]]; !ok {
						assets[m[1]] = len(ts.get(m[1]).Body)
					}
					weight += assets[m[1]]
				}
				if weight > v.most {
					t.Errorf("%s: %s result, region %s: %d bytes with CSS and script, over %d", v.name, lang, reg.ID, weight, v.most)
				}
				if weight > heaviest {
					heaviest, name = weight, lang+" "+reg.ID
				}
			}
		}
		t.Logf("%s: heaviest %s, %d bytes with CSS and script", v.name, name, heaviest)
	}
}

// raising returns answers that raise a flag, whatever kind of condition it has: a choice (with
// the answers that bring up its question, such as "yes" to safety before "right now"), or a
// score's minimum (every item of the score at its highest). It fails the test if the flag is
// then not raised, so a new kind of condition cannot pass unnoticed.
func raising(t *testing.T, q *questionnaire.Questionnaire, f *questionnaire.Flag) questionnaire.Answers {
	t.Helper()
	// The tests answer as someone both in treatment and using outside it, who is asked nearly
	// everything; a condition that context meets is left as it is.
	a := questionnaire.Answers{"use_context": {"both"}}
	var add func(c *questionnaire.Condition)
	add = func(c *questionnaire.Condition) {
		switch {
		case c == nil:
		case c.Item != "" && len(c.AnyOf) > 0:
			if !slices.ContainsFunc(a[c.Item], func(code string) bool { return slices.Contains(c.AnyOf, code) }) {
				a[c.Item] = []string{c.AnyOf[0]}
			}
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

// heaviestAnswers raise every flag and give every choice of every multiple-choice question,
// with every warning sign: the longest result.
func heaviestAnswers(t *testing.T, q *questionnaire.Questionnaire) questionnaire.Answers {
	t.Helper()
	over := questionnaire.Answers{"frequency": {"daily"}, "money": {"over"}, "cope": {"yes"}, "use_alone": {"yes"},
		"pressure": {"yes"}, "other_substances": {"yes"}}
	for _, f := range q.Flags {
		for id, codes := range raising(t, q, f) {
			over[id] = codes
		}
	}
	for _, it := range q.Items() {
		if it.Type != questionnaire.Multiple {
			continue
		}
		over[it.ID] = nil
		for _, o := range it.Options {
			if !o.Exclusive {
				over[it.ID] = append(over[it.ID], o.Code)
			}
		}
	}
	return answersFor(q, "both", len(q.Items()), over)
}
