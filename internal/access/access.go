// Package access owns the rules of staff access: signing in (a password, then a TOTP or
// recovery code, or enrolment when two-factor sign-in is required and not set up yet),
// redeeming share codes, the limits on both, and what the audit log says about them. HTTP
// handlers parse a form, call one method and render its Result; they decide nothing.
//
// Every try first takes a slot of its limits in the database (internal/store/staffdb), then
// does its work; a failed try keeps the slot for the limit's window, a successful one gives it
// back. So a burst of tries sent together is evaluated no more often than the limit, the
// limits survive a restart, and every instance on one database shares them. Unknown emails take the
// same path as real ones: the same limiter (keyed by the typed email), the same password-hash
// work, the same outcomes.
package access

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/jobdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Outcome is how a try ended.
type Outcome int

// Outcomes, with the HTTP status a handler sends (Outcome.Status).
const (
	SignedIn       Outcome = iota + 1 // Session and DeviceCookie are set: 303 to the staff home
	NeedsCode                         // Pending is set: 303 to the code step
	NeedsEnrolment                    // Pending is set: 303 to enrolment, and nothing else
	Enrolled                          // RecoveryCodes are set, to show once (and Session when signing in): 200
	Redeemed                          // ResponseID is set: 303 to the summary
	Wrong                             // wrong email, password or code; a disabled account: 401, the same words
	Reused                            // a TOTP code accepted before (a replay): 401
	UnknownCode                       // a share code wrong, expired, revoked or held by another clinician: 404
	Malformed                         // a share code that cannot be one (counted as a wrong one): 422
	Throttled                         // over a limit, not evaluated: 429 with RetryAfter
	Busy                              // every password-hashing slot taken, not evaluated: 429 with RetryAfter
	Expired                           // the half-done sign-in is over or unknown: 303 back to the password
)

// The outcomes each method can lead to, so pages can have words for every one of them (a test
// checks each has a message in every language).
var (
	SignInOutcomes  = []Outcome{SignedIn, NeedsCode, NeedsEnrolment, Wrong, Throttled, Busy}
	CodeOutcomes    = []Outcome{SignedIn, Wrong, Reused, Throttled, Expired}
	ConfirmOutcomes = []Outcome{Enrolled, Wrong, Throttled, Expired}
	RedeemOutcomes  = []Outcome{Redeemed, UnknownCode, Malformed, Throttled}
)

var outcomeNames = map[Outcome]string{SignedIn: "signed_in", NeedsCode: "needs_code", NeedsEnrolment: "needs_enrolment",
	Enrolled: "enrolled", Redeemed: "redeemed", Wrong: "wrong", Reused: "reused", UnknownCode: "unknown_code",
	Malformed: "malformed", Throttled: "throttled", Busy: "busy", Expired: "expired"}

// String is the outcome's name, usable as the last part of a message key.
func (o Outcome) String() string {
	if n, ok := outcomeNames[o]; ok {
		return n
	}
	return "unknown"
}

// Status is the HTTP status a handler answers with.
func (o Outcome) Status() int {
	switch o {
	case SignedIn, NeedsCode, NeedsEnrolment, Redeemed, Expired:
		return http.StatusSeeOther
	case Enrolled:
		return http.StatusOK
	case Wrong, Reused:
		return http.StatusUnauthorized
	case UnknownCode:
		return http.StatusNotFound
	case Malformed:
		return http.StatusUnprocessableEntity
	case Throttled, Busy:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Result is what a try led to.
type Result struct {
	Outcome       Outcome
	RetryAfter    time.Duration // Throttled, Busy: whole seconds, at least one
	User          *staffdb.User // SignedIn, Enrolled, NeedsCode, NeedsEnrolment
	Session       string        // the new session's token, for the session cookie
	DeviceCookie  string        // with Session: a new device cookie's value (see DeviceCookieLifetime)
	Pending       string        // NeedsCode, NeedsEnrolment: the half-done sign-in's token
	ResponseID    string        // Redeemed
	RecoveryCodes []string      // Enrolled: shown once; only their hashes are kept
	Recovery      bool          // SignedIn with a recovery code (RecoveryLeft says how many are left)
	RecoveryLeft  int
}

// Config is what the service needs.
type Config struct {
	Store  *store.Store
	Secret []byte // the server secret that keys share codes: TOTP secrets are sealed with a key derived from it
	Logger *slog.Logger
	// RequireTwoFactor makes every clinician use two-factor sign-in. Admins always must, and
	// an account can require it for itself (ketascreen user add --require-2fa).
	RequireTwoFactor bool
	Issuer           string        // the name authenticator apps show; default "ketascreen"
	HashWait         time.Duration // how long a sign-in waits for a password-hashing slot; default 2 s
}

// Service applies the rules. It is safe for concurrent use.
type Service struct {
	st       *store.Store // its clock
	jobs     *jobdb.DB    // the lease of Run's work
	staff    *staffdb.DB
	audit    *auditdb.DB
	log      *slog.Logger
	require  bool
	issuer   string
	hashWait time.Duration
	// Keys derived from the server secret with HKDF-SHA256, one per use, so none can stand in
	// for another.
	limitKey, totpKey, recoveryKey, deviceKey, shareKey []byte
}

// New makes the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("access: no store")
	}
	if len(cfg.Secret) < 16 {
		return nil, errors.New("access: the server secret must be at least 16 bytes")
	}
	s := &Service{st: cfg.Store, jobs: jobdb.New(cfg.Store), staff: staffdb.New(cfg.Store), audit: auditdb.New(cfg.Store), log: cfg.Logger, require: cfg.RequireTwoFactor, issuer: cfg.Issuer, hashWait: cfg.HashWait}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.issuer == "" {
		s.issuer = "ketascreen"
	}
	if s.hashWait <= 0 {
		s.hashWait = 2 * time.Second
	}
	var err error
	for _, k := range []struct {
		to   *[]byte
		info string
	}{
		{&s.limitKey, "ketascreen limit keys v1"},
		{&s.totpKey, "ketascreen totp secrets v1"},
		{&s.recoveryKey, "ketascreen recovery codes v1"},
	} {
		if *k.to, err = hkdf.Key(sha256.New, cfg.Secret, nil, k.info, 32); err != nil {
			return nil, err
		}
	}
	s.deviceKey = legacyDeviceKey(cfg.Secret)
	s.shareKey = cfg.Secret
	// The hash an unknown email is checked against is made now, not at the first unknown email
	// (which would then take twice as long as a real one).
	password.VerifyNone("")
	return s, nil
}

// TwoFactorRequired reports whether an account must sign in with a second factor.
func (s *Service) TwoFactorRequired(u *staffdb.User) bool {
	return u.Role == staffdb.RoleAdmin || u.TwoFactorRequired || s.require
}

// normalEmail is the form of a typed email that limits are keyed by: trimmed, lower case.
func normalEmail(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// entry is an audit row about an account.
func entry(u *staffdb.User, a auditdb.Action, o auditdb.Outcome, detail string) auditdb.Entry {
	return auditdb.Entry{UserID: u.ID, Actor: u.Email, Action: a, Outcome: o, Detail: detail}
}

// Run does the background work until ctx ends: every minute it folds the refused tries of the
// minutes past into the audit log and purges expired limits and half-done sign-ins. Of several
// instances on one database, one does it each minute: the one that holds the job's lease
// (the fold is right when two run at once, but the work is done once). When ctx ends it folds
// what is left (the store must still be open) and returns.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		held, err := s.jobs.Lease(ctx, foldJob, 50*time.Second)
		if err != nil && ctx.Err() == nil {
			s.log.Error("take the audit fold's lease", "err", err)
		}
		if held {
			s.background(ctx)
		}
		select {
		case <-ctx.Done():
			// Everything left is folded, whoever holds the lease: a fold is right however
			// many instances fold at once.
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := s.audit.FoldTally(fctx, s.st.Now().Add(time.Minute)); err != nil {
				s.log.Error("fold refused tries into the audit log", "err", err)
			}
			return
		case <-t.C:
		}
	}
}

// foldJob names the lease of Run's work.
const foldJob = "audit_fold"

// background is one round of Run's work.
func (s *Service) background(ctx context.Context) {
	if _, err := s.audit.FoldTally(ctx, s.st.Now()); err != nil && ctx.Err() == nil {
		s.log.Error("fold refused tries into the audit log", "err", err)
	}
	if err := s.staff.PurgeLimits(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("purge limits", "err", err)
	}
}
