package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	files "github.com/ketascreen/ketascreen/web"
)

// pageTable is every page of the site and the partial templates it uses besides the layout
// and the help list. It is the one place pages are registered: start-up parses them all and
// fails if one is missing or does not parse, and a test renders each.
var pageTable = map[string][]string{
	"landing":       nil,
	"questionnaire": nil,
	"result":        {"share"},
	"delete":        nil,
	"deleted":       nil,
	"privacy":       nil,
	"help":          nil,
	"error":         nil,
	"share_code":    {"staff_nav"},

	"clinician_login":   {"staff_nav"},
	"signin_code":       {"staff_nav"},
	"two_factor_enrol":  {"staff_nav"},
	"two_factor_codes":  {"staff_nav"},
	"two_factor":        {"staff_nav"},
	"clinician_home":    {"staff_nav"},
	"clinician_summary": {"staff_nav"},
	"admin_audit":       {"staff_nav"},
	"admin_stats":       {"staff_nav"},
}

// PageNames lists every registered page, sorted.
func PageNames() []string {
	names := make([]string, 0, len(pageTable))
	for n := range pageTable {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// pages are the parsed templates: each page is its own set of the layout, its partials and
// the page.
type pages struct {
	sets map[string]*template.Template
}

func loadPages(as *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset": as.URL,
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
	for _, name := range PageNames() {
		patterns := []string{"templates/layout.html", "templates/help_list.html"}
		for _, part := range pageTable[name] {
			patterns = append(patterns, "templates/"+part+".html")
		}
		patterns = append(patterns, "templates/"+name+".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(files.FS, slices.Clip(patterns)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		ps.sets[name] = t
	}
	return ps, nil
}

// Render executes a page into a buffer first, so a template error never sends half a page.
func (s *Site) Render(w http.ResponseWriter, status int, name string, data any) error {
	body, err := s.RenderBytes(name, data)
	if err != nil {
		return err
	}
	return WriteHTML(w, status, body)
}

// RenderBytes executes a page into memory.
func (s *Site) RenderBytes(name string, data any) ([]byte, error) {
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

// htmlType is the Content-Type of every page, shared like securityHeaders.
var htmlType = []string{"text/html; charset=utf-8"}

// WriteHTML sends a rendered page.
func WriteHTML(w http.ResponseWriter, status int, body []byte) error {
	return writeHTML(w, status, body, []string{strconv.Itoa(len(body))})
}

func writeHTML(w http.ResponseWriter, status int, body []byte, length []string) error {
	h := w.Header()
	h["Content-Type"] = htmlType
	// With its length known, net/http sends the page whole instead of in chunks.
	h["Content-Length"] = length
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// StaticPage is a page rendered once and served many times (a questionnaire's first step):
// it holds nothing of the person, so it is also kept gzipped.
type StaticPage struct{ body *Compressed }

// NewStaticPage keeps a rendered page for serving.
func NewStaticPage(body []byte) *StaticPage {
	return &StaticPage{body: NewCompressed(body)}
}

// Write sends the page with status 200.
func (p *StaticPage) Write(w http.ResponseWriter, r *http.Request) error {
	return p.body.Write(w, r, htmlType)
}

type errorPage struct {
	*Page
	Status  int
	Message string
}

// RenderError shows an error in the person's language: a page, or problem details under
// /api/.
func (s *Site) RenderError(w http.ResponseWriter, r *http.Request, e *Error) {
	p := s.NewPage(r, "")
	msg := p.T(e.Key)
	if IsAPI(r) {
		WriteProblem(w, Problem{Status: e.Status, Detail: msg, Code: strings.TrimPrefix(e.Key, "error.")})
		return
	}
	p.Title = p.T("error.title")
	if err := s.Render(w, e.Status, "error", &errorPage{Page: p, Status: e.Status, Message: msg}); err != nil {
		s.Log.Error("render error page", "err", err)
		http.Error(w, http.StatusText(e.Status), e.Status)
	}
}
