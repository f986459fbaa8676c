package server_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// A questionnaire or resources file is data a clinic may edit or import (LimeSurvey
// CVE-2024-28709 and REDCap CVE-2023-37798 were stored XSS through such data). Whatever it
// says must be refused by lint or shown as text.

const textPayload = `<script>alert(1)</script><img src=x onerror=alert(2)>{{.}}`

// quotedEnRE finds a one-line English text in double quotes, escaped quotes and all.
var quotedEnRE = regexp.MustCompile(`(?m)^(\s*(?:[a-z_]+: \{)?en: )"((?:[^"\\\n]|\\.)*)"`)

// latestFile is the newest version of the self-check, as the shipped folder holds it.
const latestFile = "ketamine-selfcheck/1.2.0.yaml"

// shippedFiles are the built-in questionnaire files, version folders included, to be edited.
func shippedFiles(t *testing.T) fstest.MapFS {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(questionnaires.FS, ".", func(n string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(n, ".yaml") {
			return err
		}
		data, err := fs.ReadFile(questionnaires.FS, n)
		files[n] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil || files[latestFile] == nil || files["resources.yaml"] == nil {
		t.Fatalf("the shipped files are not where the tests expect them (%v): %v", err, slices.Collect(maps.Keys(files)))
	}
	return files
}

func edit(t *testing.T, files fstest.MapFS, name, old, new string) {
	t.Helper()
	data := string(files[name].Data)
	if !strings.Contains(data, old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	files[name] = &fstest.MapFile{Data: []byte(strings.Replace(data, old, new, 1))}
}

func TestHostileContactsAreRefusedByLint(t *testing.T) {
	for _, tc := range []struct{ name, old, new string }{
		{"JavascriptURL", `value: "https://988lifeline.org"`, `value: "javascript:alert(1)"`},
		{"JavascriptURLMixedCase", `value: "https://988lifeline.org"`, `value: " JaVaScRiPt:alert(1)"`},
		{"DataURL", `value: "https://988lifeline.org"`, `value: "data:text/html,<script>alert(1)</script>"`},
		{"PlainHTTP", `value: "https://988lifeline.org"`, `value: "http://988lifeline.org"`},
		{"SchemeRelative", `value: "https://988lifeline.org"`, `value: "//evil.example/"`},
		{"URLWithSpace", `value: "https://988lifeline.org"`, `value: "https://988lifeline.org/ onmouseover=alert(1)"`},
		{"URLWithCredentials", `value: "https://988lifeline.org"`, `value: "https://user:pass@evil.example/"`},
		{"PhoneWithScript", "- type: phone\n            value: \"988\"", "- type: phone\n            value: \"<script>alert(1)</script>\""},
		{"PhoneWithJavascript", "- type: phone\n            value: \"988\"", "- type: phone\n            value: \"javascript:alert(988)\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := shippedFiles(t)
			edit(t, files, "resources.yaml", tc.old, tc.new)
			if _, err := catalog.Load(files); err == nil {
				t.Errorf("lint accepted a contact %s", tc.new)
			}
		})
	}
}

func TestHostileQuestionnaireTextIsInert(t *testing.T) {
	files := shippedFiles(t)
	// The older version is left out: its labels would no longer match the edited ones, and lint
	// refuses an option whose words change between versions.
	delete(files, "ketamine-selfcheck/1.1.0.yaml")
	// Every one-line English text of both files: titles, prompts, help, options, bands, flags,
	// advice, domains, resource names and labels, region names.
	for _, name := range []string{latestFile, "resources.yaml"} {
		data := quotedEnRE.ReplaceAllStringFunc(string(files[name].Data), func(m string) string {
			payload := textPayload
			if strings.Contains(m, "scale: {") {
				// Lint refuses any {...} in a scale text but {value} and {max}: markup only.
				payload = strings.ReplaceAll(payload, "{{.}}", "")
			}
			return quotedEnRE.ReplaceAllString(m, `$1"$2 `+payload+`"`)
		})
		files[name] = &fstest.MapFile{Data: []byte(data)}
	}
	// A https address that is valid yet full of markup, and a text keyword.
	edit(t, files, "resources.yaml", `value: "https://988lifeline.org"`, `value: "https://988lifeline.org/\"><script>alert(3)</script>"`)
	edit(t, files, "resources.yaml", `keyword: HOME`, `keyword: "<b>HOME"`)
	cat, err := catalog.Load(files)
	if err != nil {
		// Refused outright is also safe, but then this test shows nothing: say why.
		t.Fatalf("the edited files do not load, so rendering cannot be tested:\n%v", err)
	}
	q := cat.Latest(qid)
	if !strings.Contains(q.Title.In("en"), "<script>") {
		t.Fatal("the payload did not reach the title")
	}
	ts := newTestServerWith(t, cat)

	var pages []weighedPage
	get := func(name, path string, want int) response {
		t.Helper()
		res := ts.get(path)
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d: %.300s", name, res.StatusCode, want, res.Body)
		}
		pages = append(pages, weighedPage{name, res})
		return res
	}
	get("landing", "/?lang=en", http.StatusOK)
	get("privacy", "/privacy?lang=en", http.StatusOK)
	page := get("step 1", "/q/"+qid+"?lang=en&region=us", http.StatusOK)
	answers := answersFor(q, "both", len(q.Items()), questionnaire.Answers{"safety": {"yes"}})
	var loc string
	for n := 2; loc == ""; n++ {
		m := stepRE.FindStringSubmatch(page.Body)
		if m == nil || n > 20 {
			t.Fatal("the form does not end")
		}
		step, _ := strconv.Atoi(m[1])
		page = ts.postForm("/q/"+qid+"?lang=en", stepForm(q, answers, step, "us"))
		if page.StatusCode == http.StatusSeeOther {
			loc = page.Header.Get("Location")
			continue
		}
		pages = append(pages, weighedPage{"step " + strconv.Itoa(n), page})
	}
	pages = append(pages, weighedPage{"step with errors", ts.postForm("/q/"+qid+"?lang=en", url.Values{"step": {"0"}, "seen": {"use_context"}})})
	token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
	for _, r := range cat.Resources.Regions {
		get("result "+r.ID, "/r/"+token+"?lang=en&region="+r.ID, http.StatusOK)
	}
	get("delete", "/r/"+token+"/delete?lang=en", http.StatusOK)

	escaped := 0
	for _, p := range pages {
		body := strings.ToLower(p.res.Body)
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>home", `"><script`, "javascript:"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: %q is in the page as markup", p.name, bad)
			}
		}
		if strings.Contains(p.res.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			escaped++
		} else if !strings.HasPrefix(p.name, "privacy") && !strings.HasPrefix(p.name, "delete") {
			t.Errorf("%s: the escaped payload is not on the page: the texts did not reach it", p.name)
		}
		_, foreign := subresources(p.res.Body)
		for _, f := range foreign {
			t.Errorf("%s: refers to another host: %s", p.name, f)
		}
	}
	t.Logf("%d pages, %d with the escaped payload", len(pages), escaped)
	var result string
	for _, p := range pages {
		if p.name == "result us" {
			result = p.res.Body
		}
	}
	if !strings.Contains(result, `href="https://988lifeline.org/%22%3e%3cscript%3ealert%283%29%3c/script%3e"`) {
		t.Errorf("the markup in the web address is not percent-encoded in its link")
	}

	// The JSON API quotes the same texts, escaped for JSON.
	for _, path := range []string{"/api/v1/questionnaires?lang=en", "/api/v1/questionnaires/" + qid + "?lang=en"} {
		res := ts.get(path)
		if res.StatusCode != http.StatusOK || !json.Valid([]byte(res.Body)) || strings.ContainsAny(res.Body, "<>") {
			t.Errorf("%s: status %d, raw angle brackets or invalid JSON: %.200s", path, res.StatusCode, res.Body)
		}
	}
	res, _ := ts.submitAPI("en", "us", answers)
	if res.StatusCode != http.StatusCreated || strings.ContainsAny(res.Body, "<>") {
		t.Errorf("API result: status %d, raw angle brackets: %.200s", res.StatusCode, res.Body)
	}
}

// newTestServerWith is newTestServer with another catalog.
func newTestServerWith(t *testing.T, cat *catalog.Catalog) *testServer {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "ketascreen.db")
	st, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := server.New(server.Config{Catalog: cat, Store: st, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Secret: testSecret, Access: testAccess(t, st), ShareDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	ts := &testServer{t: t, URL: hs.URL, DB: dbPath, Backend: storetest.SQLite, Store: st, Cat: cat, Logs: logs, http: hs,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(ts.Close)
	return ts
}
