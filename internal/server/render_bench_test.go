package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
)

// These measure the server's own work for one request, called through ServeHTTP (routing,
// middleware, handler, template) without the network. cmd/loadtest measures the real binary over HTTP.

func benchHandler(b *testing.B) (http.Handler, *catalog.Catalog) {
	b.Helper()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cat := loadCatalog(b)
	srv, err := server.New(server.Config{Catalog: cat, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: testSecret, Access: testAccess(b, st)})
	if err != nil {
		b.Fatal(err)
	}
	return srv, cat
}

// serve runs one request and checks its status.
func serve(b *testing.B, h http.Handler, method, target, contentType string, body []byte, want int) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d, want %d\n%.500s", method, target, rec.Code, want, rec.Body.String())
	}
	return rec
}

// BenchmarkQuestionnairePage is the first step of the form (GET /q/{id}).
func BenchmarkQuestionnairePage(b *testing.B) {
	h, _ := benchHandler(b)
	var size int
	b.ReportAllocs()
	for b.Loop() {
		size = serve(b, h, http.MethodGet, "/q/"+qid+"?lang=en&region=us", "", nil, http.StatusOK).Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkFormStep posts the first step and renders the second, with its answers carried.
func BenchmarkFormStep(b *testing.B) {
	h, _ := benchHandler(b)
	body := []byte(url.Values{"step": {"0"}, "nav": {"next"}, "region": {"us"}, "use_context": {"both"},
		"frequency": {"weekly"}, "seen": {"use_context", "frequency"}}.Encode())
	var size int
	b.ReportAllocs()
	for b.Loop() {
		rec := serve(b, h, http.MethodPost, "/q/"+qid+"?lang=en", "application/x-www-form-urlencoded", body, http.StatusOK)
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkResultPage renders a stored result with flags raised and the crisis box shown.
func BenchmarkResultPage(b *testing.B) {
	h, cat := benchHandler(b)
	q := cat.Latest(qid)
	a := answersFor(q, "both", 8, questionnaire.Answers{"safety": {"yes"}})
	body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": a})
	rec := serve(b, h, http.MethodPost, "/api/v1/questionnaires/"+qid+"/responses", "application/json", body, http.StatusCreated)
	link := rec.Header().Get("Location")
	if !strings.HasPrefix(link, "/r/") {
		b.Fatalf("no result link: %q", link)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		size = serve(b, h, http.MethodGet, link, "", nil, http.StatusOK).Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkSubmitAPI is a durable submission through the JSON API, one at a time: each waits
// for its own commit (synchronous=FULL), so this is mostly the disk's sync latency.
func BenchmarkSubmitAPI(b *testing.B) {
	h, cat := benchHandler(b)
	q := cat.Latest(qid)
	body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": answersFor(q, "not_prescribed", 3, nil)})
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, http.MethodPost, "/api/v1/questionnaires/"+qid+"/responses", "application/json", body, http.StatusCreated)
	}
}

// BenchmarkSubmitAPIParallel is many clients at once, whose writes share transactions.
func BenchmarkSubmitAPIParallel(b *testing.B) {
	h, cat := benchHandler(b)
	q := cat.Latest(qid)
	body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": answersFor(q, "not_prescribed", 3, nil)})
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, http.MethodPost, "/api/v1/questionnaires/"+qid+"/responses", "application/json", body, http.StatusCreated)
		}
	})
}
