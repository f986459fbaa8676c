package staff

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Paths of the sign-in steps after the password.
const (
	codePath      = "/clinician/login/code"
	enrolPath     = "/clinician/login/enrol"
	twoFactorPath = "/clinician/two-factor"
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
		a.redirect(c, "/clinician")
		return nil
	}
	return a.RenderLogin(c, http.StatusOK, "", nil)
}

// RenderLogin renders the sign-in form with an email kept and, when refused is set, the words
// for its outcome.
func (a *Area) RenderLogin(c *gin.Context, status int, email string, refused *access.Result) error {
	p := NewPage(a.site, c, nil, "clinician.login.title", "/clinician/login")
	switch {
	case refused != nil:
		status = Refuse(c, p, "signin.", *refused)
	case c.Query("signed_out") == "1":
		p.Notice = p.T("clinician.login.signed_out")
	case c.Query("expired") == "1":
		p.Notice = p.T("signin.expired")
	}
	if len(email) > 254 {
		email = ""
	}
	return a.site.Render(c.Writer, status, "clinician_login", &loginPage{Page: p, Email: email})
}

// Login checks an email and password. A right one leads to the second step (a code, or
// enrolment), or straight to a session for an account that needs none.
func (a *Area) Login(c *gin.Context) error {
	f, err := web.PostedForm(c, "email", "password")
	if err != nil {
		return err
	}
	email := strings.TrimSpace(f["email"])
	if email == "" || f["password"] == "" {
		p := NewPage(a.site, c, nil, "clinician.login.title", "/clinician/login")
		p.Error = p.T("clinician.login.missing")
		return a.site.Render(c.Writer, http.StatusUnprocessableEntity, "clinician_login", &loginPage{Page: p, Email: email})
	}
	res, err := a.acc.SignIn(c.Request.Context(), access.SignInForm{Email: email, Password: f["password"],
		DeviceCookie: deviceValue(c.Request), Session: a.sessionToken(c.Request)})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case access.SignedIn:
		a.startSession(c, res)
		a.redirect(c, "/clinician")
		return nil
	case access.NeedsCode:
		a.setPending(c.Writer, res.Pending)
		a.redirect(c, codePath)
		return nil
	case access.NeedsEnrolment:
		a.setPending(c.Writer, res.Pending)
		a.redirect(c, enrolPath)
		return nil
	case access.Wrong:
		c.Header("WWW-Authenticate", `Form realm="ketascreen"`)
	}
	return a.RenderLogin(c, 0, email, &res)
}

// expired sends a browser whose half-done sign-in is over (or unknown) back to the password.
func (a *Area) expired(c *gin.Context) error {
	a.clearPending(c.Writer)
	a.redirect(c, "/clinician/login", "expired", "1")
	return nil
}

// Logout ends the session on the server, not only in the browser.
func (a *Area) Logout(c *gin.Context) error {
	u, token, err := a.SignedIn(c)
	if err != nil {
		return err
	}
	if u != nil {
		err := a.staffDB.EndSession(c.Request.Context(), token,
			&auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: auditdb.ActionLogout, Outcome: auditdb.OutcomeOK})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.clearSessionCookie(c.Writer)
	a.redirect(c, "/clinician/login", "signed_out", "1")
	return nil
}
