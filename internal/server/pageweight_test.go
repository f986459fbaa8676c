package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// maxPageWeight is the most a respondent's page may weigh with its CSS and script: people may
// be on a slow or metered connection, or a borrowed phone.
const maxPageWeight = 30_000

// weighedPage is a page a respondent can see, as served.
type weighedPage struct {
	name string
	res  response
}

// respondentPages visits every page a respondent can reach, in every language: the landing
// and privacy pages, each step of the form (with every section shown), a step with errors,
// the result with flags and the crisis box for every region, the delete and deleted pages,
// and the error page.
func respondentPages(t *testing.T, ts *testServer) []weighedPage {
	t.Helper()
	q := ts.Cat.Latest(qid)
	var out []weighedPage
	add := func(name string, res response, want int) {
		t.Helper()
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d", name, res.StatusCode, want)
		}
		out = append(out, weighedPage{name, res})
	}
	for _, lang := range []string{"en", "es"} {
		add(lang+" landing", ts.get("/?lang="+lang), http.StatusOK)
		add(lang+" privacy", ts.get("/privacy?lang="+lang), http.StatusOK)
		add(lang+" not found", ts.get("/nope?lang="+lang), http.StatusNotFound)
		add(lang+" step with errors", ts.postForm("/q/"+qid+"?lang="+lang, url.Values{"step": {"0"}, "nav": {"next"},
			"seen": {"use_context"}}), http.StatusUnprocessableEntity)

		// Every step, answered so every section is shown and every flag raised.
		answers := answersFor(q, "both", len(q.Items()), questionnaire.Answers{"safety": {"yes"}})
		page := ts.get("/q/" + qid + "?lang=" + lang + "&region=us")
		add(lang+" step 1", page, http.StatusOK)
		var loc string
		for n := 2; ; n++ {
			m := stepRE.FindStringSubmatch(page.Body)
			if m == nil || n > 20 {
				t.Fatalf("%s: the form does not end", lang)
			}
			step, _ := strconv.Atoi(m[1])
			form := url.Values{"step": {m[1]}, "region": {"us"}, "nav": {"next"}}
			for _, it := range q.Items() {
				if it.Section().Index() <= step && answers[it.ID] != nil {
					form[it.ID] = answers[it.ID]
					if it.Section().Index() == step {
						form.Add("seen", it.ID)
					}
				}
			}
			page = ts.postForm("/q/"+qid+"?lang="+lang, form)
			if page.StatusCode == http.StatusSeeOther {
				loc = page.Header.Get("Location")
				break
			}
			add(lang+" step "+strconv.Itoa(n), page, http.StatusOK)
		}
		token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
		for _, r := range ts.Cat.Resources.Regions {
			res := ts.get("/r/" + token + "?lang=" + lang + "&region=" + r.ID)
			add(lang+" result, region "+r.ID, res, http.StatusOK)
			if !strings.Contains(res.Body, `class="crisis"`) {
				t.Errorf("%s result for region %s: no crisis box, so this is not the heaviest result", lang, r.ID)
			}
		}
		add(lang+" delete", ts.get("/r/"+token+"/delete?lang="+lang), http.StatusOK)
		if res := ts.postForm("/r/"+token+"/delete?lang="+lang, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d", res.StatusCode)
		}
		add(lang+" deleted", ts.get("/r/"+token+"?lang="+lang), http.StatusGone)
	}
	return out
}

var (
	tagRE  = regexp.MustCompile(`(?is)<([a-z][a-z0-9-]*)\b([^>]*)>`)
	attrRE = regexp.MustCompile(`(?is)\b(src|href|action|formaction|srcset|poster|data|style|background|manifest|ping)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	relRE  = regexp.MustCompile(`(?i)\brel\s*=\s*"?([^">]*)`)
	cssURL = regexp.MustCompile(`(?i)(@import\s+(url\()?|url\()\s*['"]?([^'")\s]*)`)
)

// sameSite reports whether a URL in a page stays on this site: a path, a fragment, or data.
func sameSite(u string) bool {
	u = strings.TrimSpace(u)
	switch {
	case strings.HasPrefix(u, "//"), strings.HasPrefix(u, `\`):
		return false
	case strings.HasPrefix(u, "/"), strings.HasPrefix(u, "#"), strings.HasPrefix(u, "?"), u == "":
		return true
	case strings.HasPrefix(strings.ToLower(u), "data:"):
		return true
	}
	return !strings.Contains(u, ":") // a relative path
}

// subresources are the URLs a page makes the browser fetch by itself (not links to follow),
// and every URL that would make it fetch from another host.
func subresources(body string) (local, foreign []string) {
	for _, tag := range tagRE.FindAllStringSubmatch(body, -1) {
		name, attrs := strings.ToLower(tag[1]), tag[2]
		rel := ""
		if m := relRE.FindStringSubmatch(attrs); m != nil {
			rel = strings.ToLower(m[1])
		}
		for _, a := range attrRE.FindAllStringSubmatch(attrs, -1) {
			attr, val := strings.ToLower(a[1]), strings.Trim(a[2], `"'`)
			if attr == "style" {
				if strings.Contains(strings.ToLower(val), "url(") {
					foreign = append(foreign, name+" style: "+val)
				}
				continue
			}
			// Links people follow and forms they send may point elsewhere (help lines' sites);
			// nothing else may.
			if (name == "a" || name == "area") && attr == "href" {
				continue
			}
			if name == "form" && attr == "action" {
				if !sameSite(val) {
					foreign = append(foreign, name+" "+attr+": "+val)
				}
				continue
			}
			if !sameSite(val) {
				foreign = append(foreign, name+" "+attr+": "+val)
				continue
			}
			if (name == "link" && attr == "href" && (strings.Contains(rel, "stylesheet") || strings.Contains(rel, "icon") ||
				strings.Contains(rel, "preload") || strings.Contains(rel, "manifest"))) ||
				(attr == "src" && name != "a") {
				local = append(local, val)
			}
		}
	}
	return local, foreign
}

func TestPageWeightAndNoOtherHost(t *testing.T) {
	ts := newTestServer(t)
	assetSize := map[string]int{}
	fetch := func(u string) int {
		t.Helper()
		if n, ok := assetSize[u]; ok {
			return n
		}
		res := ts.get(u)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", u, res.StatusCode)
		}
		if strings.HasSuffix(strings.SplitN(u, "?", 2)[0], ".css") {
			for _, m := range cssURL.FindAllStringSubmatch(res.Body, -1) {
				if !sameSite(m[3]) || strings.HasPrefix(strings.ToLower(m[0]), "@import") {
					t.Errorf("%s: %s reaches outside the site (or imports)", u, m[0])
				}
			}
		}
		assetSize[u] = len(res.Body)
		return len(res.Body)
	}
	heaviest := weighedPage{}
	heaviestWeight := 0
	for _, p := range respondentPages(t, ts) {
		local, foreign := subresources(p.res.Body)
		for _, f := range foreign {
			t.Errorf("%s: refers to another host: %s", p.name, f)
		}
		if len(local) == 0 {
			t.Errorf("%s: no stylesheet or script found: the page scan is broken", p.name)
		}
		weight := len(p.res.Body)
		for _, u := range local {
			weight += fetch(u)
		}
		if weight > maxPageWeight {
			t.Errorf("%s weighs %d bytes with its CSS and script (HTML %d), over %d", p.name, weight, len(p.res.Body), maxPageWeight)
		}
		if weight > heaviestWeight {
			heaviest, heaviestWeight = p, weight
		}
	}
	t.Logf("heaviest page: %s, %d bytes with CSS and script (HTML %d)", heaviest.name, heaviestWeight, len(heaviest.res.Body))
}

// The scan itself must see what it is meant to refuse.
func TestSubresourceScan(t *testing.T) {
	for _, tc := range []struct {
		html    string
		foreign bool
	}{
		{`<script src="/static/app.js"></script>`, false},
		{`<link rel="stylesheet" href="/static/style.css">`, false},
		{`<a href="https://988lifeline.org/">988</a>`, false},
		{`<a href="tel:988">988</a>`, false},
		{`<img src="data:image/png;base64,AAAA">`, false},
		{`<script src="https://cdn.example/x.js"></script>`, true},
		{`<script src='//cdn.example/x.js'></script>`, true},
		{`<LINK REL=stylesheet HREF=http://fonts.example/css>`, true},
		{`<img src="https://pixel.example/t.gif">`, true},
		{`<iframe src="https://evil.example/"></iframe>`, true},
		{`<form action="https://evil.example/collect">`, true},
		{`<div style="background:url(https://evil.example/x.png)">`, true},
		{`<link rel="icon" href="https://evil.example/favicon.ico">`, true},
	} {
		_, foreign := subresources(tc.html)
		if got := len(foreign) > 0; got != tc.foreign {
			t.Errorf("%s: foreign %v, want %v", tc.html, got, tc.foreign)
		}
	}
}
