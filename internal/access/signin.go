package access

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// SignInForm is a sign-in form as posted, and what the browser sent with it.
type SignInForm struct {
	Email, Password string
	DeviceCookie    string // the device cookie's value, "" when none
	Session         string // the browser's session token, if any: it ends when a new one starts
}

// maxPassword bounds the bytes of a typed password that are hashed at all.
const maxPassword = 4 * password.MaxLength

// SignIn checks an email and password. A right password for an enabled account leads to the
// second factor (NeedsCode, or NeedsEnrolment when it is required and not set up), or
// straight to a session when the account needs none. Everything else is Wrong, with the same
// words, limits, Retry-After and hash work whether the email has an account or not.
func (s *Service) SignIn(ctx context.Context, f SignInForm) (Result, error) {
	email := normalEmail(f.Email)
	if email == "" || f.Password == "" || len(email) > 254 || len(f.Password) > maxPassword {
		// No account has such an email or password: refused before any work, whoever asks.
		return Result{Outcome: Wrong}, nil
	}
	u, hash, err := s.staff.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Result{}, err
	}
	tally := auditdb.Tally{Action: auditdb.ActionLoginFailed, Actor: actorFor(email, u)}
	device := ""
	if u != nil {
		tally.UserID = u.ID
		device = s.device(f.DeviceCookie, u.ID)
	}
	if device != "" {
		tally.Detail = "device"
	}
	t, wait, err := s.reserve(ctx, s.loginLimits(email, device), tally)
	if err != nil {
		return Result{}, err
	}
	if wait > 0 {
		return throttled(wait), nil
	}
	ok := false
	if u != nil {
		ok, err = password.VerifyWait(ctx, hash, f.Password, s.hashWait)
	} else {
		err = password.VerifyNoneWait(ctx, f.Password, s.hashWait)
	}
	if errors.Is(err, password.ErrBusy) {
		return s.busy(ctx, t)
	}
	if err != nil && ctx.Err() != nil {
		return Result{}, errors.Join(err, t.release(context.WithoutCancel(ctx)))
	}
	if err != nil && u != nil {
		// A damaged hash: nobody can sign in with it, and the person sees a wrong password.
		s.log.Error("password hash unreadable", "user", u.ID, "err", err)
	}
	if !ok || u.Disabled {
		detail := ""
		if ok {
			detail = "disabled" // right password, disabled account: the same answer as a wrong one
		}
		return Result{Outcome: Wrong}, t.fail(ctx, auditdb.OutcomeFailed, detail)
	}
	if err := t.release(ctx); err != nil {
		return Result{}, err
	}
	switch {
	case u.TwoFactor:
		return s.startStep(ctx, u, staffdb.StageCode, NeedsCode)
	case s.TwoFactorRequired(u):
		return s.startStep(ctx, u, staffdb.StageEnrol, NeedsEnrolment)
	}
	token, err := s.staff.CreateSession(ctx, u, f.Session, entry(u, auditdb.ActionLogin, auditdb.OutcomeOK, "password"))
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: SignedIn, User: u, Session: token, DeviceCookie: s.NewDeviceCookie(u.ID)}, nil
}

// busy gives back the slots of a try that found no hashing slot: it was not evaluated.
func (s *Service) busy(ctx context.Context, t *try) (Result, error) {
	return Result{Outcome: Busy, RetryAfter: max(s.hashWait.Round(time.Second), time.Second)}, t.releaseBusy(ctx)
}

func (s *Service) startStep(ctx context.Context, u *staffdb.User, stage staffdb.Stage, o Outcome) (Result, error) {
	token, err := s.staff.StartSignInStep(ctx, u.ID, stage)
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: o, User: u, Pending: token}, nil
}

// Pending is the account and stage of a half-done sign-in, for the code and enrolment pages;
// ok is false when it is over or unknown (send the person back to the password).
func (s *Service) Pending(ctx context.Context, token string) (u *staffdb.User, stage staffdb.Stage, ok bool, err error) {
	u, stage, err = s.staff.SignInStep(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", false, nil
	}
	return u, stage, err == nil, err
}

// CodeForm is the second step of a sign-in as posted: a TOTP code or a recovery code.
type CodeForm struct {
	Pending      string // the half-done sign-in's token
	Code         string
	DeviceCookie string
	Session      string
}

// SubmitCode checks the second factor of a half-done sign-in and, when it is right, starts
// the session. Codes count against their own allowance per account (or device cookie).
func (s *Service) SubmitCode(ctx context.Context, f CodeForm) (Result, error) {
	u, stage, ok, err := s.Pending(ctx, f.Pending)
	if err != nil || !ok || stage != staffdb.StageCode {
		return Result{Outcome: Expired}, err
	}
	device := s.device(f.DeviceCookie, u.ID)
	tally := auditdb.Tally{Action: auditdb.ActionLoginCode, Actor: u.Email, UserID: u.ID}
	if device != "" {
		tally.Detail = "device"
	}
	t, wait, err := s.reserve(ctx, s.codeLimits(u, device), tally)
	if err != nil {
		return Result{}, err
	}
	if wait > 0 {
		return throttled(wait), nil
	}
	var audits []auditdb.Entry
	res := Result{Outcome: SignedIn, User: u}
	if digits, isTOTP := totpDigits(f.Code); isTOTP {
		o, err := s.checkTOTP(ctx, u, digits)
		if err != nil {
			return Result{}, errors.Join(err, t.release(context.WithoutCancel(ctx)))
		}
		if o != SignedIn {
			detail := ""
			if o == Reused {
				detail = "replay"
			}
			return Result{Outcome: o}, t.fail(ctx, auditdb.OutcomeFailed, detail)
		}
		audits = append(audits, entry(u, auditdb.ActionLogin, auditdb.OutcomeOK, "totp"))
	} else {
		code, ok := parseRecoveryCode(f.Code)
		if !ok {
			return Result{Outcome: Wrong}, t.fail(ctx, auditdb.OutcomeFailed, "malformed")
		}
		used, left, err := s.staff.UseRecoveryCode(ctx, u.ID, s.recoveryHash(u.ID, code), entry(u, auditdb.ActionRecoveryUsed, auditdb.OutcomeOK, ""))
		if err != nil {
			return Result{}, errors.Join(err, t.release(context.WithoutCancel(ctx)))
		}
		if !used {
			return Result{Outcome: Wrong}, t.fail(ctx, auditdb.OutcomeFailed, "recovery")
		}
		res.Recovery, res.RecoveryLeft = true, left
		audits = append(audits, entry(u, auditdb.ActionLogin, auditdb.OutcomeOK, "recovery_code"))
	}
	if err := t.release(ctx); err != nil {
		return Result{}, err
	}
	return s.finish(ctx, f.Pending, u, f.Session, res, audits...)
}

// finish turns a half-done sign-in into a session.
func (s *Service) finish(ctx context.Context, pending string, u *staffdb.User, old string, res Result, audits ...auditdb.Entry) (Result, error) {
	token, err := s.staff.FinishSignIn(ctx, pending, u, old, audits...)
	if errors.Is(err, store.ErrNotFound) {
		// Used by a request sent at the same moment, or over.
		return Result{Outcome: Expired}, nil
	}
	if err != nil {
		return Result{}, err
	}
	res.Session, res.DeviceCookie = token, s.NewDeviceCookie(u.ID)
	return res, nil
}

// actorFor is how a sign-in try is named in the audit log: the account's email, or what was
// typed when it is an email address. Anything else typed there (a password in the wrong box)
// is never written.
func actorFor(typed string, u *staffdb.User) string {
	if u != nil {
		return u.Email
	}
	a, err := mail.ParseAddress(typed)
	if err != nil || a.Address != typed || strings.ContainsFunc(typed, unicode.IsControl) {
		return "(not an email address)"
	}
	return typed
}
