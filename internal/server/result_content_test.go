package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// Every flag and every piece of advice is shown when its answers are given, with all its words,
// and every answer that counted is said back; in both languages.
func TestEveryFlagAdviceAndAnswerShown(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	heavy := heaviestAnswers(t, q)
	stopped := answersFor(q, "none_recent", 0, nil)
	for _, a := range []questionnaire.Answers{heavy, stopped} {
		r, err := q.Score(a)
		if err != nil {
			t.Fatal(err)
		}
		path := ts.submitted(a)
		for _, lang := range q.Languages {
			body := ts.get(path + "?lang=" + lang).Body
			for _, f := range r.Flags {
				if f.Severity == questionnaire.SeverityAcute {
					mustContain(t, body, htmlEscape(strings.Split(f.Message.In(lang), "\n")[0]))
					continue
				}
				mustContain(t, body, `id="flag-`+f.ID+`"`, htmlEscape(f.Title.In(lang)), htmlEscape(strings.Split(f.Message.In(lang), "\n")[0]))
			}
			for _, adv := range r.Advice() {
				mustContain(t, body, `id="advice-`+adv.ID+`"`, htmlEscape(adv.Title.In(lang)))
				for _, tip := range adv.Tips {
					mustContain(t, body, htmlEscape(tip.In(lang)))
				}
			}
			for _, told := range resultview.Of(r, lang).Told {
				for _, text := range told.Text {
					mustContain(t, body, "<li>"+htmlEscape(text)+"</li>")
				}
			}
		}
	}
	// The advice for people who have stopped is not shown to people who use.
	if body := ts.get(ts.submitted(heavy) + "?lang=en").Body; strings.Contains(body, `id="advice-stopped"`) {
		t.Error("advice on staying stopped shown to someone who uses")
	}
}

var scaleRE = regexp.MustCompile(`<p class="scale-text">([^<]*)</p>\s*<ol class="scale-bands" aria-label="[^"]+">(.*?)</ol>`)

// The level on its scale, in words and as the bands in order with the person's own marked for
// screen readers (aria-current) and in words: at every band edge, in and out of treatment;
// none for someone who has not used lately, whom no warning sign was asked.
func TestLevelScale(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	checked := 0
	for _, ctx := range []string{"prescribed", "not_prescribed"} {
		for _, b := range q.LevelScore().Bands {
			for _, n := range []int{b.Min, b.Max} {
				a := answersFor(q, ctx, n, nil)
				r, err := q.Score(a)
				if err != nil {
					t.Fatal(err)
				}
				sc := resultview.ScaleOf(r)
				if r.Level.ID != b.ID || sc == nil {
					continue // more signs than this context is asked about
				}
				checked++
				body := ts.get(ts.submitted(a) + "?lang=en").Body
				m := scaleRE.FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("%s, %d signs: no scale", ctx, n)
				}
				if want := fmt.Sprintf("%d of %d warning signs", sc.Value, sc.Max); m[1] != want {
					t.Errorf("%s, %d signs: scale says %q, want %q", ctx, n, m[1], want)
				}
				items := strings.Split(m[2], "</li>")
				current := 0
				for i, sb := range sc.Bands {
					li := items[i]
					if !strings.Contains(li, htmlEscape(sb.Band.Label.In("en"))) {
						t.Errorf("%s, %d signs: band %d is %q, want %s", ctx, n, i, li, sb.Band.ID)
					}
					if strings.Contains(li, `aria-current="true"`) {
						current++
						if sb.Band != r.Level || !strings.Contains(li, "your result") {
							t.Errorf("%s, %d signs: band %s marked current (%q), want %s, in words", ctx, n, sb.Band.ID, li, r.Level.ID)
						}
					}
				}
				if current != 1 {
					t.Errorf("%s, %d signs: %d bands marked current", ctx, n, current)
				}
			}
		}
	}
	if checked < 2*len(q.LevelScore().Bands) {
		t.Fatalf("only %d band edges reached", checked)
	}
	// In prescribed treatment, tolerance and withdrawal are not asked: the scale ends lower.
	p := ts.get(ts.submitted(answersFor(q, "prescribed", 0, nil)) + "?lang=es").Body
	mustContain(t, p, "0 de 9 señales de alerta")
	none := ts.get(ts.submitted(answersFor(q, "none_recent", 0, nil)) + "?lang=en").Body
	if strings.Contains(none, "scale-bands") {
		t.Error("a scale is shown to someone who was asked no warning sign")
	}
}

// After a yes to the safety question, the safety plan is shown as five numbered steps, with
// room to write when printed; it is not shown otherwise.
func TestSafetyPlan(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	plan := ts.get(ts.submitted(answersFor(q, "prescribed", 0, questionnaire.Answers{"safety": {"yes"}})) + "?lang=es").Body
	m := regexp.MustCompile(`(?s)<section class="safety-plan"[^>]*>.*?<ol>(.*?)</ol>`).FindStringSubmatch(plan)
	if m == nil {
		t.Fatal("no numbered safety plan")
	}
	if n := strings.Count(m[1], "<li>"); n != 5 {
		t.Errorf("%d steps, want 5", n)
	}
	mustContain(t, plan, htmlEscape(loadMessages(t).T("es", "result.safety_plan.keep")), "data-print")
	without := ts.get(ts.submitted(answersFor(q, "prescribed", 0, nil)) + "?lang=es").Body
	if strings.Contains(without, "safety-plan") {
		t.Error("safety plan shown without a safety answer")
	}
}

// Help lines: a service's hours when it is not always open; services that speak the page's
// language first in their kind; where to look for a kind of help the region has none of, and
// no such note where it has one.
func TestHelpLineDetails(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	path := ts.submitted(answersFor(q, "not_prescribed", 4, nil))
	ie := ts.get(path + "?lang=en&region=ie").Body
	mustContain(t, ie, "HSE Drugs and Alcohol Helpline", "Open: Office hours, Monday to Friday. It is not open at night or at weekends.")
	ieES := ts.get(path + "?lang=es&region=ie").Body
	mustContain(t, ieES, "Horario: En horario de oficina, de lunes a viernes.")

	es := ts.get(path + "?lang=es&region=us").Body
	if i, j := strings.Index(es, "988 Lifeline en español"), strings.Index(es, "988 Suicide &amp; Crisis Lifeline"); i < 0 || j < 0 || i > j {
		t.Errorf("Spanish page: 988 in Spanish at %d, 988 at %d; want the Spanish line first", i, j)
	}
	en := ts.get(path + "?lang=en&region=us").Body
	if i, j := strings.Index(en, "988 Lifeline in Spanish"), strings.Index(en, "988 Suicide &amp; Crisis Lifeline"); i < 0 || j < 0 || j > i {
		t.Errorf("English page: 988 in Spanish at %d, 988 at %d; want the file's order", i, j)
	}
	if strings.Contains(en, `class="where-else"`) {
		t.Error("the US has a drug information line, but the page says where else to look")
	}
	for _, reg := range []string{"es", "ca", "other"} {
		body := ts.get(path + "?lang=en&region=" + reg).Body
		mustContain(t, body, "Where else to look", htmlEscape(ts.Cat.Resources.Kind("drug_info").IfMissing.In("en")))
		if strings.Contains(body, `class="help-kind-drug_info"`) {
			t.Errorf("%s: a drug information group with nothing in it", reg)
		}
	}
}

// A step's title names the questionnaire once (the layout adds the site's name, which is the
// self-check's).
func TestStepTitleNamesTheQuestionnaireOnce(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	for _, lang := range q.Languages {
		body := ts.get("/q/" + qid + "?lang=" + lang + "&region=us").Body
		title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)[1]
		if n := strings.Count(title, htmlEscape(q.Title.In(lang))); n != 1 || !strings.HasPrefix(title, htmlEscape(q.Sections[0].Title.In(lang))) {
			t.Errorf("%s: title %q names the questionnaire %d times; want the step, then the questionnaire once", lang, title, n)
		}
	}
}
