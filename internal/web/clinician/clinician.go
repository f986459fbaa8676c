// Package clinician is the signed-in side for clinicians (and admins): entering a share code a
// person chose to give, reading the shared response's summary, printing it, and downloading it
// as FHIR R4.
package clinician

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// Area is the clinician area.
type Area struct {
	site      *web.Site
	responses *responsedb.DB
	staffDB   *staffdb.DB
	audit     *auditdb.DB
	staff     *staff.Area
	acc       *access.Service
	// fhirBaseURL is the base of canonical URLs in FHIR downloads (fhir.DefaultBase if empty).
	fhirBaseURL string
}

// New makes the clinician area on top of the staff area's sessions; redemptions go through
// the access service.
func New(site *web.Site, st *staff.Area, acc *access.Service, fhirBase string) *Area {
	return &Area{site: site, responses: responsedb.New(site.Store), staffDB: staffdb.New(site.Store), audit: auditdb.New(site.Store), staff: st, acc: acc, fhirBaseURL: fhirBase}
}

// ShowHomePage is the sign-in form when signed out, and the code entry when signed in.
func (a *Area) ShowHomePage(c *gin.Context) error {
	u, _, err := a.staff.SignedIn(c)
	if err != nil {
		return err
	}
	if u == nil {
		return a.staff.RenderLogin(c, http.StatusOK, "", nil)
	}
	if a.staff.MustEnrol(u) {
		c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician/two-factor"))
		return nil
	}
	return a.renderHome(c, u, http.StatusOK, nil)
}

// renderHome is the code entry, with the words for a refused redemption when there is one.
func (a *Area) renderHome(c *gin.Context, u *staffdb.User, status int, refused *access.Result) error {
	p := staff.NewPage(a.site, c, u, "clinician.home.title", "/clinician")
	if refused != nil {
		status = staff.Refuse(c, p, "clinician.redeem.", *refused)
	}
	return a.site.Render(c.Writer, status, "clinician_home", p)
}

// fhirBase is the base of canonical URLs in downloads.
func (a *Area) fhirBase() string {
	if a.fhirBaseURL != "" {
		return a.fhirBaseURL
	}
	return fhir.DefaultBase
}
