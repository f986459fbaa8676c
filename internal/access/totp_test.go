package access_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// code is the TOTP code of a secret at the service's time.
func (e *env) code(secret string) string {
	e.t.Helper()
	c, err := totp.GenerateCode(secret, e.clk.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// enrol signs an admin in for the first time and enrols it; it returns the TOTP secret (read
// from the text form, as a person would type it into an app) and the recovery codes.
func (e *env) enrol(email string) (string, []string) {
	e.t.Helper()
	ctx := context.Background()
	r := e.signIn(email, goodPassword, "")
	if r.Outcome != access.NeedsEnrolment {
		e.t.Fatalf("first sign-in: %v, want NeedsEnrolment", r.Outcome)
	}
	u, stage, ok, err := e.svc.Pending(ctx, r.Pending)
	if err != nil || !ok || stage != staffdb.StageEnrol || u.Email != email {
		e.t.Fatalf("Pending: %v %v %v %v", u, stage, ok, err)
	}
	en, err := e.svc.Enrolment(ctx, u, "QR code")
	if err != nil {
		e.t.Fatal(err)
	}
	again, err := e.svc.Enrolment(ctx, u, "QR code")
	if err != nil || again.Secret != en.Secret {
		e.t.Fatalf("a reload of the enrolment page changed the secret: %v", err)
	}
	link, err := url.Parse(en.URL)
	if err != nil || link.Scheme != "otpauth" || link.Host != "totp" || link.Query().Get("secret") != en.Secret || link.Query().Get("issuer") != "ketascreen" {
		e.t.Fatalf("otpauth URL %q: %v", en.URL, err)
	}
	if !strings.HasPrefix(en.QRSVG, "<svg ") || !strings.Contains(en.QRSVG, `aria-label="QR code"`) ||
		strings.Contains(en.QRSVG, en.Secret) || strings.Contains(en.QRSVG, "style=") || strings.Contains(en.QRSVG, "<script") {
		e.t.Fatalf("QR code SVG: %.200s", en.QRSVG)
	}
	res, err := e.svc.ConfirmEnrolment(ctx, access.ConfirmForm{Pending: r.Pending, Code: e.code(en.Secret)})
	if err != nil || res.Outcome != access.Enrolled || len(res.RecoveryCodes) != access.RecoveryCodes || res.Session == "" {
		e.t.Fatalf("confirm: %+v, %v", res, err)
	}
	if _, err := e.svc.Enrolment(ctx, u, "QR code"); !errors.Is(err, access.ErrEnrolled) {
		e.t.Fatalf("enrolment after confirmation: %v, want ErrEnrolled", err)
	}
	return en.Secret, res.RecoveryCodes
}

// signInCode signs in with a password then a code.
func (e *env) signInCode(email, code, device string) access.Result {
	e.t.Helper()
	r := e.signIn(email, goodPassword, device)
	if r.Outcome != access.NeedsCode || r.Pending == "" {
		e.t.Fatalf("password step: %v, want NeedsCode", r.Outcome)
	}
	res, err := e.svc.SubmitCode(context.Background(), access.CodeForm{Pending: r.Pending, Code: code, DeviceCookie: device})
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func TestTOTP(t *testing.T) { storetest.Run(t, testTOTP) }

func testTOTP(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	e := newEnvOn(t, b, access.Config{})
	e.addUser("admin@example.org", staffdb.RoleAdmin, false)
	secret, recovery := e.enrol("admin@example.org")

	steps := []struct {
		name    string
		advance time.Duration
		code    func() string
		want    access.Outcome
	}{
		// The code that confirmed the enrolment was used: not again.
		{"ConfirmationCodeReplayed", 0, func() string { return e.code(secret) }, access.Reused},
		{"NextCode", 30 * time.Second, func() string { return e.code(secret) }, access.SignedIn},
		{"NextCodeReplayed", 0, func() string { return e.code(secret) }, access.Reused},
		{"WithinTheSkewButUsed", 29 * time.Second, func() string {
			c, _ := totp.GenerateCode(secret, e.clk.Now().Add(-30*time.Second))
			return c
		}, access.Reused},
		{"CodeTypedWithSpace", 30 * time.Second, func() string { c := e.code(secret); return c[:3] + " " + c[3:] }, access.SignedIn},
		{"WrongCode", 30 * time.Second, func() string { return wrongCode(e.code(secret)) }, access.Wrong},
		{"OldCode", 0, func() string {
			c, _ := totp.GenerateCode(secret, e.clk.Now().Add(-5*time.Minute))
			return c
		}, access.Wrong},
		{"Letters", 0, func() string { return "abcdef" }, access.Wrong},
		{"RecoveryCode", 0, func() string { return recovery[0] }, access.SignedIn},
		{"RecoveryCodeAgain", 0, func() string { return recovery[0] }, access.Wrong},
		{"RecoveryCodeLowerCaseNoHyphens", 0, func() string { return strings.ToLower(strings.ReplaceAll(recovery[1], "-", "")) }, access.SignedIn},
		{"RecoveryCodeOfNobody", 0, func() string { return "0000-0000-0000-0000" }, access.Wrong},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clk.Advance(s.advance)
			r := e.signInCode("admin@example.org", s.code(), "")
			if r.Outcome != s.want {
				t.Fatalf("outcome %v, want %v", r.Outcome, s.want)
			}
			if s.want == access.SignedIn {
				if u, err := staffdb.New(e.st).SessionUser(ctx, r.Session); err != nil || u.Email != "admin@example.org" {
					t.Fatalf("session: %v, %v", u, err)
				}
			} else if r.Session != "" {
				t.Fatal("a refused code started a session")
			}
		})
	}
	if left := e.signInCode("admin@example.org", recovery[2], ""); left.RecoveryLeft != access.RecoveryCodes-3 {
		t.Fatalf("RecoveryLeft %d, want %d", left.RecoveryLeft, access.RecoveryCodes-3)
	}

	t.Run("PendingUsedOnce", func(t *testing.T) {
		e.clk.Advance(30 * time.Second)
		r := e.signIn("admin@example.org", goodPassword, "")
		first, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: r.Pending, Code: recovery[3]})
		if err != nil || first.Outcome != access.SignedIn {
			t.Fatalf("first: %v %v", first.Outcome, err)
		}
		again, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: r.Pending, Code: e.code(secret)})
		if err != nil || again.Outcome != access.Expired {
			t.Fatalf("the same half-done sign-in again: %v %v, want Expired", again.Outcome, err)
		}
	})
	t.Run("PendingExpires", func(t *testing.T) {
		r := e.signIn("admin@example.org", goodPassword, "")
		e.clk.Advance(staffdb.SignInStepLifetime)
		got, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: r.Pending, Code: e.code(secret)})
		if err != nil || got.Outcome != access.Expired {
			t.Fatalf("%v %v, want Expired", got.Outcome, err)
		}
	})
	t.Run("ConcurrentReplay", func(t *testing.T) {
		// One valid code sent at once in as many sign-ins as the allowance lets through (a day
		// on, the failures above forgotten): one gets in.
		e.clk.Advance(24 * time.Hour)
		pending := make([]string, access.CodePerHour)
		for i := range pending {
			pending[i] = e.signIn("admin@example.org", goodPassword, "").Pending
		}
		code := e.code(secret)
		var got outcomes
		storetest.Burst(len(pending), func(i int) {
			r, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: pending[i], Code: code})
			if err != nil {
				t.Error(err)
			}
			got.add(r)
		})
		if got.n[access.SignedIn] != 1 || got.n[access.Reused] != len(pending)-1 {
			t.Fatalf("%v; want 1 signed in, %d reused", got.n, len(pending)-1)
		}
	})
	t.Run("ResetMakesItEnrolAgain", func(t *testing.T) {
		if err := staffdb.New(e.st).ResetTOTP(ctx, "admin@example.org", "test"); err != nil {
			t.Fatal(err)
		}
		if r := e.signIn("admin@example.org", goodPassword, ""); r.Outcome != access.NeedsEnrolment {
			t.Fatalf("after a reset: %v, want NeedsEnrolment", r.Outcome)
		}
	})
}

// wrongCode is another six-digit code.
func wrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+5)%10
	return string(b)
}

// TestTOTPSecretAtRest: the secret is stored sealed, in no readable form, and a sealed secret
// moved to another account does not open.
func TestTOTPSecretAtRest(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, access.Config{})
	admin := e.addUser("admin@example.org", staffdb.RoleAdmin, false)
	other := e.addUser("other@example.org", staffdb.RoleAdmin, false)
	secret, recovery := e.enrol("admin@example.org")
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.Close(); err != nil { // folds the WAL into the file
		t.Fatal(err)
	}
	file, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	for what, b := range map[string][]byte{"secret (base32)": []byte(secret), "secret (bytes)": raw,
		"recovery code": []byte(strings.ReplaceAll(recovery[0], "-", "")), "recovery code as shown": []byte(recovery[0])} {
		if bytes.Contains(file, b) {
			t.Errorf("the database file holds the %s", what)
		}
	}
	// Move the sealed secret to the other account, as someone with write access to the file.
	db, err := sql.Open("sqlite", "file:"+e.path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`insert into staff_totp (user_id, secret, confirmed_at, last_step) select ?, secret, confirmed_at, 0 from staff_totp where user_id = ?`, other.ID, admin.ID)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	e.open()
	e.clk.Advance(time.Minute)
	r := e.signIn("other@example.org", goodPassword, "")
	if _, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: r.Pending, Code: e.code(secret)}); err == nil {
		t.Fatal("a secret sealed for one account opened for another")
	}
}

// TestCodeStepBurst: 500 wrong codes at once are evaluated no more than the allowance; the
// staff member's own browser (device cookie) keeps its own.
func TestCodeStepBurst(t *testing.T) { storetest.Run(t, testCodeStepBurst) }

func testCodeStepBurst(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	e := newEnvOn(t, b, access.Config{})
	e.addUser("admin@example.org", staffdb.RoleAdmin, false)
	secret, _ := e.enrol("admin@example.org")
	e.clk.Advance(30 * time.Second)
	home := e.signInCode("admin@example.org", e.code(secret), "")
	if home.Outcome != access.SignedIn {
		t.Fatal(home.Outcome)
	}
	// The attacker has the password, and sends 500 wrong codes at once in one half-done sign-in.
	pending := e.signIn("admin@example.org", goodPassword, "").Pending
	var got outcomes
	storetest.Burst(500, func(i int) {
		r, err := e.svc.SubmitCode(ctx, access.CodeForm{Pending: pending, Code: wrongCode(e.code(secret))})
		if err != nil {
			t.Error(err)
		}
		got.add(r)
	})
	if got.n[access.Wrong] != access.CodePerHour || got.n[access.Throttled] != 500-access.CodePerHour {
		t.Fatalf("%v; want %d evaluated, the rest throttled", got.n, access.CodePerHour)
	}
	e.clk.Advance(30 * time.Second)
	if r := e.signInCode("admin@example.org", e.code(secret), home.DeviceCookie); r.Outcome != access.SignedIn {
		t.Fatalf("the admin's own browser after the burst: %v", r.Outcome)
	}
}
