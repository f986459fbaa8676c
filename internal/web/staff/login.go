package staff

import (
	"errors"
	"math"
	"net/http"
	"net/mail"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
)

type loginPage struct {
	*Page
	Email string
}

// ShowLoginPage is the sign-in form; a signed-in account goes to the clinician home.
func (a *Area) ShowLoginPage(c *gin.Context) error {
	u, _, err := a.SignedIn(c)
	if err != nil {
		return err
	}
	if u != nil {
		c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician"))
		return nil
	}
	return a.RenderLogin(c, http.StatusOK, "", "")
}

// RenderLogin renders the sign-in form with an email kept and an error or notice.
func (a *Area) RenderLogin(c *gin.Context, status int, email, errKey string, args ...any) error {
	p := NewPage(a.site, c, nil, "clinician.login.title", "/clinician/login")
	if errKey != "" {
		p.Error = p.T(errKey, args...)
	} else if c.Query("signed_out") == "1" {
		p.Notice = p.T("clinician.login.signed_out")
	}
	return a.site.Render(c.Writer, status, "clinician_login", &loginPage{Page: p, Email: email})
}

// Login checks an email and password. Every outcome is audited (throttled refusals at most
// once a minute per client); the messages never say whether the email exists.
func (a *Area) Login(c *gin.Context) error {
	f, err := web.PostedForm(c, "email", "password")
	if err != nil {
		return err
	}
	email, pw := strings.TrimSpace(f["email"]), f["password"]
	if email == "" || pw == "" {
		return a.RenderLogin(c, http.StatusUnprocessableEntity, email, "clinician.login.missing")
	}
	if len(email) > 254 || len(pw) > 4*password.MaxLength {
		return a.RenderLogin(c, http.StatusUnprocessableEntity, "", "clinician.login.wrong")
	}
	ctx := c.Request.Context()
	now := a.site.Store.Now()
	u, hash, err := a.site.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	att := loginAttempt{ip: clientIP(c.Request), email: strings.ToLower(email)}
	entry := store.AuditEntry{Actor: actorFor(email, u), Action: "login_failed", Outcome: "failed"}
	if u != nil {
		att.account, entry.UserID = u.ID, u.ID
		att.device = a.device(c.Request, u.ID)
	}
	if wait := a.throttle.LoginWait(att, now); wait > 0 {
		if a.throttle.Note("login\x00"+att.clientKey()+"\x00"+att.device, now) {
			entry.Outcome = "throttled"
			if err := a.site.Store.Audit(ctx, entry); err != nil {
				return err
			}
		}
		mins := int(math.Ceil(wait.Minutes()))
		web.RetryAfter(c, int(math.Ceil(wait.Seconds())))
		return a.RenderLogin(c, http.StatusTooManyRequests, email, "clinician.login.throttled", mins)
	}
	ok := false
	if u != nil {
		if ok, err = password.Verify(hash, pw); err != nil {
			a.site.Log.Error("password hash unreadable", "user", u.ID, "err", err)
		}
	} else {
		password.VerifyNone(pw)
	}
	if !ok || u.Disabled {
		a.throttle.LoginFailed(att, now)
		if ok {
			entry.Outcome = "denied" // right password, disabled account
		}
		if err := a.site.Store.Audit(ctx, entry); err != nil {
			return err
		}
		c.Header("WWW-Authenticate", `Form realm="ketascreen"`)
		return a.RenderLogin(c, http.StatusUnauthorized, email, "clinician.login.wrong")
	}
	// A new session id at every login; the browser's previous one (if any) ends.
	token, err := a.site.Store.CreateSession(ctx, u, a.sessionToken(c.Request),
		store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "login", Outcome: "ok"})
	if err != nil {
		return err
	}
	a.setSessionCookie(c.Writer, token)
	a.setDeviceCookie(c.Writer, u.ID)
	c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician"))
	return nil
}

// Logout ends the session on the server, not only in the browser.
func (a *Area) Logout(c *gin.Context) error {
	u, token, err := a.SignedIn(c)
	if err != nil {
		return err
	}
	if u != nil {
		err := a.site.Store.EndSession(c.Request.Context(), token, &store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "logout", Outcome: "ok"})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.clearSessionCookie(c.Writer)
	c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician/login", "signed_out", "1"))
	return nil
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
