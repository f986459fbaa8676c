// Package web is the small core every HTTP area of ketascreen is built on: the site's shared
// parts (questionnaires, database, messages, pages, static files), the middleware every request
// passes through, rendering a page or an error, and RFC 9457 problem details for the JSON API.
// The areas (respondent, api, staff, clinician, admin) are packages under it; internal/server
// puts them together and lists every route.
package web

import (
	"io"
	"io/fs"
	"log/slog"

	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	files "github.com/ketascreen/ketascreen/web"
)

// Site is what every area shares.
type Site struct {
	Catalog *catalog.Catalog
	Store   *store.Store
	Log     *slog.Logger
	// BehindTLS says the site is served over HTTPS (directly or by a proxy): it turns on HSTS
	// and Secure, __Host- cookies.
	BehindTLS bool
	// RequestLog, when set, takes the line LogRequests writes, formatted here rather than by
	// Log (see LogRequests).
	RequestLog io.Writer

	msgs   *i18n.Catalog
	pages  *pages
	assets *assets
	langs  []string
}

// NewSite loads the messages, static files and every page template, failing at start rather
// than on first use.
func NewSite(cat *catalog.Catalog, st *store.Store, log *slog.Logger, behindTLS bool) (*Site, error) {
	if log == nil {
		log = slog.Default()
	}
	sub, err := fs.Sub(files.FS, "locales")
	if err != nil {
		return nil, err
	}
	msgs, err := i18n.Load(sub)
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Site{Catalog: cat, Store: st, Log: log, BehindTLS: behindTLS, msgs: msgs, assets: as}
	// Offer the languages that both the interface and every questionnaire speak.
	for _, l := range msgs.Languages() {
		for _, ql := range cat.Languages() {
			if l == ql {
				s.langs = append(s.langs, l)
			}
		}
	}
	if s.pages, err = loadPages(as); err != nil {
		return nil, err
	}
	return s, nil
}

// Langs are the languages the site is offered in.
func (s *Site) Langs() []string { return s.langs }

// Name is what the site calls itself in a language: the site file's name, or the message
// catalogue's when the questionnaires folder has no site file.
func (s *Site) Name(lang string) string {
	if site := s.Catalog.Site(); site != nil {
		return site.Name.In(lang)
	}
	return s.T(lang, "site.name")
}

// Intro is the site file's short introduction for the start page, or "".
func (s *Site) Intro(lang string) string {
	if site := s.Catalog.Site(); site != nil {
		return site.Intro.In(lang)
	}
	return ""
}

// T is a message in a language.
func (s *Site) T(lang, key string, args ...any) string { return s.msgs.T(lang, key, args...) }

// HasLanguage says whether the interface has messages in lang.
func (s *Site) HasLanguage(lang string) bool { return s.msgs.Has(lang) }
