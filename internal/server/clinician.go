package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/web"
)

// clinicianArea is the signed-in side for clinicians (and admins): sign-in, share codes,
// summaries and their FHIR downloads, and the admins' audit log. It also adds the respondent's
// share section to the result page.
type clinicianArea struct {
	s        *Server
	throttle *throttle
}

// staffPageNames are this area's pages; each is parsed with the staff navigation.
var staffPageNames = []string{"clinician_login", "clinician_home", "clinician_summary", "admin_audit"}

// mountClinician mounts the clinician area and the respondent's share and revoke forms.
func (s *Server) mountClinician(e *gin.Engine) error {
	if len(s.cfg.Secret) < 32 {
		return errors.New("the server secret (Config.Secret) must be at least 32 bytes: it keys share codes and device cookies")
	}
	a := &clinicianArea{s: s, throttle: newThrottle()}
	if err := a.parsePages(); err != nil {
		return err
	}

	e.POST("/r/:token/share", s.handle(a.createShareCode))
	e.POST("/r/:token/share/revoke", s.handle(a.revokeShareCode))

	e.GET("/clinician", s.handle(a.showHomePage))
	e.GET("/clinician/login", s.handle(a.showLoginPage))
	e.POST("/clinician/login", s.handle(a.login))
	e.POST("/clinician/logout", s.handle(a.logout))
	staff := e.Group("/clinician", s.requireRole(store.RoleClinician, store.RoleAdmin))
	staff.POST("/redeem", s.handle(a.redeem))
	staff.GET("/responses/:id", s.handle(a.showSummaryPage))
	staff.GET("/responses/:id/questionnaire-response.json", s.handle(a.downloadResponse))
	staff.GET("/responses/:id/questionnaire.json", s.handle(a.downloadQuestionnaire))
	e.GET("/admin/audit", s.requireRole(store.RoleAdmin), s.handle(a.showAuditPage))
	return nil
}

// parsePages parses the area's pages (each with the staff navigation), the share-code page,
// and the share section into the result page.
func (a *clinicianArea) parsePages() error {
	base := a.s.pages.sets["error"]
	for _, name := range append(slices.Clone(staffPageNames), "share_code") {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(web.FS, "templates/staff_nav.html", "templates/"+name+".html"); err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		a.s.pages.sets[name] = t
	}
	if _, err := a.s.pages.sets["result"].ParseFS(web.FS, "templates/share.html"); err != nil {
		return fmt.Errorf("template share: %w", err)
	}
	return nil
}

// staffPage is what every page of the area gets: the page, and who is signed in (nil on the
// login page).
type staffPage struct {
	*page
	User          *store.User
	Error, Notice string
}

// IsAdmin says whether the signed-in account is an admin (for the navigation).
func (p *staffPage) IsAdmin() bool { return p.User != nil && p.User.Role == store.RoleAdmin }

// In says whether the page is in the part of the staff area at path (for aria-current).
func (p *staffPage) In(path string) bool {
	return p.Path == path || strings.HasPrefix(p.Path, path+"/")
}

func (a *clinicianArea) newStaffPage(c *gin.Context, u *store.User, titleKey, path string) *staffPage {
	p := a.s.newPage(c, "")
	p.Title = p.T(titleKey)
	p.Path = path
	return &staffPage{page: p, User: u}
}

// postedForm reads a form POST: only the named fields, each at most once, valid UTF-8.
func postedForm(c *gin.Context, fields ...string) (map[string]string, error) {
	if c.ContentType() != "application/x-www-form-urlencoded" {
		return nil, errMediaType
	}
	if err := c.Request.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, errBadRequest
	}
	out := map[string]string{}
	for k, vs := range c.Request.PostForm {
		if !slices.Contains(fields, k) || len(vs) != 1 || !utf8.ValidString(vs[0]) {
			return nil, errBadRequest
		}
		out[k] = vs[0]
	}
	return out, nil
}

// clientIP is the address the request came from, for throttling only (kept in memory).
// Behind a proxy every client shares the proxy's address; device cookies keep known browsers
// out of that shared allowance.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// actorFor is how a login attempt is named in the audit log: the account's email, or what was
// typed when it is an email address. Anything else typed there (a password in the wrong box)
// is never written.
func actorFor(typed string, u *store.User) string {
	if u != nil {
		return u.Email
	}
	a, err := mail.ParseAddress(typed)
	if err != nil || a.Address != typed || len(typed) > 254 || strings.ContainsFunc(typed, unicode.IsControl) {
		return "(not an email address)"
	}
	return strings.ToLower(typed)
}

func retryAfter(c *gin.Context, secs int) {
	c.Header("Retry-After", fmt.Sprint(max(1, secs)))
}
