package respondent

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// shareState is the result page's share section: whether a code is active, until when.
type shareState struct {
	Days    int    // how long a new code lasts
	Expires string // last day of the active code (YYYY-MM-DD), or ""
}

// shareSection is the share section of a result page.
func (a *Area) shareSection(ctx context.Context, resp *responsedb.Response) (*shareState, error) {
	exp, err := a.responses.ShareCodeExpiry(ctx, resp.ID)
	if err != nil {
		return nil, err
	}
	return &shareState{Days: a.shareDays, Expires: exp}, nil
}

type shareCodePage struct {
	*web.Page
	Token, QTitle, Code, Expires string
}

// CreateShareCode makes a share code for a result, replacing any earlier one, and shows it
// once: only its keyed hash is kept, so it can never be shown again. The code is in this
// page's body, never in a URL.
func (a *Area) CreateShareCode(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	_, r, err := a.loadResult(ctx, token)
	if err != nil {
		return err
	}
	code := sharecode.New()
	exp, err := a.responses.CreateShareCode(ctx, token, code.Hash(a.secret), a.shareDays)
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound // deleted in between
	}
	if err != nil {
		return err
	}
	p := a.site.NewPage(c.Request, "")
	p.Title = p.T("share.created.title")
	return a.site.Render(c.Writer, http.StatusOK, "share_code", &shareCodePage{Page: p, Token: token,
		QTitle: r.Questionnaire.Title.In(p.Lang), Code: code.String(), Expires: exp})
}

// RevokeShareCode withdraws a result's share code; summaries opened with it close at once.
func (a *Area) RevokeShareCode(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	if !store.IsToken(token) {
		return web.ErrNotFound
	}
	if _, err := a.responses.ResponseByToken(ctx, token); errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	} else if err != nil {
		return err
	}
	if err := a.responses.RevokeShareCode(ctx, token); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/r/"+token)+"#share")
	return nil
}
