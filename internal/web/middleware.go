package web

import (
	"log/slog"
	"net/http"
	"time"

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
	// LogAttrs with typed attributes: no value is boxed, and nothing is formatted when the
	// level is off.
	s.Log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", slog.String("method", c.Request.Method),
		slog.String("route", route), slog.Int("status", c.Writer.Status()), slog.Int64("ms", time.Since(start).Milliseconds()))
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
