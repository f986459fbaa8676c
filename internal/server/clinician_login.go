package server

import (
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
)

type loginPage struct {
	*staffPage
	Email string
}

// showHomePage is the login form when signed out, and the code entry when signed in.
func (a *clinicianArea) showHomePage(c *gin.Context) error {
	u, _, err := a.s.signedIn(c)
	if err != nil {
		return err
	}
	if u == nil {
		return a.renderLogin(c, http.StatusOK, "", "")
	}
	return a.renderHome(c, u, http.StatusOK, "")
}

func (a *clinicianArea) showLoginPage(c *gin.Context) error {
	u, _, err := a.s.signedIn(c)
	if err != nil {
		return err
	}
	if u != nil {
		c.Redirect(http.StatusSeeOther, a.s.newPage(c, "").Link("/clinician"))
		return nil
	}
	return a.renderLogin(c, http.StatusOK, "", "")
}

func (a *clinicianArea) renderLogin(c *gin.Context, status int, email, errKey string, args ...any) error {
	p := a.newStaffPage(c, nil, "clinician.login.title", "/clinician/login")
	if errKey != "" {
		p.Error = p.T(errKey, args...)
	} else if c.Query("signed_out") == "1" {
		p.Notice = p.T("clinician.login.signed_out")
	}
	return a.s.render(c.Writer, status, "clinician_login", &loginPage{staffPage: p, Email: email})
}

func (a *clinicianArea) renderHome(c *gin.Context, u *store.User, status int, errKey string, args ...any) error {
	p := a.newStaffPage(c, u, "clinician.home.title", "/clinician")
	if errKey != "" {
		p.Error = p.T(errKey, args...)
	}
	return a.s.render(c.Writer, status, "clinician_home", p)
}

// login checks an email and password. Every outcome is audited (throttled refusals at most
// once a minute per client); the messages never say whether the email exists.
func (a *clinicianArea) login(c *gin.Context) error {
	f, err := postedForm(c, "email", "password")
	if err != nil {
		return err
	}
	email, pw := strings.TrimSpace(f["email"]), f["password"]
	if email == "" || pw == "" {
		return a.renderLogin(c, http.StatusUnprocessableEntity, email, "clinician.login.missing")
	}
	if len(email) > 254 || len(pw) > 4*password.MaxLength {
		return a.renderLogin(c, http.StatusUnprocessableEntity, "", "clinician.login.wrong")
	}
	ctx := c.Request.Context()
	now := a.s.store.Now()
	u, hash, err := a.s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	att := loginAttempt{ip: clientIP(c.Request), email: strings.ToLower(email)}
	entry := store.AuditEntry{Actor: actorFor(email, u), Action: "login_failed", Outcome: "failed"}
	if u != nil {
		att.account, entry.UserID = u.ID, u.ID
		att.device = a.s.device(c.Request, u.ID)
	}
	if wait := a.throttle.loginWait(att, now); wait > 0 {
		if a.throttle.note("login\x00"+att.clientKey()+"\x00"+att.device, now) {
			entry.Outcome = "throttled"
			if err := a.s.store.Audit(ctx, entry); err != nil {
				return err
			}
		}
		mins := int(math.Ceil(wait.Minutes()))
		retryAfter(c, int(math.Ceil(wait.Seconds())))
		return a.renderLogin(c, http.StatusTooManyRequests, email, "clinician.login.throttled", mins)
	}
	ok := false
	if u != nil {
		if ok, err = password.Verify(hash, pw); err != nil {
			a.s.log.Error("password hash unreadable", "user", u.ID, "err", err)
		}
	} else {
		password.VerifyNone(pw)
	}
	if !ok || u.Disabled {
		a.throttle.loginFailed(att, now)
		if ok {
			entry.Outcome = "denied" // right password, disabled account
		}
		if err := a.s.store.Audit(ctx, entry); err != nil {
			return err
		}
		c.Header("WWW-Authenticate", `Form realm="ketascreen"`)
		return a.renderLogin(c, http.StatusUnauthorized, email, "clinician.login.wrong")
	}
	// A new session id at every login; the browser's previous one (if any) ends.
	token, err := a.s.store.CreateSession(ctx, u, a.s.sessionToken(c.Request),
		store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "login", Outcome: "ok"})
	if err != nil {
		return err
	}
	a.s.setSessionCookie(c.Writer, token)
	a.s.setDeviceCookie(c.Writer, u.ID)
	c.Redirect(http.StatusSeeOther, a.s.newPage(c, "").Link("/clinician"))
	return nil
}

// logout ends the session on the server, not only in the browser.
func (a *clinicianArea) logout(c *gin.Context) error {
	u, token, err := a.s.signedIn(c)
	if err != nil {
		return err
	}
	if u != nil {
		err := a.s.store.EndSession(c.Request.Context(), token, &store.AuditEntry{UserID: u.ID, Actor: u.Email, Action: "logout", Outcome: "ok"})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.s.clearSessionCookie(c.Writer)
	c.Redirect(http.StatusSeeOther, a.s.newPage(c, "").Link("/clinician/login", "signed_out", "1"))
	return nil
}
