package admin

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// viewAuditEvery is how often the same admin's reading of the same view with the same filter
// is written to the audit log again. Reloading a page, or going back and forth between two
// views, would otherwise write a row per request; once a minute still says who read what,
// and when, to the minute.
const viewAuditEvery = time.Minute

// viewAudit remembers when each (account, view, filter) was last audited. It is kept in
// memory: after a restart the next reading is audited again, which only adds a row.
type viewAudit struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether a reading with this key must be audited at now, and if so records it
// as audited (so two requests at once write one row).
func (va *viewAudit) due(key string, now time.Time) bool {
	va.mu.Lock()
	defer va.mu.Unlock()
	if va.last == nil {
		va.last = map[string]time.Time{}
	}
	if at, ok := va.last[key]; ok && now.Sub(at) < viewAuditEvery && !now.Before(at) {
		return false
	}
	// Forget what can no longer hold a row back, so the map stays as small as a minute's
	// distinct readings.
	for k, at := range va.last {
		if now.Sub(at) >= viewAuditEvery {
			delete(va.last, k)
		}
	}
	va.last[key] = now
	return true
}

// forget undoes due when the row could not be written, so the next reading tries again.
func (va *viewAudit) forget(key string) {
	va.mu.Lock()
	defer va.mu.Unlock()
	delete(va.last, key)
}

// auditView writes who read which view of the dashboard with which filter, unless the same
// account read the same thing within viewAuditEvery. It runs before the page is sent: no
// figures leave without their row.
func (a *Area) auditView(ctx context.Context, u *staffdb.User, view string, v *statsview.View) error {
	entry := auditdb.Entry{Actor: "unknown", Action: auditdb.ActionStatsView, Outcome: auditdb.OutcomeOK, Detail: v.AuditDetail("view", view)}
	if u != nil {
		entry.UserID, entry.Actor = u.ID, u.Email
	}
	key := strconv.FormatInt(entry.UserID, 10) + " " + entry.Actor + " " + entry.Detail
	if !a.views.due(key, a.site.Store.Now()) {
		return nil
	}
	if err := a.audit.Append(ctx, entry); err != nil {
		a.views.forget(key)
		return err
	}
	return nil
}

// auditExport writes an export's row; every export has one.
func (a *Area) auditExport(ctx context.Context, u *staffdb.User, format string, v *statsview.View) error {
	entry := auditdb.Entry{Actor: "unknown", Action: auditdb.ActionExport, Outcome: auditdb.OutcomeOK, Detail: v.AuditDetail("format", format)}
	if u != nil {
		entry.UserID, entry.Actor = u.ID, u.Email
	}
	return a.audit.Append(ctx, entry)
}
