package access

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Allowances. A browser that completed a sign-in to an account before holds a device cookie
// for it (OWASP's device cookies): its tries count against the device's own allowance, not
// the account's. So a stranger can at worst stop browsers without one from signing in to an
// account, for an hour, never the staff member's own browser.
const (
	// LoginPerHour is failed passwords per typed email from browsers without a device cookie
	// for the account (unknown emails too: the key is what was typed).
	LoginPerHour = 100
	// LoginDevicePerHour is failed passwords per device cookie.
	LoginDevicePerHour = 10
	// CodePerHour and CodePerDay are failed second-factor codes per account (or per device
	// cookie). With three codes of a million valid at any time, 30 a day give a stranger who
	// has the password about 1 chance in 30 a year.
	CodePerHour = 10
	CodePerDay  = 30
	// RedeemPerHour is failed share-code redemptions per account. A redemption needs a
	// session, and a device cookie is bound to its account, so this is every device's limit
	// too: a separate device allowance could only be shed by deleting the cookie.
	RedeemPerHour = 10
	// RedeemAlarmPerHour is failed redemptions of every account together in an hour past
	// which an alarm is logged and audited (once an hour). It locks nobody out: with 60-bit
	// codes a guess is hopeless anyway.
	RedeemAlarmPerHour = 100
)

// Scopes of limit slots: one per allowance.
const (
	scopeLogin       = "login"
	scopeLoginDevice = "login_device"
	scopeCode        = "code"
	scopeCodeDay     = "code_day"
	scopeCodeDevice  = "code_device"
	scopeCodeDevDay  = "code_device_day"
	scopeRedeem      = "redeem"
)

// key is what the database keeps of a limited thing: an HMAC, so neither a typed email (often
// a password typed in the wrong field) nor a device id is stored.
func (s *Service) key(scope, v string) []byte {
	m := hmac.New(sha256.New, s.limitKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(v))
	return m.Sum(nil)[:16]
}

func (s *Service) limit(scope, v string, max int, window time.Duration) staffdb.Limit {
	return staffdb.Limit{Scope: scope, Key: s.key(scope, v), Max: max, Window: window}
}

// loginLimits are the allowances a password try counts against.
func (s *Service) loginLimits(email, device string) []staffdb.Limit {
	if device != "" {
		return []staffdb.Limit{s.limit(scopeLoginDevice, device, LoginDevicePerHour, time.Hour)}
	}
	return []staffdb.Limit{s.limit(scopeLogin, email, LoginPerHour, time.Hour)}
}

// codeLimits are the allowances a second-factor code counts against.
func (s *Service) codeLimits(u *staffdb.User, device string) []staffdb.Limit {
	if device != "" {
		return []staffdb.Limit{s.limit(scopeCodeDevice, device, CodePerHour, time.Hour),
			s.limit(scopeCodeDevDay, device, CodePerDay, 24*time.Hour)}
	}
	id := idText(u.ID)
	return []staffdb.Limit{s.limit(scopeCode, id, CodePerHour, time.Hour), s.limit(scopeCodeDay, id, CodePerDay, 24*time.Hour)}
}

// redeemLimits are the allowances a share code try counts against.
func (s *Service) redeemLimits(u *staffdb.User) []staffdb.Limit {
	return []staffdb.Limit{s.limit(scopeRedeem, idText(u.ID), RedeemPerHour, time.Hour)}
}

// try is one reservation in progress: its slots and how to count a refusal.
type try struct {
	s     *Service
	r     staffdb.Reservation
	tally auditdb.Tally
}

// reserve takes the slots of a try. A zero wait means they are held.
func (s *Service) reserve(ctx context.Context, limits []staffdb.Limit, t auditdb.Tally) (*try, time.Duration, error) {
	refused := t
	refused.Outcome = auditdb.OutcomeThrottled
	r, wait, err := s.staff.Reserve(ctx, limits, refused)
	if err != nil || wait > 0 {
		return nil, wait, err
	}
	return &try{s: s, r: r, tally: t}, 0, nil
}

// fail keeps the slots (the try counts against its limits) and tallies it.
func (t *try) fail(ctx context.Context, outcome auditdb.Outcome, detail string) error {
	tl := t.tally
	tl.Outcome = outcome
	if detail != "" {
		tl.Detail = joinDetail(tl.Detail, detail)
	}
	return t.s.staff.Keep(ctx, t.r, tl)
}

// release gives the slots back: the try succeeded, or was never evaluated.
func (t *try) release(ctx context.Context) error { return t.s.staff.Release(ctx, t.r, nil) }

// releaseBusy gives the slots back and tallies a try that found no hashing slot.
func (t *try) releaseBusy(ctx context.Context) error {
	tl := t.tally
	tl.Outcome = auditdb.OutcomeBusy
	return t.s.staff.Release(ctx, t.r, &tl)
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// throttled is the result of a refused reservation.
func throttled(wait time.Duration) Result {
	return Result{Outcome: Throttled, RetryAfter: wait.Round(time.Second)}
}
