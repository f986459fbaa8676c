package yamlfile

import (
	"bytes"
	"fmt"
)

// MaxDepth bounds how deeply a definition file may nest mappings and lists. The YAML library
// needs memory that grows with the square of the depth (20,000 levels in a 40 KB file took
// 1.3 GB), so deeper files are refused before it sees them. A questionnaire needs about ten
// levels; conditions nested inside conditions add two each.
const MaxDepth = 48

// nestingProblem scans the text for nesting deeper than MaxDepth, counting what YAML nests:
// indentation, list dashes on one line ("- - - x"), explicit keys ("? "), and flow brackets.
// Quoted strings, comments and block scalars (| and >) are text and are skipped, but only
// where YAML itself would read them so: when in doubt it counts a level too many, never one
// too few. It runs in linear time, whatever the input.
func nestingProblem(file string, data []byte) *Problem {
	s := depthScanner{block: -1}
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if s.line(line) > MaxDepth {
			return &Problem{File: file, Line: n, Message: fmt.Sprintf(
				"nesting is deeper than %d levels: a definition never needs this many (write conditions flatter)", MaxDepth)}
		}
	}
	return nil
}

type depthScanner struct {
	indents []int // indentation of the open block levels
	flow    int   // open [ and {
	quote   byte  // the open quote, when a quoted string spans lines
	block   int   // a block scalar's text is indented more than this; -1 outside one
}

// line reads one line and returns the deepest nesting seen on it.
func (s *depthScanner) line(line []byte) int {
	indent := 0
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	rest := bytes.TrimRight(line[indent:], " \t\r")
	if s.block >= 0 {
		if len(rest) == 0 || indent > s.block {
			return 0 // the block scalar's text
		}
		s.block = -1
	}
	if len(rest) == 0 {
		return 0
	}
	// A block scalar's text is indented more than its key, or than its dash when it has none.
	parent, key, off := indent, false, indent // off: the column rest starts at
	if s.quote == 0 {
		if rest[0] == '#' {
			return 0
		}
		for len(s.indents) > 0 && s.indents[len(s.indents)-1] >= indent {
			s.indents = s.indents[:len(s.indents)-1]
		}
		s.indents = append(s.indents, indent)
	}
	depth := len(s.indents)
	start := true // where a value may start: a quote or | opens there, not inside a word
	if s.quote == 0 {
		// "- - x" and "? x" open a level each on the same line.
		for len(rest) > 1 && (rest[0] == '-' || rest[0] == '?') && (rest[1] == ' ' || rest[1] == '\t') {
			depth++
			parent = off
			trimmed := bytes.TrimLeft(rest[1:], " \t")
			off += len(rest) - len(trimmed)
			rest = trimmed
		}
	}
	deepest := depth + s.flow
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if s.quote != 0 {
			if c == '\\' && s.quote == '"' {
				i++
			} else if c == s.quote {
				s.quote, start = 0, false
			}
			continue
		}
		switch {
		case c == ' ' || c == '\t':
			continue
		case c == '#' && (i == 0 || rest[i-1] == ' ' || rest[i-1] == '\t'):
			return deepest // a comment runs to the end of the line
		case start && (c == '"' || c == '\''):
			s.quote = c
		case (start || s.flow > 0) && (c == '[' || c == '{'):
			s.flow++
			deepest = max(deepest, depth+s.flow)
		case s.flow > 0 && (c == ']' || c == '}'):
			s.flow--
		case start && s.flow == 0 && (c == '|' || c == '>') && blockHeaderEnds(rest[i+1:]):
			s.block = parent
			return deepest
		case c == ':' && (i+1 == len(rest) || rest[i+1] == ' ' || rest[i+1] == '\t'):
			if !key && s.flow == 0 {
				key, parent = true, off
			}
			start = true
			continue
		case s.flow > 0 && c == ',':
			start = true
			continue
		}
		start = s.flow > 0 && (c == '[' || c == '{' || c == ',')
	}
	return deepest
}

// blockHeaderEnds reports whether what follows a | or > is a block scalar header: chomping
// and indentation indicators, then nothing but a comment.
func blockHeaderEnds(rest []byte) bool {
	rest = bytes.TrimLeft(rest, "+-0123456789")
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) == 0 || rest[0] == '#'
}
