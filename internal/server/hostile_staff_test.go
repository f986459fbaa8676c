package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// Hostile input against the staff side: sign-in, code redemption, share and revoke,
// summaries and downloads, and the dashboard's and export's parameters, each sent by a
// signed-in account where that is what reaches the parsing. Each gets a 4xx, no 5xx, and
// changes nothing but the audit log (failed sign-ins and redemptions are audited on purpose).
func TestHostileStaffInput(t *testing.T) { eachBackend(t, testHostileStaffInput) }

func testHostileStaffInput(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	// Released weeks: a refused filter is then refused for what it says, not for want of figures.
	answerPastWeeks(t, ts, useClock(ts), 3, 8)
	addUser(t, ts, "admin@example.org", "admin")
	addUser(t, ts, "clin@example.org", "clinician")
	admin, clin := ts.newBrowser(t), ts.newBrowser(t)
	admin.login("admin@example.org")
	clin.login("clin@example.org")
	token, id := sharedResponse(t, ts, "en", answersFor(q, "not_prescribed", 2, nil))
	makeShareCode(t, ts, token)
	before := staffSnapshot(t, ts)

	const formCT = "application/x-www-form-urlencoded"
	type req struct {
		name    string
		who     *browserClient // nil: no session
		method  string
		path    string
		ctype   string
		body    string
		headers []string
		want    int // 0: any 4xx
	}
	var cases []req
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	for i, p := range hostilePayloads {
		n := fmt.Sprintf("payload%02d", i)
		esc, qesc := url.PathEscape(p), url.QueryEscape(p)
		cases = append(cases,
			req{n + "/LoginEmail", nil, "POST", "/clinician/login", formCT, form("email", p, "password", staffPassword), nil, 0},
			req{n + "/LoginPassword", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", p), nil, 0},
			req{n + "/LoginField", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", staffPassword, p, "1"), nil, 0},
			req{n + "/RedeemCode", clin, "POST", "/clinician/redeem", formCT, form("code", p), nil, 0},
			req{n + "/SignInCode", nil, "POST", "/clinician/login/code", formCT, form("code", p), nil, 0},
			req{n + "/SignInEnrol", nil, "POST", "/clinician/login/enrol", formCT, form("code", p), nil, 0},
			req{n + "/TwoFactorCode", clin, "POST", "/clinician/two-factor", formCT, form("code", p), nil, 0},
			req{n + "/TwoFactorField", clin, "POST", "/clinician/two-factor", formCT, form("code", "123456", p, "1"), nil, 400},
			req{n + "/RedeemField", clin, "POST", "/clinician/redeem", formCT, form("code", "K7QM-4XR2-P9DH", p, "1"), nil, 0},
			req{n + "/SummaryID", clin, "GET", "/clinician/responses/" + esc, "", "", nil, 0},
			req{n + "/FHIRID", clin, "GET", "/clinician/responses/" + esc + "/questionnaire-response.json", "", "", nil, 0},
			req{n + "/ShareToken", nil, "POST", "/r/" + esc + "/share", formCT, "", nil, 404},
			req{n + "/RevokeToken", nil, "POST", "/r/" + esc + "/share/revoke", formCT, "", nil, 404},
		)
		for _, param := range []string{"q", "from", "to", "by", "language", "region", "k", "epsilon"} {
			cases = append(cases,
				req{n + "/Dashboard-" + param, admin, "GET", "/admin/stats?" + param + "=" + qesc, "", "", nil, 400},
				req{n + "/Export-" + param, admin, "GET", "/admin/stats/export?format=csv&" + param + "=" + qesc, "", "", nil, 400})
		}
		cases = append(cases, req{n + "/ExportFormat", admin, "GET", "/admin/stats/export?format=" + qesc, "", "", nil, 400})
	}
	cases = append(cases,
		req{"LoginJSON", nil, "POST", "/clinician/login", "application/json", `{"email":"admin@example.org","password":"` + staffPassword + `"}`, nil, 415},
		req{"LoginNoBody", nil, "POST", "/clinician/login", formCT, "", nil, 422},
		req{"LoginDuplicateEmail", nil, "POST", "/clinician/login", formCT, form("email", "clin@example.org", "email", "admin@example.org", "password", staffPassword), nil, 400},
		req{"LoginOversized", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", strings.Repeat("p", 70<<10)), nil, 413},
		req{"LoginLongPassword", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", strings.Repeat("p", 5000)), nil, 0},
		req{"LoginCrossSite", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", staffPassword), []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"LoginOtherOrigin", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org", "password", staffPassword), []string{"Origin", "https://evil.example"}, 403},
		req{"LoginSQLEmail", nil, "POST", "/clinician/login", formCT, form("email", "admin@example.org' --", "password", "x"), nil, 0},
		// The sign-in page ignores its query: it shows the form, and never the password.
		req{"LoginGETWithPassword", nil, "GET", "/clinician/login?email=admin@example.org&password=" + url.QueryEscape(staffPassword), "", "", nil, 200},
		req{"SignInCodeForgedCookie", nil, "POST", "/clinician/login/code", formCT, form("code", "123456"), []string{"Cookie", "ketascreen_signin=" + strings.Repeat("A", 43)}, 0},
		req{"SignInCodeCookieScript", nil, "GET", "/clinician/login/code", "", "", []string{"Cookie", `ketascreen_signin="><script>alert(1)</script>`}, 0},
		req{"TwoFactorCrossSite", clin, "POST", "/clinician/two-factor", formCT, form("code", "123456"), []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"TwoFactorSignedOut", nil, "GET", "/clinician/two-factor", "", "", nil, 0},
		req{"RedeemSignedOut", nil, "POST", "/clinician/redeem", formCT, form("code", "K7QM-4XR2-P9DH"), nil, 0},
		req{"RedeemCrossSite", clin, "POST", "/clinician/redeem", formCT, form("code", "K7QM-4XR2-P9DH"), []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"RedeemTwoCodes", clin, "POST", "/clinician/redeem", formCT, form("code", "K7QM-4XR2-P9DH", "code", "K7QM-4XR2-P9DJ"), nil, 400},
		req{"RedeemInQuery", clin, "POST", "/clinician/redeem?code=K7QM-4XR2-P9DH", formCT, "", nil, 0},
		req{"RedeemJSON", clin, "POST", "/clinician/redeem", "application/json", `{"code":"K7QM-4XR2-P9DH"}`, nil, 415},
		req{"RedeemByGET", clin, "GET", "/clinician/redeem?code=K7QM-4XR2-P9DH", "", "", nil, 405},
		req{"SummaryNotShared", clin, "GET", "/clinician/responses/" + id, "", "", nil, 0},
		req{"SummarySignedOut", nil, "GET", "/clinician/responses/" + id, "", "", nil, 0},
		req{"AdminStatsAsClinician", clin, "GET", "/admin/stats", "", "", nil, 403},
		req{"ExportAsClinician", clin, "GET", "/admin/stats/export?format=csv", "", "", nil, 403},
		req{"AuditAsClinician", clin, "GET", "/admin/audit", "", "", nil, 403},
		req{"ExportRangeReversed", admin, "GET", "/admin/stats/export?format=csv&from=2026-W10&to=2026-W01", "", "", nil, 400},
		req{"ExportRangeTooLong", admin, "GET", "/admin/stats/export?format=csv&from=2000-W01&to=2200-W01", "", "", nil, 400},
		req{"ExportKTooSmall", admin, "GET", "/admin/stats/export?format=csv&k=1", "", "", nil, 400},
		req{"ExportEpsilonNaN", admin, "GET", "/admin/stats/export?format=csv&epsilon=NaN", "", "", nil, 400},
		req{"ExportEpsilonInf", admin, "GET", "/admin/stats/export?format=csv&epsilon=Inf", "", "", nil, 400},
		req{"ExportEpsilonHuge", admin, "GET", "/admin/stats/export?format=csv&epsilon=1e308", "", "", nil, 400},
		req{"ExportByPOST", admin, "POST", "/admin/stats/export?format=csv", formCT, "", nil, 405},
		req{"ShareRealTokenCrossSite", nil, "POST", "/r/" + token + "/share", formCT, "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"RevokeRealTokenCrossSite", nil, "POST", "/r/" + token + "/share/revoke", formCT, "", []string{"Origin", "https://evil.example"}, 403},
		req{"ShareByGET", nil, "GET", "/r/" + token + "/share", "", "", nil, 405},
		req{"LogoutCrossSite", admin, "POST", "/clinician/logout", formCT, "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		req{"ForgedSessionCookie", nil, "GET", "/admin/stats", "", "", []string{"Cookie", "ketascreen_session=" + strings.Repeat("A", 43)}, 0},
		req{"SessionCookieScript", nil, "GET", "/admin/stats", "", "", []string{"Cookie", `ketascreen_session="><script>alert(1)</script>`}, 0},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res response
			if c.who != nil {
				res = c.who.do(c.method, c.path, c.ctype, c.body, c.headers...)
			} else {
				// A fresh browser each time: no cookie left over from an earlier case.
				res = ts.newBrowser(t).do(c.method, c.path, c.ctype, c.body, c.headers...)
			}
			switch {
			case res.StatusCode >= 500:
				t.Fatalf("status %d; body: %.300s", res.StatusCode, res.Body)
			case c.want != 0 && res.StatusCode != c.want:
				t.Errorf("status %d, want %d; body: %.300s", res.StatusCode, c.want, res.Body)
			case res.StatusCode == http.StatusSeeOther && c.who == nil && strings.HasPrefix(res.Header.Get("Location"), "/clinician/login"):
				// Signed out: sent to the sign-in page, which is the answer.
			case res.StatusCode < 400 && c.want != res.StatusCode:
				t.Errorf("status %d, want a 4xx; body: %.300s", res.StatusCode, res.Body)
			}
			if res.Header.Get("Set-Cookie") != "" && strings.Contains(res.Header.Get("Set-Cookie"), "session=") &&
				!strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
				t.Errorf("a hostile request got a session: %s", res.Header.Get("Set-Cookie"))
			}
			body := strings.ToLower(res.Body)
			if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				if !json.Valid([]byte(res.Body)) || strings.ContainsAny(res.Body, "<>") {
					t.Errorf("JSON answer invalid or with raw angle brackets: %.300s", res.Body)
				}
			} else {
				for _, m := range reflectedMarkers {
					if strings.Contains(body, m) {
						t.Errorf("answer contains %q: a payload came back unescaped", m)
					}
				}
				for _, p := range hostilePayloads {
					if strings.ContainsAny(p, `<>"'`) && strings.Contains(res.Body, p) {
						t.Errorf("payload %.40q reflected as is", p)
					}
				}
			}
			if strings.Contains(res.Body, staffPassword) {
				t.Error("the password came back in the answer")
			}
			for _, leak := range []string{"goroutine ", ".go:", "sqlite", "SQL logic", "panic"} {
				if strings.Contains(res.Body, leak) {
					t.Errorf("answer shows an internal detail (%q)", leak)
				}
			}
		})
	}
	t.Logf("%d hostile staff requests", len(cases))
	if after := staffSnapshot(t, ts); after != before {
		t.Errorf("hostile requests changed the database: before %+v, after %+v", before, after)
	}
	// The accounts still work, and the audit log never holds a password.
	if res := admin.get("/admin/stats"); res.StatusCode != http.StatusOK {
		t.Errorf("admin after the hostile requests: %d", res.StatusCode)
	}
	for _, r := range auditRows(t, ts) {
		if strings.Contains(r.Actor+r.Detail, staffPassword) || strings.Contains(r.Actor+r.Detail, "<script>") {
			t.Errorf("audit row holds what was typed: %+v", r)
		}
	}
}

// staffSnapshot counts what staff requests could change, besides the audit log.
type staffSnapshotT struct {
	dbSnapshot
	Users, Sessions, ShareCodes, Grants int
	Passwords                           string
}

func staffSnapshot(t *testing.T, ts *testServer) staffSnapshotT {
	t.Helper()
	s := staffSnapshotT{dbSnapshot: snapshot(t, ts)}
	db := rawDB(t, ts.DB)
	for _, q := range []struct {
		sql string
		to  *int
	}{
		{"select count(*) from users", &s.Users},
		{"select count(*) from sessions", &s.Sessions},
		{"select count(*) from share_codes", &s.ShareCodes},
		{"select count(*) from session_grants", &s.Grants},
	} {
		if err := db.QueryRow(q.sql).Scan(q.to); err != nil {
			t.Fatal(err)
		}
	}
	concat := "select group_concat(password_hash || disabled, ',') from users"
	if ts.Backend == storetest.Postgres {
		concat = "select coalesce(string_agg(password_hash || disabled, ',' order by id), '') from users"
	}
	if err := db.QueryRow(concat).Scan(&s.Passwords); err != nil {
		t.Fatal(err)
	}
	return s
}
