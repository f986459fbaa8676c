package web

import (
	"bytes"
	"strings"
)

// Static files are written to be read, with comments and indentation; pages must weigh under
// 30 KB with their CSS and script. So the server drops what a browser does not need
// when it loads them, once at start-up: about a fifth of each file.

// minifyCSS drops comments and the whitespace a stylesheet does not need. Strings are kept as
// written, and a space is kept wherever it could matter: before "(" ("and (" in a media
// query), around "+" and "-" (calc), between words.
func minifyCSS(src []byte) []byte {
	out := make([]byte, 0, len(src))
	space := false // whitespace (or a comment) since the last byte written
	// Around these a space never matters.
	const tight = "{};:,>"
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			i += 2 + end + 1
			space = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			space = true
		default:
			if c == '}' && len(out) > 0 && out[len(out)-1] == ';' {
				out = out[:len(out)-1] // the last declaration needs no ";"
			}
			if space && len(out) > 0 && !strings.ContainsRune(tight, rune(out[len(out)-1])) &&
				(!strings.ContainsRune(tight, rune(c)) || c == ':') {
				out = append(out, ' ')
			}
			space = false
			if c == '0' && leadingZero(out, src[i+1:]) {
				continue // 0.5rem is .5rem
			}
			if c == '"' || c == '\'' {
				j := i + 1
				for j < len(src) && src[j] != c && src[j] != '\n' {
					if src[j] == '\\' {
						j++
					}
					j++
				}
				j = min(j, len(src)-1)
				out = append(out, src[i:j+1]...)
				i = j
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// leadingZero reports whether a 0 about to be written after out, with rest following it, is
// the needless leading zero of a number such as 0.5 (or -0.5): a number starts there, and a
// digit follows the point. The 0 of 10.5, of #0a0 or of a name stays.
func leadingZero(out, rest []byte) bool {
	if len(rest) < 2 || rest[0] != '.' || rest[1] < '0' || rest[1] > '9' {
		return false
	}
	const before = " :,(/"
	n := len(out)
	switch {
	case n == 0:
		return true
	case out[n-1] == '-':
		return n == 1 || strings.IndexByte(before, out[n-2]) >= 0
	}
	return strings.IndexByte(before, out[n-1]) >= 0
}

// minifyJS drops indentation, blank lines and lines that are only a "//" comment. Line breaks
// stay (no semicolon insertion changes), so this is safe for any script without multi-line
// strings; a script with template literals or block comments is served as written.
func minifyJS(src []byte) []byte {
	if bytes.ContainsAny(src, "`") || bytes.Contains(src, []byte("/*")) {
		return src
	}
	out := make([]byte, 0, len(src))
	for line := range bytes.Lines(src) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		out = append(append(out, line...), '\n')
	}
	return out
}
