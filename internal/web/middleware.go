package web

import (
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
	s.Log.Info("request", "method", c.Request.Method, "route", route, "status", c.Writer.Status(),
		"ms", time.Since(start).Milliseconds())
}

// SecurityHeaders sets the headers every response carries.
func (s *Site) SecurityHeaders(c *gin.Context) {
	SetSecurityHeaders(c.Writer.Header(), s.BehindTLS)
	c.Next()
}

// SetSecurityHeaders sets the headers every response carries, for responses made outside the
// router (a cross-origin refusal).
func SetSecurityHeaders(h http.Header, tls bool) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	// Pages are private by default; only content-hashed static files are cached.
	h.Set("Cache-Control", "no-store")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
}

// LimitBody caps the request body at MaxBodySize.
func LimitBody(c *gin.Context) {
	if c.Request.Body != nil {
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
