package web

import (
	"bytes"
	"log/slog"
	"testing"
)

// TestRequestLineAsSlogWritesIt holds the request line written by hand to what slog's text
// handler (without the time, as serve configures it) writes for the same values.
func TestRequestLineAsSlogWritesIt(t *testing.T) {
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	for _, c := range []struct {
		method, route string
		status        int
		ms            int64
	}{
		{"GET", "/q/:id", 200, 0},
		{"POST", "/api/v1/questionnaires/:id/responses", 201, 12},
		{"GET", "(no route)", 404, 1},
		{"", "/static/*file", 304, 0},
		{"BREW", "a=b \"c\" é\x00", 405, 99999},
		{"GET", "/r/é\\ü", 200, 3},
		{"GET", "/\u00a0x", 200, 3},
		{"GET", "/\xff", 200, 3},
		{"GET", "tab\there", 200, 3},
		{"GET", "del\x7f", 200, 3},
	} {
		var want, got bytes.Buffer
		slog.New(slog.NewTextHandler(&want, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("request",
			"method", c.method, "route", c.route, "status", c.status, "ms", c.ms)
		writeRequestLine(&got, c.method, c.route, c.status, c.ms)
		if got.String() != want.String() {
			t.Errorf("got  %q\nwant %q", got.String(), want.String())
		}
	}
}
