package staffdb_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// unstorable is text PostgreSQL refuses as a parameter (SQLSTATE 22021) and SQLite takes.
var unstorable = map[string]string{
	"NUL":        "ana\x00@example.org",
	"BadUTF8":    "ana\xff\xfe@example.org",
	"CutRune":    "ana@example.org\xc3",
	"Surrogate":  "ana\xed\xa0\x80@example.org",
	"OnlyNUL":    "\x00",
	"Overlong":   "\xc0\xafetc",
	"NULInSpace": " \x00 ",
}

// What people type reaches lookups and the audit log as it is: text PostgreSQL refuses is not
// found (never an error), and written to the audit log made storable, on both backends alike.
func TestUnstorableText(t *testing.T) { storetest.Run(t, testUnstorableText) }

func testUnstorableText(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st, staff, _ := openClocked(t, b)
	if _, err := staff.CreateUser(ctx, "ana@example.org", staffdb.RoleClinician, "h", "test"); err != nil {
		t.Fatal(err)
	}
	audit := auditdb.New(st)
	responses := responsedb.New(st)
	for name, s := range unstorable {
		t.Run(name, func(t *testing.T) {
			if _, _, err := staff.UserByEmail(ctx, s); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByEmail: %v, want ErrNotFound", err)
			}
			if _, err := staff.CreateUser(ctx, s, staffdb.RoleClinician, "h", "test"); err == nil {
				t.Error("CreateUser took an email that is not text")
			}
			if err := staff.SetUserDisabled(ctx, s, true, "test"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetUserDisabled: %v, want ErrNotFound", err)
			}
			if err := staff.SetPassword(ctx, s, "h2", "test"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetPassword: %v, want ErrNotFound", err)
			}
			if err := staff.ResetTOTP(ctx, s, "test"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ResetTOTP: %v, want ErrNotFound", err)
			}
			if _, err := responses.ResponseByID(ctx, s); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ResponseByID: %v, want ErrNotFound", err)
			}
			if day, err := responses.ShareCodeExpiry(ctx, s); day != "" || err != nil {
				t.Errorf("ShareCodeExpiry: %q %v, want none", day, err)
			}
			if ok, err := staff.CanView(ctx, "session", s); ok || err != nil {
				t.Errorf("CanView: %v %v, want false", ok, err)
			}
			if rows, err := audit.Entries(ctx, auditdb.Filter{User: s}); len(rows) != 0 || err != nil {
				t.Errorf("audit entries for the user: %d %v, want none", len(rows), err)
			}
			if rows, err := audit.Entries(ctx, auditdb.Filter{Action: s}); len(rows) != 0 || err != nil {
				t.Errorf("audit entries for the action: %d %v, want none", len(rows), err)
			}
			if err := responses.EachResponse(ctx, s, s, s, func(*responsedb.Response) error { return nil }); err != nil {
				t.Errorf("EachResponse: %v", err)
			}
			if rs, err := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{Questionnaires: []string{s}, From: s, To: s}); len(rs) != 0 || err != nil {
				t.Errorf("Releases: %d %v, want none", len(rs), err)
			}

			// A failed sign-in is audited with what was typed, made storable.
			e := auditdb.Entry{Action: auditdb.ActionLogin, Outcome: auditdb.OutcomeFailed, Actor: s, Detail: "typed " + s}
			if err := audit.Append(ctx, e); err != nil {
				t.Fatalf("Append: %v", err)
			}
			tally := auditdb.Tally{Action: auditdb.ActionLogin, Outcome: auditdb.OutcomeFailed, Actor: s, Detail: s}
			if err := st.Write(ctx, func(tx *sql.Tx) error { return audit.TallyTx(tx, tally) }); err != nil {
				t.Fatalf("TallyTx: %v", err)
			}
		})
	}
	// A long actor is cut at a character, not inside one.
	long := strings.Repeat("é", 200)
	if err := audit.Append(ctx, auditdb.Entry{Action: auditdb.ActionLogin, Outcome: auditdb.OutcomeFailed, Actor: long}); err != nil {
		t.Fatalf("Append a long actor: %v", err)
	}
	if _, err := audit.FoldTally(ctx, st.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rows, err := audit.Entries(ctx, auditdb.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2*len(unstorable) {
		t.Errorf("%d audit rows, want at least %d", len(rows), 2*len(unstorable))
	}
	for _, r := range rows {
		if !store.Storable(r.Actor) || !store.Storable(r.Detail) || len(r.Actor) > 254 {
			t.Errorf("audit row holds %q / %q", r.Actor, r.Detail)
		}
	}
	if _, _, err := staff.UserByEmail(ctx, "ana@example.org"); err != nil {
		t.Errorf("the account: %v", err)
	}
}
