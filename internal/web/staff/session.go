// Package staff is the signed-in side's front door: sign-in (a password, then a TOTP or
// recovery code, or two-factor enrolment), sign-out, staff sessions and their cookies, the
// role check every clinician and admin route passes, and the staff pages' common frame. The
// rules (limits, outcomes, what is audited) are internal/access's: handlers here parse a form,
// call the service and render what it answered.
package staff

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Area is the staff area: sign-in, sessions and the role check.
type Area struct {
	site    *web.Site
	staffDB *staffdb.DB
	acc     *access.Service
}

// New makes the staff area on the access service.
func New(site *web.Site, acc *access.Service) (*Area, error) {
	if acc == nil {
		return nil, errors.New("staff: no access service")
	}
	return &Area{site: site, staffDB: staffdb.New(site.Store), acc: acc}, nil
}

// SignedIn is the account of a request's session, or nil when it has none that is valid (no
// cookie, ended, timed out, account disabled).
func (a *Area) SignedIn(c *gin.Context) (*staffdb.User, string, error) {
	token := a.sessionToken(c.Request)
	if token == "" {
		return nil, "", nil
	}
	u, err := a.staffDB.SessionUser(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		// The browser still sends a cookie the server no longer knows: remove it.
		a.clearSessionCookie(c.Writer)
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// MustEnrol says whether an account has to set up two-factor sign-in before anything else.
func (a *Area) MustEnrol(u *staffdb.User) bool {
	return u != nil && !u.TwoFactor && a.acc.TwoFactorRequired(u)
}

// Require lets a request through only for a signed-in, enabled account with one of the
// roles; others are sent to the login page (signed out) or get 403 (wrong role).
func (a *Area) Require(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, token, err := a.SignedIn(c)
		if err != nil {
			a.site.Log.Error("session lookup", "err", err)
			a.site.RenderError(c.Writer, c.Request, web.ErrInternal)
			c.Abort()
			return
		}
		if u == nil {
			a.redirect(c, "/clinician/login")
			c.Abort()
			return
		}
		if !slices.Contains(roles, u.Role) {
			a.site.RenderError(c.Writer, c.Request, web.ErrForbidden)
			c.Abort()
			return
		}
		c.Set("user", u)
		c.Set("session", token)
		c.Next()
	}
}

// RequireEnrolled, after Require, sends an account that must use two-factor sign-in and has
// not set it up to the enrolment page: until it has, that page and signing out are all it can
// reach. A sign-in never gives such an account a session, but one may be older than the rule
// (serve --require-2fa turned on later).
func (a *Area) RequireEnrolled(c *gin.Context) {
	if a.MustEnrol(User(c)) {
		a.redirect(c, twoFactorPath)
		c.Abort()
		return
	}
	c.Next()
}

// User is the signed-in account of a request that passed Require, or nil.
func User(c *gin.Context) *staffdb.User {
	u, _ := c.Get("user")
	user, _ := u.(*staffdb.User)
	return user
}

// Session is the session token of a request that passed Require.
func Session(c *gin.Context) string {
	v, _ := c.Get("session")
	token, _ := v.(string)
	return token
}

// redirect answers 303 to a path of the site, in the request's language.
func (a *Area) redirect(c *gin.Context, path string, kv ...string) {
	c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link(path, kv...))
}
