package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Every staff route for a stranger, a clinician, an admin and a disabled account: who gets the
// page, who is sent to sign in, who is refused. A share code serves the first clinician who
// redeems it: for every other account it is a wrong code.
func TestAccessMatrix(t *testing.T) { eachBackend(t, testAccessMatrix) }

func testAccessMatrix(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	// Released weeks, so that the dashboard and its export have figures to show.
	answerPastWeeks(t, ts, useClock(ts), 2, 6)
	token, rid := sharedResponse(t, ts, "en", severeAnswers(q))
	_, other := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 0, nil))
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	addUser(t, ts, "gone@example.org", staffdb.RoleClinician)

	code := makeShareCode(t, ts, token)
	anon := ts.newBrowser(t)
	clin := ts.newBrowser(t)
	admin := ts.newBrowser(t)
	gone := ts.newBrowser(t)
	wrong := ""
	for i, b := range []struct {
		c     *browserClient
		email string
	}{{clin, "clin@example.org"}, {admin, "admin@example.org"}, {gone, "gone@example.org"}} {
		b.c.login(b.email)
		res := b.c.postForm("/clinician/redeem?lang=en", url.Values{"code": {code}})
		if i == 0 {
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s redeem: %d", b.email, res.StatusCode)
			}
			wrong = b.c.postForm("/clinician/redeem?lang=en", url.Values{"code": {"ZZZZ-ZZZZ-ZZZZ"}}).Body
			continue
		}
		// The code is held: the same 404 and words as a wrong code, nothing about who holds it.
		if res.StatusCode != http.StatusNotFound || withoutNav(res.Body) != withoutNav(wrong) {
			t.Fatalf("%s redeems a code another clinician holds: %d\n%.600s", b.email, res.StatusCode, res.Body)
		}
	}
	// Disabling ends the account's sessions at once.
	if err := staffdb.New(ts.Store).SetUserDisabled(context.Background(), "gone@example.org", true, "test"); err != nil {
		t.Fatal(err)
	}

	const (
		ok     = http.StatusOK
		login  = http.StatusSeeOther // to the sign-in page
		denied = http.StatusForbidden
		home   = -http.StatusSeeOther // a redirect elsewhere than sign-in
	)
	summary := "/clinician/responses/" + rid
	routes := []struct {
		method, path string
		form         url.Values
		want         [4]int // anonymous, clinician, admin, disabled
	}{
		{"GET", "/clinician", nil, [4]int{ok, ok, ok, ok}},
		{"GET", "/clinician/login", nil, [4]int{ok, home, home, ok}},
		{"POST", "/clinician/redeem", url.Values{"code": {"not a code"}}, [4]int{login, 422, 422, login}},
		{"GET", summary, nil, [4]int{login, ok, denied, login}},
		{"GET", summary + "/questionnaire-response.json", nil, [4]int{login, ok, denied, login}},
		{"GET", summary + "/questionnaire.json", nil, [4]int{login, ok, denied, login}},
		{"GET", "/clinician/responses/" + other, nil, [4]int{login, denied, denied, login}},
		{"GET", "/clinician/responses/" + other + "/questionnaire-response.json", nil, [4]int{login, denied, denied, login}},
		{"GET", "/admin/audit", nil, [4]int{login, denied, ok, login}},
		{"GET", "/admin/stats", nil, [4]int{login, denied, ok, login}},
		{"GET", "/admin/stats/export?format=json", nil, [4]int{login, denied, ok, login}},
	}
	who := []string{"anonymous", "clinician", "admin", "disabled"}
	for _, r := range routes {
		for i, b := range []*browserClient{anon, clin, admin, gone} {
			t.Run(who[i]+r.method+strings.ReplaceAll(r.path, "/", "_"), func(t *testing.T) {
				var res response
				if r.method == "GET" {
					res = b.get(r.path)
				} else {
					res = b.postForm(r.path, r.form)
				}
				want := r.want[i]
				loc := res.Header.Get("Location")
				switch {
				case want == home:
					if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/clinician/login") {
						t.Errorf("status %d to %q, want a redirect away from sign-in", res.StatusCode, loc)
					}
				case want == login:
					if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/clinician/login") {
						t.Errorf("status %d to %q, want a redirect to sign-in", res.StatusCode, loc)
					}
				case res.StatusCode != want:
					t.Errorf("status %d, want %d; %.300s", res.StatusCode, want, res.Body)
				}
				if res.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", res.Header.Get("Cache-Control"))
				}
				if strings.Contains(res.Body, code) || strings.Contains(loc, code) {
					t.Error("the share code appears in a staff page or redirect")
				}
			})
		}
	}

	// Signing out ends the session on the server: the old cookie no longer works.
	cookie := clin.cookie("ketascreen_session")
	if res := clin.postForm("/clinician/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	replay := ts.newBrowser(t)
	u, _ := url.Parse(ts.URL)
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: "ketascreen_session", Value: cookie, Path: "/"}})
	if res := replay.get(summary); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a signed-out session still opens the summary: %d", res.StatusCode)
	}
	// Logout of a stranger changes nothing and is not an error.
	if res := anon.postForm("/clinician/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous logout: %d", res.StatusCode)
	}
}

// The respondent makes a code; a clinician redeems it and reads the summary in their own
// language; the respondent withdraws it; a new code replaces the old one.
func TestShareJourney(t *testing.T) { eachBackend(t, testShareJourney) }

func testShareJourney(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	q := ts.Cat.Latest(qid)
	token, rid := sharedResponse(t, ts, "en", answersFor(q, "not_prescribed", 5, questionnaire.Answers{"safety": {"yes"}, "urinary": {"pain"}}))
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)

	result := ts.get("/r/" + token + "?lang=en")
	mustContain(t, result.Body, `action="/r/`+token+`/share?lang=en"`, "Share with a clinician", "works for 30 days")
	if strings.Contains(result.Body, "Withdraw the code") {
		t.Error("withdraw offered before any code exists")
	}

	code := makeShareCode(t, ts, token)
	result = ts.get("/r/" + token + "?lang=en")
	mustContain(t, result.Body, "works until the end of 8 April 2026", "Withdraw the code", "Make a new code")
	if strings.Contains(result.Body, code) {
		t.Error("the result page shows the code again")
	}

	doc := ts.newBrowser(t)
	doc.login("clin@example.org")
	// Typed the way people type: lower case, spaces, look-alike letters.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
	res := doc.postForm("/clinician/redeem?lang=es", url.Values{"code": {typed}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || loc != "/clinician/responses/"+rid+"?lang=es" {
		t.Fatalf("redeem: %d to %q", res.StatusCode, loc)
	}
	summary := doc.get(loc)
	if summary.StatusCode != http.StatusOK {
		t.Fatalf("summary: %d", summary.StatusCode)
	}
	// In the clinician's language (Spanish), though the person answered in English.
	mustContain(t, summary.Body, "Resumen de la autoevaluación", "Idioma de las respuestas", "inglés",
		"Cribado, no diagnóstico", "de 11 criterios",
		"No se preguntó", "contó", q.Item("use_context").Prompt.In("es"), "10 de marzo de 2026", "8 de abril de 2026")
	// Each flag by its name for clinicians (not the words written for the person), with its
	// suggested follow-up, said to be a suggestion.
	for _, id := range []string{"safety", "urinary"} {
		f := q.Flag(id)
		mustContain(t, summary.Body, htmlEscape(f.ClinicianLabel.In("es")), htmlEscape(f.FollowUp.In("es")))
		if strings.Contains(summary.Body, htmlEscape(f.Title.In("es"))) {
			t.Errorf("flag %s: the summary shows the words written for the person, %q", id, f.Title.In("es"))
		}
	}
	mustContain(t, summary.Body, "Son solo sugerencias, para su criterio clínico.")
	// Flags first: the safety flag before the level, the level before the answers.
	iFlag, iLevel, iAnswers := strings.Index(summary.Body, htmlEscape(q.Flag("safety").ClinicianLabel.In("es"))), strings.Index(summary.Body, "Nivel de preocupación"),
		strings.Index(summary.Body, "Todas las respuestas")
	if !(iFlag > 0 && iFlag < iLevel && iLevel < iAnswers) {
		t.Errorf("order: flags %d, level %d, answers %d", iFlag, iLevel, iAnswers)
	}
	// Every item is listed, asked or not.
	for _, it := range q.Items() {
		if !strings.Contains(summary.Body, htmlEscape(it.Prompt.In("es"))) {
			t.Errorf("item %s missing from the summary", it.ID)
		}
	}
	if strings.Contains(summary.Body, code) {
		t.Error("the summary shows the code")
	}

	// Withdrawn: the open summary closes, the code no longer works.
	if res := ts.postForm("/r/"+token+"/share/revoke?lang=en", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res := doc.get(loc); res.StatusCode != http.StatusForbidden {
		t.Errorf("summary after revocation: %d, want 403", res.StatusCode)
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoked code: %d, want 404", res.StatusCode)
	}
	result = ts.get("/r/" + token + "?lang=en")
	if strings.Contains(result.Body, "Withdraw the code") {
		t.Error("the result page still shows an active code")
	}

	// A new code replaces an old one.
	first := makeShareCode(t, ts, token)
	second := makeShareCode(t, ts, token)
	if first == second {
		t.Fatal("the same code twice")
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {first}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("replaced code: %d, want 404", res.StatusCode)
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {second}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new code: %d", res.StatusCode)
	}

	// Expired after its 30th day (UTC).
	clock.Advance(29*24*time.Hour + 14*time.Hour) // the last day, 23:00; the session has timed out
	doc.login("clin@example.org")
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {second}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code on its last day: %d", res.StatusCode)
	}
	for _, want := range []int{http.StatusOK, http.StatusOK, http.StatusOK, http.StatusForbidden} {
		if res := doc.get(loc); res.StatusCode != want {
			t.Errorf("summary at %s: %d, want %d", clock.Now().Format(time.RFC3339), res.StatusCode, want)
		}
		clock.Advance(29 * time.Minute)
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {second}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("expired code: %d, want 404", res.StatusCode)
	}

	// The person deletes their answers: the code goes with them.
	third := makeShareCode(t, ts, token)
	if res := ts.postForm("/r/"+token+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {third}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("code of deleted answers: %d, want 404", res.StatusCode)
	}
	if res := ts.postForm("/r/"+token+"/share", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("share after deletion: %d, want 404", res.StatusCode)
	}
}

// The staff navigation marks the part of the staff area a page is in, for screen readers too.
func TestStaffNavMarksCurrentPage(t *testing.T) {
	ts := newTestServer(t)
	answerPastWeeks(t, ts, useClock(ts), 2, 6)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	b := ts.newBrowser(t)
	b.login("admin@example.org")
	current := regexp.MustCompile(`<a href="([^"?]*)[^"]*" aria-current="page"`)
	for path, want := range map[string]string{
		"/clinician": "/clinician", "/admin/audit": "/admin/audit", "/admin/stats": "/admin/stats",
		"/admin/stats/answers": "/admin/stats", "/admin/stats/export": "/admin/stats",
	} {
		res := b.get(path + "?lang=en")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		nav := res.Body[strings.Index(res.Body, `<nav class="staff-nav`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		m := current.FindAllStringSubmatch(nav, -1)
		if len(m) != 1 || m[0][1] != want {
			t.Errorf("%s: current links %v, want %s", path, m, want)
		}
	}
}

// Switching language on the dashboard or the audit log keeps the filter.
func TestStaffLanguageLinksKeepTheFilter(t *testing.T) {
	ts := newTestServer(t)
	answerPastWeeks(t, ts, useClock(ts), 2, 6)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	b := ts.newBrowser(t)
	b.login("admin@example.org")
	spanish := regexp.MustCompile(`<a href="([^"]*lang=es[^"]*)"[^>]*>Español</a>`)
	for path, want := range map[string]url.Values{
		"/admin/stats/answers?lang=en&region=uk&by=month": {"by": {"month"}, "region": {"uk"}, "lang": {"es"}},
		"/admin/audit?lang=en&action=login":               {"action": {"login"}, "lang": {"es"}},
	} {
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		m := spanish.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("%s: no link to the page in Spanish", path)
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if u.Path != strings.SplitN(path, "?", 2)[0] {
			t.Errorf("%s: the Spanish link goes to %s", path, u.Path)
		}
		for k, v := range want {
			if got := u.Query()[k]; !slices.Equal(got, v) {
				t.Errorf("%s: the Spanish link has %s=%v, want %v", path, k, got, v)
			}
		}
	}
}
