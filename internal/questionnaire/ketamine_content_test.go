package questionnaire_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// Every item does something for the person: it counts in a score, or a condition (skip logic,
// a flag, a next step, advice) looks at it. An item that does neither is asked for nothing.
func TestKetamineEveryItemUsed(t *testing.T) {
	q := shipped(t)
	used := map[string]bool{}
	var walk func(c *questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		if c == nil {
			return
		}
		used[c.Item] = true
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			walk(sub)
		}
	}
	for _, s := range q.Scores {
		for _, id := range s.Items {
			used[id] = true
		}
		for _, b := range s.Bands {
			for _, st := range b.NextSteps {
				walk(st.ShowIf)
			}
		}
	}
	for _, sec := range q.Sections {
		walk(sec.ShowIf)
		for _, it := range sec.Items {
			walk(it.ShowIf)
		}
	}
	for _, f := range q.Flags {
		walk(f.When)
	}
	for _, a := range q.Advice {
		walk(a.ShowIf)
	}
	for _, it := range q.Items() {
		if !used[it.ID] {
			t.Errorf("item %s counts in no score and no condition looks at it", it.ID)
		}
	}
}

// Trouble with memory or concentration raises a flag that sends the person to a doctor, on
// every path, and is said back; "no" raises nothing.
func TestKetamineMemoryFlag(t *testing.T) {
	q := shipped(t)
	for _, path := range append(slices.Clone(paths), "none_recent") {
		for _, answer := range []string{"yes", "no"} {
			t.Run(path+"/"+answer, func(t *testing.T) {
				r := mustScore(t, q, fill(q, ans("use_context", path, "frequency", "weekly", "memory", answer)))
				want := answer == "yes"
				if got := hasFlag(r, "memory"); got != want {
					t.Errorf("memory flag = %v, want %v (flags %v)", got, want, r.FlagIDs())
				}
				if got := slices.Contains(toldIDs(r), "memory"); got != want {
					t.Errorf("memory said back = %v, want %v (told %v)", got, want, toldIDs(r))
				}
				// It is a flag about health, not a warning sign: the level does not move.
				if r.Scores["signs"] != 0 {
					t.Errorf("signs = %d, want 0", r.Scores["signs"])
				}
			})
		}
	}
	f := q.Flag("memory")
	for _, lang := range q.Languages {
		msg := strings.ToLower(f.Message.In(lang))
		if !strings.Contains(msg, map[string]string{"en": "doctor", "es": "médico"}[lang]) {
			t.Errorf("%s: the memory message does not send the person to a doctor: %q", lang, msg)
		}
	}
}

// The risk answers change the advice a person reads, each in its own words.
func TestKetamineRiskAdvice(t *testing.T) {
	q := shipped(t)
	base := func(path string, pairs ...string) questionnaire.Answers {
		return fill(q, ans(append([]string{"use_context", path, "frequency", "weekly"}, pairs...)...))
	}
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    []string
	}{
		{"NoRiskNotPrescribed", base("not_prescribed"), []string{"harm_reduction"}},
		{"CopeNotPrescribed", base("not_prescribed", "cope", "yes"), []string{"harm_reduction", "feelings"}},
		{"CopePrescribed", base("prescribed", "cope", "yes"), []string{"treatment_safety", "feelings"}},
		{"MentalHealthNotPrescribed", base("not_prescribed", "mental_health", "depression"), []string{"harm_reduction", "feelings"}},
		{"MentalHealthBoth", base("both", "mental_health", "ptsd,psychosis"), []string{"harm_reduction", "treatment_safety", "feelings"}},
		// Only in prescribed treatment: the team treats their mood, and the ketamine is that treatment.
		{"MentalHealthPrescribed", base("prescribed", "mental_health", "depression"), []string{"treatment_safety"}},
		{"MentalHealthNoSay", base("not_prescribed", "mental_health", "no_say"), []string{"harm_reduction"}},
		{"UseAlone", base("not_prescribed", "use_alone", "yes"), []string{"harm_reduction", "use_alone"}},
		{"Pressure", base("both", "pressure", "yes"), []string{"harm_reduction", "treatment_safety", "pressure"}},
		{"OtherSubstancesPrescribed", base("prescribed", "other_substances", "yes"), []string{"treatment_safety", "other_substances"}},
		{"OtherSubstancesNoSay", base("not_prescribed", "other_substances", "no_say"), []string{"harm_reduction"}},
		{"Every", base("not_prescribed", "cope", "yes", "use_alone", "yes", "pressure", "yes", "mental_health", "anxiety", "other_substances", "yes"),
			[]string{"harm_reduction", "feelings", "use_alone", "other_substances", "pressure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := adviceIDs(mustScore(t, q, tt.answers)); !qtest.Equal(got, tt.want) {
				t.Errorf("advice = %v, want %v", got, tt.want)
			}
		})
	}
}

// Every answer that counts in the risk score shows advice that the mildest answer does not, for
// a person not in treatment (who is asked every risk question).
func TestKetamineEveryRiskAnswerChangesAdvice(t *testing.T) {
	q := shipped(t)
	mild := fill(q, ans("use_context", "not_prescribed", "frequency", "weekly"))
	before := adviceIDs(mustScore(t, q, mild))
	for _, id := range q.ScoreByID("risk").Items {
		for _, o := range q.Item(id).Options {
			if o.ValueFor("risk") <= 0 {
				continue
			}
			after := adviceIDs(mustScore(t, q, with(mild, id, o.Code)))
			if !slices.ContainsFunc(after, func(a string) bool { return !slices.Contains(before, a) }) {
				t.Errorf("%s=%s counts as a risk but changes no advice (%v)", id, o.Code, after)
			}
		}
	}
}

// No result text says help is "below": what a region lists varies (Ireland has no drug
// information line to show), and the result page itself says when its list is short.
func TestKetamineNoPromiseOfHelpBelow(t *testing.T) {
	q := shipped(t)
	var texts []questionnaire.Text
	for _, s := range q.Scores {
		for _, b := range s.Bands {
			texts = append(texts, b.Meaning)
			for _, st := range b.NextSteps {
				texts = append(texts, st.Text)
			}
		}
	}
	for _, f := range q.Flags {
		texts = append(texts, f.Title, f.Message)
	}
	for _, a := range q.Advice {
		texts = append(texts, a.Tips...)
	}
	promise := map[string][]string{"en": {"below", "find one"}, "es": {"abajo", "encontrará"}}
	for _, text := range texts {
		for _, lang := range q.Languages {
			s := strings.ToLower(text.In(lang))
			for _, p := range promise[lang] {
				if strings.Contains(s, p) {
					t.Errorf("%s text promises help on the page (%q): %q", lang, p, s)
				}
			}
		}
	}
}
