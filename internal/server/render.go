package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/web"
)

func loadMessages() (*i18n.Catalog, error) {
	sub, err := fs.Sub(web.FS, "locales")
	if err != nil {
		return nil, err
	}
	return i18n.Load(sub)
}

// assets are the static files, served at URLs that carry a hash of their content so they can
// be cached for a year and still change the moment a new version ships.
type assets struct {
	byURL  map[string]asset
	byName map[string]string
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	as := &assets{byURL: map[string]asset{}, byName: map[string]string{}}
	err := fs.WalkDir(web.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(web.FS, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		switch ext {
		case ".css":
			body = minifyCSS(body)
		case ".js":
			body = minifyJS(body)
		}
		sum := sha256.Sum256(body)
		u := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml", ".ico": "image/x-icon", ".png": "image/png"}[ext]
		if ct == "" {
			ct = "application/octet-stream"
		}
		as.byURL[u] = asset{body: body, contentType: ct}
		as.byName[name] = u
		return nil
	})
	return as, err
}

// URL is the content-hashed URL of a static file; a missing name fails template execution.
func (as *assets) URL(name string) (string, error) {
	if u, ok := as.byName[name]; ok {
		return u, nil
	}
	return "", fmt.Errorf("no static file %q", name)
}

func (s *Server) serveStatic(c *gin.Context) {
	a, ok := s.assets.byURL[c.Request.URL.Path]
	if !ok {
		s.renderError(c.Writer, c.Request, errNotFound)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Type", a.contentType)
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		c.Writer.Write(a.body)
	}
}

// pages are the parsed templates: each page is its own set of the layout plus the page.
type pages struct {
	sets map[string]*template.Template
}

// pageNames are every page; start-up fails if one is missing or does not parse.
var pageNames = []string{"landing", "questionnaire", "result", "delete", "deleted", "privacy", "help", "error"}

func loadPages(s *Server) (*pages, error) {
	funcs := template.FuncMap{
		"asset": s.assets.URL,
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"add": func(a, b int) int { return a + b },
		// helpList passes a list of help kinds to the "help-list" template with the level of
		// their headings: h2 under the crisis box's h1, h3 under the help section's h2.
		"helpList": func(kinds any, level int) map[string]any {
			return map[string]any{"Kinds": kinds, "H2": level == 2}
		},
		// paras splits a text into paragraphs at its line breaks: in the YAML files' folded
		// texts (>-), a blank line is the only thing that leaves one.
		"paras": func(text string) []string {
			var out []string
			for _, p := range strings.Split(text, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		},
	}
	ps := &pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(web.FS, "templates/layout.html", "templates/help_list.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		ps.sets[name] = t
	}
	return ps, nil
}

// AddPages parses more pages of the staff areas with the same layout and functions, and the
// staff navigation.
func (s *Server) AddPages(names ...string) error {
	base := s.pages.sets["error"]
	for _, name := range names {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(web.FS, "templates/staff_nav.html", "templates/"+name+".html"); err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		s.pages.sets[name] = t
	}
	return nil
}

// page is what every template gets: the language, its messages, and link helpers.
type page struct {
	s         *Server
	Lang      string
	Title     string
	Path      string   // for language links; empty hides the language switch
	Keep      []string // query pairs the language links keep (a page's filter)
	Region    string
	Canonical string
}

func (s *Server) newPage(c *gin.Context, title string) *page {
	return s.newPageFor(c.Request, title)
}

func (s *Server) newPageFor(r *http.Request, title string) *page {
	lang := i18n.Negotiate(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"), s.langs)
	return &page{s: s, Lang: lang, Title: title}
}

// T is a message in the page's language.
func (p *page) T(key string, args ...any) string { return p.s.msgs.T(p.Lang, key, args...) }

// Date writes a stored day (YYYY-MM-DD) in words, in the page's language: "22 November 2026".
func (p *page) Date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return p.T("date.long", t.Day(), p.T("month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// Link is a path on this site with the page's language kept in the query, plus extra pairs.
func (p *page) Link(pth string, kv ...string) string {
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
func (p *page) Languages() []LangLink {
	if p.Path == "" {
		return nil
	}
	var out []LangLink
	for _, l := range p.s.langs {
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
		out = append(out, LangLink{Code: l, Name: p.s.msgs.T(l, "lang.name"), URL: p.Path + "?" + v.Encode(), Current: l == p.Lang})
	}
	return out
}

// render executes a page into a buffer first, so a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	body, err := s.renderBytes(name, data)
	if err != nil {
		return err
	}
	return writeHTML(w, status, body)
}

// renderBytes executes a page into memory.
func (s *Server) renderBytes(name string, data any) ([]byte, error) {
	t := s.pages.sets[name]
	if t == nil {
		return nil, fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeHTML(w http.ResponseWriter, status int, body []byte) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

type errorPage struct {
	*page
	Status  int
	Message string
}

// renderError shows an error in the person's language: a page, or JSON under /api/.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, e *Error) {
	p := s.newPageFor(r, "")
	msg := p.T(e.Key)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(e.Status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": strings.TrimPrefix(e.Key, "error."), "message": msg}})
		return
	}
	p.Title = p.T("error.title")
	if err := s.render(w, e.Status, "error", &errorPage{page: p, Status: e.Status, Message: msg}); err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, http.StatusText(e.Status), e.Status)
	}
}
