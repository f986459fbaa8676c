package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
)

func TestJourney(t *testing.T) { eachBackend(t, testJourney) }

func testJourney(t *testing.T, be backend) {
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			ts := newTestServerOn(t, be)
			q := ts.Cat.Latest(qid)

			landing := ts.get("/?lang=" + lang)
			if landing.StatusCode != http.StatusOK {
				t.Fatalf("landing: %d", landing.StatusCode)
			}
			mustContain(t, landing.Body, `<html lang="`+lang+`">`, htmlEscape(q.Title.In(lang)), `href="/privacy?lang=`+lang+`"`,
				`name="region"`, `<option value="us"`)

			// The first step sent empty comes back with an error by each question, nothing stored.
			first := ts.get("/q/" + qid + "?lang=" + lang + "&region=uk")
			mustContain(t, first.Body, `<html lang="`+lang+`">`, `name="region" value="uk"`, "<fieldset", "<legend>")
			bad := ts.postForm("/q/"+qid+"?lang="+lang, url.Values{"step": {"0"}, "region": {"uk"}, "nav": {"next"}, "seen": {"use_context"}})
			if bad.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("empty step: status %d, want 422", bad.StatusCode)
			}
			mustContain(t, bad.Body, `id="error-summary"`, `href="#item-use_context"`, `id="error-use_context"`)

			// An answer given on a step that fails is kept.
			kept := ts.postForm("/q/"+qid+"?lang="+lang, url.Values{"step": {"0"}, "region": {"uk"}, "nav": {"next"},
				"seen": {"use_context", "frequency"}, "use_context": {"not_prescribed"}})
			if kept.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("half step: status %d, want 422", kept.StatusCode)
			}
			mustContain(t, kept.Body, `value="not_prescribed" checked`, `id="error-frequency"`)
			if n := ts.countResponses(); n != 0 {
				t.Fatalf("%d responses stored after failed steps", n)
			}

			a := answersFor(q, "not_prescribed", 5, nil)
			loc := resultPath(t, ts.walkForm(lang, "uk", a))
			if !strings.Contains(loc, "lang="+lang) {
				t.Errorf("result link %q lost the language", loc)
			}
			result := ts.get(loc)
			if result.StatusCode != http.StatusOK {
				t.Fatalf("result: %d", result.StatusCode)
			}
			if got := result.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("result Cache-Control = %q, want no-store", got)
			}
			band := q.LevelScore().Band(5)
			mustContain(t, result.Body, `<html lang="`+lang+`">`, htmlEscape(band.Label.In(lang)), htmlEscape(q.Notice.In(lang)))
			// UK help lines: a crisis line is always shown.
			mustContain(t, result.Body, `href="tel:116123"`)

			token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
			confirm := ts.get("/r/" + token + "/delete?lang=" + lang)
			if confirm.StatusCode != http.StatusOK {
				t.Fatalf("delete page: %d", confirm.StatusCode)
			}
			mustContain(t, confirm.Body, `method="post"`)
			if n := ts.countResponses(); n != 1 {
				t.Fatalf("the confirmation page must not delete: %d responses", n)
			}
			del := ts.postForm("/r/"+token+"/delete?lang="+lang, url.Values{})
			if del.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", del.StatusCode)
			}
			gone := ts.get(del.Header.Get("Location"))
			if gone.StatusCode != http.StatusGone {
				t.Fatalf("deleted result: status %d, want 410", gone.StatusCode)
			}
			if n := ts.countResponses(); n != 0 {
				t.Fatalf("%d responses after delete", n)
			}
			if again := ts.postForm("/r/"+token+"/delete", url.Values{}); again.StatusCode != http.StatusNotFound {
				t.Errorf("second delete: %d, want 404", again.StatusCode)
			}
		})
	}
}

func TestLanguageNegotiation(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		name, query, accept, want string
	}{
		{"Default", "", "", "en"},
		{"AcceptLanguage", "", "es-MX,es;q=0.9,en;q=0.5", "es"},
		{"ExplicitWins", "?lang=en", "es", "en"},
		{"UnknownFallsBack", "?lang=xx", "de", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.get("/"+tc.query, "Accept-Language", tc.accept)
			mustContain(t, res.Body, `<html lang="`+tc.want+`">`)
		})
	}
}

func TestResultLevelsAndFlags(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	lo, hi := q.LevelScore().Range()
	for _, b := range q.LevelScore().Bands {
		for _, signs := range []int{b.Min, min(b.Max, 11)} {
			if signs < lo || signs > hi {
				continue
			}
			a := answersFor(q, "not_prescribed", signs, nil)
			res := ts.get(resultPath(t, ts.walkForm("en", "us", a)))
			mustContain(t, res.Body, htmlEscape(b.Label.In("en")), htmlEscape(b.Meaning.In("en")))
		}
	}

	t.Run("SafetyFirst", func(t *testing.T) {
		a := answersFor(q, "not_prescribed", 0, questionnaire.Answers{"safety": {"yes"}})
		res := ts.get(resultPath(t, ts.walkForm("en", "us", a)))
		crisis, level := strings.Index(res.Body, `class="crisis"`), strings.Index(res.Body, `id="level-title"`)
		if crisis < 0 || level < 0 || crisis > level {
			t.Fatalf("crisis lines must come before the level (crisis at %d, level at %d)", crisis, level)
		}
		// 988 is in the crisis box itself, not only in the help list further down.
		if tel := strings.Index(res.Body, `href="tel:988"`); tel < 0 || tel > level {
			t.Errorf("988 not in the crisis box above the level")
		}
		mustContain(t, res.Body, htmlEscape(q.Flag("safety").Title.In("en")))
	})
	t.Run("NoSafetyNoCrisisBox", func(t *testing.T) {
		a := answersFor(q, "not_prescribed", 0, nil)
		res := ts.get(resultPath(t, ts.walkForm("en", "us", a)))
		if strings.Contains(res.Body, `class="crisis`) {
			t.Error("crisis box shown without a safety answer")
		}
		mustContain(t, res.Body, `href="tel:988"`) // a crisis line is always listed
	})
	t.Run("Urinary", func(t *testing.T) {
		a := answersFor(q, "not_prescribed", 0, questionnaire.Answers{"urinary": {"pain", "blood"}})
		res := ts.get(resultPath(t, ts.walkForm("en", "us", a)))
		mustContain(t, res.Body, htmlEscape(q.Flag("urinary").Title.In("en")))
	})
	t.Run("MoreThanPrescribed", func(t *testing.T) {
		a := answersFor(q, "prescribed", 0, questionnaire.Answers{"more_than_prescribed": {"yes"}})
		res := ts.get(resultPath(t, ts.walkForm("es", "us", a)))
		mustContain(t, res.Body, htmlEscape(q.Flag("more_than_prescribed").Title.In("es")))
		// What you told us says the answer back in the person's terms.
		told := q.Item("more_than_prescribed").Option("yes").ToldText(q.Item("more_than_prescribed"), "es")
		mustContain(t, res.Body, htmlEscape(told))
	})
	t.Run("FlagsBeforeLevel", func(t *testing.T) {
		a := answersFor(q, "both", 6, questionnaire.Answers{"safety": {"yes"}, "urinary": {"often_urgent"}, "more_than_prescribed": {"yes"}})
		res := ts.get(resultPath(t, ts.walkForm("en", "ie", a)))
		s, u, m, l := strings.Index(res.Body, `id="flag-safety"`), strings.Index(res.Body, `id="flag-urinary"`),
			strings.Index(res.Body, `id="flag-more_than_prescribed"`), strings.Index(res.Body, `id="level-title"`)
		if !(s >= 0 && s < u && u < m && m < l) {
			t.Errorf("order safety %d, urinary %d, more than prescribed %d, level %d: want flags by severity, then level", s, u, m, l)
		}
	})
}

func TestSkipLogicOnTheWeb(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)

	t.Run("NoRecentUseSkipsSections", func(t *testing.T) {
		page := ts.postForm("/q/"+qid+"?lang=en", url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"},
			"seen": {"use_context"}, "use_context": {"none_recent"}})
		if page.StatusCode != http.StatusOK {
			t.Fatalf("status %d", page.StatusCode)
		}
		if strings.Contains(page.Body, `id="item-tolerance"`) || strings.Contains(page.Body, `id="item-cope"`) {
			t.Error("signs or risk questions shown to someone who has not used in 12 months")
		}
		mustContain(t, page.Body, `id="item-urinary"`)
	})
	t.Run("NoJavaScriptRevealsFollowUp", func(t *testing.T) {
		// The page first showed only use_context; answering it brings up frequency with no error.
		page := ts.postForm("/q/"+qid+"?lang=en", url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"},
			"seen": {"use_context"}, "use_context": {"weekly_is_not_a_context"}})
		if page.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad option: status %d, want 422", page.StatusCode)
		}
		page = ts.postForm("/q/"+qid+"?lang=en", url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"},
			"seen": {"use_context"}, "use_context": {"prescribed"}})
		if page.StatusCode != http.StatusOK {
			t.Fatalf("status %d", page.StatusCode)
		}
		mustContain(t, page.Body, `role="status"`, `id="item-frequency"`)
		if strings.Contains(page.Body, `id="error-frequency"`) {
			t.Error("a question the person never saw is marked as an error")
		}
	})
	t.Run("BackKeepsAnswers", func(t *testing.T) {
		form := url.Values{"step": {"1"}, "region": {"us"}, "nav": {"back"}, "use_context": {"both"}, "frequency": {"daily"},
			"tolerance": {"yes"}}
		page := ts.postForm("/q/"+qid+"?lang=en", form)
		mustContain(t, page.Body, `name="step" value="0"`, `value="both" checked`, `value="daily" checked`,
			`name="tolerance" value="yes"`)
	})
	t.Run("ChangedMindDropsHiddenAnswers", func(t *testing.T) {
		// tolerance was answered as "not prescribed", then the context became "prescribed":
		// tolerance is hidden now, and its answer is neither carried nor scored.
		a := answersFor(q, "prescribed", 0, nil)
		form := url.Values{"step": {"1"}, "region": {"us"}, "nav": {"next"}, "tolerance": {"yes"}}
		for _, it := range q.Items() {
			if it.Section().Index() <= 1 && a[it.ID] != nil {
				form[it.ID] = a[it.ID]
				if it.Section().Index() == 1 {
					form.Add("seen", it.ID)
				}
			}
		}
		page := ts.postForm("/q/"+qid+"?lang=en", form)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("status %d:\n%s", page.StatusCode, page.Body)
		}
		if strings.Contains(page.Body, `name="tolerance"`) {
			t.Error("the hidden answer to tolerance is still carried")
		}
	})
}

func TestRestartKeepsResults(t *testing.T) { eachBackend(t, testRestartKeepsResults) }

func testRestartKeepsResults(t *testing.T, be backend) {
	path := be.New(t)
	ts := newTestServerAt(t, path)
	q := ts.Cat.Latest(qid)
	loc := resultPath(t, ts.walkForm("en", "au", answersFor(q, "not_prescribed", 4, nil)))
	before := ts.get(loc).Body
	ts.Close()

	ts2 := newTestServerAt(t, path)
	after := ts2.get(loc)
	if after.StatusCode != http.StatusOK {
		t.Fatalf("after restart: %d", after.StatusCode)
	}
	if after.Body != before {
		t.Error("the result page changed across a restart")
	}
	mustContain(t, after.Body, `href="tel:131114"`) // Lifeline, the Australian crisis line
}

func TestNoIdentifiersStoredOrLogged(t *testing.T) { eachBackend(t, testNoIdentifiersStoredOrLogged) }

func testNoIdentifiersStoredOrLogged(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	const ip, agent, referer = "203.0.113.197", "DistinctiveAgent/7.7 (zqxj)", "https://referrer.example/zqxj-page"
	headers := []string{"X-Forwarded-For", ip, "X-Real-Ip", ip, "User-Agent", agent, "Referer", referer}
	loc := resultPath(t, ts.walkForm("en", "us", answersFor(q, "both", 3, nil), headers...))
	ts.get(loc, headers...)
	if res, _ := ts.submitAPI("es", "ca", answersFor(q, "prescribed", 1, nil), headers...); res.StatusCode != http.StatusCreated {
		t.Fatalf("API: %d %s", res.StatusCode, res.Body)
	}
	token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")

	// What is stored, as a person who took the database would see it (SQLite's WAL included).
	files := ts.stored()
	logs := ts.Logs.String()
	for _, secret := range []string{ip, agent, "zqxj", "127.0.0.1", token} {
		if strings.Contains(string(files), secret) {
			t.Errorf("the database files contain %q", secret)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
	if !strings.Contains(logs, `route=/r/:token`) {
		t.Errorf("logs do not name the route pattern:\n%s", logs)
	}
	// No column holds a time finer than the day.
	rows, err := ts.Store.ReadDB().Query("select day from responses")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		rows.Scan(&day)
		if len(day) != len("2006-01-02") {
			t.Errorf("stored day %q is not a bare date", day)
		}
	}
}

var headingRE = regexp.MustCompile(`<h([1-6])\b`)

// Screen reader users move by headings: every respondent page has one h1 and never skips a
// level going down (h1 then h3 would hide that something is missing).
func TestHeadingsNeverSkipALevel(t *testing.T) {
	ts := newTestServer(t)
	for _, p := range respondentPages(t, ts) {
		levels := headingRE.FindAllStringSubmatch(p.res.Body, -1)
		h1, prev := 0, 0
		for _, m := range levels {
			l := int(m[1][0] - '0')
			if l == 1 {
				h1++
			}
			if l > prev+1 {
				t.Errorf("%s: h%d after h%d", p.name, l, prev)
			}
			prev = l
		}
		if h1 != 1 {
			t.Errorf("%s: %d h1 headings, want 1", p.name, h1)
		}
	}
}

// With two questionnaires the landing page shows each one's introduction, a paragraph for each
// blank line of the file.
func TestLandingShowsEachIntroductionInParagraphs(t *testing.T) {
	files := shippedFiles(t)
	second := strings.Replace(string(files[latestFile].Data), "id: ketamine-selfcheck", "id: second-check", 1)
	files["second-check.yaml"] = &fstest.MapFile{Data: []byte(second)}
	cat, err := catalog.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServerWith(t, cat)
	body := ts.get("/?lang=en").Body
	q := cat.Latest(qid)
	want := strings.Count(strings.TrimSpace(q.Introduction.In("en")), "\n") + 1
	if want < 2 {
		t.Fatalf("the introduction has %d paragraph: the test shows nothing", want)
	}
	for _, id := range []string{qid, "second-check"} {
		start := strings.Index(body, `aria-labelledby="q-`+id+`"`)
		if start < 0 {
			t.Fatalf("no section for %s", id)
		}
		card := body[start:]
		card = card[:strings.Index(card, "</section>")]
		if got := strings.Count(card, "<p>"); got != want {
			t.Errorf("%s: %d paragraphs in its card, want %d:\n%s", id, got, want, card)
		}
	}
}

// The help page shows a region's crisis lines and emergency numbers without any answers, says
// whose lines they are, and says where to look for a kind of help the region has none of. A
// region it does not know is not chosen for the person: the browser's language may suggest
// one; otherwise the picker starts at "Choose where you are" and the page shows the lines that
// work anywhere, named as such.
func TestHelpPage(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		name, query, accept string
		want                []string
	}{
		{"UK", "?lang=en&region=uk", "", []string{"Samaritans", `href="tel:116123"`, `href="tel:999"`, "FRANK", `<option value="uk" selected>`,
			"Help lines for: United Kingdom"}},
		{"CanadaInSpanish", "?lang=es&region=ca", "", []string{"Líneas de ayuda", `href="tel:988"`, `href="tel:911"`, "National Overdose Response Service"}},
		{"IrelandHours", "?lang=en&region=ie", "", []string{"HSE Drugs and Alcohol Helpline", "Open: Office hours, Monday to Friday."}},
		{"SpainWhereElse", "?lang=es&region=es", "", []string{`href="tel:024"`, "Dónde más buscar",
			"Todavía no tenemos una línea de información sobre drogas verificada"}},
		{"Unknown", "?lang=en&region=%3Cscript%3E", "", []string{"Befrienders", `<option value="">Choose where you are</option>`,
			"Help lines for: Another country"}},
		{"None", "", "", []string{"Befrienders", `<option value="">Choose where you are</option>`}},
		{"FromBrowserLanguage", "?lang=es", "es-MX,es;q=0.9", []string{"Línea de la Vida", `href="tel:8009112000"`, `<option value="mx" selected>`,
			"Líneas de ayuda para: México"}},
		{"AskedForWinsOverBrowser", "?lang=en&region=au", "en-GB", []string{"Lifeline", `<option value="au" selected>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.get("/help"+tc.query, "Accept-Language", tc.accept)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			mustContain(t, res.Body, tc.want...)
			if strings.Contains(res.Body, "<script>") {
				t.Error("reflects the region")
			}
			if strings.Count(res.Body, " selected>") > 1 {
				t.Error("more than one region selected")
			}
		})
	}
	mustContain(t, ts.get("/?lang=en").Body, `href="/help?lang=en"`)
}
