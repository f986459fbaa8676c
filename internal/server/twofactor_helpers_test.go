package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// An authenticator is a test account's phone: its TOTP key, the last time step it gave a code
// for, and the recovery codes not used yet. The server accepts a code one step early or late
// and never a step at or before one it accepted, so a phone gives each step's code once.
type authenticator struct {
	mu       sync.Mutex
	key      string // base32, as the enrolment page shows it without spaces
	last     int64
	recovery []string
}

// totpCode is the code of a key for a time step.
func totpCode(tb testing.TB, key string, step int64) string {
	tb.Helper()
	code, err := totp.GenerateCodeCustom(key, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix,
		Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		tb.Fatal(err)
	}
	return code
}

// next is a code the server accepts at now and has not accepted before: the code of the
// earliest step it would take, or, once the phone has used every step up to the next one
// (two sign-ins within a step, or a test clock standing still), a recovery code.
func (a *authenticator) next(tb testing.TB, now time.Time) string {
	tb.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	cur := now.Unix() / 30
	step := max(cur-1, a.last+1)
	// The previous step's code is taken only until the next step begins. Close to that moment
	// a code may reach the server after it (a browser under load takes seconds to type and
	// send one), so the phone shows the current step's code instead, as a person would wait
	// for a fresh one.
	if step == cur-1 && time.Unix((cur+1)*30, 0).Sub(now) < 15*time.Second {
		step = cur
	}
	if step <= cur+1 {
		a.last = step
		return totpCode(tb, a.key, step)
	}
	if len(a.recovery) == 0 {
		tb.Fatal("the test phone has no code left: advance the clock between sign-ins")
	}
	code := a.recovery[0]
	a.recovery = a.recovery[1:]
	return code
}

// authenticators are the phones of a test server's accounts, by email; they outlive a
// restart of the server.
type authenticators struct {
	mu sync.Mutex
	by map[string]*authenticator
}

func (as *authenticators) add(email string, a *authenticator) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.by == nil {
		as.by = map[string]*authenticator{}
	}
	as.by[strings.ToLower(email)] = a
}

func (as *authenticators) get(email string) *authenticator {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.by[strings.ToLower(email)]
}

// enrolTOTP sets up two-factor sign-in for an account through the access service, as the
// enrolment page does (a first code confirms the key), and returns its phone. The first code
// is of the step before now, which leaves this step and the next for sign-ins.
func enrolTOTP(tb testing.TB, acc *access.Service, st *store.Store, u *staffdb.User) *authenticator {
	tb.Helper()
	ctx := context.Background()
	en, err := acc.Enrolment(ctx, u, "QR code")
	if err != nil {
		tb.Fatal(err)
	}
	step := st.Now().Unix()/30 - 1
	res, err := acc.ConfirmEnrolment(ctx, access.ConfirmForm{User: u, Code: totpCode(tb, en.Secret, step)})
	if err != nil || res.Outcome != access.Enrolled {
		tb.Fatalf("enrol %s: %v %v", u.Email, res.Outcome, err)
	}
	u.TwoFactor = true
	return &authenticator{key: en.Secret, last: step, recovery: res.RecoveryCodes}
}

// signInWithCode signs a client in with the password and, when the server asks for it, a code
// from the phone; it fails the test unless the client ends up signed in.
func signInWithCode(tb testing.TB, c *http.Client, base, email string, phone *authenticator, now func() time.Time) {
	tb.Helper()
	post := func(path string, v url.Values) *http.Response {
		tb.Helper()
		res, err := c.PostForm(base+path, v)
		if err != nil {
			tb.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := post("/clinician/login", url.Values{"email": {email}, "password": {staffPassword}})
	if loc := res.Header.Get("Location"); res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/clinician/login/code") {
		if phone == nil {
			tb.Fatalf("sign in %s: asked for a code, and the account has no test phone", email)
		}
		res = post("/clinician/login/code", url.Values{"code": {phone.next(tb, now())}})
	}
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/clinician/login") {
		tb.Fatalf("sign in %s: status %d to %q", email, res.StatusCode, loc)
	}
}
