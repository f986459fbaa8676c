package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Every page of the site's one page table is rendered here, in English and Spanish, by the
// request a person makes to reach it; a page added to the table without a request here fails
// the test.
func TestEveryPageRenders(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	token, id := sharedResponse(t, ts, "en", answersFor(q, "not_prescribed", 5, nil))
	code := makeShareCode(t, ts, token)
	gone, _ := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 0, nil))
	// Making a code replaces a response's earlier one: the share-code page is shown for another.
	other, _ := sharedResponse(t, ts, "es", answersFor(q, "both", 2, nil))
	if res := ts.postForm("/r/"+gone+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	b := ts.newBrowser(t)
	b.login("admin@example.org")
	// Half signed in: the password given, the code next.
	pending := ts.newBrowser(t)
	pending.postForm("/clinician/login", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
	// Signed in without two-factor sign-in: the staff page offers to set it up.
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	clin := ts.newBrowser(t)
	clin.login("clin@example.org")
	if res := b.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redeem: %d %.300s", res.StatusCode, res.Body)
	}

	type visit struct {
		page   string
		status int
		get    func(lang string) response
	}
	anon := func(path string) func(string) response {
		return func(lang string) response { return ts.get(path + "?lang=" + lang) }
	}
	signedIn := func(path string) func(string) response {
		return func(lang string) response { return b.get(path + "?lang=" + lang) }
	}
	visits := []visit{
		{"landing", 200, anon("/")},
		{"questionnaire", 200, anon("/q/" + qid)},
		{"result", 200, anon("/r/" + token)},
		{"delete", 200, anon("/r/" + token + "/delete")},
		{"deleted", 410, anon("/r/" + gone)},
		{"privacy", 200, anon("/privacy")},
		{"help", 200, anon("/help")},
		{"error", 404, anon("/nowhere")},
		{"share_code", 200, func(lang string) response {
			return ts.postForm("/r/"+other+"/share?lang="+lang, url.Values{})
		}},
		{"clinician_login", 200, anon("/clinician/login")},
		{"clinician_home", 200, signedIn("/clinician")},
		{"clinician_summary", 200, signedIn("/clinician/responses/" + id)},
		{"admin_audit", 200, signedIn("/admin/audit")},
		{"admin_stats", 200, signedIn("/admin/stats")},
		{"signin_code", 200, func(lang string) response { return pending.get("/clinician/login/code?lang=" + lang) }},
		{"two_factor_enrol", 200, func(lang string) response { return clin.get("/clinician/two-factor?lang=" + lang) }},
		{"two_factor_codes", 200, func(lang string) response {
			// The codes are shown once, when enrolment is confirmed: a new account each time.
			email := "codes-" + lang + "@example.org"
			addUser(t, ts, email, staffdb.RoleClinician)
			nb := ts.newBrowser(t)
			nb.login(email)
			key := enrolPageKey(t, nb.get("/clinician/two-factor"))
			return nb.postForm("/clinician/two-factor?lang="+lang, url.Values{"code": {totpCode(t, key, ts.Store.Now().Unix()/30)}})
		}},
		{"two_factor", 200, signedIn("/clinician/two-factor")},
	}
	var visited []string
	for _, v := range visits {
		for _, lang := range []string{"en", "es"} {
			res := v.get(lang)
			if res.StatusCode != v.status {
				t.Errorf("%s (%s): status %d, want %d\n%.300s", v.page, lang, res.StatusCode, v.status, res.Body)
				continue
			}
			if !strings.HasPrefix(res.Body, "<!doctype html>") || !strings.Contains(res.Body, `<html lang="`+lang+`">`) ||
				!strings.HasSuffix(strings.TrimSpace(res.Body), "</html>") {
				t.Errorf("%s (%s): not a whole page in its language: %.200s", v.page, lang, res.Body)
			}
		}
		visited = append(visited, v.page)
	}
	sort.Strings(visited)
	if want := web.PageNames(); !slices.Equal(visited, want) {
		t.Errorf("pages visited %v, the page table has %v", visited, want)
	}
}
