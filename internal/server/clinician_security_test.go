package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/internal/testtool"
)

func TestSessionTimeoutsOverHTTP(t *testing.T) { eachBackend(t, testSessionTimeoutsOverHTTP) }

func testSessionTimeoutsOverHTTP(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	clock := useClock(ts)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	b := ts.newBrowser(t)
	signedIn := func() bool {
		res := b.get("/clinician")
		return strings.Contains(res.Body, `name="code"`)
	}
	before := b.cookie("ketascreen_session")
	b.login("clin@example.org")
	first := b.cookie("ketascreen_session")
	if first == "" || first == before {
		t.Fatal("no new session cookie at login")
	}
	b.login("clin@example.org")
	if second := b.cookie("ketascreen_session"); second == first {
		t.Fatal("the session id did not change at a second login")
	}

	t.Run("Idle", func(t *testing.T) {
		clock.Advance(29 * time.Minute)
		if !signedIn() {
			t.Fatal("signed out after 29 idle minutes")
		}
		clock.Advance(30 * time.Minute)
		if signedIn() {
			t.Fatal("still signed in after 30 idle minutes")
		}
	})
	t.Run("Absolute", func(t *testing.T) {
		b.login("clin@example.org")
		for i := 1; i < 36; i++ { // 35 x 20 minutes = 11 h 40 min
			clock.Advance(20 * time.Minute)
			if !signedIn() {
				t.Fatalf("signed out after %v of activity", time.Duration(i)*20*time.Minute)
			}
		}
		clock.Advance(20 * time.Minute)
		if signedIn() {
			t.Fatal("still signed in 12 hours after sign-in")
		}
	})
}

// The staff cookies: the session, the device cookie, and the half-done sign-in's.
func TestSessionCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "k.db")
		st, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{Catalog: loadCatalog(t), Store: st, Logger: slog.New(slog.DiscardHandler), BehindTLS: tls,
			Secret: testSecret, Access: testAccess(t, st)})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		ts := &testServer{t: t, URL: hs.URL, Store: st}
		addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
		addStaff(t, ts, "admin@example.org", staffdb.RoleAdmin, false)
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.PostForm(hs.URL+"/clinician/login", url.Values{"email": {"admin@example.org"}, "password": {staffPassword}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		pending := res.Cookies()
		wantPending := map[bool]string{false: "ketascreen_signin", true: "__Host-ketascreen_signin"}[tls]
		if len(pending) != 1 || pending[0].Name != wantPending || pending[0].Secure != tls || !pending[0].HttpOnly ||
			pending[0].SameSite != http.SameSiteStrictMode || pending[0].Path != "/" || pending[0].Domain != "" ||
			pending[0].MaxAge != int(staffdb.SignInStepLifetime/time.Second) || len(pending[0].Value) != 43 {
			t.Errorf("tls=%v: the admin's password gives cookies %v, want only the half-done sign-in's", tls, res.Header["Set-Cookie"])
		}
		res, err = noFollow.PostForm(hs.URL+"/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {staffPassword}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var session, device *http.Cookie
		for _, c := range res.Cookies() {
			switch c.Name {
			case "__Host-ketascreen_session", "ketascreen_session":
				session = c
			case "ketascreen_device":
				device = c
			}
		}
		hs.Close()
		st.Close()
		if session == nil || device == nil {
			t.Fatalf("tls=%v: cookies %v", tls, res.Header["Set-Cookie"])
		}
		wantName := map[bool]string{false: "ketascreen_session", true: "__Host-ketascreen_session"}[tls]
		if session.Name != wantName || session.Secure != tls || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode ||
			session.Path != "/" || session.Domain != "" || session.MaxAge != 0 || len(session.Value) < 43 {
			t.Errorf("tls=%v: session cookie %+v", tls, session)
		}
		if device.Secure != tls || !device.HttpOnly || device.SameSite != http.SameSiteStrictMode || device.Path != "/clinician" ||
			strings.Contains(device.Value, "clin@") {
			t.Errorf("tls=%v: device cookie %+v", tls, device)
		}
	}
}

// One audit row per action, none holding an answer, a code or a password; refused tries are
// folded into a row per minute and key; the admin page shows, filters and pages them.
func TestAuditTrail(t *testing.T) { eachBackend(t, testAuditTrail) }

func testAuditTrail(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	useClock(ts) // every try in one minute: the folded rows come in a known order
	q := ts.Cat.Latest(qid)
	token, rid := sharedResponse(t, ts, "en", severeAnswers(q))
	code := makeShareCode(t, ts, token)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)

	doc := ts.newBrowser(t)
	doc.postForm("/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {"wrong password, sorry"}})
	doc.postForm("/clinician/login", url.Values{"email": {"a password typed in the email box"}, "password": {"x"}})
	doc.login("clin@example.org")
	doc.postForm("/clinician/redeem", url.Values{"code": {"0000-0000-0000"}})
	doc.postForm("/clinician/redeem", url.Values{"code": {code}})
	doc.get("/clinician/responses/" + rid)
	doc.get("/clinician/responses/" + rid + "/questionnaire-response.json")
	doc.get("/clinician/responses/" + rid + "/questionnaire.json")
	doc.postForm("/clinician/logout", url.Values{})

	want := []struct {
		action   auditdb.Action
		outcome  auditdb.Outcome
		response string
	}{
		{"user_add", "ok", ""}, {"user_add", "ok", ""}, {"totp_enrol", "ok", ""},
		{"login", "ok", ""}, {"redeem", "ok", rid}, {"summary_view", "ok", rid},
		{"fhir_download", "ok", rid}, {"fhir_download", "ok", rid}, {"logout", "ok", ""},
		// Folded once their minute is over: the refused tries, a row per minute and key.
		{"login_failed", "failed", ""}, {"login_failed", "failed", ""}, {"redeem", "failed", ""},
	}
	rows := auditRows(t, ts)
	if len(rows) != len(want) {
		for _, r := range rows {
			t.Logf("%+v", r)
		}
		t.Fatalf("%d audit rows, want %d", len(rows), len(want))
	}
	var all strings.Builder
	for i, w := range want {
		r := rows[i]
		if r.Action != w.action || r.Outcome != w.outcome || r.ResponseID != w.response {
			t.Errorf("row %d: %s/%s/%s, want %s/%s/%s", i, r.Action, r.Outcome, r.ResponseID, w.action, w.outcome, w.response)
		}
		json.NewEncoder(&all).Encode(r)
	}
	if rows[9].Actor != "(not an email address)" || rows[10].Actor != "clin@example.org" || rows[10].UserID == 0 ||
		rows[3].Actor != "clin@example.org" || rows[3].UserID == 0 {
		t.Errorf("actors: %q, %q, %q", rows[9].Actor, rows[10].Actor, rows[3].Actor)
	}
	for _, secret := range []string{code, strings.ReplaceAll(code, "-", ""), staffPassword, "wrong password", "typed in the email",
		q.Item("safety").Option("yes").Told.In("en"), `"safety"`} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("the audit log holds %q", secret)
		}
	}

	admin := ts.newBrowser(t)
	admin.login("admin@example.org")
	page := admin.get("/admin/audit?lang=en")
	mustContain(t, page.Body, "summary_view", "fhir_download", "login_failed", "clin@example.org", rid[:8])
	filtered := admin.get("/admin/audit?lang=en&action=redeem&user=clin%40example.org")
	if strings.Count(filtered.Body, "<td>redeem<") != 2 || strings.Contains(filtered.Body, "<td>summary_view<") {
		t.Errorf("filtered page:\n%s", filtered.Body)
	}
	// Paging: 60 more rows, 50 a page, newest first.
	for range 60 {
		auditdb.New(ts.Store).Append(context.Background(), auditdb.Entry{Actor: "test", Action: auditdb.ActionExport, Outcome: auditdb.OutcomeOK})
	}
	p1 := admin.get("/admin/audit?lang=en")
	next := regexpFind(p1.Body, `href="(/admin/audit\?[^"]*before=\d+[^"]*)"`)
	if strings.Count(p1.Body, "<tr><td") != 50 || next == "/missing" {
		t.Fatalf("first page: %d rows, next %q", strings.Count(p1.Body, "<tr><td"), next)
	}
	p2 := admin.get(strings.ReplaceAll(next, "&amp;", "&"))
	total := len(auditRows(t, ts))
	if n := strings.Count(p2.Body, "<tr><td"); n != total-50 {
		t.Errorf("second page: %d rows, want %d", n, total-50)
	}
	for _, bad := range []string{"?before=x", "?before=-1", "?action=drop%20table", "?user=" + strings.Repeat("a", 300)} {
		if res := admin.get("/admin/audit" + bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
	// The audit log stays append-only.
	if _, err := storetest.Raw(t, ts.DB).Exec("delete from audit"); err == nil {
		t.Error("the audit log could be deleted")
	}
}

// Neither a share code nor a session id is ever written to the database file or its WAL.
func TestNoCodeOrSessionInDatabase(t *testing.T) { eachBackend(t, testNoCodeOrSessionInDatabase) }

func testNoCodeOrSessionInDatabase(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	token, _ := sharedResponse(t, ts, "en", severeAnswers(q))
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	var codes []string
	for range 3 {
		codes = append(codes, makeShareCode(t, ts, token))
	}
	b := ts.newBrowser(t)
	b.login("clin@example.org")
	b.postForm("/clinician/redeem", url.Values{"code": {codes[2]}})
	session := b.cookie("ketascreen_session")
	if session == "" {
		t.Fatal("no session")
	}
	secrets := []string{session, staffPassword, token}
	for _, c := range codes {
		secrets = append(secrets, c, strings.ReplaceAll(c, "-", ""))
	}
	check := func(when string) {
		data := ts.stored()
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s: the database holds a secret in plain text (%.6s...)", when, s)
			}
		}
	}
	check("running")
	ts.Close()
	check("closed")
}

func TestClinicianBadInput(t *testing.T) { eachBackend(t, testClinicianBadInput) }

func testClinicianBadInput(t *testing.T, be backend) {
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	token, _ := sharedResponse(t, ts, "en", answersFor(q, "prescribed", 1, nil))
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	b := ts.newBrowser(t)
	b.login("clin@example.org")
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name   string
		res    func() response
		status int
	}{
		{"LoginWrongType", func() response { return b.do("POST", "/clinician/login", "text/plain", "email=a") }, 415},
		{"LoginUnknownField", func() response { return b.do("POST", "/clinician/login", form, "email=a&password=b&admin=1") }, 400},
		{"LoginTwice", func() response { return b.do("POST", "/clinician/login", form, "email=a&email=b&password=c") }, 400},
		{"LoginBadUTF8", func() response { return b.do("POST", "/clinician/login", form, "email=%ff&password=c") }, 400},
		{"LoginEmpty", func() response { return b.do("POST", "/clinician/login", form, "email=&password=") }, 422},
		{"LoginSQL", func() response {
			return b.do("POST", "/clinician/login", form, url.Values{"email": {"' or 1=1 --"}, "password": {"' or ''='"}}.Encode())
		}, 401},
		{"LoginHuge", func() response {
			return b.do("POST", "/clinician/login", form, "email=a&password="+strings.Repeat("x", 100<<10))
		}, 413},
		{"LoginCrossSite", func() response {
			return b.do("POST", "/clinician/login", form, "email=a&password=b", "Sec-Fetch-Site", "cross-site")
		}, 403},
		{"RedeemCrossOrigin", func() response {
			return b.do("POST", "/clinician/redeem", form, "code=0000-0000-0000", "Origin", "https://evil.example")
		}, 403},
		{"RedeemNoCode", func() response { return b.do("POST", "/clinician/redeem", form, "") }, 422},
		{"RedeemScript", func() response {
			return b.do("POST", "/clinician/redeem", form, "code=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
		}, 422},
		{"RedeemInQuery", func() response { return b.do("POST", "/clinician/redeem?code=0000-0000-0000", form, "") }, 422},
		{"SummaryBadID", func() response { return b.get("/clinician/responses/..%2f..%2fetc") }, 404},
		{"SummaryShortID", func() response { return b.get("/clinician/responses/abc") }, 404},
		{"ShareUnknownToken", func() response { return ts.postForm("/r/"+strings.Repeat("A", 43)+"/share", url.Values{}) }, 404},
		{"ShareBadToken", func() response { return ts.postForm("/r/short/share", url.Values{}) }, 404},
		{"RevokeUnknownToken", func() response { return ts.postForm("/r/"+strings.Repeat("A", 43)+"/share/revoke", url.Values{}) }, 404},
		{"ShareGet", func() response { return ts.get("/r/" + token + "/share") }, 405},
		{"ShareCrossSite", func() response {
			return ts.post("/r/"+token+"/share", form, "", "Sec-Fetch-Site", "cross-site")
		}, 403},
		{"LogoutGet", func() response { return b.get("/clinician/logout") }, 405},
		{"LoginPut", func() response { return b.do("PUT", "/clinician/login", form, "") }, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.res()
			if res.StatusCode != c.status {
				t.Errorf("status %d, want %d; %.300s", res.StatusCode, c.status, res.Body)
			}
			if strings.Contains(res.Body, "<script>alert(1)</script>") || strings.Contains(res.Body, "goroutine") {
				t.Error("hostile input reflected, or internals shown")
			}
		})
	}
	if n := countRows(t, ts.DB, "select count(*) from share_codes"); n != 0 {
		t.Errorf("%d share codes made by bad requests", n)
	}
	if strings.Contains(ts.Logs.String(), "0000-0000-0000") || strings.Contains(ts.Logs.String(), staffPassword) ||
		strings.Contains(ts.Logs.String(), token) || strings.Contains(ts.Logs.String(), "127.0.0.1") {
		t.Error("the log holds a code, password, token or address")
	}
}

// The downloads are valid FHIR R4, linked by canonical URL and version, private, audited.
func TestFHIRDownloads(t *testing.T) { eachBackend(t, testFHIRDownloads) }

func testFHIRDownloads(t *testing.T, be backend) {
	schema := fhirSchema(t)
	ts := newTestServerOn(t, be)
	q := ts.Cat.Latest(qid)
	token, rid := sharedResponse(t, ts, "es", severeAnswers(q))
	code := makeShareCode(t, ts, token)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	b := ts.newBrowser(t)
	b.login("clin@example.org")
	b.postForm("/clinician/redeem", url.Values{"code": {code}})
	var qr struct {
		ResourceType, Questionnaire, Status, Authored string
		Subject                                       any
	}
	var fq struct{ ResourceType, URL, Version string }
	for _, d := range []struct {
		path string
		into any
	}{{"/questionnaire-response.json?lang=en", &qr}, {"/questionnaire.json?lang=en", &fq}} {
		res := b.get("/clinician/responses/" + rid + d.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", d.path, res.StatusCode)
		}
		h := res.Header
		if h.Get("Content-Type") != "application/fhir+json; charset=utf-8" || h.Get("Cache-Control") != "no-store" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment; filename=") {
			t.Errorf("%s headers: %v", d.path, h)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("%s is not valid FHIR R4: %v", d.path, err)
		}
		json.Unmarshal([]byte(res.Body), d.into)
		if strings.Contains(res.Body, code) {
			t.Error("a download holds the code")
		}
	}
	if qr.ResourceType != "QuestionnaireResponse" || fq.ResourceType != "Questionnaire" || qr.Questionnaire != fq.URL+"|"+fq.Version ||
		fq.Version != q.Version || qr.Status != "completed" || qr.Subject != nil {
		t.Errorf("not linked: response %+v, questionnaire %+v", qr, fq)
	}
}

var (
	schemaOnce sync.Once
	schemaVal  *jsonschema.Schema
	schemaErr  error
)

// fhirSchema is the official FHIR R4 JSON schema (see internal/fhir's tests for where it
// comes from); without it the test skips, except in CI.
func fhirSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := testtool.FHIRSchema(t)
	schemaOnce.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft6)
		if schemaErr = c.AddResource("fhir.schema.json", doc); schemaErr == nil {
			schemaVal, schemaErr = c.Compile("fhir.schema.json")
		}
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return schemaVal
}
