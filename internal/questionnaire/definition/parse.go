// Package definition reads and checks (lints) a questionnaire definition file: the strict
// reading of the YAML (package yamlfile), repeated blocks written out, every rule that spans
// fields (references, skip logic order, bands covering each score's range, texts in every
// language, no reassuring text beside a safety flag), and then the questionnaire linked for
// the engine (package questionnaire). Package scorerange finds the scores' ranges for it.
package definition

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/scorerange"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// MaxTextLength caps any single text; longer is a mistake, not content.
const MaxTextLength = 4000

// Parse reads and checks one questionnaire file. It returns the questionnaire only when there is
// no problem at all: a definition that fails a rule is never used to score anyone.
func Parse(file string, data []byte) (*questionnaire.Questionnaire, error) {
	q, _, ps := parse(file, data)
	return q, ps.Err()
}

// parse is Parse, and what lint found of each score's range.
func parse(file string, data []byte) (*questionnaire.Questionnaire, *scorerange.Finder, yamlfile.Problems) {
	q := new(questionnaire.Questionnaire)
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
	q.Link(c.ranges.Ranges())
	return q, c.ranges, nil
}

// ScoreRanges checks a draft file as Parse does, except that bands need not match the scores'
// ranges, and returns the range lint computes for each score: a tool writing a file (the FHIR
// import) uses it to make the first band start, and the last end, where the score can.
func ScoreRanges(file string, data []byte) (map[string][2]int, error) {
	out, ps := scoreRanges(file, data)
	return out, ps.Err()
}

func scoreRanges(file string, data []byte) (map[string][2]int, yamlfile.Problems) {
	q := new(questionnaire.Questionnaire)
	pl, ps := yamlfile.Read(file, data, q)
	if ps != nil {
		return nil, ps
	}
	if pl.Len() == 0 {
		pl.Rewrite = expand(q, pl).writtenPath
	}
	c := checker{q: q, pl: pl, draft: true}
	if pl.Len() == 0 {
		c.run()
	}
	if pl.Len() > 0 {
		return nil, pl.Resolve()
	}
	return c.ranges.Ranges(), nil
}
