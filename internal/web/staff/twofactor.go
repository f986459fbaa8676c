package staff

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Two-factor enrolment, in two places: during a sign-in, for an account that must use it and
// has not set it up (it is not signed in until it has), and from the staff pages, for a
// signed-in account that chooses to. Both show the same page: a QR code drawn on the server,
// the key as text, and a field for a first code; then the ten recovery codes, once. Every
// page here holds a secret and is sent with Cache-Control: no-store (as every page is).

type enrolPage struct {
	*Page
	QR       template.HTML // an <svg> element made by access.QRSVG from the key's URL
	Key      string        // the key in groups of four, to type into an app
	Action   string        // where the confirmation is posted
	Required bool          // enrolling is the only way on
}

type codesPage struct {
	*Page
	Codes []string
}

type twoFactorPage struct {
	*Page
	RecoveryLeft  int
	FewRecovery   bool
	RecoveryTotal int
}

// ShowEnrolPage is enrolment during a sign-in.
func (a *Area) ShowEnrolPage(c *gin.Context) error {
	u, ok, err := a.pending(c, staffdb.StageEnrol)
	if err != nil {
		return err
	}
	if !ok {
		return a.expired(c)
	}
	return a.renderEnrol(c, u, true, http.StatusOK, nil)
}

// ConfirmEnrolment checks the first code of an enrolment during a sign-in; when it is right,
// the session starts and the recovery codes are shown.
func (a *Area) ConfirmEnrolment(c *gin.Context) error {
	f, err := web.PostedForm(c, "code")
	if err != nil {
		return err
	}
	pending := a.pendingToken(c.Request)
	if pending == "" {
		return a.expired(c)
	}
	res, err := a.acc.ConfirmEnrolment(c.Request.Context(), access.ConfirmForm{Pending: pending,
		Code: f["code"], DeviceCookie: deviceValue(c.Request), Session: a.sessionToken(c.Request)})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case access.Enrolled:
		a.startSession(c, res)
		return a.renderCodes(c, res)
	case access.Expired:
		return a.expired(c)
	}
	u, ok, err := a.pending(c, staffdb.StageEnrol)
	if err != nil {
		return err
	}
	if !ok {
		return a.expired(c)
	}
	return a.renderEnrol(c, u, true, 0, &res)
}

// ShowTwoFactorPage is the signed-in account's two-factor page: how many recovery codes are
// left when it is set up, enrolment when it is not.
func (a *Area) ShowTwoFactorPage(c *gin.Context) error {
	u := User(c)
	if !u.TwoFactor {
		return a.renderEnrol(c, u, a.MustEnrol(u), http.StatusOK, nil)
	}
	left, err := a.acc.RecoveryCodesLeft(c.Request.Context(), u)
	if err != nil {
		return err
	}
	p := NewPage(a.site, c, u, "twofactor.status.title", twoFactorPath)
	if c.Query("used") == "recovery" {
		p.Notice = p.T("twofactor.status.used")
	}
	return a.site.Render(c.Writer, http.StatusOK, "two_factor", &twoFactorPage{Page: p, RecoveryLeft: left,
		FewRecovery: left <= access.FewRecoveryCodes, RecoveryTotal: access.RecoveryCodes})
}

// ConfirmTwoFactor checks the first code of a signed-in account's enrolment.
func (a *Area) ConfirmTwoFactor(c *gin.Context) error {
	u := User(c)
	f, err := web.PostedForm(c, "code")
	if err != nil {
		return err
	}
	if u.TwoFactor {
		a.redirect(c, twoFactorPath)
		return nil
	}
	res, err := a.acc.ConfirmEnrolment(c.Request.Context(), access.ConfirmForm{User: u, Code: f["code"],
		DeviceCookie: deviceValue(c.Request)})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case access.Enrolled:
		return a.renderCodes(c, res)
	case access.Expired:
		a.redirect(c, twoFactorPath)
		return nil
	}
	return a.renderEnrol(c, u, a.MustEnrol(u), 0, &res)
}

// renderEnrol shows the enrolment page for an account: during a sign-in when the request has
// no session (no navigation then), from the staff pages otherwise. required says it is the
// only way on.
func (a *Area) renderEnrol(c *gin.Context, u *staffdb.User, required bool, status int, refused *access.Result) error {
	signingIn := User(c) == nil
	var nav *staffdb.User
	action := twoFactorPath
	if signingIn {
		action = enrolPath
	} else {
		nav = u
	}
	p := &enrolPage{Page: NewPage(a.site, c, nav, "twofactor.title", action), Required: required}
	p.Action = p.Link(action)
	if refused != nil {
		status = Refuse(c, p.Page, "twofactor.enrol.", *refused)
	}
	en, err := a.acc.Enrolment(c.Request.Context(), u, p.T("twofactor.qr_label"))
	if errors.Is(err, access.ErrEnrolled) {
		// Confirmed by a request sent at the same moment: sign in (again) with a code.
		if signingIn {
			return a.expired(c)
		}
		a.redirect(c, twoFactorPath)
		return nil
	}
	if err != nil {
		return err
	}
	p.QR = template.HTML(en.QRSVG) // drawn by access.QRSVG: only numbers, and the label escaped
	p.Key = groups(en.Secret, 4)
	return a.site.Render(c.Writer, status, "two_factor_enrol", p)
}

// renderCodes shows the new recovery codes, this once.
func (a *Area) renderCodes(c *gin.Context, res access.Result) error {
	p := NewPage(a.site, c, res.User, "twofactor.codes.title", "")
	return a.site.Render(c.Writer, http.StatusOK, "two_factor_codes", &codesPage{Page: p, Codes: res.RecoveryCodes})
}

// groups splits s into groups of n characters with spaces, for reading and typing.
func groups(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}
