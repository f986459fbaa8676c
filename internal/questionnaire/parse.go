package questionnaire

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// MaxTextLength caps any single text; longer is a mistake, not content.
const MaxTextLength = 4000

// Parse reads and checks one questionnaire file. It returns the questionnaire only when there is
// no problem at all: a definition that fails a rule is never used to score anyone.
func Parse(file string, data []byte) (*Questionnaire, error) {
	q, ps := parse(file, data)
	return q, ps.Err()
}

func parse(file string, data []byte) (*Questionnaire, yamlfile.Problems) {
	q := new(Questionnaire)
	pl, ps := yamlfile.Read(file, data, q)
	if ps != nil {
		return nil, ps
	}
	if pl.Len() == 0 {
		// Repeated blocks become plain sections first; problems in a copy are reported at the
		// line of what was written.
		pl.Rewrite = expand(q, pl).writtenPath
		checkSize(pl, q)
	}
	if pl.Len() == 0 {
		// Cross-checks assume the field rules hold (ids present, known kinds).
		c := checker{q: q, pl: pl}
		c.run()
	}
	if pl.Len() > 0 {
		return nil, pl.Resolve()
	}
	q.Link()
	return q, nil
}
