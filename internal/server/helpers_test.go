package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

const qid = "ketamine-selfcheck"

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is the real server on 127.0.0.1:0 with a fresh database.
type testServer struct {
	t       *testing.T
	URL     string
	DB      string // what store.Open took: a SQLite file, or a PostgreSQL URL
	Backend backend
	Store   *store.Store
	Access  *access.Service
	Cat     *catalog.Catalog
	Logs    *syncBuffer
	http    *httptest.Server
	client  *http.Client
	opts    serverOptions
	auth    *authenticators // the phones of accounts with two-factor sign-in
}

// testSecret is the server secret of every test server.
var testSecret = []byte("test-secret-test-secret-test-secret")

// serverOptions are what a test may change about the server.
type serverOptions struct {
	RequireTwoFactor bool // serve --require-2fa
	// HashWait is how long a sign-in waits for a password-hashing slot. The default here is a
	// minute, so that a burst queues for the slots and every try a limit lets through is
	// evaluated (the server's default, 2 s, answers Busy to some of them on two cores).
	HashWait time.Duration
	// Catalog is the questionnaires served; nil serves the shipped ones.
	Catalog *catalog.Catalog
}

// testAccess is an access service over a test store, with the test secret.
func testAccess(tb testing.TB, st *store.Store) *access.Service {
	tb.Helper()
	acc, err := access.New(access.Config{Store: st, Secret: testSecret, HashWait: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	return acc
}

func loadCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatalf("shipped questionnaires have problems:\n%v", err)
	}
	return cat
}

// backend is a database the server runs on: the journeys that reach the database run on each
// one of storetest's table, as subtests named after it.
type backend = storetest.Backend

// eachBackend runs f once per backend, as subtests: SQLite always, PostgreSQL when
// KETASCREEN_TEST_POSTGRES names a server (skipped and said otherwise, failed with CI=true).
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	storetest.Run(t, f)
}

// newTestServer is the real server on a fresh SQLite file, for what does not depend on the
// database.
func newTestServer(t *testing.T) *testServer {
	return newTestServerOn(t, storetest.SQLite)
}

// newTestServerOn is the real server on a fresh, empty database of the backend.
func newTestServerOn(t *testing.T, b backend) *testServer {
	return newTestServerAt(t, b.New(t))
}

// newTestServerAt is the real server on a database store.Open takes (a file or a URL).
func newTestServerAt(t *testing.T, db string) *testServer {
	return newTestServerOpts(t, db, serverOptions{}, &authenticators{})
}

// newTestServerOpts is the real server on a database (a SQLite file or a PostgreSQL URL),
// with options, and the phones of the accounts in it.
func newTestServerOpts(t *testing.T, db string, opts serverOptions, auth *authenticators) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cat := opts.Catalog
	if cat == nil {
		cat = loadCatalog(t)
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	if opts.HashWait == 0 {
		opts.HashWait = time.Minute
	}
	acc, err := access.New(access.Config{Store: st, Secret: testSecret, Logger: log, RequireTwoFactor: opts.RequireTwoFactor,
		HashWait: opts.HashWait})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Catalog: cat, Store: st, Logger: log, Secret: testSecret, Access: acc, ShareDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	ts := &testServer{t: t, URL: hs.URL, DB: db, Backend: storetest.BackendOf(db), Store: st, Access: acc, Cat: cat, Logs: logs, http: hs, opts: opts, auth: auth,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(ts.Close)
	return ts
}

// restart stops the server and closes its database, then serves the same file again: what
// the database holds (limits, sessions, accounts) carries over, and nothing in memory does.
func (ts *testServer) restart() *testServer {
	ts.t.Helper()
	ts.Close()
	return newTestServerOpts(ts.t, ts.DB, ts.opts, ts.auth)
}

// Close stops the server and closes the database; safe to call twice.
func (ts *testServer) Close() {
	if ts.http == nil {
		return
	}
	ts.http.Close()
	if err := ts.Store.Close(); err != nil {
		ts.t.Errorf("close store: %v", err)
	}
	ts.http = nil
}

type response struct {
	*http.Response
	Body string
}

func (ts *testServer) do(req *http.Request) response {
	ts.t.Helper()
	res, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return response{res, string(b)}
}

func (ts *testServer) get(path string, headers ...string) response {
	ts.t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.do(req)
}

func (ts *testServer) postForm(path string, form url.Values, headers ...string) response {
	ts.t.Helper()
	return ts.post(path, "application/x-www-form-urlencoded", form.Encode(), headers...)
}

func (ts *testServer) post(path, contentType, body string, headers ...string) response {
	ts.t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.do(req)
}

// countResponses counts the stored responses.
func (ts *testServer) countResponses() int {
	ts.t.Helper()
	return countRows(ts.t, ts.DB, "select count(*) from responses")
}

// countRows runs a count on a database (SQLite file or PostgreSQL URL) with the backend's own
// driver, to look at what is really stored. Its query may use "?" for one parameter on both.
func countRows(t *testing.T, db, query string, args ...any) int {
	t.Helper()
	if storetest.BackendOf(db) == storetest.Postgres {
		query = strings.Replace(query, "?", "$1", 1)
	}
	var n int
	if err := rawDB(t, db).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rawDBs are the databases rawDB opened, by what store.Open took.
var rawDBs sync.Map

// rawDB is storetest.Raw, opened once per database and test (a test that counts rows after
// each of hundreds of requests would otherwise hold a PostgreSQL connection for each).
func rawDB(t *testing.T, db string) *sql.DB {
	t.Helper()
	if raw, ok := rawDBs.Load(db); ok {
		return raw.(*sql.DB)
	}
	raw := storetest.Raw(t, db)
	rawDBs.Store(db, raw)
	t.Cleanup(func() { rawDBs.Delete(db) }) // runs before Raw's close: cleanups run last first
	return raw
}

// stored is what a person who took the database would have of it, to search for what must
// never be written: on SQLite the bytes of its files (the WAL and its index included, which
// hold pages the file no longer shows); on PostgreSQL, whose files are the server's, the
// value of every column of every row of every table, text and bytes as they are.
func (ts *testServer) stored() []byte {
	ts.t.Helper()
	var out []byte
	if ts.Backend == storetest.SQLite {
		for _, f := range []string{ts.DB, ts.DB + "-wal", ts.DB + "-shm"} {
			if b, err := os.ReadFile(f); err == nil {
				out = append(out, b...)
			}
		}
		return out
	}
	raw := rawDB(ts.t, ts.DB)
	for _, table := range storetest.Tables(ts.t, ts.DB) {
		rows, err := raw.Query("select * from " + table)
		if err != nil {
			ts.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				ts.t.Fatal(err)
			}
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					out = append(out, v...)
				case string:
					out = append(out, v...)
				case nil:
				default:
					out = fmt.Append(out, v)
				}
				out = append(out, 0)
			}
		}
		if err := rows.Err(); err != nil {
			ts.t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// answersFor builds a complete, valid set of answers: the given context, the first `signs`
// warning signs answered yes, every other question answered with its mildest option, then
// any overrides. It follows skip logic item by item, as a person would.
func answersFor(q *questionnaire.Questionnaire, context string, signs int, overrides questionnaire.Answers) questionnaire.Answers {
	a := questionnaire.Answers{}
	yes := 0
	for _, it := range q.Items() {
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if !shown {
			continue
		}
		switch {
		case overrides[it.ID] != nil:
			a[it.ID] = overrides[it.ID]
		case it.ID == "use_context":
			a[it.ID] = []string{context}
		case it.Domain == "warning_sign":
			if yes < signs {
				a[it.ID] = []string{"yes"}
				yes++
			} else {
				a[it.ID] = []string{"no"}
			}
		default:
			a[it.ID] = []string{mildest(it)}
		}
	}
	return a
}

func mildest(it *questionnaire.Item) string {
	for _, code := range []string{"none", "no", "never"} {
		if it.Option(code) != nil {
			return code
		}
	}
	return it.Options[0].Code
}

var stepRE = regexp.MustCompile(`name="step" value="(\d+)"`)

// walkForm answers the web form step by step, as a browser without JavaScript would, and
// returns the final response (a 303 to the result when all went well).
func (ts *testServer) walkForm(lang, region string, answers questionnaire.Answers, headers ...string) response {
	ts.t.Helper()
	q := ts.Cat.Latest(qid)
	page := ts.get("/q/"+qid+"?lang="+lang+"&region="+region, headers...)
	if page.StatusCode != http.StatusOK {
		ts.t.Fatalf("GET questionnaire: %d", page.StatusCode)
	}
	for range 20 {
		m := stepRE.FindStringSubmatch(page.Body)
		if m == nil {
			ts.t.Fatalf("no step field in page:\n%s", page.Body)
		}
		step, _ := strconv.Atoi(m[1])
		page = ts.postForm("/q/"+qid+"?lang="+lang, stepForm(q, answers, step, region), headers...)
		if page.StatusCode != http.StatusOK {
			return page
		}
	}
	ts.t.Fatal("the form never ended")
	return response{}
}

// stepForm is what a browser sends from a step of the form: every answer up to that step (the
// earlier ones carried in hidden fields) and the questions the step showed.
func stepForm(q *questionnaire.Questionnaire, answers questionnaire.Answers, step int, region string) url.Values {
	form := url.Values{"step": {strconv.Itoa(step)}, "region": {region}, "nav": {"next"}}
	for _, it := range q.Items() {
		if it.Section().Index() > step || answers[it.ID] == nil {
			continue
		}
		form[it.ID] = answers[it.ID]
		if it.Section().Index() == step {
			form.Add("seen", it.ID)
		}
	}
	return form
}

// submitAPI posts answers to the JSON API and returns the decoded body.
func (ts *testServer) submitAPI(lang, region string, answers questionnaire.Answers, headers ...string) (response, map[string]any) {
	ts.t.Helper()
	body, _ := json.Marshal(map[string]any{"lang": lang, "region": region, "answers": answers})
	res := ts.post("/api/v1/questionnaires/"+qid+"/responses", "application/json", string(body), headers...)
	var out map[string]any
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		ts.t.Fatalf("API answered %d with non-JSON: %s", res.StatusCode, res.Body)
	}
	return res, out
}

// resultPath follows a 303 to a result page.
func resultPath(t *testing.T, res response) string {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303; body:\n%s", res.StatusCode, res.Body)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/r/") {
		t.Fatalf("redirect to %q, want /r/...", loc)
	}
	return loc
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page does not contain %q", w)
		}
	}
}

func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func questionnaireFS() fs.FS { return questionnaires.FS }
