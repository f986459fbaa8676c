package server

import (
	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/admin"
	"github.com/ketascreen/ketascreen/internal/web/api"
	"github.com/ketascreen/ketascreen/internal/web/clinician"
	"github.com/ketascreen/ketascreen/internal/web/respondent"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// routes is every route of the site and who may reach it. Respondents and the API need no
// account. The sign-in steps need a half-done sign-in (its cookie), which they check. The
// staff groups need a signed-in clinician or admin, the admin group an admin; an account that
// must use two-factor sign-in and has not set it up reaches only the two-factor page until it
// has (RequireEnrolled).
func routes(site *web.Site, cfg Config) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	if !cfg.QuietRequests {
		e.Use(site.LogRequests)
	}
	e.Use(site.SecurityHeaders, site.RecoverPanic, web.LimitBody)
	h := site.Handle
	e.NoRoute(h(func(*gin.Context) error { return web.ErrNotFound }))
	e.NoMethod(h(func(*gin.Context) error { return web.ErrMethod }))

	resp := respondent.New(site, cfg.Secret, cfg.ShareDays, cfg.RetentionDays)
	e.GET("/", h(resp.ShowLandingPage))
	e.GET("/privacy", h(resp.ShowPrivacyPage))
	e.GET("/help", h(resp.ShowHelpPage))
	e.GET("/healthz", resp.Healthz)
	e.GET("/static/*file", site.ServeStatic)
	e.GET("/q/:id", h(resp.ShowQuestionnairePage))
	e.POST("/q/:id", h(resp.SaveStep))
	e.GET("/r/:token", h(resp.ShowResultPage))
	e.GET("/r/:token/delete", h(resp.ShowDeletePage))
	e.POST("/r/:token/delete", h(resp.DeleteResult))
	e.POST("/r/:token/share", h(resp.CreateShareCode))
	e.POST("/r/:token/share/revoke", h(resp.RevokeShareCode))

	apis := api.New(site, resp.SaveResult)
	e.GET("/api/v1/questionnaires", h(apis.ListQuestionnaires))
	e.GET("/api/v1/questionnaires/:id", h(apis.GetQuestionnaire))
	e.POST("/api/v1/questionnaires/:id/responses", h(apis.CreateResponse))

	st, err := staff.New(site, cfg.Access)
	if err != nil {
		return nil, err
	}
	e.GET("/clinician/login", h(st.ShowLoginPage))
	e.POST("/clinician/login", h(st.Login))
	e.GET("/clinician/login/code", h(st.ShowCodePage))
	e.POST("/clinician/login/code", h(st.SubmitCode))
	e.GET("/clinician/login/enrol", h(st.ShowEnrolPage))
	e.POST("/clinician/login/enrol", h(st.ConfirmEnrolment))
	e.POST("/clinician/logout", h(st.Logout))

	clin := clinician.New(site, st, cfg.Access, cfg.FHIRBase)
	e.GET("/clinician", h(clin.ShowHomePage)) // the sign-in form until signed in
	anyStaff := e.Group("/clinician", st.Require(staffdb.RoleClinician, staffdb.RoleAdmin))
	anyStaff.GET("/two-factor", h(st.ShowTwoFactorPage))
	anyStaff.POST("/two-factor", h(st.ConfirmTwoFactor))
	staffOnly := e.Group("/clinician", st.Require(staffdb.RoleClinician, staffdb.RoleAdmin), st.RequireEnrolled)
	staffOnly.POST("/redeem", h(clin.Redeem))
	staffOnly.GET("/responses/:id", h(clin.ShowSummaryPage))
	staffOnly.GET("/responses/:id/questionnaire-response.json", h(clin.DownloadResponse))
	staffOnly.GET("/responses/:id/questionnaire.json", h(clin.DownloadQuestionnaire))

	adm := admin.New(site)
	adminOnly := e.Group("/admin", st.Require(staffdb.RoleAdmin), st.RequireEnrolled)
	adminOnly.GET("/audit", h(adm.ShowAuditPage))
	adminOnly.GET("/stats", h(adm.ShowStatsPage))
	adminOnly.GET("/stats/answers", h(adm.ShowStatsPage))
	adminOnly.GET("/stats/export", h(adm.ExportStats))
	return e, nil
}
