package store

import (
	"strings"
	"unicode/utf8"
)

// PostgreSQL refuses text with a NUL byte or invalid UTF-8 (SQLSTATE 22021), as a parameter
// of any statement, where SQLite stores and compares it as it is. What people type reaches the
// store in lookups (an email at sign-in, a filter, an id in a URL) and in the audit log (the
// email a failed sign-in tried). So a lookup of such text finds nothing without asking the
// database (nothing stored can hold it: every text written is made Storable first), and text
// written on someone's behalf is made storable, on both backends alike.

// Storable reports whether s can be stored and looked up as text on both backends.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// StorableText is s made storable, cut to at most maxBytes bytes (0: no limit) at a character
// boundary: each NUL byte and each run of invalid UTF-8 becomes U+FFFD, the replacement
// character.
func StorableText(s string, maxBytes int) string {
	if !Storable(s) {
		s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	}
	if maxBytes > 0 && len(s) > maxBytes {
		cut := maxBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
