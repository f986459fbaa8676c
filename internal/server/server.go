// Package server puts ketascreen's HTTP areas together: it makes the shared site, each area
// (respondent, api, staff, clinician, admin), and the router with every route (routes.go),
// behind cross-origin protection.
package server

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Config is what the server needs.
type Config struct {
	Catalog *catalog.Catalog
	Store   *store.Store
	Logger  *slog.Logger
	// BehindTLS says the site is served over HTTPS (directly or by a proxy): it turns on HSTS
	// and the Secure, __Host- session cookie.
	BehindTLS bool
	// Secret keys the HMAC of share codes made here; it lives outside the database.
	Secret []byte
	// Access applies the rules of staff sign-in and share-code redemption (made once, by the
	// caller, on the same store and secret).
	Access *access.Service
	// ShareDays is how long a share code stays valid.
	ShareDays int
	// RetentionDays is how long raw answers are kept (told to respondents on the privacy page).
	RetentionDays int
	// FHIRBase is the base of the canonical URLs in FHIR downloads (default fhir.DefaultBase).
	FHIRBase string
	// QuietRequests leaves out the line logged for each request. A supervisor that stamps each
	// line with the time it came (journald does) would otherwise record when people submitted.
	QuietRequests bool
	// RequestLog, when set, takes the line for each request, written as the Logger's text
	// handler would write it (level=INFO msg=request method=… route=… status=… ms=…) but
	// without going through it: at tens of thousands of requests a second, slog's own work
	// was a tenth of a page's CPU. Nil: the line goes through the Logger.
	RequestLog io.Writer
}

// Server serves ketascreen over HTTP.
type Server struct {
	site    *web.Site
	handler http.Handler
}

// New loads every template and message (failing at start, not on first use) and sets up the
// routes.
func New(cfg Config) (*Server, error) {
	if cfg.RetentionDays == 0 {
		cfg.RetentionDays = 365
	}
	if cfg.ShareDays == 0 {
		cfg.ShareDays = 30
	}
	site, err := web.NewSite(cfg.Catalog, cfg.Store, cfg.Logger, cfg.BehindTLS)
	if err != nil {
		return nil, err
	}
	site.RequestLog = cfg.RequestLog
	engine, err := routes(site, cfg)
	if err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.SetSecurityHeaders(w.Header(), cfg.BehindTLS)
		site.RenderError(w, r, web.ErrCrossOrigin)
	}))
	return &Server{site: site, handler: cop.Handler(engine)}, nil
}

// ServeHTTP serves a request. A panic that got past the router's own recovery (in the
// cross-origin check, say) is caught here too: net/http would log it with the client's address.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // net/http drops the connection without logging
			}
			s.site.Log.Error("panic", "panic", v)
			web.SetSecurityHeaders(w.Header(), s.site.BehindTLS)
			s.site.RenderError(w, r, web.ErrInternal)
		}
	}()
	if r.Method == http.MethodHead {
		// HEAD is GET without the body (net/http drops it): monitors and link checkers use it.
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	s.handler.ServeHTTP(w, r)
}
