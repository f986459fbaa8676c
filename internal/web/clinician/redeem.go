package clinician

import (
	"errors"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// Redeem takes a share code from the form body (never the URL) and, when it is valid, lets
// this session open the response's summary, at a URL that holds the response's internal id
// and not the code. The service counts failures against the account's allowance; a code
// another clinician holds is refused like a wrong one.
func (a *Area) Redeem(c *gin.Context) error {
	u := staff.User(c)
	f, err := web.PostedForm(c, "code")
	if err != nil {
		return err
	}
	res, err := a.acc.Redeem(c.Request.Context(), access.RedeemForm{User: u, Session: staff.Session(c), Code: f["code"]})
	if err != nil {
		return err
	}
	if res.Outcome == access.Redeemed {
		c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician/responses/"+res.ResponseID))
		return nil
	}
	return a.renderHome(c, u, 0, &res)
}

var responseIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

var errNoAccess = &web.Error{Status: http.StatusForbidden, Key: "clinician.error.no_access"}

// viewable loads a response the session may see (it redeemed a still-valid code for it) and
// scores it again with the version it was answered with. A refusal is audited.
func (a *Area) viewable(c *gin.Context, action auditdb.Action) (*responsedb.Response, *questionnaire.Result, error) {
	u, session := staff.User(c), staff.Session(c)
	ctx := c.Request.Context()
	rid := c.Param("id")
	if !responseIDRE.MatchString(rid) {
		return nil, nil, web.ErrNotFound
	}
	ok, err := a.staffDB.CanView(ctx, session, rid)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		// The same answer whether or not the response exists.
		if err := a.audit.Append(ctx, auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: action, ResponseID: rid, Outcome: auditdb.OutcomeDenied}); err != nil {
			return nil, nil, err
		}
		return nil, nil, errNoAccess
	}
	resp, err := a.responses.ResponseByID(ctx, rid)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, web.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	q := a.site.Catalog.Version(resp.Questionnaire, resp.Version)
	if q == nil {
		return nil, nil, web.ErrGone
	}
	r, err := q.Score(resp.Answers)
	if err != nil {
		return nil, nil, err
	}
	return resp, r, nil
}

// ShowSummaryPage is a shared response as a clinician reads it: flags first, then the level,
// scores and every answer.
func (a *Area) ShowSummaryPage(c *gin.Context) error {
	resp, r, err := a.viewable(c, auditdb.ActionSummaryView)
	if err != nil {
		return err
	}
	u := staff.User(c)
	p := staff.NewPage(a.site, c, u, "clinician.summary.title", "/clinician/responses/"+resp.ID)
	sp, err := a.newSummary(c, p, resp, r)
	if err != nil {
		return err
	}
	// The audit row is written before the page is sent: no view without one.
	if err := a.audit.Append(c.Request.Context(), auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: auditdb.ActionSummaryView,
		ResponseID: resp.ID, Outcome: auditdb.OutcomeOK}); err != nil {
		return err
	}
	return a.site.Render(c.Writer, http.StatusOK, "clinician_summary", sp)
}
