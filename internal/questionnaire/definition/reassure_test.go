package definition_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// levelFixture is valid.yaml with a safety question after "use", shown only after a yes, an
// urgent flag on "use: no" and an acute flag on the follow-up; band edits replace the low band.
func levelFixture(t *testing.T, low string, extra ...string) string {
	t.Helper()
	s := lintFile(t, "valid.yaml")
	edits := append([]string{
		"      - {id: low, min: 0, max: 1, label: {en: Low, es: Bajo}, meaning: {en: Low., es: Bajo.}}", low,
		"  - id: second\n", `      - id: now
        type: single
        domain: sign
        show_if: {item: use, any_of: ["no"]}
        prompt: {en: Now?, es: ¿Ahora?}
        options:
          - {code: "yes", label: {en: "Yes", es: "Sí"}}
          - {code: "no", label: {en: "No", es: "No"}}
  - id: second
`,
		"flags:\n", `flags:
  - id: acute
    severity: acute
    when: {item: now, any_of: ["yes"]}
    title: {en: Now, es: Ahora}
    message: {en: Call now., es: Llame ahora.}
  - id: safety
    severity: urgent
    when: {item: use, any_of: ["no"]}
    title: {en: Safety, es: Seguridad}
    message: {en: Call., es: Llame.}
`}, extra...)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("valid.yaml has no %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return s
}

const guardedLow = `      - id: low
        min: 0
        max: 1
        label: {en: Low, es: Bajo}
        meaning: {en: Good to know., es: Bueno saberlo.}
        reassuring: true
        texts:
          - when: {item: use, any_of: ["no"]}
            label: {en: "Low, but", es: "Bajo, pero"}
            meaning: {en: Please talk to someone., es: Hable con alguien.}
          - when: {item: harms, any_of: [none]}
            reassuring: true
            meaning: {en: "No harms, good.", es: "Sin daños, bien."}
        next_steps:
          - text: {en: Well done., es: Bien hecho.}
            reassuring: true
            show_if: {item: use, none_of: ["no"]}
          - text: {en: Good., es: Bien.}
            reassuring: true
            show_if: {all: [{item: use, none_of: ["no"]}, {any: [{item: harms, any_of: [a]}, {score: total, min: 2}]}]}`

// Texts guarded against the safety flags pass lint: a variant for the flag listed first, a step
// whose condition excludes it, and a flag whose question skip logic only asks after the other.
func TestReassuringGuardedPasses(t *testing.T) {
	q := parse(t, "q.yaml", levelFixture(t, guardedLow))
	for _, tt := range []struct {
		name       string
		answers    questionnaire.Answers
		label      string
		reassuring bool
		variant    int
		steps      int
	}{
		{"Safety", ans("use", "no", "now", "no", "harms", "none"), "Low, but", false, 0, 0},
		{"Acute", ans("use", "no", "now", "yes", "harms", "none"), "Low, but", false, 0, 0},
		{"NoHarms", ans("use", "yes", "craving", "no", "harms", "none"), "Low", true, 1, 1},
		{"Default", ans("use", "yes", "craving", "no", "harms", "a"), "Low", true, -1, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			lt := r.LevelText()
			if lt.Label.In("en") != tt.label || lt.Reassuring != tt.reassuring || lt.Variant != tt.variant {
				t.Errorf("level text %q reassuring %v variant %d; want %q, %v, %d", lt.Label.In("en"), lt.Reassuring, lt.Variant, tt.label, tt.reassuring, tt.variant)
			}
			if v := resultview.Of(r, "es"); v.Level.Label != lt.Label.In("es") || v.Level.Meaning != lt.Meaning.In("es") {
				t.Errorf("view level %q %q", v.Level.Label, v.Level.Meaning)
			}
			if len(r.NextSteps()) != tt.steps {
				t.Errorf("%d next steps, want %d", len(r.NextSteps()), tt.steps)
			}
		})
	}
}

// The reassurance check gives up, rather than guess, when there are too many combinations.
func TestReassuringTooComplex(t *testing.T) {
	var any []string
	for i := range 17 {
		any = append(any, fmt.Sprintf("{score: total, min: %d}", i))
	}
	low := `      - id: low
        min: 0
        max: 1
        label: {en: Low, es: Bajo}
        meaning: {en: Fine., es: Bien.}
        reassuring: true
        texts:
          - when: {any: [` + strings.Join(any, ", ") + `]}
            meaning: {en: Please talk., es: Hable.}`
	_, err := definition.Parse("q.yaml", []byte(levelFixture(t, low)))
	ps := yamlfile.ProblemsOf(err)
	if len(ps) != 2 || !strings.Contains(ps[0].Message, "lint cannot tell") || !strings.Contains(ps[0].Message, "combinations") {
		t.Errorf("problems = %v, want two saying lint cannot tell", ps)
	}
}

// Criteria scores count a criterion once, however many of its items count.
func TestCriteriaScore(t *testing.T) {
	src := strings.Replace(lintFile(t, "valid.yaml"), `      - id: harms
        type: multiple
        domain: sign`, `      - id: harms
        type: multiple
        domain: sign
        dsm5: craving`, 1)
	src = strings.Replace(src, "    kind: count\n    items: [craving, harms]", "    kind: criteria\n    items: [craving, harms]", 1)
	src = strings.Replace(src, "      - {id: high, min: 2, max: 2,", "      - {id: high, min: 2, max: 1,", 1)
	src = strings.Replace(src, "      - {id: low, min: 0, max: 1,", "      - {id: low, min: 0, max: 0,", 1)
	src = strings.Replace(src, "      - {id: high, min: 2, max: 1,", "      - {id: high, min: 1, max: 1,", 1)
	q := parse(t, "q.yaml", src)
	if lo, hi := q.ScoreByID("total").Range(); lo != 0 || hi != 1 {
		t.Errorf("range = %d..%d, want 0..1: one criterion", lo, hi)
	}
	for _, tt := range []struct {
		answers questionnaire.Answers
		want    int
	}{
		{ans("use", "yes", "craving", "yes", "harms", "a,b"), 1},
		{ans("use", "yes", "craving", "no", "harms", "b"), 1},
		{ans("use", "no", "harms", "none"), 0},
	} {
		r := mustScore(t, q, tt.answers)
		if r.Scores["total"] != tt.want {
			t.Errorf("%v: total = %d, want %d", tt.answers, r.Scores["total"], tt.want)
		}
		if sc := resultview.ScaleOf(r); resultview.Of(r, "en").Scale != nil || sc.Value != tt.want {
			t.Errorf("scale %+v: want the value, and no view without a scale text", sc)
		}
	}
}
