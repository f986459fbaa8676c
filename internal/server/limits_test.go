package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// The limits on staff tries hold for requests sent together, as an attacker sends them: 500
// held open and released at once. No more than the limit are evaluated, another account is
// not locked out, the limits survive a restart, and the audit log grows by a few folded rows.

// foldedRows are the audit rows of an action, as (outcome, tries) per row.
func foldedRows(rows []auditdb.Entry, action auditdb.Action) []string {
	var out []string
	for _, r := range rows {
		if r.Action == action {
			out = append(out, string(r.Outcome)+"×"+strconv.Itoa(max(r.Count, 1)))
		}
	}
	return out
}

// SQLite only: the burst's cost is 200 password hashes, the same on either backend; the limits
// it fills are tested on both in package staffdb (TestReserveBurst, TestInstancesShareLimits),
// and the code-step and redeem bursts below run on both.
func TestSignInBurst(t *testing.T) {
	ts := newTestServer(t)
	clock := useClock(ts)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	addUser(t, ts, "other@example.org", staffdb.RoleClinician)
	// The clinician's own browser signed in before: it holds a device cookie.
	own := ts.newBrowser(t)
	own.login("clin@example.org")
	own.postForm("/clinician/logout", url.Values{})
	before := len(auditRows(t, ts))

	burst := func(email string) []heldResult {
		reqs := make([]heldRequest, 500)
		for i := range reqs {
			reqs[i] = heldRequest{path: "/clinician/login?lang=en",
				form: url.Values{"email": {email}, "password": {"guess number " + strconv.Itoa(i)}}}
		}
		return heldBurst(t, ts.URL, reqs)
	}
	real, unknown := burst("clin@example.org"), burst("zzzz@example.org")
	for name, rs := range map[string][]heldResult{"real": real, "unknown": unknown} {
		n := statuses(rs)
		if n[http.StatusUnauthorized] != access.LoginPerHour || n[http.StatusTooManyRequests] != 500-access.LoginPerHour {
			t.Errorf("%s email: %v; want %d evaluated (401) and the rest refused (429)", name, n, access.LoginPerHour)
		}
		if ra := retryAfters(t, rs); len(ra) != 1 || ra["3600"] == 0 {
			t.Errorf("%s email: Retry-After %v, want 3600 on every 429 (every slot taken at once)", name, ra)
		}
	}
	// The same answers for an email with an account and one without.
	for _, status := range []int{http.StatusUnauthorized, http.StatusTooManyRequests} {
		var r, u heldResult
		for i := range real {
			if real[i].status == status {
				r = real[i]
			}
			if unknown[i].status == status {
				u = unknown[i]
			}
		}
		if strings.ReplaceAll(r.body, "clin@example.org", "@") != strings.ReplaceAll(u.body, "zzzz@example.org", "@") ||
			r.header.Get("Retry-After") != u.header.Get("Retry-After") {
			t.Errorf("%d: a real email is answered unlike an unknown one", status)
		}
	}
	// Now even the right password is refused, before it is checked, from a browser without
	// the device cookie...
	stranger := ts.newBrowser(t)
	if res := stranger.postForm("/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {staffPassword}}); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password after the burst: %d, want 429", res.StatusCode)
	}
	// ...while the clinician's own browser signs in, and so does another account.
	own.login("clin@example.org")
	ts.newBrowser(t).login("other@example.org")

	rows := auditRows(t, ts)[before:]
	if got := foldedRows(rows, auditdb.ActionLoginFailed); len(got) != 4 || countAudit(rows, auditdb.ActionLoginFailed, auditdb.OutcomeFailed) != 200 ||
		countAudit(rows, auditdb.ActionLoginFailed, auditdb.OutcomeThrottled) != 801 {
		t.Errorf("failed sign-ins in the audit log: %v; want 4 rows, 200 failed and 801 throttled tries", got)
	}
	if len(rows) > 8 {
		t.Errorf("1,001 refused sign-ins added %d audit rows", len(rows))
	}

	// A restart forgets nothing.
	ts = ts.restart()
	ts.Store.Now = clock.Now
	for _, email := range []string{"clin@example.org", "zzzz@example.org"} {
		res := ts.newBrowser(t).postForm("/clinician/login", url.Values{"email": {email}, "password": {staffPassword}})
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "3600" {
			t.Errorf("%s after a restart: %d, Retry-After %q; want 429, 3600", email, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	// An hour on, the slots are free again.
	clock.Advance(time.Hour)
	ts.newBrowser(t).login("clin@example.org")
}

func TestCodeStepBurst(t *testing.T) { eachBackend(t, testCodeStepBurst) }

func testCodeStepBurst(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	useClock(ts)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	own := ts.newBrowser(t)
	own.login("admin@example.org")
	own.postForm("/clinician/logout", url.Values{})

	// A stranger with the password reaches the code step, then guesses codes.
	stranger := ts.newBrowser(t)
	res := stranger.postForm("/clinician/login", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
	if !strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/code") {
		t.Fatalf("password: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	pending := "ketascreen_signin=" + stranger.cookie("ketascreen_signin")
	reqs := make([]heldRequest, 500)
	for i := range reqs {
		code := strconv.Itoa(100000 + i*1777%900000)
		if i%10 == 0 {
			code = "ABCD-EFGH-JKMN-PQ" + strconv.Itoa(10+i%90) // a wrong recovery code
		}
		reqs[i] = heldRequest{path: "/clinician/login/code", form: url.Values{"code": {code}}, cookie: pending}
	}
	rs := heldBurst(t, ts.URL, reqs)
	if n := statuses(rs); n[http.StatusUnauthorized] > access.CodePerHour || n[http.StatusUnauthorized]+n[http.StatusTooManyRequests] != 500 ||
		n[http.StatusUnauthorized] < access.CodePerHour-1 {
		// One guess in a million may be right; none may be evaluated past the limit.
		t.Errorf("500 codes at once: %v; want at most %d evaluated (401), the rest 429", n, access.CodePerHour)
	}
	retryAfters(t, rs)
	// The right code is refused too now, for the stranger; the admin's own browser signs in.
	phone := ts.auth.get("admin@example.org")
	if res := stranger.postForm("/clinician/login/code", url.Values{"code": {phone.next(t, ts.Store.Now())}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right code after the burst: %d, want 429", res.StatusCode)
	}
	own.login("admin@example.org")
	// A row per minute, outcome and kind of code (TOTP, recovery, malformed).
	rows := auditRows(t, ts)
	if got := foldedRows(rows, auditdb.ActionLoginCode); len(got) > 4 || countAudit(rows, auditdb.ActionLoginCode, "") != 501 {
		t.Errorf("501 refused codes in the audit log: %v; want them in at most 4 rows", got)
	}
}

func TestRedeemBurst(t *testing.T) { eachBackend(t, testRedeemBurst) }

func testRedeemBurst(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	q := ts.Cat.Latest(qid)
	token, rid := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 1, nil))
	code := makeShareCode(t, ts, token)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	addUser(t, ts, "other@example.org", staffdb.RoleClinician)
	doc := ts.newBrowser(t)
	doc.login("clin@example.org")
	session := "ketascreen_session=" + doc.cookie("ketascreen_session")
	before := len(auditRows(t, ts))

	reqs := make([]heldRequest, 500)
	for i := range reqs {
		guess := sharecode.Code(strings.Repeat("Z", 8) + strconv.Itoa(1000+i)).String()
		if i%5 == 0 {
			guess = "K7QM-4XR2-P9D" + "U" // cannot be a code: counted like a wrong one
		}
		reqs[i] = heldRequest{path: "/clinician/redeem?lang=en", form: url.Values{"code": {guess}}, cookie: session}
	}
	rs := heldBurst(t, ts.URL, reqs)
	n := statuses(rs)
	if evaluated := n[http.StatusNotFound] + n[http.StatusUnprocessableEntity]; evaluated != access.RedeemPerHour ||
		n[http.StatusTooManyRequests] != 500-access.RedeemPerHour {
		t.Errorf("500 codes at once: %v; want %d evaluated (404, 422) and the rest 429", n, access.RedeemPerHour)
	}
	if ra := retryAfters(t, rs); len(ra) != 1 || ra["3600"] == 0 {
		t.Errorf("Retry-After %v, want 3600 on every 429", ra)
	}
	// The clinician's own valid code now waits too; another clinician is not locked out and,
	// redeeming first, holds the code.
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a valid code after the burst: %d, want 429", res.StatusCode)
	}
	other := ts.newBrowser(t)
	other.login("other@example.org")
	if res := other.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another clinician: %d, want 303", res.StatusCode)
	}
	if res := other.get("/clinician/responses/" + rid); res.StatusCode != http.StatusOK {
		t.Fatalf("another clinician's summary: %d", res.StatusCode)
	}
	rows := auditRows(t, ts)[before:]
	// The one that worked, and a row per outcome and kind of failure (wrong, malformed).
	if got := foldedRows(rows, auditdb.ActionRedeem); len(got) > 4 || countAudit(rows, auditdb.ActionRedeem, auditdb.OutcomeOK) != 1 ||
		countAudit(rows, auditdb.ActionRedeem, auditdb.OutcomeFailed) != access.RedeemPerHour ||
		countAudit(rows, auditdb.ActionRedeem, auditdb.OutcomeThrottled) != 491 {
		t.Errorf("redemptions in the audit log: %v; want 1 ok, 10 failed and 491 throttled tries in at most 4 rows", got)
	}

	// A restart forgets nothing: the session and the limit are in the database.
	ts = ts.restart()
	ts.Store.Now = clock.Now
	again := ts.newBrowser(t)
	u, _ := url.Parse(ts.URL)
	again.c.Jar.SetCookies(u, []*http.Cookie{{Name: "ketascreen_session", Value: strings.TrimPrefix(session, "ketascreen_session="), Path: "/"}})
	if res := again.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after a restart: %d, want 429", res.StatusCode)
	}
	// An hour on the clinician may try again, and the code is another's: a wrong code to them.
	for range 3 {
		clock.Advance(20 * time.Minute)
		again.get("/clinician")
	}
	if res := again.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a code another clinician holds: %d, want 404", res.StatusCode)
	}
}

// No global lockout: eleven accounts use their allowance at once (110 failures, past the
// alarm's 100 an hour); a twelfth still redeems, and the alarm is logged and audited once.
func TestRedeemNoGlobalLockout(t *testing.T) { eachBackend(t, testRedeemNoGlobalLockout) }

func testRedeemNoGlobalLockout(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	useClock(ts)
	q := ts.Cat.Latest(qid)
	token, _ := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 1, nil))
	code := makeShareCode(t, ts, token)
	var reqs []heldRequest
	for a := range 11 {
		email := "c" + strconv.Itoa(a) + "@example.org"
		addUser(t, ts, email, staffdb.RoleClinician)
		b := ts.newBrowser(t)
		b.login(email)
		for i := range 15 {
			guess := sharecode.Code("ZZZZZZZZZZ" + strconv.Itoa(10+i)).String()
			reqs = append(reqs, heldRequest{path: "/clinician/redeem", form: url.Values{"code": {guess}},
				cookie: "ketascreen_session=" + b.cookie("ketascreen_session")})
		}
	}
	n := statuses(heldBurst(t, ts.URL, reqs))
	if n[http.StatusNotFound] != 11*access.RedeemPerHour || n[http.StatusTooManyRequests] != 11*5 {
		t.Fatalf("11 accounts, 15 codes each at once: %v; want 10 evaluated for each", n)
	}
	addUser(t, ts, "late@example.org", staffdb.RoleClinician)
	late := ts.newBrowser(t)
	late.login("late@example.org")
	if res := late.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a twelfth clinician after 110 failures: %d, want 303", res.StatusCode)
	}
	if n := countAudit(auditRows(t, ts), auditdb.ActionRedeemAlarm, auditdb.OutcomeAlarm); n != 1 {
		t.Errorf("%d alarm rows, want 1", n)
	}
	if !strings.Contains(ts.Logs.String(), "passed the alarm threshold") {
		t.Error("the alarm was not logged")
	}
}

// One try after another: malformed codes count like wrong ones; past the limit even a valid
// code waits, with the words and Retry-After; refusals are folded into a row a minute; an
// hour after the first failure there is room again.
func TestRedeemThrottle(t *testing.T) { eachBackend(t, testRedeemThrottle) }

func testRedeemThrottle(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	q := ts.Cat.Latest(qid)
	token, _ := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 1, nil))
	code := makeShareCode(t, ts, token)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	doc := ts.newBrowser(t)
	doc.login("clin@example.org")

	for range 3 {
		res := doc.postForm("/clinician/redeem?lang=en", url.Values{"code": {"K7QM-4XR2-P9DU"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("malformed: %d", res.StatusCode)
		}
		mustContain(t, res.Body, "This is not a share code")
	}
	for i := range 7 {
		res := doc.postForm("/clinician/redeem?lang=en", url.Values{"code": {sharecode.Code("0000000000A" + strconv.Itoa(i)).String()}})
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("wrong code %d: %d", i, res.StatusCode)
		}
		mustContain(t, res.Body, "This code does not open a result")
		clock.Advance(time.Minute)
	}
	res := doc.postForm("/clinician/redeem?lang=en", url.Values{"code": {code}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != strconv.Itoa(3600-7*60) {
		t.Fatalf("11th try (a valid code): %d, Retry-After %q; want 429, %d", res.StatusCode, res.Header.Get("Retry-After"), 3600-7*60)
	}
	mustContain(t, res.Body, "Too many codes did not work", "about 53 minutes")
	for range 20 {
		if res := doc.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("while throttled: %d", res.StatusCode)
		}
	}
	rows := auditRows(t, ts)
	if countAudit(rows, "redeem", "failed") != 10 || countAudit(rows, "redeem", "throttled") != 21 || countAudit(rows, "redeem", "ok") != 0 ||
		len(foldedRows(rows, auditdb.ActionRedeem)) > 9 {
		t.Errorf("audit: %v; want 10 failed and 21 throttled tries in a few rows", foldedRows(rows, auditdb.ActionRedeem))
	}
	// An hour after the first failure, one more try is allowed. (The session is kept alive.)
	for range 2 {
		clock.Advance(27 * time.Minute)
		doc.get("/clinician")
	}
	if res := doc.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after an hour: %d, want 303", res.StatusCode)
	}
}

func TestDisabledAccountCannotSignIn(t *testing.T) { eachBackend(t, testDisabledAccountCannotSignIn) }

func testDisabledAccountCannotSignIn(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	addUser(t, ts, "gone@example.org", staffdb.RoleClinician)
	staffdb.New(ts.Store).SetUserDisabled(t.Context(), "gone@example.org", true, "test")
	res := ts.newBrowser(t).postForm("/clinician/login?lang=en", url.Values{"email": {"gone@example.org"}, "password": {staffPassword}})
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("disabled account: %d, cookie %q", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	mustContain(t, res.Body, "The email or the password is not right")
	rows := auditRows(t, ts)
	if n := countAudit(rows, "login_failed", "failed"); n != 1 || rows[len(rows)-1].Detail != "disabled" {
		t.Errorf("%d failed sign-ins audited (%+v), want 1 with detail disabled", n, rows[len(rows)-1])
	}
}
