package fhirimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/fhir/fhirimport/yamlout"
	"github.com/ketascreen/ketascreen/internal/fhir/fhirpath"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
)

// scores reads the result group of a Questionnaire package fhir exported: a score per
// calculated score item (its variable says how), bands per band item, the flags.
func (im *importer) scores(result *inItem) {
	vars := map[string]string{}
	for _, e := range extensions(im.in.Extension, fhir.ExtVariable) {
		if e.ValueExpression != nil {
			vars[e.ValueExpression.Name] = e.ValueExpression.Expression
		}
	}
	// Every score's variable first: scores use each other, in any order.
	type scoreItem struct {
		in    inItem
		score *questionnaire.Score
		expr  string
	}
	var found []scoreItem
	for _, it := range result.Item {
		id, ok := strings.CutPrefix(it.LinkID, "score.")
		calc := calculated(it)
		if !ok || !strings.HasPrefix(calc, "%") {
			continue
		}
		s := &questionnaire.Score{ID: im.unique("score", ident(id)), Label: im.text(it.Text, "the score's name")}
		im.rec.scores[calc[1:]] = s.ID
		found = append(found, scoreItem{it, s, vars[calc[1:]]})
	}
	for _, f := range found {
		n, err := fhirpath.Parse(f.expr)
		var d *scoreDef
		if err == nil {
			d, err = im.rec.score(n)
		}
		if err != nil {
			im.note("score %q could not be read (%v): it was dropped", f.score.ID, err)
			continue
		}
		im.applyScore(f.score, d)
		im.q.Scores = append(im.q.Scores, f.score)
	}
	for _, it := range result.Item {
		switch {
		case strings.HasPrefix(it.LinkID, "score."):
		case it.LinkID == fhir.LevelItem || strings.HasPrefix(it.LinkID, "result.levels.") || strings.HasPrefix(it.LinkID, "result.band."):
			im.bands(it)
		case it.LinkID == fhir.FlagsItem:
			im.flags(it)
		case it.LinkID == fhir.DSM5CountItem || it.LinkID == fhir.DSM5Item:
			// Derived from the items' DSM-5 codes.
		default:
			im.note("result item %q was dropped", it.LinkID)
		}
	}
	// Scores that lost what they count (a dropped score or item) go too.
	im.q.Scores = slices.DeleteFunc(im.q.Scores, func(s *questionnaire.Score) bool { return len(s.Items) == 0 && len(s.Scores) == 0 })
}

func calculated(it inItem) string {
	if x := extensions(it.Extension, fhir.ExtCalculated); len(x) > 0 && x[0].ValueExpression != nil {
		return x[0].ValueExpression.Expression
	}
	return ""
}

// applyScore writes a score read back, and the options' values for it where they differ from
// their ordinalValue.
func (im *importer) applyScore(s *questionnaire.Score, d *scoreDef) {
	s.Kind, s.Items, s.Scores, s.ShowIf = d.kind, d.items, d.scores, d.showIf
	for _, it := range im.items {
		vals, ok := d.values[it.ID]
		if !ok {
			continue
		}
		if nd, isNumber := d.number[it.ID]; isNumber {
			if nd.weight != nil && *nd.weight != 1 {
				it.Weight = nd.weight
			}
			if nd.points != nil {
				nd.points[0].Min, nd.points[len(nd.points)-1].Max = *it.Min, *it.Max
				it.Points = nd.points
			}
			continue
		}
		for _, o := range it.Options {
			want := vals[o.Code]
			own := o.Value
			if s.Kind == questionnaire.Count || s.Kind == questionnaire.Criteria {
				// A count (or a criterion) only asks whether an option is worth more than 0.
				if (own > 0) == (want > 0) {
					continue
				}
			} else if own == want {
				continue
			}
			if o.Values == nil {
				o.Values = map[string]int{}
			}
			o.Values[s.ID] = want
		}
	}
}

// bands reads a band item: its options are the bands, its expression their edges.
func (im *importer) bands(it inItem) {
	calc := calculated(it)
	n, err := fhirpath.Parse(calc)
	var id, last string
	var tops map[string]int
	if err == nil {
		id, tops, last, err = im.rec.bandPick(n)
	}
	s := im.scoreByID(id)
	if err != nil || s == nil {
		im.note("the bands of %q could not be read: they were dropped", it.LinkID)
		return
	}
	prev := 0
	for i, o := range it.AnswerOption {
		code, label := optionCode(o)
		b := &questionnaire.Band{ID: ident(code), Label: im.text(label, "the band's name"), Meaning: im.placeholder("what this level means")}
		if i > 0 {
			b.Min = prev + 1
		}
		top, ok := tops[code]
		if !ok && code != last {
			im.note("the bands of %q could not be read: they were dropped", it.LinkID)
			return
		}
		b.Max = top
		prev = top
		s.Bands = append(s.Bands, b)
	}
	im.note("bands keep their names, not their meanings and next steps: write them")
	switch {
	case it.LinkID == fhir.LevelItem:
		im.q.Level = s.ID
	case strings.HasPrefix(it.LinkID, "result.levels."):
		im.q.Levels = append(im.q.Levels, s.ID)
	}
}

func (im *importer) scoreByID(id string) *questionnaire.Score {
	for _, s := range im.q.Scores {
		if s.ID == id {
			return s
		}
	}
	return nil
}

var severityByRank = map[int]string{4: "acute", 3: "urgent", 2: "high", 1: "moderate", 0: "info"}

// flags reads the flags item: each option a flag, its ordinal the severity, the expression
// each flag's condition.
func (im *importer) flags(it inItem) {
	n, err := fhirpath.Parse(calculated(it))
	var conds map[string]*questionnaire.Condition
	if err == nil {
		conds, err = im.rec.flagConditions(n)
	}
	if err != nil {
		im.note("the flags could not be read (%v): they were dropped", err)
		return
	}
	for _, o := range it.AnswerOption {
		code, label := optionCode(o)
		when := conds[code]
		if when == nil {
			im.note("flag %q has no condition: it was dropped", code)
			continue
		}
		sev, ok := severityByRank[im.ordinal(o.Extension)]
		if !ok {
			sev = "info"
		}
		im.q.Flags = append(im.q.Flags, &questionnaire.Flag{ID: ident(code), Severity: sev, When: when,
			Title: im.text(label, "the flag's title"), Message: im.placeholder("the message shown with this flag")})
	}
	im.note("flags keep their names and severities, not their messages or help resources: write them")
}

// placeholderLevel gives a questionnaire without a level (one another tool wrote) the level the
// format needs: the sum of every answer's weight, in one band to be split by hand.
func (im *importer) placeholderLevel() {
	s := &questionnaire.Score{ID: im.unique("score", "total"), Label: im.placeholder("the score's name"), Kind: questionnaire.Sum}
	for _, sec := range im.q.Sections {
		for _, it := range sec.Items {
			s.Items = append(s.Items, it.ID)
		}
	}
	if len(s.Items) == 0 {
		return
	}
	s.Bands = []*questionnaire.Band{{ID: "all", Label: im.placeholder("the level's name"), Meaning: im.placeholder("what this level means")}}
	im.q.Scores = append(im.q.Scores, s)
	im.q.Level = s.ID
	im.note("the Questionnaire has no level this package can read: %q (every answer's weight added up) with a single band was made; write its bands", s.ID)
}

// finish writes the file, with the first band of each score starting and its last band ending
// where lint says the score can, and checks it.
func (im *importer) finish() ([]byte, error) {
	if len(im.q.Sections) == 0 || im.q.Level == "" {
		return nil, fmt.Errorf("%w: no question could be converted", errNothing)
	}
	ranges, err := definition.ScoreRanges(im.q.ID+".yaml", im.yaml())
	if err != nil {
		return nil, fmt.Errorf("the converted questionnaire has problems (a bug in the import, or a Questionnaire it misreads):\n%w", err)
	}
	for _, s := range im.q.Scores {
		if r, ok := ranges[s.ID]; ok && len(s.Bands) > 0 {
			s.Bands[0].Min = r[0]
			s.Bands[len(s.Bands)-1].Max = r[1]
		}
	}
	out := im.yaml()
	if _, err := definition.Parse(im.q.ID+".yaml", out); err != nil {
		return nil, fmt.Errorf("the converted questionnaire has problems (a bug in the import, or a Questionnaire it misreads):\n%w", err)
	}
	return out, nil
}

// yaml writes the imported questionnaire, notes first.
func (im *importer) yaml() []byte {
	comments := []string{"Imported from a FHIR R4 Questionnaire by 'ketascreen import fhir'. Run 'ketascreen lint' after editing."}
	if len(im.notes) > 0 {
		comments = append(comments, "Not converted, or converted with a choice made for you:")
		for _, n := range im.notes {
			comments = append(comments, "  - "+n)
		}
	}
	return yamlout.Write(im.q, comments)
}
