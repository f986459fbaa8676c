package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"gzip, deflate, br, zstd"}, true},
		{[]string{"br;q=1.0, GZIP;q=0.5"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"identity"}, false},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=0.001"}, true},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*, gzip;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"gzipped"}, false},
		{[]string{";;;,,,=q"}, false},
	} {
		if got := AcceptsGzip(c.values); got != c.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", c.values, got, c.want)
		}
	}
}

func TestCompressedServesTheSameBytes(t *testing.T) {
	body := []byte(strings.Repeat("<p>The same words, again and again.</p>\n", 100))
	c := NewCompressed(body)
	for _, ae := range []string{"", "gzip, deflate, br", "gzip;q=0"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		w := httptest.NewRecorder()
		if err := c.Write(w, r, htmlType); err != nil {
			t.Fatal(err)
		}
		res := w.Result()
		if res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: Vary = %q", ae, res.Header.Get("Vary"))
		}
		got := w.Body.Bytes()
		if res.Header.Get("Content-Length") != strconv.Itoa(len(got)) {
			t.Errorf("%q: Content-Length %s for %d bytes", ae, res.Header.Get("Content-Length"), len(got))
		}
		gz := res.Header.Get("Content-Encoding") == "gzip"
		if gz != (ae == "gzip, deflate, br") {
			t.Fatalf("%q: Content-Encoding %q", ae, res.Header.Get("Content-Encoding"))
		}
		if gz {
			if len(got) >= len(body)/4 {
				t.Errorf("gzipped %d of %d bytes", len(got), len(body))
			}
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, body) {
			t.Errorf("%q: the body changed", ae)
		}
	}
}

func TestCompressedKeepsNoLargerCopy(t *testing.T) {
	c := NewCompressed([]byte("ab"))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	if err := c.Write(w, r, htmlType); err != nil {
		t.Fatal(err)
	}
	if w.Header().Get("Content-Encoding") != "" || w.Body.String() != "ab" || w.Header().Get("Vary") != "" {
		t.Errorf("a two-byte body: %v %q", w.Header(), w.Body.String())
	}
}
