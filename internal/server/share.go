package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store"
)

// shareState is the result page's share section: whether a code is active, until when.
type shareState struct {
	Days    int    // how long a new code lasts
	Expires string // last day of the active code (YYYY-MM-DD), or ""
}

// shareSection is the share section of a result page.
func (s *Server) shareSection(ctx context.Context, resp *store.Response) (*shareState, error) {
	exp, err := s.store.ShareCodeExpiry(ctx, resp.ID)
	if err != nil {
		return nil, err
	}
	return &shareState{Days: s.cfg.ShareDays, Expires: exp}, nil
}

type shareCodePage struct {
	*page
	Token, QTitle, Code, Expires string
}

// createShareCode makes a share code for a result, replacing any earlier one, and shows it
// once: only its keyed hash is kept, so it can never be shown again. The code is in this
// page's body, never in a URL.
func (a *clinicianArea) createShareCode(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	_, r, err := a.s.loadResult(ctx, token)
	if err != nil {
		return err
	}
	code := sharecode.New()
	exp, err := a.s.store.CreateShareCode(ctx, token, code.Hash(a.s.cfg.Secret), a.s.cfg.ShareDays)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound // deleted in between
	}
	if err != nil {
		return err
	}
	p := a.s.newPage(c, "")
	p.Title = p.T("share.created.title")
	return a.s.render(c.Writer, http.StatusOK, "share_code", &shareCodePage{page: p, Token: token,
		QTitle: r.Questionnaire.Title.In(p.Lang), Code: code.String(), Expires: exp})
}

// revokeShareCode withdraws a result's share code; summaries opened with it close at once.
func (a *clinicianArea) revokeShareCode(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	if !tokenRE.MatchString(token) {
		return errNotFound
	}
	if _, err := a.s.store.ResponseByToken(ctx, token); errors.Is(err, store.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	if err := a.s.store.RevokeShareCode(ctx, token); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, a.s.newPage(c, "").Link("/r/"+token)+"#share")
	return nil
}
