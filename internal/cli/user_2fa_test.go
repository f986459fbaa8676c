package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// twoFactorColumn is an account's 2FA column in user list.
func twoFactorColumn(t *testing.T, db, email string) string {
	t.Helper()
	_, out, _ := runIn(t, "", nil, "user", "list", "--db", db)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(email) + `\s+\S+\s+\S+\s+(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s not in user list:\n%s", email, out)
	}
	return m[1]
}

func TestUserTwoFactor(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	good := "a decent passphrase here\n"
	cases := []struct {
		name  string
		env   map[string]string
		args  []string
		code  int
		want  string // in stdout, or stderr when code != 0
		email string // whose 2FA column to check after
		twoFA string
	}{
		{"AdminAlways", nil, []string{"user", "add", "--email", "root@example.org", "--role", "admin", "--db", db}, 0,
			"two-factor sign-in at its first sign-in", "root@example.org", "required"},
		{"ClinicianByDefaultOff", nil, []string{"user", "add", "--email", "ana@example.org", "--role", "clinician", "--db", db}, 0,
			"Added ana@example.org (clinician).", "ana@example.org", "off"},
		{"ClinicianFlag", nil, []string{"user", "add", "--email", "bo@example.org", "--role", "clinician", "--require-2fa", "--db", db}, 0,
			"two-factor sign-in", "bo@example.org", "required"},
		{"ClinicianEnv", map[string]string{"KETASCREEN_REQUIRE_2FA": "true"}, []string{"user", "add", "--email", "cy@example.org", "--role", "clinician", "--db", db}, 0,
			"two-factor sign-in", "cy@example.org", "required"},
		{"ErrEnv", map[string]string{"KETASCREEN_REQUIRE_2FA": "maybe"}, []string{"user", "add", "--email", "di@example.org", "--role", "clinician", "--db", db}, 2,
			"KETASCREEN_REQUIRE_2FA", "", ""},
		{"ErrResetUnknown", nil, []string{"user", "reset-2fa", "--email", "nobody@example.org", "--db", db}, 1, "no account", "", ""},
		{"ErrResetNoEmail", nil, []string{"user", "reset-2fa", "--db", db}, 2, "--email is required", "", ""},
		{"ErrResetArgument", nil, []string{"user", "reset-2fa", "--email", "root@example.org", "--db", db, "now"}, 2, "unexpected argument", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runIn(t, good, c.env, c.args...)
			got := out
			if c.code != 0 {
				got = errs
			}
			if code != c.code || !strings.Contains(got, c.want) {
				t.Fatalf("exit %d (want %d); stdout %q; stderr %q; want %q", code, c.code, out, errs, c.want)
			}
			if c.email != "" {
				if got := twoFactorColumn(t, db, c.email); got != c.twoFA {
					t.Fatalf("2FA of %s: %q, want %q", c.email, got, c.twoFA)
				}
			}
		})
	}

	t.Run("Reset", func(t *testing.T) {
		ctx := context.Background()
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		u, _, err := staffdb.New(st).UserByEmail(ctx, "root@example.org")
		if err != nil {
			t.Fatal(err)
		}
		err = staffdb.New(st).StartTOTP(ctx, u.ID, []byte("sealed secret stand-in"))
		if err == nil {
			err = staffdb.New(st).ConfirmTOTP(ctx, u.ID, 1, [][]byte{[]byte("h1")}, auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: "totp_enrol", Outcome: "ok"})
		}
		var session string
		if err == nil {
			session, err = staffdb.New(st).CreateSession(ctx, u, "", auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: "login", Outcome: "ok"})
		}
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := twoFactorColumn(t, db, "root@example.org"); got != "on" {
			t.Fatalf("2FA after enrolment: %q, want on", got)
		}
		code, out, errs := runIn(t, "", nil, "user", "reset-2fa", "--email", "ROOT@example.org", "--db", db)
		if code != 0 || !strings.Contains(out, "Two-factor sign-in removed for root@example.org") {
			t.Fatalf("reset-2fa: %d %q %q", code, out, errs)
		}
		if got := twoFactorColumn(t, db, "root@example.org"); got != "required" {
			t.Fatalf("2FA after the reset: %q, want required", got)
		}
		st, err = store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := staffdb.New(st).SessionUser(ctx, session); err == nil {
			t.Fatal("the account's session outlived the reset")
		}
		if _, err := staffdb.New(st).TOTP(ctx, u.ID); err == nil {
			t.Fatal("the secret outlived the reset")
		}
		_, out, _ = runIn(t, "", nil, "audit", "--action", "totp_reset", "--db", db)
		if !strings.Contains(out, "command line") {
			t.Fatalf("audit of the reset:\n%s", out)
		}
	})
}
