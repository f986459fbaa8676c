// Package server is ketascreen's HTTP side: the respondent's pages, the JSON API, and (for
// signed-in staff) the clinician and admin pages. Pages are rendered on the server from the
// embedded templates and work without JavaScript.
package server

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
)

// MaxBodySize caps every request body: a full questionnaire is a few KiB.
const MaxBodySize = 64 << 10

// Config is what the server needs.
type Config struct {
	Catalog *questionnaire.Catalog
	Store   *store.Store
	Logger  *slog.Logger
	// BehindTLS says the site is served over HTTPS (directly or by a proxy): it turns on HSTS
	// and the Secure, __Host- session cookie.
	BehindTLS bool
	// Secret keys the HMAC of share codes; it lives outside the database file.
	Secret []byte
	// ShareDays is how long a share code stays valid.
	ShareDays int
	// RetentionDays is how long raw answers are kept (told to respondents on the privacy page).
	RetentionDays int
	// FHIRBase is the base of the canonical URLs in FHIR downloads (default fhir.DefaultBase).
	FHIRBase string
}

// Server holds the parsed templates and messages, and serves HTTP.
type Server struct {
	cfg     Config
	cat     *questionnaire.Catalog
	store   *store.Store
	log     *slog.Logger
	msgs    *i18n.Catalog
	pages   *pages
	assets  *assets
	langs   []string
	handler http.Handler
	engine  *gin.Engine
	started time.Time
	// firstSteps are the rendered first steps of the questionnaires, by firstStepKey.
	firstSteps sync.Map
}

// New parses templates and messages (failing at start, not on first use) and sets up routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RetentionDays == 0 {
		cfg.RetentionDays = 365
	}
	if cfg.ShareDays == 0 {
		cfg.ShareDays = 30
	}
	msgs, err := loadMessages()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, cat: cfg.Catalog, store: cfg.Store, log: cfg.Logger, msgs: msgs, assets: as, started: time.Now()}
	// Offer the languages that both the interface and every questionnaire speak.
	for _, l := range msgs.Languages() {
		for _, ql := range cfg.Catalog.Languages() {
			if l == ql {
				s.langs = append(s.langs, l)
			}
		}
	}
	if s.pages, err = loadPages(s); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.Use(s.logRequests, s.securityHeaders, s.recoverPanic, limitBody)
	e.NoRoute(s.handle(func(c *gin.Context) error { return errNotFound }))
	e.NoMethod(s.handle(func(c *gin.Context) error { return errMethod }))
	s.engine = e
	s.mountRespondent(e)
	s.mountAPI(e)
	if err := s.mountStaff(e); err != nil {
		return nil, err
	}

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header(), s.cfg.BehindTLS)
		s.renderError(w, r, errCrossOrigin)
	}))
	s.handler = cop.Handler(e)
	return s, nil
}

// ServeHTTP serves a request. A panic that got past the router's own recovery (in the
// cross-origin check, say) is caught here too: net/http would log it with the client's address.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // net/http drops the connection without logging
			}
			s.log.Error("panic", "panic", v)
			setSecurityHeaders(w.Header(), s.cfg.BehindTLS)
			s.renderError(w, r, errInternal)
		}
	}()
	if r.Method == http.MethodHead {
		// HEAD is GET without the body (net/http drops it): monitors and link checkers use it.
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	s.handler.ServeHTTP(w, r)
}

// Engine exposes the router so other areas (clinician, admin) can mount their routes.
func (s *Server) Engine() *gin.Engine { return s.engine }

// logRequests logs method, route pattern, status and duration, and nothing else: never the
// path (it may hold a result token), the client's address, or its User-Agent.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	s.log.Info("request", "method", c.Request.Method, "route", route, "status", c.Writer.Status(),
		"ms", time.Since(start).Milliseconds())
}

func (s *Server) securityHeaders(c *gin.Context) {
	setSecurityHeaders(c.Writer.Header(), s.cfg.BehindTLS)
	c.Next()
}

// setSecurityHeaders sets the headers every response carries.
func setSecurityHeaders(h http.Header, tls bool) {
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

func limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodySize)
	}
	c.Next()
}

// recoverPanic turns a panic into the 500 page; the panic is logged without request data.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "route", c.FullPath(), "panic", v)
			if !c.Writer.Written() {
				s.renderError(c.Writer, c.Request, errInternal)
			}
			c.Abort()
		}
	}()
	c.Next()
}
