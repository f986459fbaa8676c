package server_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// mainOf is the page's <main>, where the result starts.
func mainOf(t *testing.T, body string) string {
	t.Helper()
	i, j := strings.Index(body, "<main"), strings.Index(body, "</main>")
	if i < 0 || j < i {
		t.Fatal("no <main> in the page")
	}
	return body[i:j]
}

var hrefRE = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)

// A "yes" to thoughts of ending one's life right now: in every region and language, the page
// starts with the box, and the first link in it (the first thing to tap) calls the region's
// emergency number. Emergency services come before crisis lines, as the flag lists them, and
// the flag's words are said once, in the box.
func TestUrgentResultLeadsWithTheEmergencyNumber(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	acute := q.Flag("safety_now")
	if acute == nil || acute.Severity != questionnaire.SeverityAcute || acute.Resources[0] != "emergency" {
		t.Fatalf("the self-check's acute flag is not what this test expects: %+v", acute)
	}
	path := ts.submitted(answersFor(q, "not_prescribed", 2, raising(t, q, acute)))
	for _, reg := range ts.Cat.Resources.Regions {
		var dial, number string
		for _, res := range reg.Resources {
			if res.Kind == "emergency" && dial == "" {
				for _, c := range res.Contacts {
					if c.Type == "phone" && dial == "" {
						dial, number = c.Dial(), c.Value
					}
				}
			}
		}
		for _, lang := range q.Languages {
			t.Run(reg.ID+"-"+lang, func(t *testing.T) {
				body := ts.get(path + "?lang=" + lang + "&region=" + reg.ID).Body
				main := mainOf(t, body)
				if !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(main, `<main id="main" tabindex="-1">`)), `<section class="crisis urgent"`) {
					t.Errorf("the page does not start with the urgent box:\n%.300s", main)
				}
				first := hrefRE.FindStringSubmatch(main)
				if first == nil || first[1] != "tel:"+dial {
					t.Errorf("first link in the page is %v, want tel:%s", first, dial)
				}
				mustContain(t, main, fmt.Sprintf(`class="urgent-call" href="tel:%s">%s</a>`, dial,
					htmlEscape(loadMessages(t).T(lang, "result.urgent.call", number))))
				box := main[:strings.Index(main, "</section>")]
				e, c := strings.Index(box, `class="help-kind-emergency"`), strings.Index(box, `class="help-kind-crisis"`)
				if e < 0 || c < 0 || e > c {
					t.Errorf("in the box, emergency at %d and crisis lines at %d: want both, emergency first", e, c)
				}
				mustContain(t, box, `<h1 id="crisis-title">`+htmlEscape(acute.Title.In(lang))+`</h1>`)
				why := htmlEscape(strings.Split(acute.Message.In(lang), "\n")[0])
				if n := strings.Count(body, why); n != 1 || !strings.Contains(box, why) {
					t.Errorf("the acute flag's words are on the page %d times (in the box: %v), want once, in the box", n, strings.Contains(box, why))
				}
				if strings.Contains(body, `id="flag-safety_now"`) {
					t.Error("the acute flag is repeated below the box")
				}
				mustContain(t, box, htmlEscape(loadMessages(t).T(lang, "region.help_for", reg.Name.In(lang))))
				mustContain(t, main, `id="flag-safety"`) // the safety flag's own advice still follows
			})
		}
	}

	// A yes to the safety question alone: crisis lines first, as that flag lists them, and no
	// call button.
	path = ts.submitted(answersFor(q, "not_prescribed", 2, questionnaire.Answers{"safety": {"yes"}, "safety_now": {"no"}}))
	main := mainOf(t, ts.get(path+"?lang=en&region=uk").Body)
	box := main[:strings.Index(main, "</section>")]
	if !strings.Contains(box, `<section class="crisis"`) || strings.Contains(box, "urgent-call") {
		t.Errorf("safety yes, not right now: want the crisis box without a call button:\n%.400s", box)
	}
	if e, c := strings.Index(box, `class="help-kind-emergency"`), strings.Index(box, `class="help-kind-crisis"`); c < 0 || e < c {
		t.Errorf("crisis lines at %d, emergency at %d: want crisis lines first", c, e)
	}
}

// reassuringTexts are the texts the questionnaire marks reassuring, in a language.
func reassuringTexts(q *questionnaire.Questionnaire, lang string) []string {
	var out []string
	for _, s := range q.Scores {
		for _, b := range s.Bands {
			if b.Reassuring {
				out = append(out, b.Meaning.In(lang))
			}
			for _, bt := range b.Texts {
				if bt.Reassuring {
					out = append(out, bt.Meaning.In(lang))
				}
			}
			for _, st := range b.NextSteps {
				if st.Reassuring {
					out = append(out, st.Text.In(lang))
				}
			}
		}
	}
	for _, a := range q.Advice {
		if a.Reassuring {
			out = append(out, a.Title.In(lang))
		}
	}
	return out
}

// With a yes to the safety question (or to "right now" as well), no text the questionnaire
// marks reassuring is on the page, at any level, in any context, in either language; the level
// is shown in the words the engine chose for it. Without the yes, the reassuring text of the
// lowest level is shown: the check can see it.
func TestNoReassuranceWithASafetyFlag(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	if len(reassuringTexts(q, "en")) == 0 {
		t.Fatal("no text is marked reassuring: this test shows nothing")
	}
	for _, ctx := range []string{"prescribed", "not_prescribed", "both", "none_recent"} {
		for _, b := range q.LevelScore().Bands {
			for _, safety := range []questionnaire.Answers{{"safety": {"yes"}, "safety_now": {"no"}}, {"safety": {"yes"}, "safety_now": {"yes"}}} {
				a := answersFor(q, ctx, b.Min, safety)
				r, err := q.Score(a)
				if err != nil {
					t.Fatal(err)
				}
				if r.Level.ID != b.ID {
					continue // this context cannot reach the band (none_recent answers no warning signs)
				}
				path := ts.submitted(a)
				for _, lang := range q.Languages {
					body := ts.get(path + "?lang=" + lang).Body
					for _, text := range reassuringTexts(q, lang) {
						if strings.Contains(body, htmlEscape(text)) {
							t.Errorf("%s, %s, now %s, %s: reassuring text shown: %.60q", ctx, b.ID, safety["safety_now"][0], lang, text)
						}
					}
					mustContain(t, body, htmlEscape(r.LevelText().Label.In(lang)), htmlEscape(strings.Split(r.LevelText().Meaning.In(lang), "\n")[0]))
				}
			}
		}
	}
	low := ts.get(ts.submitted(answersFor(q, "prescribed", 0, nil)) + "?lang=en").Body
	if !slices.ContainsFunc(reassuringTexts(q, "en"), func(s string) bool { return strings.Contains(low, htmlEscape(s)) }) {
		t.Error("without a safety flag, the lowest level shows no reassuring text: the check above cannot see one")
	}
}
