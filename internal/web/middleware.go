package web

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// MaxBodySize caps every request body: a full questionnaire is a few KiB.
const MaxBodySize = 64 << 10

// LogRequests logs method, route pattern, status and duration, and nothing else: never the
// path (it may hold a result token), the client's address, or its User-Agent.
func (s *Site) LogRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	status, ms := c.Writer.Status(), time.Since(start).Milliseconds()
	if s.RequestLog != nil {
		writeRequestLine(s.RequestLog, c.Request.Method, route, status, ms)
		return
	}
	// LogAttrs with typed attributes: no value is boxed, and nothing is formatted when the
	// level is off.
	s.Log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", slog.String("method", c.Request.Method),
		slog.String("route", route), slog.Int("status", status), slog.Int64("ms", ms))
}

var requestLines = sync.Pool{New: func() any { b := make([]byte, 0, 128); return &b }}

// writeRequestLine writes the request's line as slog's text handler writes it without a time,
// one Write call for the line.
func writeRequestLine(w io.Writer, method, route string, status int, ms int64) {
	buf := requestLines.Get().(*[]byte)
	b := append((*buf)[:0], "level=INFO msg=request method="...)
	b = appendLogValue(b, method)
	b = append(b, " route="...)
	b = appendLogValue(b, route)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, " ms="...)
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, '\n')
	w.Write(b)
	*buf = b
	requestLines.Put(buf)
}

// appendLogValue writes a value as slog's text handler does: as it is when it is plain,
// quoted (Go syntax) when empty or when it holds a space, '=', '"', a control character or
// invalid UTF-8.
func appendLogValue(b []byte, v string) []byte {
	plain := v != ""
	for _, r := range v {
		if r < utf8.RuneSelf {
			plain = r > ' ' && r != '=' && r != '"' // DEL too stays as it is, as slog writes it
		} else {
			plain = r != utf8.RuneError && !unicode.IsSpace(r) && unicode.IsPrint(r)
		}
		if !plain {
			break
		}
	}
	if plain {
		return append(b, v...)
	}
	return strconv.AppendQuote(b, v)
}

// SecurityHeaders sets the headers every response carries.
func (s *Site) SecurityHeaders(c *gin.Context) {
	SetSecurityHeaders(c.Writer.Header(), s.BehindTLS)
	c.Next()
}

// securityHeaders are the headers every response carries, in canonical form. They are set by
// assigning these shared slices (nothing in net/http writes to a header's values), which spares
// each request ten canonicalisations and allocations.
var securityHeaders = map[string][]string{
	"Content-Security-Policy": {"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
	"X-Content-Type-Options":       {"nosniff"},
	"Referrer-Policy":              {"no-referrer"},
	"Permissions-Policy":           {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	"Cross-Origin-Opener-Policy":   {"same-origin"},
	"Cross-Origin-Resource-Policy": {"same-origin"},
	"X-Frame-Options":              {"DENY"},
	// Pages are private by default; only content-hashed static files are cached.
	"Cache-Control": {"no-store"},
}

var hsts = []string{"max-age=63072000; includeSubDomains"}

// SetSecurityHeaders sets the headers every response carries, for responses made outside the
// router (a cross-origin refusal) too. A handler that changes one (Cache-Control for static
// files) replaces the slice with Set, never writes into it.
func SetSecurityHeaders(h http.Header, tls bool) {
	for k, v := range securityHeaders {
		h[k] = v
	}
	if tls {
		h["Strict-Transport-Security"] = hsts
	}
}

// LimitBody caps the request body at MaxBodySize. A request without a body (a GET, most
// often) has nothing to cap.
func LimitBody(c *gin.Context) {
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodySize)
	}
	c.Next()
}

// RecoverPanic turns a panic into the 500 page; the panic is logged without request data.
func (s *Site) RecoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.Log.Error("panic", "route", c.FullPath(), "panic", v)
			if !c.Writer.Written() {
				s.RenderError(c.Writer, c.Request, ErrInternal)
			}
			c.Abort()
		}
	}()
	c.Next()
}
