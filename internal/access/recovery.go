package access

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Recovery codes: ten per account, made at enrolment and shown once. Each is 16 characters of
// Crockford's base32 (80 random bits) in groups of four, typed back in any case with or
// without hyphens; only an HMAC of it is stored (HMAC-SHA256 under a key derived from the
// server secret), which at 80 bits needs no slow hash. Using one deletes it.
const (
	RecoveryCodes   = 10
	recoveryLength  = 16
	recoveryAlpabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// FewRecoveryCodes is the number of recovery codes left at or below which pages warn: time to
// set up two-factor sign-in again (an admin resets it) and get ten new ones.
const FewRecoveryCodes = 3

// RecoveryCodesLeft is how many unused recovery codes an account has.
func (s *Service) RecoveryCodesLeft(ctx context.Context, u *staffdb.User) (int, error) {
	return s.staff.RecoveryCodesLeft(ctx, u.ID)
}

// newRecoveryCodes makes an account's codes, as shown and as stored.
func (s *Service) newRecoveryCodes(userID int64) (shown []string, hashes [][]byte) {
	for range RecoveryCodes {
		b := make([]byte, recoveryLength)
		rand.Read(b)
		for i := range b {
			b[i] = recoveryAlpabet[b[i]&31] // 256 is a multiple of 32: every character equally likely
		}
		code := string(b)
		shown = append(shown, code[:4]+"-"+code[4:8]+"-"+code[8:12]+"-"+code[12:])
		hashes = append(hashes, s.recoveryHash(userID, code))
	}
	return shown, hashes
}

func (s *Service) recoveryHash(userID int64, code string) []byte {
	m := hmac.New(sha256.New, s.recoveryKey)
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(userID))
	m.Write(id[:])
	m.Write([]byte(code))
	return m.Sum(nil)
}

// parseRecoveryCode is a typed recovery code in canonical form, or false. Crockford's
// look-alikes are read as what they look like (O as 0, I and L as 1).
func parseRecoveryCode(v string) (string, bool) {
	if len(v) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(v) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if !strings.ContainsRune(recoveryAlpabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryLength {
		return "", false
	}
	return b.String(), true
}
