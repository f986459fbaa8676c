package questionnaire

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// MaxTextLength caps any single text; longer is a mistake, not content.
const MaxTextLength = 4000

// Parse reads and checks one questionnaire file. It returns the questionnaire only when there is
// no problem at all: a definition that fails a rule is never used to score anyone.
func Parse(file string, data []byte) (*Questionnaire, error) {
	q, _, ps := parse(file, data)
	return q, ps.Err()
}

// parse is Parse, and what lint found of each score's range.
func parse(file string, data []byte) (*Questionnaire, map[*Score]*bounds, yamlfile.Problems) {
	q := new(Questionnaire)
	pl, ps := yamlfile.Read(file, data, q)
	if ps != nil {
		return nil, nil, ps
	}
	if pl.Len() == 0 {
		// Repeated blocks become plain sections first; problems in a copy are reported at the
		// line of what was written.
		pl.Rewrite = expand(q, pl).writtenPath
		checkSize(pl, q)
	}
	// Cross-checks assume the field rules hold (ids present, known kinds).
	c := checker{q: q, pl: pl}
	if pl.Len() == 0 {
		c.run()
	}
	if pl.Len() > 0 {
		return nil, nil, pl.Resolve()
	}
	q.Link(c.ranges.ranges())
	return q, c.ranges.found, nil
}
