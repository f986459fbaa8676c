package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

var (
	keyRE      = regexp.MustCompile(`<code id="totp-key">([A-Z2-7 ]+)</code>`)
	recoveryRE = regexp.MustCompile(`<li><code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code></li>`)
)

// enrolPageKey is the key an enrolment page shows, without its spaces.
func enrolPageKey(t *testing.T, res response) string {
	t.Helper()
	m := keyRE.FindStringSubmatch(res.Body)
	if m == nil || !strings.Contains(res.Body, "<svg") {
		t.Fatalf("enrolment page without a key or QR code: %d\n%.600s", res.StatusCode, res.Body)
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// An admin without two-factor sign-in enrols at sign-in (and reaches nothing before), then
// signs in with codes; a replayed code and a used recovery code are refused.
func TestTwoFactorSignIn(t *testing.T) { eachBackend(t, testTwoFactorSignIn) }

func testTwoFactorSignIn(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	addStaff(t, ts, "admin@example.org", staffdb.RoleAdmin, false)
	b := ts.newBrowser(t)
	res := b.postForm("/clinician/login?lang=en", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/enrol") ||
		b.cookie("ketascreen_session") != "" || b.cookie("ketascreen_signin") == "" {
		t.Fatalf("password of an admin without two-factor: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Half signed in: no staff page opens.
	for _, p := range []string{"/admin/audit", "/clinician/two-factor", "/admin/stats"} {
		if res := b.get(p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login") {
			t.Errorf("%s before enrolling: %d to %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	page := b.get("/clinician/login/enrol?lang=en")
	if page.StatusCode != http.StatusOK || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("enrolment page: %d, Cache-Control %q", page.StatusCode, page.Header.Get("Cache-Control"))
	}
	key := enrolPageKey(t, page)
	if again := enrolPageKey(t, b.get("/clinician/login/enrol?lang=es")); again != key {
		t.Error("reloading the enrolment page changed the key the app may have scanned")
	}
	if res := b.postForm("/clinician/login/enrol?lang=en", url.Values{"code": {"123456"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong first code: %d", res.StatusCode)
	} else {
		mustContain(t, res.Body, "This code does not match", key[:4]) // the page again, with its key
	}
	cur := clock.Now().Unix() / 30
	first := totpCode(t, key, cur)
	res = b.postForm("/clinician/login/enrol?lang=en", url.Values{"code": {first}})
	codes := recoveryRE.FindAllStringSubmatch(res.Body, -1)
	if res.StatusCode != http.StatusOK || len(codes) != access.RecoveryCodes || res.Header.Get("Cache-Control") != "no-store" ||
		b.cookie("ketascreen_session") == "" || b.cookie("ketascreen_signin") != "" {
		t.Fatalf("confirming: %d, %d recovery codes\n%.600s", res.StatusCode, len(codes), res.Body)
	}
	if res := b.get("/admin/audit"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in after enrolling: %d", res.StatusCode)
	}

	signIn := func(code string) response {
		t.Helper()
		b.postForm("/clinician/logout", url.Values{})
		res := b.postForm("/clinician/login?lang=en", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
		if !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/code") {
			t.Fatalf("password: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		return b.postForm("/clinician/login/code?lang=en", url.Values{"code": {code}})
	}
	// The first code was used to enrol: it does not sign in within its window.
	if res := signIn(first); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the enrolment's code again: %d, want 401", res.StatusCode)
	} else {
		mustContain(t, res.Body, "This code was used already")
	}
	next := totpCode(t, key, cur+1)
	if res := b.postForm("/clinician/login/code?lang=en", url.Values{"code": {next}}); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/clinician?") {
		t.Fatalf("the next code: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := signIn(next); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a replayed code: %d, want 401", res.StatusCode)
	}
	// A recovery code, typed in lower case without hyphens, works once.
	recovery := codes[3][1]
	res = b.postForm("/clinician/login/code?lang=en", url.Values{"code": {strings.ToLower(strings.ReplaceAll(recovery, "-", ""))}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clinician/two-factor") {
		t.Fatalf("a recovery code: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	mustContain(t, b.get(res.Header.Get("Location")).Body, "That code does not work again", "Recovery codes left: 9 of 10")
	if res := signIn(recovery); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a used recovery code: %d, want 401", res.StatusCode)
	} else {
		mustContain(t, res.Body, "This code is not right")
	}
	// Few codes left: the code page says so.
	if strings.Contains(b.get("/clinician/login/code?lang=en").Body, "recovery codes left") {
		t.Error("the code page warns with 9 recovery codes left")
	}
	if res := b.postForm("/clinician/login/code", url.Values{"code": {codes[4][1]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", res.StatusCode)
	}
	for _, c := range codes[5:] {
		if res := signIn(c[1]); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("recovery code %s: %d", c[1], res.StatusCode)
		}
	}
	signIn("")
	mustContain(t, b.get("/clinician/login/code?lang=en").Body, "You have 3 recovery codes left")

	// Neither the key nor a code is stored or logged in plain text.
	ts.Close()
	data := ts.stored()
	for _, s := range []string{key, recovery, strings.ReplaceAll(recovery, "-", ""), first} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the database holds %q", s)
		}
	}
	for _, s := range []string{key, recovery, first, next} {
		if strings.Contains(ts.Logs.String(), s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

// serve --require-2fa: a clinician without two-factor sign-in enrols at sign-in; one whose
// session is older than the rule reaches only the two-factor page until enrolled.
func TestRequireTwoFactor(t *testing.T) { eachBackend(t, testRequireTwoFactor) }

func testRequireTwoFactor(t *testing.T, be backend) {
	ts := newTestServerOpts(t, be.New(t), serverOptions{RequireTwoFactor: true}, &authenticators{})
	clock := useClock(ts)
	u := addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	res := ts.newBrowser(t).postForm("/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {staffPassword}})
	if !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/enrol") {
		t.Fatalf("a clinician's password under --require-2fa: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	// A session from before the rule.
	token, err := staffdb.New(ts.Store).CreateSession(t.Context(), u, "", auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: auditdb.ActionLogin, Outcome: auditdb.OutcomeOK})
	if err != nil {
		t.Fatal(err)
	}
	b := ts.newBrowser(t)
	base, _ := url.Parse(ts.URL)
	b.c.Jar.SetCookies(base, []*http.Cookie{{Name: "ketascreen_session", Value: token, Path: "/"}})
	for _, r := range []struct{ method, path string }{{"GET", "/clinician"}, {"POST", "/clinician/redeem"}, {"GET", "/clinician/login"},
		{"GET", "/clinician/responses/0123456789abcdef0123456789abcdef"}} {
		var res response
		if r.method == "GET" {
			res = b.get(r.path)
		} else {
			res = b.postForm(r.path, url.Values{"code": {"K7QM-4XR2-P9DH"}})
		}
		if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/clinician") && r.path == "/clinician/login" {
			res = b.get(res.Header.Get("Location")) // signed in: to the home, which sends on
		}
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clinician/two-factor") {
			t.Errorf("%s %s before enrolling: %d to %q", r.method, r.path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	page := b.get("/clinician/two-factor?lang=en")
	mustContain(t, page.Body, "Your account needs a second step")
	res = b.postForm("/clinician/two-factor?lang=en", url.Values{"code": {totpCode(t, enrolPageKey(t, page), clock.Now().Unix()/30)}})
	if n := len(recoveryRE.FindAllString(res.Body, -1)); res.StatusCode != http.StatusOK || n != access.RecoveryCodes {
		t.Fatalf("enrolling: %d, %d codes", res.StatusCode, n)
	}
	if res := b.get("/clinician"); res.StatusCode != http.StatusOK {
		t.Errorf("the home after enrolling: %d", res.StatusCode)
	}
	if res := b.postForm("/clinician/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign out: %d", res.StatusCode)
	}
}

// A signed-in clinician sets up two-factor sign-in by choice from the staff pages; from then
// on every sign-in asks for a code.
func TestVoluntaryTwoFactor(t *testing.T) { eachBackend(t, testVoluntaryTwoFactor) }

func testVoluntaryTwoFactor(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	b := ts.newBrowser(t)
	b.login("clin@example.org")
	home := b.get("/clinician?lang=en")
	mustContain(t, home.Body, `href="/clinician/two-factor?lang=en"`)
	page := b.get("/clinician/two-factor?lang=en")
	if page.StatusCode != http.StatusOK || strings.Contains(page.Body, "Your account needs") {
		t.Fatalf("two-factor page: %d\n%.400s", page.StatusCode, page.Body)
	}
	mustContain(t, page.Body, "Add a second step", `aria-current="page"`, `role="img"`, `aria-label="QR code to scan`)
	key := enrolPageKey(t, page)
	for _, bad := range []url.Values{{"code": {"12345"}}, {"code": {"abcdef"}}, {"code": {totpCode(t, key, clock.Now().Unix()/30+5)}}} {
		if res := b.postForm("/clinician/two-factor?lang=en", bad); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%v: %d, want 401", bad, res.StatusCode)
		}
	}
	for _, bad := range []struct {
		ctype, body string
		want        int
	}{{"text/plain", "code=123456", 415}, {"application/x-www-form-urlencoded", "code=1&code=2", 400},
		{"application/x-www-form-urlencoded", "code=1&secret=2", 400}} {
		if res := b.do("POST", "/clinician/two-factor", bad.ctype, bad.body); res.StatusCode != bad.want {
			t.Errorf("%s %q: %d, want %d", bad.ctype, bad.body, res.StatusCode, bad.want)
		}
	}
	res := b.postForm("/clinician/two-factor?lang=en", url.Values{"code": {totpCode(t, key, clock.Now().Unix()/30)}})
	if n := len(recoveryRE.FindAllString(res.Body, -1)); res.StatusCode != http.StatusOK || n != access.RecoveryCodes {
		t.Fatalf("enrolling: %d, %d codes", res.StatusCode, n)
	}
	mustContain(t, b.get("/clinician/two-factor?lang=en").Body, "Two-factor sign-in is on", "Recovery codes left: 10 of 10")
	// A second confirmation changes nothing.
	if res := b.postForm("/clinician/two-factor", url.Values{"code": {"000000"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("confirming again: %d", res.StatusCode)
	}
	b.postForm("/clinician/logout", url.Values{})
	res = b.postForm("/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {staffPassword}})
	if !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/code") {
		t.Fatalf("the next sign-in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := b.postForm("/clinician/login/code", url.Values{"code": {totpCode(t, key, clock.Now().Unix()/30+1)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the code: %d", res.StatusCode)
	}
}

// A half-done sign-in lasts 10 minutes; after that, or without one, the code step sends the
// browser back to the password, and bad input there changes nothing.
func TestSignInStepExpires(t *testing.T) { eachBackend(t, testSignInStepExpires) }

func testSignInStepExpires(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	b := ts.newBrowser(t)
	b.postForm("/clinician/login", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
	if res := b.get("/clinician/login/code?lang=es"); res.StatusCode != http.StatusOK {
		t.Fatalf("code page: %d", res.StatusCode)
	}
	for _, bad := range []struct {
		ctype, body string
		want        int
	}{{"text/plain", "code=123456", 415}, {"application/x-www-form-urlencoded", "code=1&code=2", 400},
		{"application/x-www-form-urlencoded", "pending=x", 400}} {
		if res := b.do("POST", "/clinician/login/code", bad.ctype, bad.body); res.StatusCode != bad.want {
			t.Errorf("%s %q: %d, want %d", bad.ctype, bad.body, res.StatusCode, bad.want)
		}
	}
	if n := countAudit(auditRows(t, ts), auditdb.ActionLoginCode, ""); n != 0 {
		t.Errorf("bad requests counted as %d tries", n)
	}
	clock.Advance(staffdb.SignInStepLifetime)
	phone := ts.auth.get("admin@example.org")
	res := b.postForm("/clinician/login/code?lang=en", url.Values{"code": {phone.next(t, clock.Now())}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/clinician/login?expired=1&lang=en" ||
		!strings.Contains(res.Header.Get("Set-Cookie"), "ketascreen_signin=; Path=/; Max-Age=0") {
		t.Fatalf("a code after 10 minutes: %d to %q, %q", res.StatusCode, res.Header.Get("Location"), res.Header.Get("Set-Cookie"))
	}
	mustContain(t, b.get(res.Header.Get("Location")).Body, "not finished within 10 minutes")
	for _, p := range []string{"/clinician/login/code", "/clinician/login/enrol"} {
		if res := ts.newBrowser(t).get(p); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login?expired=1") {
			t.Errorf("%s without a sign-in: %d to %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// A half-done sign-in at the code step is not one at enrolment.
	b.postForm("/clinician/login", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
	if res := b.get("/clinician/login/enrol"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("enrolment page while at the code step: %d", res.StatusCode)
	}
}
