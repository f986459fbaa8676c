package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ketascreen/ketascreen/internal/i18n"
)

// Page is what every template gets: the language, its messages, and link helpers. Areas embed
// it in their own page data.
type Page struct {
	site      *Site
	Lang      string
	Title     string
	Path      string   // for language links; empty hides the language switch
	Keep      []string // query pairs the language links keep (a page's filter)
	Region    string
	Canonical string
	// NoScript leaves app.js out of a page that uses none of it (every page works without it).
	NoScript bool
}

// NewPage is a page in the language the request asks for (?lang=, then Accept-Language).
func (s *Site) NewPage(r *http.Request, title string) *Page {
	lang := i18n.Negotiate(QueryValue(r, "lang"), r.Header.Get("Accept-Language"), s.langs)
	return &Page{site: s, Lang: lang, Title: title}
}

// T is a message in the page's language.
func (p *Page) T(key string, args ...any) string { return p.site.msgs.T(p.Lang, key, args...) }

// SiteName is the site's name in the page's language, for its title and header.
func (p *Page) SiteName() string { return p.site.Name(p.Lang) }

// Date writes a stored day (YYYY-MM-DD) in words, in the page's language: "22 November 2026".
func (p *Page) Date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return p.T("date.long", t.Day(), p.T("month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// Link is a path on this site with the page's language kept in the query, plus extra pairs.
func (p *Page) Link(pth string, kv ...string) string {
	v := url.Values{}
	v.Set("lang", p.Lang)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return pth + "?" + v.Encode()
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Code, Name, URL string
	Current         bool
}

// Languages is the language switch for the current page.
func (p *Page) Languages() []LangLink {
	if p.Path == "" {
		return nil
	}
	var out []LangLink
	for _, l := range p.site.langs {
		v := url.Values{}
		v.Set("lang", l)
		if p.Region != "" {
			v.Set("region", p.Region)
		}
		for i := 0; i+1 < len(p.Keep); i += 2 {
			if p.Keep[i+1] != "" {
				v.Set(p.Keep[i], p.Keep[i+1])
			}
		}
		out = append(out, LangLink{Code: l, Name: p.site.msgs.T(l, "lang.name"), URL: p.Path + "?" + v.Encode(), Current: l == p.Lang})
	}
	return out
}
