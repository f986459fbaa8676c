package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/web"
	"github.com/ketascreen/ketascreen/internal/web/staff"
)

// auditPageSize is how many audit rows a page shows.
const auditPageSize = 50

// auditTotalsOver is how far back the totals above the rows count.
const auditTotalsOver = 24 * time.Hour

// auditActions are the actions the filter offers, besides any others found in the log.
var auditActions = []auditdb.Action{auditdb.ActionLogin, auditdb.ActionLoginFailed, auditdb.ActionLoginCode, auditdb.ActionLogout,
	auditdb.ActionRedeem, auditdb.ActionRedeemAlarm, auditdb.ActionSummaryView, auditdb.ActionFHIRDownload, auditdb.ActionStatsView, auditdb.ActionExport, auditdb.ActionStatsRerelease,
	auditdb.ActionUserAdd, auditdb.ActionUserDisable, auditdb.ActionUserEnable, auditdb.ActionUserPasswd,
	auditdb.ActionTOTPEnrol, auditdb.ActionTOTPReset, auditdb.ActionRecoveryUsed}

type auditPage struct {
	*staff.Page
	Rows          []auditRow
	Totals        []auditdb.Total // by action and outcome, over the last auditTotalsOver
	Users         []auditChoice
	Actions       []auditChoice
	FilterUser    string
	FilterAction  string
	Next, Newest  string // links to the next (older) page and back to the newest
	FilterApplied bool
}

type auditChoice struct {
	Value, Label string
	Selected     bool
}

type auditRow struct {
	auditdb.Entry
	When, ShortResponse string
}

// ShowAuditPage is the audit log for admins: the totals of the last day, then the rows
// newest first, a page at a time, filtered by account and action. Refused tries are folded
// into one row per minute and key, which shows how many it stands for (×490).
func (a *Area) ShowAuditPage(c *gin.Context) error {
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	f := auditdb.Filter{User: strings.TrimSpace(q.Get("user")), Action: q.Get("action"), Limit: auditPageSize}
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
	known, err := a.audit.Actions(ctx)
	if err != nil {
		return err
	}
	actions := slices.Clone(auditActions)
	for _, k := range known {
		if !slices.Contains(actions, auditdb.Action(k)) {
			actions = append(actions, auditdb.Action(k))
		}
	}
	if f.Action != "" && !slices.Contains(actions, auditdb.Action(f.Action)) {
		return web.ErrBadRequest
	}
	users, err := a.staffDB.Users(ctx)
	if err != nil {
		return err
	}
	rows, err := a.audit.Entries(ctx, f)
	if err != nil {
		return err
	}
	totals, err := a.audit.Totals(ctx, a.site.Store.Now().Add(-auditTotalsOver))
	if err != nil {
		return err
	}
	p := staff.NewPage(a.site, c, staff.User(c), "audit.title", "/admin/audit")
	ap := &auditPage{Page: p, FilterUser: f.User, FilterAction: f.Action, FilterApplied: f.User != "" || f.Action != ""}
	for _, t := range totals {
		if f.Action == "" || t.Action == auditdb.Action(f.Action) {
			ap.Totals = append(ap.Totals, t)
		}
	}
	p.Keep = []string{"user", f.User, "action", f.Action}
	ap.Users = append(ap.Users, auditChoice{"", p.T("audit.all_users"), f.User == ""})
	for _, u := range users {
		ap.Users = append(ap.Users, auditChoice{u.Email, u.Email, strings.EqualFold(u.Email, f.User)})
	}
	ap.Actions = append(ap.Actions, auditChoice{"", p.T("audit.all_actions"), f.Action == ""})
	for _, act := range actions {
		ap.Actions = append(ap.Actions, auditChoice{string(act), string(act), string(act) == f.Action})
	}
	for _, r := range rows {
		row := auditRow{Entry: r, When: r.At.UTC().Format("2006-01-02 15:04:05"), ShortResponse: r.ResponseID}
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
