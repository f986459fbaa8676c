package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// staffPassword is every test account's password.
const staffPassword = "correct horse battery staple"

// useClock gives the test server a controllable clock.
func useClock(ts *testServer) *storetest.Clock {
	c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	ts.Store.Now = c.Now
	return c
}

// staffHash is the hash of staffPassword, made once: Argon2id takes tens of milliseconds.
var staffHash = sync.OnceValue(func() string {
	h, err := password.Hash(staffPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// addUser creates an account directly in the store. An admin gets two-factor sign-in at once
// (admins cannot sign in without it), with a test phone that login uses.
func addUser(t *testing.T, ts *testServer, email, role string) *staffdb.User {
	t.Helper()
	return addStaff(t, ts, email, role, role == staffdb.RoleAdmin)
}

// addStaff creates an account, with two-factor sign-in set up or not.
func addStaff(t *testing.T, ts *testServer, email, role string, twoFactor bool) *staffdb.User {
	t.Helper()
	u, err := staffdb.New(ts.Store).CreateUser(context.Background(), email, role, staffHash(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if twoFactor {
		ts.auth.add(email, enrolTOTP(t, ts.Access, ts.Store, u))
	}
	return u
}

// browserClient is one browser: its own cookies, redirects not followed.
type browserClient struct {
	t  *testing.T
	ts *testServer
	c  *http.Client
}

func (ts *testServer) newBrowser(t *testing.T) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, ts: ts, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserClient) do(method, path, contentType, body string, headers ...string) response {
	b.t.Helper()
	req, err := http.NewRequest(method, b.ts.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{res, string(data)}
}

func (b *browserClient) get(path string, headers ...string) response {
	b.t.Helper()
	return b.do(http.MethodGet, path, "", "", headers...)
}

func (b *browserClient) postForm(path string, v url.Values, headers ...string) response {
	b.t.Helper()
	return b.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

// login signs in, with a code from the account's test phone when the server asks for one,
// and fails the test unless it worked.
func (b *browserClient) login(email string) {
	b.t.Helper()
	res := b.postForm("/clinician/login", url.Values{"email": {email}, "password": {staffPassword}})
	if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/clinician/login/code") {
		phone := b.ts.auth.get(email)
		if phone == nil {
			b.t.Fatalf("login %s: asked for a code, and the account has no test phone", email)
		}
		res = b.postForm("/clinician/login/code", url.Values{"code": {phone.next(b.t, b.ts.Store.Now())}})
	}
	if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(res.Header.Get("Location"), "/clinician/login") {
		b.t.Fatalf("login %s: status %d to %q\n%.400s", email, res.StatusCode, res.Header.Get("Location"), res.Body)
	}
}

// cookie is the value of a cookie the browser holds for the site.
func (b *browserClient) cookie(name string) string {
	u, _ := url.Parse(b.ts.URL + "/clinician")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// sharedResponse stores a response through the JSON API and returns its result token and id.
func sharedResponse(t *testing.T, ts *testServer, lang string, answers questionnaire.Answers) (token, id string) {
	t.Helper()
	res, body := ts.submitAPI(lang, "us", answers)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("API: %d %s", res.StatusCode, res.Body)
	}
	token = body["token"].(string)
	r, err := responsedb.New(ts.Store).ResponseByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return token, r.ID
}

var shareCodeRE = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b`)

// makeShareCode presses "make a share code" on a result and returns the code shown.
func makeShareCode(t *testing.T, ts *testServer, token string) string {
	t.Helper()
	res := ts.postForm("/r/"+token+"/share?lang=en", url.Values{})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("share: %d %.300s", res.StatusCode, res.Body)
	}
	code := shareCodeRE.FindString(res.Body)
	if code == "" {
		t.Fatalf("no code on the page:\n%s", res.Body)
	}
	return code
}

// auditRows are the audit log's rows, oldest first, once every refused try counted so far is
// folded into it (the server folds a minute's tries once the minute is over; tests do not
// wait for that).
func auditRows(t *testing.T, ts *testServer) []auditdb.Entry {
	t.Helper()
	if _, err := auditdb.New(ts.Store).FoldTally(context.Background(), ts.Store.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows, err := auditdb.New(ts.Store).Entries(context.Background(), auditdb.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// countAudit counts the tries of an action (with an outcome, unless it is "") in audit rows:
// a folded row counts for as many tries as it stands for.
func countAudit(rows []auditdb.Entry, action auditdb.Action, outcome auditdb.Outcome) int {
	n := 0
	for _, r := range rows {
		if r.Action == action && (outcome == "" || r.Outcome == outcome) {
			n += max(r.Count, 1)
		}
	}
	return n
}

// severeAnswers raise every flag and many warning signs.
func severeAnswers(q *questionnaire.Questionnaire) questionnaire.Answers {
	return answersFor(q, "both", 6, questionnaire.Answers{"safety": {"yes"}, "urinary": {"pain"}, "more_than_prescribed": {"yes"}})
}

var staffNavRE = regexp.MustCompile(`(?s)<nav class="staff-nav.*?</nav>`)

// withoutNav is a staff page without its navigation, which names the account signed in.
func withoutNav(body string) string { return staffNavRE.ReplaceAllString(body, "") }
