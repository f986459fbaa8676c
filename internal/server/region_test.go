package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// selectedRE finds the chosen option of a region picker.
var selectedRE = regexp.MustCompile(`<option value="([a-z]*)" selected>`)

// The browser's language suggests a region only when it names a country we list; otherwise no
// region is chosen for the person. Checked on the landing page and on the first step reached
// without a region.
func TestRegionFromBrowserLanguage(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct{ accept, want string }{
		{"en-GB,en;q=0.9", "uk"}, {"en-IE", "ie"}, {"en-CA", "ca"}, {"fr-CA,fr;q=0.8", "ca"}, {"en-AU", "au"},
		{"es-ES,es;q=0.9", "es"}, {"es-MX", "mx"}, {"en-US,en;q=0.9", "us"}, {"es-US", "us"},
		{"en-GB;q=0.5,es-MX;q=0.9", "mx"}, // the most preferred language that names a region
		{"", ""}, {"en", ""}, {"es", ""}, {"de-DE,de;q=0.9", ""}, {"en-NZ", ""}, {"es-AR,es;q=0.9", ""}, {"en-GB;q=0", ""},
	} {
		t.Run(strings.ReplaceAll(tc.accept, ";", "_"), func(t *testing.T) {
			for _, path := range []string{"/?lang=en", "/q/" + qid + "?lang=en"} {
				res := ts.get(path, "Accept-Language", tc.accept)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d", path, res.StatusCode)
				}
				got := selectedRE.FindAllStringSubmatch(res.Body, -1)
				choose := strings.Contains(res.Body, `<option value="">Choose where you are</option>`)
				switch {
				case tc.want == "" && (len(got) > 0 || !choose):
					t.Errorf("%s: %d region(s) chosen (%v), placeholder %v; want none chosen and \"Choose where you are\" first", path, len(got), got, choose)
				case tc.want != "" && (len(got) != 1 || got[0][1] != tc.want || choose):
					t.Errorf("%s: chosen %v, placeholder %v; want %s preselected", path, got, choose, tc.want)
				}
				if !strings.Contains(res.Body, `name="region"`) || !strings.Contains(res.Body, "required") {
					t.Errorf("%s: the region picker is not there, or not marked required", path)
				}
			}
		})
	}
	// A region chosen on the landing page is carried, not asked again.
	step := ts.get("/q/"+qid+"?lang=en&region=ie", "Accept-Language", "en-GB")
	mustContain(t, step.Body, `<input type="hidden" name="region" value="ie">`)
	if strings.Contains(step.Body, `<select id="region"`) {
		t.Error("the first step asks again for a region already chosen")
	}
}

// A step sent without a region, or with one we do not list, comes back with a clear error by
// the region picker (422), the answers kept and nothing stored; choosing one goes on.
func TestRegionIsRequired(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	answers := answersFor(q, "not_prescribed", 2, nil)
	form := stepForm(q, answers, 0, "")
	for _, tc := range []struct {
		name   string
		region []string
	}{{"Missing", nil}, {"Empty", []string{""}}, {"Unknown", []string{"mars"}}, {"Markup", []string{`<script>alert(1)</script>`}}} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			delete(f, "region")
			if tc.region != nil {
				f["region"] = tc.region
			}
			for _, lang := range []string{"en", "es"} {
				res := ts.postForm("/q/"+qid+"?lang="+lang, f, "Accept-Language", "de-DE")
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%s: status %d, want 422", lang, res.StatusCode)
				}
				msgs := loadMessages(t)
				mustContain(t, res.Body, `id="error-summary"`, `href="#item-region"`, `id="error-region"`,
					htmlEscape(msgs.T(lang, "region.required")), `aria-invalid="true"`, `name="step" value="0"`,
					`value="not_prescribed" checked`, `value="`+answers["frequency"][0]+`" checked`,
					`<option value="">`+htmlEscape(msgs.T(lang, "region.choose"))+`</option>`)
				if strings.Contains(res.Body, "<script>alert") {
					t.Error("the region sent is reflected")
				}
			}
		})
	}
	// The error comes first in the summary, as the picker comes first in the form.
	res := ts.postForm("/q/"+qid+"?lang=en", url.Values{"step": {"0"}, "nav": {"next"}, "seen": {"use_context"}})
	if i, j := strings.Index(res.Body, `href="#item-region"`), strings.Index(res.Body, `href="#item-use_context"`); i < 0 || j < 0 || i > j {
		t.Errorf("error summary: region at %d, first question at %d; want both, region first", i, j)
	}
	// Back needs no region: nothing is lost by going back.
	back := stepForm(q, answers, 1, "")
	delete(back, "region")
	back.Set("nav", "back")
	if res := ts.postForm("/q/"+qid+"?lang=en", back); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `<select id="region"`) {
		t.Errorf("back without a region: status %d, or the step does not ask for it", res.StatusCode)
	}
	// The last step without a region stores nothing.
	last := len(q.Sections) - 1
	final := stepForm(q, answersFor(q, "not_prescribed", 2, nil), last, "")
	delete(final, "region")
	if res := ts.postForm("/q/"+qid+"?lang=en", final); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("last step without a region: status %d, want 422", res.StatusCode)
	}
	if n := ts.countResponses(); n != 0 {
		t.Fatalf("%d responses stored without a region", n)
	}
	// Chosen on the step that asked: the form goes on, and carries it.
	ok := stepForm(q, answers, 0, "mx")
	res = ts.postForm("/q/"+qid+"?lang=es", ok)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("step with a region: %d", res.StatusCode)
	}
	mustContain(t, res.Body, `name="step" value="1"`, `<input type="hidden" name="region" value="mx">`)
	// Every region reaches a result that says whose help lines it shows.
	for _, reg := range ts.Cat.Resources.Regions {
		res := ts.get(resultPath(t, ts.walkForm("en", reg.ID, answers)))
		mustContain(t, res.Body, "Help lines for: "+htmlEscape(reg.Name.In("en")))
	}
}

// Changing the region on a result shows that region's help lines with the same answers; a
// region we do not list changes nothing.
func TestResultRegionChange(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	a := answersFor(q, "not_prescribed", 3, questionnaire.Answers{"urinary": {"pain"}})
	loc := resultPath(t, ts.walkForm("en", "uk", a))
	base := strings.SplitN(loc, "?", 2)[0]
	told := htmlEscape(q.Item("urinary").Option("pain").ToldText(q.Item("urinary"), "en"))

	uk := ts.get(loc)
	mustContain(t, uk.Body, "Help lines for: United Kingdom", `<option value="uk" selected>`, `href="tel:116123"`, told,
		`<form method="get" action="/r/`, `id="region-form"`, "Your answers are kept.", `href="#region-form"`)
	mx := ts.get(base + "?lang=en&region=mx")
	mustContain(t, mx.Body, "Help lines for: Mexico", `<option value="mx" selected>`, `href="tel:8009112000"`, told)
	if strings.Contains(mx.Body, `href="tel:116123"`) {
		t.Error("the UK's lines are still shown for Mexico")
	}
	// Language links keep the region chosen.
	mustContain(t, mx.Body, "lang=es&amp;region=mx")
	for _, bad := range []string{"mars", "", "%3Cscript%3E"} {
		res := ts.get(base + "?lang=en&region=" + bad)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("region %q: status %d", bad, res.StatusCode)
		}
		mustContain(t, res.Body, "Help lines for: United Kingdom", `<option value="uk" selected>`)
	}
}

// The Spanish self-check from Spain and from Mexico, end to end: the browser's language
// suggests the country, the steps are in Spanish, and the result shows that country's lines.
func TestSpainAndMexicoInSpanish(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	for _, tc := range []struct {
		accept, region, name string
		want, not            []string
	}{
		{"es-ES,es;q=0.9", "es", "España", []string{`href="tel:024"`, `href="tel:717003717"`, `href="tel:112"`, "Dónde más buscar",
			htmlEscape(ts.Cat.Resources.Kind("drug_info").IfMissing.In("es"))}, []string{"tel:911", "tel:988"}},
		{"es-MX,es;q=0.9", "mx", "México", []string{`href="tel:8009112000"`, `href="tel:911"`, "Información sobre drogas y orientación para tratamiento"},
			[]string{"tel:112", "tel:988", "Dónde más buscar"}},
	} {
		t.Run(tc.region, func(t *testing.T) {
			first := ts.get("/q/"+qid, "Accept-Language", tc.accept)
			mustContain(t, first.Body, `<html lang="es">`, `<option value="`+tc.region+`" selected>`, htmlEscape(q.Sections[0].Title.In("es")))
			a := answersFor(q, "not_prescribed", 4, questionnaire.Answers{"safety": {"yes"}})
			loc := resultPath(t, ts.walkForm("es", tc.region, a, "Accept-Language", tc.accept))
			res := ts.get(loc, "Accept-Language", tc.accept)
			mustContain(t, res.Body, `<html lang="es">`, "Líneas de ayuda para: "+tc.name, htmlEscape(q.Flag("safety").Title.In("es")))
			mustContain(t, res.Body, tc.want...)
			for _, n := range tc.not {
				if strings.Contains(res.Body, n) {
					t.Errorf("the result shows %q", n)
				}
			}
		})
	}
}
