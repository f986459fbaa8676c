package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Values the program makes and stores the same way on both backends, for every table: random
// ids and tokens (never numbers that would give the order rows came in), and days and times as
// fixed-width text that compares as text.

// NewToken makes a token (a result link's, a session's): 256 random bits, URL-safe. Only its
// hash is stored.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return weak bytes)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsToken says whether s has the form of a token NewToken makes: 43 characters of URL-safe
// base64. Anything else is refused before the database is asked.
func IsToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TokenHash is what the database keeps of a token.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// NewID is a random 128-bit id as hex: a response's key, and this process's name in job leases.
func NewID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// RandomRowID is a random positive 63-bit integer key.
func RandomRowID() int64 {
	var b [8]byte
	rand.Read(b[:]) // never fails (it crashes the program rather than return an error)
	return int64(binary.BigEndian.Uint64(b[:])>>1) | 1
}

// Day is the date, in UTC, kept with a response.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// TimeFormat is how staff timestamps (and the schema's history) are stored: RFC 3339 in UTC,
// fixed width, so they compare as text.
const TimeFormat = "2006-01-02T15:04:05Z"

// ParseTime reads a time stored in TimeFormat (the zero time if it is not one).
func ParseTime(v string) time.Time {
	t, _ := time.Parse(TimeFormat, v)
	return t
}
