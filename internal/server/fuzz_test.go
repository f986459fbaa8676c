package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
)

// Fuzzing the two ways a submission comes in: the web form's steps and the JSON API.
// Whatever the body, the answer is never a 5xx and never reflects markup; a response is stored
// exactly when the server says so (303 to a result, or 201), and it can be read back.
// `go test -fuzz FuzzFormStep ./internal/server` runs them; .ci/run runs each for a few seconds.

type fuzzServer struct {
	h  http.Handler
	db *sql.DB
}

func newFuzzServer(f *testing.F) *fuzzServer {
	dir := f.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{Catalog: loadCatalog(f), Store: st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: []byte("test-secret-test-secret-test-secret"), ShareDays: 30})
	if err != nil {
		f.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "fuzz.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	return &fuzzServer{h: srv, db: db}
}

func (fs *fuzzServer) count(t *testing.T) int {
	var n int
	if err := fs.db.QueryRow("select count(*) from responses").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (fs *fuzzServer) do(method, path, ctype string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	fs.h.ServeHTTP(rec, req)
	return rec
}

// checkStored: a new row exactly when the server said it stored one, and the result it points to
// is there to read.
func (fs *fuzzServer) checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, before int, stored bool, resultPath string) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d:\n%s", rec.Code, rec.Body)
	}
	for _, m := range reflectedMarkers {
		if strings.Contains(rec.Body.String(), m) {
			t.Fatalf("the answer reflects %q:\n%s", m, rec.Body)
		}
	}
	after := fs.count(t)
	if stored && after != before+1 || !stored && after != before {
		t.Fatalf("status %d, stored %v, responses %d -> %d", rec.Code, stored, before, after)
	}
	if stored {
		res := fs.do(http.MethodGet, resultPath, "", nil)
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s after storing: %d", resultPath, res.Code)
		}
	}
}

func FuzzFormStep(f *testing.F) {
	fs := newFuzzServer(f)
	q := loadCatalog(f).Latest(qid)
	for _, ctx := range []string{"prescribed", "not_prescribed", "both", "none_recent"} {
		a := answersFor(q, ctx, 5, questionnaire.Answers{"safety": {"yes"}})
		f.Add([]byte(stepForm(q, a, len(q.Sections)-1, "uk").Encode()))
	}
	f.Add([]byte("step=0&nav=next&use_context=both&seen=use_context"))
	f.Add([]byte("step=1&nav=back&use_context=prescribed&frequency=daily"))
	f.Add([]byte("step=0&step=1"))
	f.Add([]byte("step=99999999999999999999"))
	f.Add([]byte("step=-1&region=%3Cscript%3Ealert(1)%3C/script%3E"))
	f.Add([]byte("step=0&use_context=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"))
	f.Add([]byte("step=0&%ff%fe=1"))
	f.Add([]byte("step=0&use_context=%3DHYPERLINK(%22http://x%22)"))
	f.Add([]byte("%"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		before := fs.count(t)
		rec := fs.do(http.MethodPost, "/q/"+qid+"?lang=en", "application/x-www-form-urlencoded", body)
		loc := rec.Header().Get("Location")
		stored := rec.Code == http.StatusSeeOther
		if stored && !strings.HasPrefix(loc, "/r/") {
			t.Fatalf("303 to %q", loc)
		}
		if !stored && rec.Code != http.StatusOK && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("status %d", rec.Code)
		}
		fs.checkAnswer(t, rec, before, stored, loc)
	})
}

func FuzzAPISubmission(f *testing.F) {
	fs := newFuzzServer(f)
	q := loadCatalog(f).Latest(qid)
	for _, ctx := range []string{"prescribed", "not_prescribed", "both", "none_recent"} {
		a := answersFor(q, ctx, 7, questionnaire.Answers{"urinary": {"pain", "blood"}})
		body, _ := json.Marshal(map[string]any{"lang": "es", "region": "au", "answers": a})
		f.Add(body)
	}
	f.Add([]byte(`{"answers":{"use_context":["both"]}}`))
	f.Add([]byte(`{"answers":{},"answers":{}}`))
	f.Add([]byte(`{"Answers":{"use_context":"both"}}`))
	f.Add([]byte(`{"lang":"<script>alert(1)</script>","answers":{"x":["y"]}}`))
	f.Add([]byte(`{"answers":{"use_context":[null]}} {}`))
	f.Add([]byte(`[1e999999]`))
	f.Add([]byte("{\"answers\":{\"use_context\":[\"\xff\"]}}"))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		before := fs.count(t)
		rec := fs.do(http.MethodPost, "/api/v1/questionnaires/"+qid+"/responses", "application/json", body)
		stored := rec.Code == http.StatusCreated
		if !stored && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("status %d", rec.Code)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d with a body that is not JSON: %s", rec.Code, rec.Body)
		}
		var path string
		if stored {
			token, _ := out["token"].(string)
			if token == "" {
				t.Fatalf("201 without a token: %s", rec.Body)
			}
			path = "/r/" + token
		}
		fs.checkAnswer(t, rec, before, stored, path)
	})
}
