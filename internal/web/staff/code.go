package staff

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

type codePage struct {
	*Page
	RecoveryLeft int
	FewRecovery  bool // few recovery codes are left: the page says so
}

// pending is the account of the browser's half-done sign-in when it waits for stage.
func (a *Area) pending(c *gin.Context, stage staffdb.Stage) (*staffdb.User, bool, error) {
	tok := a.pendingToken(c.Request)
	if tok == "" {
		return nil, false, nil
	}
	u, st, ok, err := a.acc.Pending(c.Request.Context(), tok)
	if err != nil || !ok || st != stage {
		return nil, false, err
	}
	return u, true, nil
}

// ShowCodePage asks for the second factor of a sign-in: a code from the authenticator app,
// or a recovery code.
func (a *Area) ShowCodePage(c *gin.Context) error {
	u, ok, err := a.pending(c, staffdb.StageCode)
	if err != nil {
		return err
	}
	if !ok {
		return a.expired(c)
	}
	return a.renderCode(c, u, http.StatusOK, nil)
}

func (a *Area) renderCode(c *gin.Context, u *staffdb.User, status int, refused *access.Result) error {
	p := &codePage{Page: NewPage(a.site, c, nil, "signin.code.title", codePath)}
	if refused != nil {
		status = Refuse(c, p.Page, "signin.code.", *refused)
	}
	left, err := a.acc.RecoveryCodesLeft(c.Request.Context(), u)
	if err != nil {
		return err
	}
	p.RecoveryLeft, p.FewRecovery = left, left <= access.FewRecoveryCodes
	return a.site.Render(c.Writer, status, "signin_code", p)
}

// SubmitCode checks the second factor and, when it is right, starts the session. After a
// recovery code the person sees how many are left.
func (a *Area) SubmitCode(c *gin.Context) error {
	f, err := web.PostedForm(c, "code")
	if err != nil {
		return err
	}
	pending := a.pendingToken(c.Request)
	if pending == "" {
		return a.expired(c)
	}
	res, err := a.acc.SubmitCode(c.Request.Context(), access.CodeForm{Pending: pending, Code: f["code"],
		DeviceCookie: deviceValue(c.Request), Session: a.sessionToken(c.Request)})
	if err != nil {
		return err
	}
	switch res.Outcome {
	case access.SignedIn:
		a.startSession(c, res)
		if res.Recovery {
			a.redirect(c, twoFactorPath, "used", "recovery")
		} else {
			a.redirect(c, "/clinician")
		}
		return nil
	case access.Expired:
		return a.expired(c)
	}
	u, ok, err := a.pending(c, staffdb.StageCode)
	if err != nil {
		return err
	}
	if !ok {
		return a.expired(c)
	}
	return a.renderCode(c, u, 0, &res)
}
