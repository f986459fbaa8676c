package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
)

// Pages are branded with the site file's name, in the page's language; without a site file,
// with the message catalogue's. The shipped folder has a site file with the self-check's name,
// so its pages read as before.
func TestSiteName(t *testing.T) {
	shipped := loadCatalog(t)
	if s := shipped.Site(); s == nil || s.Name.In("en") != "Ketamine self-check" || s.Name.In("es") != "Autoevaluación sobre el uso de ketamina" {
		t.Fatalf("the shipped site file: %+v", s)
	}
	files := shippedFiles(t)
	delete(files, "site.yaml")
	bare, err := catalog.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cat  *catalog.Catalog
	}{{"SiteFile", shipped}, {"NoSiteFile", bare}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newServerWith(t, tc.cat)
			for lang, name := range map[string]string{"en": "Ketamine self-check", "es": "Autoevaluación sobre el uso de ketamina"} {
				landing := ts.get("/?lang=" + lang)
				mustContain(t, landing.Body, `<a class="brand" href="/?lang=`+lang+`">`+name+`</a>`,
					"<h1>"+htmlEscape(ts.T(lang, "landing.title"))+"</h1>", htmlEscape(ts.T(lang, "landing.lead")))
				step := ts.get("/q/" + qid + "?lang=" + lang + "&region=us")
				// The questionnaire's title is the site's name: said once in the page title.
				q := tc.cat.Latest(qid)
				want := "<title>" + htmlEscape(q.Sections[0].Title.In(lang)) + " · " + name + "</title>"
				mustContain(t, step.Body, want)
			}
		})
	}

	// A folder with its own name and introduction: the start page leads with them, and every
	// page names the site, and the questionnaire by its own title.
	cat := levelsCatalog(t)
	ts := newServerWith(t, cat)
	for lang, want := range map[string][]string{
		"en": {"<title>Drinking check site</title>", `<a class="brand" href="/?lang=en">Drinking check site</a>`, "<h1>Drinking check site</h1>",
			`<p class="lead">Short, anonymous questions about drinking. It is not a diagnosis.</p>`},
		"es": {"<title>Sitio de revisión sobre la bebida</title>", "<h1>Sitio de revisión sobre la bebida</h1>",
			`<p class="lead">Preguntas breves y anónimas sobre la bebida. No es un diagnóstico.</p>`},
	} {
		landing := ts.get("/?lang=" + lang)
		mustContain(t, landing.Body, want...)
		if strings.Contains(landing.Body, htmlEscape(ts.T(lang, "landing.title"))) {
			t.Errorf("%s: the start page speaks as the ketamine self-check", lang)
		}
	}
	step := ts.get("/q/drinking?lang=en&region=us")
	mustContain(t, step.Body, "<title>How much you drink · Drinking check · Drinking check site</title>", `<p class="eyebrow">Drinking check</p>`)
	res, body := ts.submitAPIFor("drinking", "en", "us", drinkingAnswers)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("API: %d %s", res.StatusCode, res.Body)
	}
	result := ts.get(body["result_url"].(string))
	mustContain(t, result.Body, "<title>Your result · Drinking check site</title>", `<p class="eyebrow">Drinking check · answered on`)
	for _, page := range []string{"/help?lang=en", "/privacy?lang=en", "/nowhere?lang=en"} {
		mustContain(t, ts.get(page).Body, `<a class="brand" href="/?lang=en">Drinking check site</a>`)
	}
}

// T is a message of the shipped catalogue, for expectations.
func (ts *testServer) T(lang, key string) string {
	return loadMessages(ts.t).T(lang, key)
}

// The clinician summary of a questionnaire that maps no DSM-5 criteria has no DSM-5 block;
// number answers are shown with their unit; every level is shown.
func TestClinicianSummaryLevelsAndNumbers(t *testing.T) {
	for _, tc := range []struct {
		name, qid string
		cat       *catalog.Catalog
		answers   map[string]any
		want      []string
	}{
		{"Numbers", "drinking", levelsCatalog(t), map[string]any{"days": 12, "drinks": 6, "worry": "yes", "memory": "yes"},
			[]string{"12 days <small>counted</small>", "6 drinks <small>counted</small>", "<li>How often you drink: <strong>Many days</strong></li>",
				"<li>How much you drink: <strong>Many drinks</strong></li>", "<strong>High concern</strong>"}},
		{"Assist", "assist", libraryCatalog(t), map[string]any{"q1": []string{"alcohol", "cannabis"}, "q2_alcohol": "weekly", "q3_alcohol": "weekly",
			"q4_alcohol": "monthly", "q5_alcohol": "never", "q6_alcohol": "past_3_months", "q7_alcohol": "never",
			"q2_cannabis": "never", "q6_cannabis": "never", "q7_cannabis": "never", "q8": "never"},
			[]string{"<li>Risk score for Alcoholic beverages (beer, wine, spirits, etc.): <strong>Moderate risk</strong></li>",
				"<li>Risk score for Cannabis (marijuana, pot, grass, hash, etc.): <strong>Lower risk</strong></li>"}},
		{"PHQ9", "phq9", libraryCatalog(t), map[string]any{"q1": "not_at_all", "q2": "not_at_all", "q3": "not_at_all", "q4": "not_at_all",
			"q5": "not_at_all", "q6": "not_at_all", "q7": "not_at_all", "q8": "not_at_all", "q9": "not_at_all"},
			[]string{"<strong>Minimal symptoms</strong>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newServerWith(t, tc.cat)
			res, body := ts.submitAPIFor(tc.qid, "en", "us", tc.answers)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("API: %d %s", res.StatusCode, res.Body)
			}
			token := body["token"].(string)
			id, _ := storedResponse(t, ts, token)
			addClinician(t, ts, "clin@example.org")
			code := makeShareCode(t, ts, token)
			doc := ts.newBrowser(t)
			doc.login("clin@example.org")
			if res := doc.postForm("/clinician/redeem?lang=en", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("redeem: %d", res.StatusCode)
			}
			summary := doc.get("/clinician/responses/" + id + "?lang=en")
			if summary.StatusCode != http.StatusOK {
				t.Fatalf("summary: %d", summary.StatusCode)
			}
			mustContain(t, summary.Body, tc.want...)
			mustContain(t, summary.Body, htmlEscape(tc.cat.Latest(tc.qid).Title.In("en")))
			for _, absent := range []string{`id="dsm5-title"`, `id="context-title"`, "DSM-5"} {
				if strings.Contains(summary.Body, absent) {
					t.Errorf("the summary shows %s, which this questionnaire does not map", absent)
				}
			}
		})
	}
}

// TestStepNamesTheQuestionnaireOnce: where the site is named after its one questionnaire, a
// step's header already says it, and the step does not say it again above its title.
func TestStepNamesTheQuestionnaireOnce(t *testing.T) {
	ts := newTestServer(t)
	for _, lang := range []string{"en", "es"} {
		step := ts.get("/q/ketamine-selfcheck?lang=" + lang + "&region=us")
		if step.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", lang, step.StatusCode)
		}
		if strings.Contains(step.Body, `class="eyebrow"`) {
			t.Errorf("%s: the first step names the questionnaire under a header that already does", lang)
		}
	}
}
