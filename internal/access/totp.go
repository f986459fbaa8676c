package access

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// TOTP as authenticator apps expect it (RFC 6238): SHA-1, six digits, 30-second steps, 160-bit
// secrets. A code is accepted one step early or late (clocks drift), and never twice.
const (
	totpPeriod = 30
	totpSkew   = 1
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// ErrEnrolled means the account already has two-factor sign-in.
var ErrEnrolled = errors.New("two-factor sign-in is already set up for this account")

// Enrolment is what the enrolment page shows: the secret as text (to type into an app), as
// an otpauth:// URL, and as a QR code of that URL (inline SVG made here, no outside service).
// The page holds a secret: send it with Cache-Control: no-store.
type Enrolment struct {
	Secret string // base32, no padding
	URL    string
	QRSVG  string // an <svg> element
}

// Enrolment starts (or shows again) two-factor enrolment for an account: a new secret, or the
// one not confirmed yet, so a reload shows the QR code already scanned. qrLabel names the QR
// code for screen readers.
func (s *Service) Enrolment(ctx context.Context, u *staffdb.User, qrLabel string) (*Enrolment, error) {
	var secret []byte
	t, err := s.staff.TOTP(ctx, u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	case t.Confirmed:
		return nil, ErrEnrolled
	default:
		if secret, err = s.open(u.ID, t.Sealed); err != nil {
			return nil, err
		}
	}
	if secret == nil {
		secret = make([]byte, 20)
		rand.Read(secret)
		if err := s.staff.StartTOTP(ctx, u.ID, s.seal(u.ID, secret)); errors.Is(err, staffdb.ErrTOTPEnrolled) {
			return nil, ErrEnrolled
		} else if err != nil {
			return nil, err
		}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer, AccountName: u.Email, Secret: secret,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	svg, err := QRSVG(key.URL(), qrLabel)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), QRSVG: svg}, nil
}

// ConfirmForm confirms an enrolment with a first code: during a sign-in (Pending) or, for a
// signed-in staff member who enrols by choice, User.
type ConfirmForm struct {
	Pending      string
	User         *staffdb.User
	Code         string
	DeviceCookie string
	Session      string
}

// ConfirmEnrolment checks a first code against the secret being enrolled. When it is right the
// secret is confirmed and ten recovery codes are made (Enrolled, with the codes to show once),
// and a sign-in in progress becomes a session. Codes count as at the code step.
func (s *Service) ConfirmEnrolment(ctx context.Context, f ConfirmForm) (Result, error) {
	u := f.User
	if f.Pending != "" {
		pu, stage, ok, err := s.Pending(ctx, f.Pending)
		if err != nil || !ok || stage != staffdb.StageEnrol {
			return Result{Outcome: Expired}, err
		}
		u = pu
	}
	if u == nil {
		return Result{}, errors.New("access: confirming an enrolment needs a sign-in in progress or an account")
	}
	device := s.device(f.DeviceCookie, u.ID)
	t, wait, err := s.reserve(ctx, s.codeLimits(u, device), auditdb.Tally{Action: auditdb.ActionLoginCode, Actor: u.Email, UserID: u.ID, Detail: "enrol"})
	if err != nil {
		return Result{}, err
	}
	if wait > 0 {
		return throttled(wait), nil
	}
	step, ok, err := s.enrollingStep(ctx, u, f.Code)
	if err != nil {
		return Result{}, errors.Join(err, t.release(context.WithoutCancel(ctx)))
	}
	if !ok {
		return Result{Outcome: Wrong}, t.fail(ctx, auditdb.OutcomeFailed, "")
	}
	if err := t.release(ctx); err != nil {
		return Result{}, err
	}
	codes, hashes := s.newRecoveryCodes(u.ID)
	err = s.staff.ConfirmTOTP(ctx, u.ID, step, hashes, entry(u, auditdb.ActionTOTPEnrol, auditdb.OutcomeOK, ""))
	if errors.Is(err, store.ErrNotFound) {
		return Result{Outcome: Expired}, nil // confirmed by a request sent at the same moment, or reset
	}
	if err != nil {
		return Result{}, err
	}
	u.TwoFactor = true
	res := Result{Outcome: Enrolled, User: u, RecoveryCodes: codes}
	if f.Pending == "" {
		return res, nil
	}
	return s.finish(ctx, f.Pending, u, f.Session, res, entry(u, auditdb.ActionLogin, auditdb.OutcomeOK, "enrolled"))
}

// enrollingStep is the time step of a typed code matching the secret being enrolled.
func (s *Service) enrollingStep(ctx context.Context, u *staffdb.User, typed string) (int64, bool, error) {
	digits, ok := totpDigits(typed)
	if !ok {
		return 0, false, nil
	}
	t, err := s.staff.TOTP(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	secret, err := s.open(u.ID, t.Sealed)
	if err != nil {
		return 0, false, err
	}
	step, ok := matchStep(secret, digits, s.st.Now())
	return step, ok, nil
}

// checkTOTP checks a code of a confirmed secret: SignedIn, Wrong, or Reused when its step (or
// a later one) was accepted before.
func (s *Service) checkTOTP(ctx context.Context, u *staffdb.User, digits string) (Outcome, error) {
	t, err := s.staff.TOTP(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !t.Confirmed) {
		return Wrong, nil
	}
	if err != nil {
		return 0, err
	}
	secret, err := s.open(u.ID, t.Sealed)
	if err != nil {
		return 0, err
	}
	step, ok := matchStep(secret, digits, s.st.Now())
	if !ok {
		return Wrong, nil
	}
	fresh, err := s.staff.UseTOTPStep(ctx, u.ID, step)
	if err != nil {
		return 0, err
	}
	if !fresh {
		return Reused, nil
	}
	return SignedIn, nil
}

// matchStep finds the time step, within the skew, whose code is the one typed. Every step is
// computed and compared in constant time, so the time taken says nothing about which matched.
func matchStep(secret []byte, digits string, now time.Time) (int64, bool) {
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	cur := now.Unix() / totpPeriod
	var found int64
	ok := false
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		code, err := hotp.GenerateCodeCustom(b32, uint64(step), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(code), []byte(digits)) == 1 && !ok {
			found, ok = step, true
		}
	}
	return found, ok
}

// totpDigits is a typed TOTP code without spaces: six digits, or false.
func totpDigits(v string) (string, bool) {
	v = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(v))
	if len(v) != 6 {
		return "", false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return v, true
}

// seal encrypts a TOTP secret with AES-256-GCM under a key derived from the server secret
// (HKDF-SHA256, info "ketascreen totp secrets v1"), bound to the account id so a row copied to
// another account does not open. The nonce (random, 96 bits) is stored before the ciphertext.
func (s *Service) seal(userID int64, secret []byte) []byte {
	aead := s.aead()
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, secret, aad(userID))
}

func (s *Service) open(userID int64, sealed []byte) ([]byte, error) {
	aead := s.aead()
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("access: a stored TOTP secret is damaged")
	}
	secret, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad(userID))
	if err != nil {
		return nil, fmt.Errorf("access: a stored TOTP secret does not open (was the server secret changed?): %w", err)
	}
	return secret, nil
}

func (s *Service) aead() cipher.AEAD {
	block, err := aes.NewCipher(s.totpKey)
	if err != nil {
		panic(err) // a 32-byte key never fails
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

func aad(userID int64) []byte { return []byte("ketascreen totp secret of account " + idText(userID)) }
