package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	loc := resultPath(t, ts.walkForm("en", "us", answersFor(q, "not_prescribed", 2, nil)))
	token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
	landing := ts.get("/")
	css := regexpFind(landing.Body, `href="(/static/style\.[0-9a-f]+\.css)"`)
	js := regexpFind(landing.Body, `src="(/static/app\.[0-9a-f]+\.js)"`)

	checks := []struct {
		name string
		res  response
	}{
		{"Landing", landing},
		{"Privacy", ts.get("/privacy")},
		{"Questionnaire", ts.get("/q/" + qid)},
		{"Step", ts.postForm("/q/"+qid, url.Values{"step": {"0"}, "nav": {"next"}})},
		{"Result", ts.get(loc)},
		{"DeletePage", ts.get("/r/" + token + "/delete")},
		{"Health", ts.get("/healthz")},
		{"APIList", ts.get("/api/v1/questionnaires")},
		{"APIGet", ts.get("/api/v1/questionnaires/" + qid)},
		{"APIPostBad", ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", "{")},
		{"CSS", ts.get(css)},
		{"JS", ts.get(js)},
		{"NotFound", ts.get("/nope")},
		{"UnknownResult", ts.get("/r/" + strings.Repeat("A", 43))},
		{"MethodNotAllowed", ts.post("/privacy", "text/plain", "")},
		{"Help", ts.get("/help?region=us")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			h := c.res.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe code: %q", csp)
			}
			for k, want := range map[string]string{
				"X-Content-Type-Options":     "nosniff",
				"Referrer-Policy":            "no-referrer",
				"Cross-Origin-Opener-Policy": "same-origin",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			pp := h.Get("Permissions-Policy")
			for _, f := range []string{"camera=()", "microphone=()", "geolocation=()"} {
				if !strings.Contains(pp, f) {
					t.Errorf("Permissions-Policy %q lacks %s", pp, f)
				}
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS sent over plain HTTP")
			}
			if c.res.StatusCode >= 500 {
				t.Errorf("status %d", c.res.StatusCode)
			}
			if h.Get("Set-Cookie") != "" {
				t.Errorf("a respondent route set a cookie: %s", h.Get("Set-Cookie"))
			}
		})
	}
	if got := checks[10].res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("static Cache-Control = %q, want a long immutable cache", got)
	}
	for _, i := range []int{2, 3, 4, 5} {
		if got := checks[i].res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s Cache-Control = %q, want no-store", checks[i].name, got)
		}
	}
}

func regexpFind(body, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		return "/missing"
	}
	return m[1]
}

func TestBadInputChangesNothing(t *testing.T) { eachBackend(t, testBadInputChangesNothing) }

func testBadInputChangesNothing(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	good := answersFor(q, "not_prescribed", 2, nil)
	goodJSON, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": good})
	formPath := "/q/" + qid + "?lang=en"
	step := func(extra url.Values) url.Values {
		v := url.Values{"step": {"0"}, "region": {"us"}, "nav": {"next"}, "use_context": {"prescribed"}, "frequency": {"monthly"}}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}
	cases := []struct {
		name   string
		res    func() response
		status int
	}{
		{"FormUnknownField", func() response { return ts.postForm(formPath, step(url.Values{"evil": {"1"}})) }, 400},
		{"FormStepOutOfRange", func() response { return ts.postForm(formPath, step(url.Values{"step": {"99"}})) }, 400},
		{"FormStepNotANumber", func() response { return ts.postForm(formPath, step(url.Values{"step": {"1; drop table responses"}})) }, 400},
		{"FormStepMissing", func() response { return ts.postForm(formPath, url.Values{"use_context": {"prescribed"}}) }, 400},
		{"FormTwoSteps", func() response { return ts.postForm(formPath, step(url.Values{"step": {"0", "1"}})) }, 400},
		{"FormBadNav", func() response { return ts.postForm(formPath, step(url.Values{"nav": {"jump"}})) }, 400},
		{"FormInvalidUTF8", func() response {
			return ts.post(formPath, "application/x-www-form-urlencoded", "step=0&use_context=%ff%fe")
		}, 400},
		{"FormWrongContentType", func() response { return ts.post(formPath, "text/plain", "step=0") }, 415},
		{"FormOversized", func() response {
			return ts.post(formPath, "application/x-www-form-urlencoded", "step=0&x="+strings.Repeat("a", 100<<10))
		}, 413},
		{"FormScriptOption", func() response {
			return ts.postForm(formPath, step(url.Values{"use_context": {`<script>alert(1)</script>`}}))
		}, 422},
		{"FormCrossSite", func() response {
			return ts.post(formPath, "application/x-www-form-urlencoded", step(nil).Encode(), "Sec-Fetch-Site", "cross-site")
		}, 403},
		{"FormCrossOrigin", func() response {
			return ts.post(formPath, "application/x-www-form-urlencoded", step(nil).Encode(), "Origin", "https://evil.example")
		}, 403},
		{"FormUnknownQuestionnaire", func() response { return ts.postForm("/q/nope", step(nil)) }, 404},
		{"APIBadJSON", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"answers":`)
		}, 400},
		{"APIUnknownField", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"answers":{},"ip":"1.2.3.4"}`)
		}, 400},
		{"APIWrongContentType", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "text/plain", string(goodJSON))
		}, 415},
		{"APITrailingData", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", string(goodJSON)+"{}")
		}, 400},
		{"APIBadLang", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"lang":"xx","answers":{}}`)
		}, 400},
		{"APIBadRegion", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"region":"mars","answers":{}}`)
		}, 400},
		{"APIAnswersNotObject", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"answers":["a"]}`)
		}, 400},
		{"APIIncomplete", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"region":"us","answers":{"use_context":"prescribed"}}`)
		}, 422},
		{"APINoRegion", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"answers":{"use_context":"prescribed"}}`)
		}, 400},
		{"APISQLInOption", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"region":"us","answers":{"use_context":"x' or 1=1 --"}}`)
		}, 422},
		{"APIOversized", func() response {
			return ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", `{"answers":{"a":"`+strings.Repeat("b", 100<<10)+`"}}`)
		}, 413},
		{"DeleteBadToken", func() response { return ts.postForm("/r/short/delete", url.Values{}) }, 404},
		{"DeleteUnknownToken", func() response { return ts.postForm("/r/"+strings.Repeat("B", 43)+"/delete", url.Values{}) }, 404},
		{"ResultPathTrick", func() response { return ts.get("/r/..%2f..%2fetc%2fpasswd") }, 404},
		{"LongURL", func() response { return ts.get("/q/" + strings.Repeat("x", 8000)) }, 404},
		{"MethodNotAllowed", func() response { return ts.post("/", "application/x-www-form-urlencoded", "") }, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.res()
			if res.StatusCode != c.status {
				t.Errorf("status %d, want %d; body: %.300s", res.StatusCode, c.status, res.Body)
			}
			if strings.Contains(res.Body, "<script>alert(1)</script>") {
				t.Error("hostile input reflected unescaped")
			}
			if strings.Contains(res.Body, "goroutine") || strings.Contains(res.Body, ".go:") {
				t.Error("internal detail shown")
			}
		})
	}
	if n := ts.countResponses(); n != 0 {
		t.Fatalf("%d responses stored by bad requests", n)
	}
	// And the good request still works.
	if res := ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", string(goodJSON)); res.StatusCode != http.StatusCreated {
		t.Fatalf("good request: %d %s", res.StatusCode, res.Body)
	}
}

func TestAPI(t *testing.T) { eachBackend(t, testAPI) }

func testAPI(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)

	list := ts.get("/api/v1/questionnaires")
	mustContain(t, list.Body, `"id":"`+qid+`"`)

	def := ts.get("/api/v1/questionnaires/" + qid + "?lang=es")
	var got struct {
		Language string `json:"language"`
		Sections []struct {
			Items []struct {
				ID     string          `json:"id"`
				Prompt string          `json:"prompt"`
				ShowIf json.RawMessage `json:"show_if"`
			} `json:"items"`
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(def.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Language != "es" || len(got.Sections) != len(q.Sections) {
		t.Fatalf("definition: language %q, %d sections", got.Language, len(got.Sections))
	}
	if p := got.Sections[0].Items[0].Prompt; p != q.Items()[0].Prompt.In("es") {
		t.Errorf("first prompt %q is not the Spanish text", p)
	}
	// Skip logic is spelt as in the questionnaire files, with nothing empty.
	if cond := string(got.Sections[0].Items[1].ShowIf); cond != `{"item":"use_context","none_of":["none_recent"]}` {
		t.Errorf("show_if of %s = %s", got.Sections[0].Items[1].ID, cond)
	}

	res, body := ts.submitAPI("en", "uk", answersFor(q, "both", 6, questionnaire.Answers{"safety": {"yes"}}))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", res.StatusCode, res.Body)
	}
	result := body["result"].(map[string]any)
	if level := result["level"].(map[string]any)["id"]; level != q.LevelScore().Band(6).ID {
		t.Errorf("level %v", level)
	}
	if flags := result["flags"].([]any); len(flags) == 0 || flags[0].(map[string]any)["id"] != "safety" {
		t.Errorf("flags %v, want safety first", flags)
	}
	page := ts.get(body["result_url"].(string))
	if page.StatusCode != http.StatusOK {
		t.Fatalf("result page from API: %d", page.StatusCode)
	}

	res, body = ts.submitAPI("en", "uk", questionnaire.Answers{"use_context": {"prescribed"}, "tolerance": {"yes"}, "nope": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	kinds := map[string]string{}
	for _, e := range body["errors"].([]any) {
		m := e.(map[string]any)
		kinds[m["item"].(string)] = m["error"].(string)
	}
	for item, want := range map[string]string{"nope": "unknown_item", "tolerance": "hidden", "frequency": "required", "safety": "required"} {
		if kinds[item] != want {
			t.Errorf("error for %s = %q, want %q (all: %v)", item, kinds[item], want, kinds)
		}
	}
}

// HEAD answers as GET would, without a body and without side effects.
func TestHead(t *testing.T) {
	ts := newTestServer(t)
	for path, want := range map[string]int{"/": 200, "/healthz": 200, "/privacy": 200, "/nope": 404, "/clinician": 200} {
		req, _ := http.NewRequest(http.MethodHead, ts.URL+path, nil)
		res := ts.do(req)
		if res.StatusCode != want || res.Body != "" || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("HEAD %s: %d, %d bytes of body, CSP %q", path, res.StatusCode, len(res.Body), res.Header.Get("Content-Security-Policy"))
		}
	}
}
