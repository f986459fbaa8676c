package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func testSite(t *testing.T) *Site {
	t.Helper()
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSite(cat, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Handle renders a person's error as a page and an API client's as problem details, whatever
// the status (429 included, which no API route returns today), and never shows an internal
// error's text.
func TestHandleErrors(t *testing.T) {
	s := testSite(t)
	busy := &Error{Status: http.StatusTooManyRequests, Key: "error.bad_request"}
	for _, c := range []struct {
		path   string
		err    error
		status int
		ct     string
	}{
		{"/api/v1/x", busy, 429, ProblemContentType},
		{"/api/v1/x", errors.New("database is locked"), 500, ProblemContentType},
		{"/api/v1/x", &http.MaxBytesError{Limit: 1}, 413, ProblemContentType},
		{"/help", busy, 429, "text/html; charset=utf-8"},
		{"/help", errors.New("database is locked"), 500, "text/html; charset=utf-8"},
	} {
		w := httptest.NewRecorder()
		c2, _ := gin.CreateTestContext(w)
		c2.Request = httptest.NewRequest(http.MethodGet, c.path, nil)
		s.Handle(func(*gin.Context) error { return c.err })(c2)
		if w.Code != c.status || w.Header().Get("Content-Type") != c.ct {
			t.Errorf("%s %v: %d %q, want %d %q", c.path, c.err, w.Code, w.Header().Get("Content-Type"), c.status, c.ct)
		}
		if strings.Contains(w.Body.String(), "locked") {
			t.Errorf("%s: the internal error is shown: %.200s", c.path, w.Body.String())
		}
		if c.ct == ProblemContentType {
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != c.status || p.Code == "" || p.Title == "" {
				t.Errorf("%s: problem %+v (%v)", c.path, p, err)
			}
		}
	}
}

// A client that went away is logged below ERROR and answered nothing, not a 500.
func TestHandleClientGone(t *testing.T) {
	var logs strings.Builder
	s := testSite(t)
	s.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/questionnaires/x/responses", nil).WithContext(ctx)
	s.Handle(func(c *gin.Context) error { return fmt.Errorf("store: %w", c.Request.Context().Err()) })(c)
	c.Writer.WriteHeaderNow()
	if w.Code != StatusClientClosed || w.Body.Len() != 0 {
		t.Errorf("status %d, body %q", w.Code, w.Body.String())
	}
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "client went away") {
		t.Errorf("log: %s", logs.String())
	}
}
