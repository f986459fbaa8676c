package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// auditPageSize is how many audit rows a page shows.
const auditPageSize = 50

// auditActions are the actions the filter offers, besides any others found in the log.
var auditActions = []string{"login", "login_failed", "logout", "redeem", "summary_view", "fhir_download", "export",
	"user_add", "user_disable", "user_enable", "user_passwd"}

type auditPage struct {
	*staff.Page
	Rows          []auditRow
	Users         []statsChoice
	Actions       []statsChoice
	FilterUser    string
	FilterAction  string
	Next, Newest  string // links to the next (older) page and back to the newest
	FilterApplied bool
}

type auditRow struct {
	store.AuditEntry
	When, ShortResponse string
}

// ShowAuditPage is the audit log for admins: newest first, a page at a time, filtered by
// account and action.
func (a *Area) ShowAuditPage(c *gin.Context) error {
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	f := store.AuditFilter{User: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Limit: auditPageSize}
	if len(f.User) > 254 || len(f.Action) > 64 {
		return web.ErrBadRequest
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return web.ErrBadRequest
		}
		f.Before = n
	}
	known, err := a.site.Store.AuditActions(ctx)
	if err != nil {
		return err
	}
	actions := slices.Clone(auditActions)
	for _, k := range known {
		if !slices.Contains(actions, k) {
			actions = append(actions, k)
		}
	}
	if f.Action != "" && !slices.Contains(actions, f.Action) {
		return web.ErrBadRequest
	}
	users, err := a.site.Store.Users(ctx)
	if err != nil {
		return err
	}
	rows, err := a.site.Store.AuditEntries(ctx, f)
	if err != nil {
		return err
	}
	p := staff.NewPage(a.site, c, staff.User(c), "audit.title", "/admin/audit")
	ap := &auditPage{Page: p, FilterUser: f.User, FilterAction: f.Action, FilterApplied: f.User != "" || f.Action != ""}
	p.Keep = []string{"user", f.User, "action", f.Action}
	ap.Users = append(ap.Users, statsChoice{"", p.T("audit.all_users"), f.User == ""})
	for _, u := range users {
		ap.Users = append(ap.Users, statsChoice{u.Email, u.Email, strings.EqualFold(u.Email, f.User)})
	}
	ap.Actions = append(ap.Actions, statsChoice{"", p.T("audit.all_actions"), f.Action == ""})
	for _, act := range actions {
		ap.Actions = append(ap.Actions, statsChoice{act, act, act == f.Action})
	}
	for _, r := range rows {
		row := auditRow{AuditEntry: r, When: r.At.UTC().Format("2006-01-02 15:04:05"), ShortResponse: r.ResponseID}
		if len(row.ShortResponse) > 8 {
			row.ShortResponse = row.ShortResponse[:8]
		}
		ap.Rows = append(ap.Rows, row)
	}
	if len(rows) == auditPageSize {
		ap.Next = p.Link("/admin/audit", "user", f.User, "action", f.Action, "before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
	}
	if f.Before > 0 {
		ap.Newest = p.Link("/admin/audit", "user", f.User, "action", f.Action)
	}
	return a.site.Render(c.Writer, http.StatusOK, "admin_audit", ap)
}
