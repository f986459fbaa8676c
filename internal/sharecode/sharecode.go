// Package sharecode owns the codes a respondent gives a clinician to show them a result:
// 12 Crockford base32 characters (60 random bits), read in groups of four (K7QM-4XR2-P9DH),
// typed back in any case with or without spaces and hyphens, and stored only as an HMAC keyed
// with a secret kept outside the database.
package sharecode

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// Length is the number of characters of a code, without separators.
const Length = 12

// alphabet is Crockford's base32: digits and letters without I, L, O and U.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ErrMalformed means the text cannot be a code: wrong length or a character no code has.
var ErrMalformed = errors.New("not a share code")

// Code is a share code in canonical form: 12 upper-case characters of the alphabet.
type Code string

// New makes a code from crypto/rand. Each byte's low five bits are one character: 256 is a
// multiple of 32, so every character is equally likely.
func New() Code {
	b := make([]byte, Length)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return Code(b)
}

// String is the code as shown to people: three groups of four, joined by hyphens.
func (c Code) String() string {
	s := string(c)
	if len(s) != Length {
		return s
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12]
}

// Parse reads a code as typed: case, spaces and hyphens (and dashes) are ignored, and the
// look-alike letters I and L are read as 1, O as 0 (Crockford's rule). U and any other
// character make it malformed.
func Parse(s string) (Code, error) {
	if len(s) > 64 {
		return "", ErrMalformed
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0' || r == '\u2010' || r == '\u2011' || r == '\u2012' ||
			r == '\u2013' || r == '\u2014' || r == '\u2212':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r > 127 || strings.IndexByte(alphabet, byte(r)) < 0 {
			return "", ErrMalformed
		}
		b.WriteRune(r)
	}
	if b.Len() != Length {
		return "", ErrMalformed
	}
	return Code(b.String()), nil
}

// Hash is what the database keeps of a code: HMAC-SHA256 keyed with the server secret, so a
// copy of the database alone cannot be searched for codes (60 bits would fall to a plain hash).
func (c Code) Hash(secret []byte) []byte {
	m := hmac.New(sha256.New, Key(secret))
	m.Write([]byte(c))
	return m.Sum(nil)
}

// Key derives the share-code key from the server secret, so the same secret can key other
// things (device cookies) without one hash standing in for another.
func Key(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ketascreen share code v1"))
	return m.Sum(nil)
}
