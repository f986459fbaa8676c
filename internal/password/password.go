// Package password owns staff passwords: the rules a new password must meet (12 to 128
// characters, not a common password) and Argon2id hashing in the PHC string format. It never
// logs or returns a password.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Length limits, in characters. 128 leaves room for passphrases while bounding the work a
// single login can ask of the server.
const (
	MinLength = 12
	MaxLength = 128
)

// Argon2id parameters: OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane).
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// Errors a person may see, by their message key's last part.
var (
	ErrTooShort = errors.New("too_short")
	ErrTooLong  = errors.New("too_long")
	ErrCommon   = errors.New("common")
	ErrInvalid  = errors.New("invalid")
)

//go:embed common-passwords.txt
var commonList string

// common is the refused list, lower-cased: the 1,000 most common passwords of Mark Burnett's
// 10 million password list (as published in SecLists), plus words of this site.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(commonList) {
		m[strings.ToLower(w)] = true
	}
	for _, w := range []string{"ketascreen", "ketamine", "clinician", "selfcheck", "doctor", "admin", "administrator"} {
		m[w] = true
	}
	return m
}()

// Check says whether a new password may be used. There are no composition rules (NIST SP
// 800-63B, OWASP ASVS): length, and not common. A long password made only of a common one,
// repeated or with digits and symbols around it ("password1234!", "iloveyouiloveyou"), is as
// easy to guess as the common one, so it is refused too.
func Check(pw string) error {
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		return ErrInvalid
	}
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return ErrTooShort
	}
	if n > MaxLength {
		return ErrTooLong
	}
	if guessable(pw) {
		return ErrCommon
	}
	return nil
}

// guessable reports whether a password is a common password, or one dressed up.
func guessable(pw string) bool {
	l := strings.ToLower(pw)
	if common[l] {
		return true
	}
	// The letters part, without digits and symbols around it.
	core := strings.TrimFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	// Mostly digits and symbols ("1234567890ab"): keyboard runs and dates, whatever the length.
	if utf8.RuneCountInString(core) < 4 || common[core] || common[deleet(core)] {
		return true
	}
	if repeats(core) {
		return true
	}
	// Two common words joined ("iloveyousunshine").
	for i := 3; i+3 <= len(core); i++ {
		if common[core[:i]] && common[core[i:]] {
			return true
		}
	}
	// One character, or a short run, over and over ("aaaaaaaaaaaa", "abcabcabcabc").
	return repeats(l)
}

// repeats reports whether s is a shorter string (of at most 4 characters, or a common one)
// written two or more times.
func repeats(s string) bool {
	for size := 1; size <= len(s)/2; size++ {
		if len(s)%size != 0 {
			continue
		}
		part := s[:size]
		if strings.Repeat(part, len(s)/size) == s && (size <= 4 || common[part]) {
			return true
		}
	}
	return false
}

// deleet undoes the usual letter-for-digit swaps ("p4ssw0rd").
func deleet(s string) string {
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s").Replace(s)
}

// slots bounds how many hashes run at once: each takes 19 MiB and a core for tens of
// milliseconds. Half the cores (at least one), so a burst of sign-ins always leaves the other
// half to respondents.
var slots = make(chan struct{}, max(1, runtime.NumCPU()/2))

// ErrBusy means every hashing slot stayed taken for the whole wait: the password was not
// checked.
var ErrBusy = errors.New("password hashing is busy")

// acquire takes a hashing slot, waiting at most wait (or until ctx ends).
func acquire(ctx context.Context, wait time.Duration) error {
	select {
	case slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hash hashes a password with Argon2id and a random salt, as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func Hash(pw string) (string, error) {
	if len(pw) > 4*MaxLength {
		return "", ErrTooLong
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	slots <- struct{}{}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	<-slots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches an encoded hash. It uses the parameters stored in the
// hash, so hashes made with stronger settings later keep working. It waits as long as it
// takes for a hashing slot.
func Verify(encoded, pw string) (bool, error) {
	return VerifyWait(context.Background(), encoded, pw, -1)
}

// VerifyWait is Verify that waits at most wait for a hashing slot (for ever if wait < 0), then
// returns ErrBusy.
func VerifyWait(ctx context.Context, encoded, pw string, wait time.Duration) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m < 8 || t < 1 || p < 1 || m > 1<<22 || t > 64 {
		return false, errors.New("bad argon2 parameters")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errors.New("bad argon2 hash")
	}
	if len(pw) > 4*MaxLength {
		return false, nil
	}
	if wait < 0 {
		slots <- struct{}{}
	} else if err := acquire(ctx, wait); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	<-slots
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummy is a hash of nothing anyone can type, verified when a login names no account so a
// wrong email costs the same time as a wrong password.
var dummy = sync.OnceValue(func() string {
	h, _ := Hash("\x00 no account \x00")
	return h
})

// VerifyNone spends the time of one verification and reports false.
func VerifyNone(pw string) {
	_, _ = Verify(dummy(), pw)
}

// VerifyNoneWait is VerifyNone that waits for a hashing slot as VerifyWait does: it returns
// ErrBusy when VerifyWait would, and nil otherwise.
func VerifyNoneWait(ctx context.Context, pw string, wait time.Duration) error {
	_, err := VerifyWait(ctx, dummy(), pw, wait)
	return err
}

// Generate makes a password of 24 characters from an alphabet without look-alikes (about
// 120 bits), grouped by four for reading aloud or typing.
func Generate() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // 31 characters
	var out strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < 24; {
		rand.Read(buf)
		// Redraw bytes past the last whole multiple of 31, so every character is equally likely.
		if int(buf[0]) >= 256-256%len(alphabet) {
			continue
		}
		if n > 0 && n%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(alphabet[int(buf[0])%len(alphabet)])
		n++
	}
	return out.String()
}
