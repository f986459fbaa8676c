package answersjson

import (
	"bytes"
	"unicode/utf8"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// decodeFast reads the answers of a well-formed body without reflection or the
// token stream of encoding/json, which cost a submission a fifth of its CPU: one pass over the
// bytes, one string for the whole body (keys and codes are slices of it), one map. It takes
// only what Decode takes, giving the same answers; anything it does not know to be
// fine (an escape, null, a repeated item, a limit reached, any syntax error) returns false,
// and Decode reads the body the slow way, with its messages.
func decodeFast(data []byte) (questionnaire.Answers, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	s := string(data)
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return nil, false
	}
	// Each answer needs a ':' of its own, so there are at most that many.
	a := make(questionnaire.Answers, min(bytes.Count(data, []byte{':'}), questionnaire.MaxAnswerItems))
	// The codes of every item share one backing array; each item's is capped at its length,
	// so an append to one never writes into the next.
	codes := make([]string, 0, len(a)+8)
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return a, skipSpace(s, i+1) == len(s)
	}
	for {
		key, j, ok := fastString(s, i)
		if !ok || len(key) > questionnaire.MaxAnswerKeySize || len(a) == questionnaire.MaxAnswerItems {
			return nil, false
		}
		if _, dup := a[key]; dup {
			return nil, false
		}
		i = skipSpace(s, j)
		if i >= len(s) || s[i] != ':' {
			return nil, false
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			return nil, false
		}
		start := len(codes)
		switch c := s[i]; {
		case c == '"':
			code, j, ok := fastString(s, i)
			if !ok || len(code) > questionnaire.MaxAnswerKeySize {
				return nil, false
			}
			codes, i = append(codes, code), j
		case c == '-' || c >= '0' && c <= '9':
			// A number is kept as the text it is written with (see decodeCodes).
			j, ok := NumberEnd(s, i)
			if !ok || j-i > questionnaire.MaxAnswerKeySize {
				return nil, false
			}
			codes, i = append(codes, s[i:j]), j
		case c == '[':
			i = skipSpace(s, i+1)
			if i < len(s) && s[i] == ']' {
				i++
				break
			}
			for {
				code, j, ok := fastString(s, i)
				if !ok || len(code) > questionnaire.MaxAnswerKeySize || len(codes)-start == questionnaire.MaxAnswerCodes {
					return nil, false
				}
				codes = append(codes, code)
				i = skipSpace(s, j)
				if i >= len(s) {
					return nil, false
				}
				if s[i] == ']' {
					i++
					break
				}
				if s[i] != ',' {
					return nil, false
				}
				i = skipSpace(s, i+1)
			}
		default:
			return nil, false
		}
		a[key] = codes[start:len(codes):len(codes)]
		i = skipSpace(s, i)
		if i >= len(s) {
			return nil, false
		}
		if s[i] == '}' {
			return a, skipSpace(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return nil, false
		}
		i = skipSpace(s, i+1)
	}
}

// skipSpace is the index of the first byte at or after i that is not JSON white space.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	return i
}

// fastString reads a JSON string at s[i] that has no escapes and no control characters, and
// returns its content and the index after its closing quote.
func fastString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// NumberEnd reads the JSON number at s[i] and returns the index after it, or false when
// none starts there. The one-pass decoders of answers and submissions share it.
func NumberEnd[T string | []byte](s T, i int) (int, bool) {
	digits := func(j int) int {
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(i)
	default:
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}
