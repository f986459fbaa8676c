package staffdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func TestUsers(t *testing.T) { storetest.Run(t, testUsers) }

func testUsers(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	_, staff, _ := openClocked(t, b)
	u, err := staff.CreateUser(ctx, "Ana@Example.org", staffdb.RoleClinician, "$argon2id$x", "command line")
	if err != nil || u.ID == 0 {
		t.Fatalf("CreateUser: %v %v", u, err)
	}
	if _, err := staff.CreateUser(ctx, "ana@example.ORG", staffdb.RoleAdmin, "h", "command line"); !errors.Is(err, staffdb.ErrEmailTaken) {
		t.Fatalf("same email in another case: %v, want ErrEmailTaken", err)
	}
	if _, err := staff.CreateUser(ctx, "x@example.org", "root", "h", "command line"); err == nil {
		t.Fatal("a role other than clinician or admin was accepted")
	}
	got, hash, err := staff.UserByEmail(ctx, "ANA@example.org")
	if err != nil || got.ID != u.ID || hash != "$argon2id$x" || got.Role != staffdb.RoleClinician {
		t.Fatalf("UserByEmail: %+v %q %v", got, hash, err)
	}
	if _, _, err := staff.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown email: %v", err)
	}
	if err := staff.SetUserDisabled(ctx, "nobody@example.org", true, "command line"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("disable unknown: %v", err)
	}
}

func TestSessionTimeouts(t *testing.T) { storetest.Run(t, testSessionTimeouts) }

func testSessionTimeouts(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	_, staff, c := openClocked(t, b)
	u, _ := staff.CreateUser(ctx, "a@example.org", staffdb.RoleClinician, "h", "test")
	login := auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: "login", Outcome: "ok"}

	t.Run("Idle", func(t *testing.T) {
		tok, err := staff.CreateSession(ctx, u, "", login)
		if err != nil {
			t.Fatal(err)
		}
		// Requests every 29 minutes keep it alive past the idle timeout...
		for range 4 {
			c.Advance(29 * time.Minute)
			if _, err := staff.SessionUser(ctx, tok); err != nil {
				t.Fatalf("active session ended: %v", err)
			}
		}
		// ...30 minutes of silence end it.
		c.Advance(30 * time.Minute)
		if _, err := staff.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("idle session still valid: %v", err)
		}
	})
	t.Run("Absolute", func(t *testing.T) {
		tok, _ := staff.CreateSession(ctx, u, "", login)
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
			c.Advance(20 * time.Minute)
			if _, err := staff.SessionUser(ctx, tok); err != nil {
				t.Fatalf("session ended after %v: %v", elapsed, err)
			}
		}
		c.Advance(20 * time.Minute) // 12 hours since sign-in
		if _, err := staff.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session valid after 12 hours: %v", err)
		}
	})
	t.Run("NewIDAtLogin", func(t *testing.T) {
		old, _ := staff.CreateSession(ctx, u, "", login)
		tok, _ := staff.CreateSession(ctx, u, old, login)
		if tok == old {
			t.Fatal("same session id after login")
		}
		if _, err := staff.SessionUser(ctx, old); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("the session from before login still works")
		}
	})
	t.Run("Disabled", func(t *testing.T) {
		tok, _ := staff.CreateSession(ctx, u, "", login)
		if err := staff.SetUserDisabled(ctx, u.Email, true, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("a disabled account's session still works")
		}
		staff.SetUserDisabled(ctx, u.Email, false, "test")
		if _, err := staff.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("enabling the account again revived its old session")
		}
	})
	t.Run("Logout", func(t *testing.T) {
		tok, _ := staff.CreateSession(ctx, u, "", login)
		if err := staff.EndSession(ctx, tok, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := staff.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("session works after logout")
		}
	})
}

func TestShareCodes(t *testing.T) { storetest.Run(t, testShareCodes) }

func testShareCodes(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s, staff, c := openClocked(t, b)
	responses := responsedb.New(s)
	u, _ := staff.CreateUser(ctx, "a@example.org", staffdb.RoleClinician, "h", "test")
	sess, _ := staff.CreateSession(ctx, u, "", auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: "login", Outcome: "ok"})
	r := sample(1)
	token, err := responses.CreateResponse(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	redeem := func(hash string) (string, error) {
		return staff.ClaimShareCode(ctx, u.ID, sess, []byte(hash), auditdb.Entry{Actor: u.Email, Action: auditdb.ActionRedeem, Outcome: auditdb.OutcomeOK})
	}

	if _, err := responses.CreateShareCode(ctx, "no-such-token", []byte("h0"), 30); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("code for an unknown token: %v", err)
	}
	exp, err := responses.CreateShareCode(ctx, token, []byte("h1"), 30)
	if err != nil || exp != "2026-04-08" {
		t.Fatalf("CreateShareCode = %q, %v; want the 30th day, 2026-04-08", exp, err)
	}
	if ok, _ := staff.CanView(ctx, sess, r.ID); ok {
		t.Fatal("viewable before redemption")
	}
	if _, err := redeem("wrong"); !errors.Is(err, staffdb.ErrCodeInvalid) {
		t.Fatalf("wrong code: %v", err)
	}
	if id, err := redeem("h1"); err != nil || id != r.ID {
		t.Fatalf("redeem = %q, %v", id, err)
	}
	if ok, _ := staff.CanView(ctx, sess, r.ID); !ok {
		t.Fatal("not viewable after redemption")
	}

	// A new code replaces the old one, and closes what the old one opened.
	if _, err := responses.CreateShareCode(ctx, token, []byte("h2"), 30); err != nil {
		t.Fatal(err)
	}
	if _, err := redeem("h1"); !errors.Is(err, staffdb.ErrCodeInvalid) {
		t.Fatal("the replaced code still works")
	}
	if ok, _ := staff.CanView(ctx, sess, r.ID); ok {
		t.Fatal("the replaced code's access remains")
	}
	if _, err := redeem("h2"); err != nil {
		t.Fatal(err)
	}

	// Revoked.
	if err := responses.RevokeShareCode(ctx, token); err != nil {
		t.Fatal(err)
	}
	if ok, _ := staff.CanView(ctx, sess, r.ID); ok {
		t.Fatal("viewable after revocation")
	}
	if _, err := redeem("h2"); !errors.Is(err, staffdb.ErrCodeInvalid) {
		t.Fatal("a revoked code works")
	}

	// Expired: valid through its last day, not after; purged.
	responses.CreateShareCode(ctx, token, []byte("h3"), 30)
	if _, err := redeem("h3"); err != nil {
		t.Fatal(err)
	}
	c.Advance(29*24*time.Hour + 14*time.Hour) // 2026-04-08 23:00
	if exp, _ := responses.ShareCodeExpiry(ctx, r.ID); exp != "2026-04-08" {
		t.Fatalf("expiry on its last day: %q", exp)
	}
	if ok, _ := staff.CanView(ctx, sess, r.ID); !ok {
		t.Fatal("not viewable on the code's last day")
	}
	c.Advance(time.Hour)
	if ok, _ := staff.CanView(ctx, sess, r.ID); ok {
		t.Fatal("viewable after expiry")
	}
	if _, err := redeem("h3"); !errors.Is(err, staffdb.ErrCodeInvalid) {
		t.Fatal("an expired code works")
	}
	if _, err := responses.Purge(ctx, 3650); err != nil {
		t.Fatal(err)
	}
	if err := staff.PurgeSessions(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	db := storetest.Raw(t, s.Path())
	db.QueryRow("select count(*) from share_codes").Scan(&n)
	if n != 0 {
		t.Fatalf("%d expired codes left after the purge", n)
	}
	db.QueryRow("select count(*) from sessions").Scan(&n)
	if n != 0 {
		t.Fatalf("%d ended sessions left after the purge", n)
	}

	// Deleting the response deletes its code.
	c.Advance(-30 * 24 * time.Hour)
	responses.CreateShareCode(ctx, token, []byte("h4"), 30)
	if err := responses.DeleteResponse(ctx, token); err != nil {
		t.Fatal(err)
	}
	db.QueryRow("select count(*) from share_codes").Scan(&n)
	if n != 0 {
		t.Fatal("the code of a deleted response remains")
	}
}
