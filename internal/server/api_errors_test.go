package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Every error of every API route, and of paths under /api/ that are no route, is RFC 9457
// problem details: application/problem+json, a status member equal to the HTTP status, a title,
// a machine-readable code and words for people; a 422 lists each item's problem. API clients
// never get a web page.
func TestAPIErrorsAreProblemDetails(t *testing.T) { eachBackend(t, testAPIErrorsAreProblemDetails) }

func testAPIErrorsAreProblemDetails(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	const list = "/api/v1/questionnaires"
	const one = "/api/v1/questionnaires/" + qid
	const submit = one + "/responses"
	jsonCT := "application/json"
	big := `{"answers": {"use_context": "` + strings.Repeat("x", 70<<10) + `"}}`
	for _, c := range []struct {
		name, method, path, contentType, body string
		headers                               []string
		status                                int
		code                                  string
	}{
		{"ListPost", "POST", list, jsonCT, "{}", nil, 405, "method"},
		{"NoSuchRoute", "GET", "/api/v1/nothing", "", "", nil, 404, "not_found"},
		{"UnknownQuestionnaire", "GET", "/api/v1/questionnaires/nope", "", "", nil, 404, "not_found"},
		{"QuestionnaireDelete", "DELETE", one, "", "", nil, 405, "method"},
		{"SubmitUnknownQuestionnaire", "POST", "/api/v1/questionnaires/nope/responses", jsonCT, `{"answers": {}}`, nil, 404, "not_found"},
		{"SubmitGet", "GET", submit, "", "", nil, 405, "method"},
		{"SubmitNotJSON", "POST", submit, jsonCT, "{", nil, 400, "bad_json"},
		{"SubmitNoAnswers", "POST", submit, jsonCT, `{"lang": "en"}`, nil, 400, "bad_json"},
		{"SubmitBadLang", "POST", submit, jsonCT, `{"lang": "xx", "answers": {}}`, nil, 400, "bad_lang"},
		{"SubmitBadRegion", "POST", submit, jsonCT, `{"region": "mars", "answers": {}}`, nil, 400, "bad_region"},
		{"SubmitNoRegion", "POST", submit, jsonCT, `{"lang": "en", "answers": {"use_context": "prescribed"}}`, nil, 400, "bad_region"},
		{"SubmitEmptyRegion", "POST", submit, jsonCT, `{"region": "", "answers": {}}`, nil, 400, "bad_region"},
		{"SubmitBadAnswers", "POST", submit, jsonCT, `{"region": "us", "answers": {"safety": true}}`, nil, 400, "bad_answers"},
		{"SubmitNumberForChoice", "POST", submit, jsonCT, `{"region": "us", "answers": {"safety": 3}}`, nil, 422, "invalid_answers"},
		{"SubmitTooLarge", "POST", submit, jsonCT, big, nil, 413, "too_large"},
		{"SubmitForm", "POST", submit, "application/x-www-form-urlencoded", "answers=1", nil, 415, "media_type"},
		{"SubmitCrossSite", "POST", submit, jsonCT, `{"answers": {}}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin"},
		{"SubmitIncomplete", "POST", submit, jsonCT, `{"region": "us", "answers": {"use_context": "weekly_nonsense"}}`, nil, 422, "invalid_answers"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			for i := 0; i+1 < len(c.headers); i += 2 {
				req.Header.Set(c.headers[i], c.headers[i+1])
			}
			res := ts.do(req)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %.300s", res.StatusCode, c.status, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p struct {
				Type, Title, Detail, Code string
				Status                    int
				Errors                    []struct{ Item, Error, Message string }
			}
			dec := json.NewDecoder(strings.NewReader(res.Body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				t.Fatalf("not problem details (%v): %.300s", err, res.Body)
			}
			if p.Type != "about:blank" || p.Title != http.StatusText(c.status) || p.Status != c.status || p.Code != c.code || p.Detail == "" {
				t.Errorf("problem %+v, want status %d and code %s", p, c.status, c.code)
			}
			if (c.status == 422) != (len(p.Errors) > 0) {
				t.Errorf("%d item problems for a %d", len(p.Errors), c.status)
			}
			for _, e := range p.Errors {
				if e.Item == "" || e.Error == "" || e.Message == "" {
					t.Errorf("item problem %+v is missing a member", e)
				}
			}
		})
	}
}
