package questionnaire_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// After any yes to the safety question, on every path and at every level, no text the author
// marked reassuring is shown, and the level's words name the thoughts first. Without one, the
// reassuring words are there: the test would notice if the markers were dropped.
func TestKetamineNoReassuranceWithSafetyFlag(t *testing.T) {
	q := shipped(t)
	type path struct {
		context string
		n       int
	}
	var cases []path
	for _, p := range paths {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 9} {
			cases = append(cases, path{p, n})
		}
	}
	cases = append(cases, path{"none_recent", 0})
	levels := map[string]bool{}
	for _, c := range cases {
		for _, answer := range []string{"no", "yes", "yes-now"} {
			t.Run(fmt.Sprintf("%s/%d/%s", c.context, c.n, answer), func(t *testing.T) {
				var a questionnaire.Answers
				if c.context == "none_recent" {
					a = fill(q, ans("use_context", "none_recent"))
				} else {
					a = withCriteria(t, q, c.context, c.n)
				}
				switch answer {
				case "yes":
					a = with(a, "safety", "yes", "safety_now", "no")
				case "yes-now":
					a = with(a, "safety", "yes", "safety_now", "yes")
				}
				r := mustScore(t, q, a)
				levels[r.Level.ID] = true
				lt := r.LevelText()
				if answer == "no" {
					if r.SafetyRaised() {
						t.Fatalf("flags %v without a safety yes", r.FlagIDs())
					}
					if want := r.Level.ID == "low" && c.context != "none_recent" || r.Level.ID == "some"; lt.Reassuring != want {
						t.Errorf("level %s: reassuring = %v, want %v", r.Level.ID, lt.Reassuring, want)
					}
					return
				}
				if !r.SafetyRaised() {
					t.Fatalf("no safety flag: %v", r.FlagIDs())
				}
				if lt.Reassuring {
					t.Errorf("level %s: a reassuring text with a safety flag: %q", r.Level.ID, lt.Meaning.In("en"))
				}
				for _, lang := range q.Languages {
					m := strings.ToLower(lt.Meaning.In(lang))
					if word := map[string]string{"en": "hurting yourself", "es": "hacerse daño"}[lang]; !strings.Contains(m, word) {
						t.Errorf("%s: level %s does not name the thoughts: %q", lang, r.Level.ID, m)
					}
					for _, bad := range map[string][]string{"en": {"good to know", "does not mean something is wrong"}, "es": {"bueno saberlo", "no quiere decir que algo esté mal"}}[lang] {
						if strings.Contains(m, bad) {
							t.Errorf("%s: level %s says %q after a safety yes", lang, r.Level.ID, bad)
						}
					}
				}
				for _, s := range r.NextSteps() {
					if s.Reassuring {
						t.Errorf("reassuring next step with a safety flag: %q", s.Text.In("en"))
					}
				}
				for _, ad := range r.Advice() {
					if ad.Reassuring {
						t.Errorf("reassuring advice %s with a safety flag", ad.ID)
					}
				}
			})
		}
	}
	for _, b := range q.LevelScore().Bands {
		if !levels[b.ID] {
			t.Errorf("band %s was never reached", b.ID)
		}
	}
}

// PHQ-2 scored as published: 0-3 for each of the two questions, a total of 3 or more is a
// positive screen, raising the low-mood flag and its advice. Every combination is tried.
func TestKetaminePHQ2(t *testing.T) {
	q := shipped(t)
	codes := []string{"not_at_all", "several_days", "more_than_half", "nearly_every_day"}
	for i, interest := range codes {
		for j, down := range codes {
			t.Run(interest+"/"+down, func(t *testing.T) {
				r := mustScore(t, q, fill(q, ans("use_context", "prescribed", "frequency", "monthly", "mood_interest", interest, "mood_down", down)))
				if got := r.Scores["phq2"]; got != i+j {
					t.Fatalf("phq2 = %d, want %d", got, i+j)
				}
				positive := i+j >= 3
				if hasFlag(r, "low_mood") != positive || slices.Contains(adviceIDs(r), "low_mood") != positive {
					t.Errorf("total %d: flag %v, advice %v; want both %v", i+j, hasFlag(r, "low_mood"), adviceIDs(r), positive)
				}
				if r.Scores["signs"] != 0 || r.Scores["risk"] != 0 {
					t.Errorf("mood counted elsewhere: %v", r.Scores)
				}
				if positive && !slices.Contains(toldIDs(r), "mood_down") && !slices.Contains(toldIDs(r), "mood_interest") {
					t.Errorf("told = %v, want the mood answers said back", toldIDs(r))
				}
			})
		}
	}
	// The mental health history question is still asked.
	if q.Item("mental_health") == nil {
		t.Error("mental_health is gone")
	}
}

// Ketamine from outside treatment has its own flag and brings the harm-reduction advice to a
// person in treatment, without counting as a DSM-5 criterion.
func TestKetamineOutsideTreatment(t *testing.T) {
	q := shipped(t)
	for _, path := range []string{"prescribed", "both"} {
		for _, answer := range []string{"yes", "no"} {
			t.Run(path+"/"+answer, func(t *testing.T) {
				r := mustScore(t, q, fill(q, ans("use_context", path, "frequency", "weekly", "outside_treatment", answer)))
				want := answer == "yes"
				if hasFlag(r, "outside_treatment") != want {
					t.Errorf("flag = %v, want %v", hasFlag(r, "outside_treatment"), want)
				}
				if got := slices.Contains(adviceIDs(r), "harm_reduction"); got != (want || path == "both") {
					t.Errorf("harm reduction shown = %v (advice %v)", got, adviceIDs(r))
				}
				if r.Scores["signs"] != 0 {
					t.Errorf("signs = %d, want 0", r.Scores["signs"])
				}
			})
		}
	}
}

// Pattern and amount, and money: each changes the advice and counts as a risk, never as a
// warning sign; neither is asked of people only in treatment.
func TestKetaminePatternAndMoney(t *testing.T) {
	q := shipped(t)
	base := fill(q, ans("use_context", "not_prescribed", "frequency", "weekly"))
	tests := []struct {
		name   string
		pairs  []string
		advice []string
		risk   int
	}{
		{"Neither", nil, nil, 0},
		{"SeveralDoses", []string{"pattern", "several_doses"}, []string{"pattern"}, 1},
		{"DaysInRow", []string{"pattern", "days_in_row"}, []string{"pattern"}, 1},
		{"Both", []string{"pattern", "several_doses,days_in_row"}, []string{"pattern"}, 1},
		{"Affordable", []string{"money", "affordable"}, nil, 0},
		{"OverBudget", []string{"money", "over"}, []string{"money"}, 1},
		{"Every", []string{"pattern", "days_in_row", "money", "over"}, []string{"pattern", "money"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, with(base, tt.pairs...))
			var got []string
			for _, id := range adviceIDs(r) {
				if id == "pattern" || id == "money" {
					got = append(got, id)
				}
			}
			if !qtest.Equal(got, tt.advice) || r.Scores["risk"] != tt.risk || r.Scores["signs"] != 0 {
				t.Errorf("advice %v risk %d signs %d; want %v, %d, 0", got, r.Scores["risk"], r.Scores["signs"], tt.advice, tt.risk)
			}
		})
	}
	if errs := q.Check(with(base, "pattern", "none,several_doses")).For("pattern"); len(errs) != 1 || errs[0].Kind != questionnaire.ErrExclusive {
		t.Errorf("none with a pattern: %v, want exclusive", errs)
	}
	treated := fill(q, ans("use_context", "prescribed", "frequency", "weekly"))
	for _, id := range []string{"pattern", "money"} {
		if q.Visibility(treated)[id] {
			t.Errorf("%s is asked of people only in treatment", id)
		}
	}
}

// Tummy pain or cramps and signs that can come from the kidneys raise their own "see a doctor"
// flag, said back, on every path.
func TestKetamineBellyKidneyFlag(t *testing.T) {
	q := shipped(t)
	for _, path := range append(slices.Clone(paths), "none_recent") {
		for _, codes := range []string{"none", "cramps", "side_pain", "less_pee_swelling", "cramps,side_pain,less_pee_swelling"} {
			t.Run(path+"/"+codes, func(t *testing.T) {
				r := mustScore(t, q, fill(q, ans("use_context", path, "frequency", "weekly", "belly_kidney", codes)))
				want := codes != "none"
				if hasFlag(r, "belly_kidney") != want || slices.Contains(toldIDs(r), "belly_kidney") != want {
					t.Errorf("flag %v, told %v; want %v", r.FlagIDs(), toldIDs(r), want)
				}
				if want && r.Flags[0].Severity != "high" {
					t.Errorf("first flag %s, want the high-severity doctor flag first", r.Flags[0].ID)
				}
			})
		}
	}
	for _, lang := range q.Languages {
		msg := strings.ToLower(q.Flag("belly_kidney").Message.In(lang))
		for _, w := range map[string][]string{"en": {"doctor", "ketamine", "kidney"}, "es": {"médico", "ketamina", "riñones"}}[lang] {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: belly_kidney message lacks %q", lang, w)
			}
		}
	}
}

// Someone who has not used in the last 12 months reads about staying stopped, under a level
// that says so, with no scale of questions they were never asked.
func TestKetamineStopped(t *testing.T) {
	q := shipped(t)
	r := mustScore(t, q, fill(q, ans("use_context", "none_recent")))
	if !slices.Contains(adviceIDs(r), "stopped") {
		t.Errorf("advice = %v, want stopped", adviceIDs(r))
	}
	lt := r.LevelText()
	if lt.Label.In("en") != "No use in the last 12 months" || lt.Reassuring {
		t.Errorf("level text %q (reassuring %v)", lt.Label.In("en"), lt.Reassuring)
	}
	if v := resultview.Of(r, "es"); v.Scale != nil || v.Level.Label != "Sin uso en los últimos 12 meses" {
		t.Errorf("view: scale %v, level %q", v.Scale, v.Level.Label)
	}
	tips := strings.ToLower(strings.Join(textsIn(q.Advice[slices.IndexFunc(q.Advice, func(a *questionnaire.Advice) bool { return a.ID == "stopped" })].Tips, "en"), " "))
	for _, w := range []string{"keep up what helps", "triggers", "cravings", "who to call", "use again"} {
		if !strings.Contains(tips, w) {
			t.Errorf("staying-stopped advice lacks %q", w)
		}
	}
}

// Every flag has a clinician label and a suggested follow-up, marked as a suggestion, in every
// language, and the label is not the wording written for the person.
func TestKetamineFlagsForClinicians(t *testing.T) {
	q := shipped(t)
	for _, f := range q.Flags {
		for _, lang := range q.Languages {
			label, follow := f.ClinicianLabel.In(lang), f.FollowUp.In(lang)
			if label == "" || label == f.Title.In(lang) {
				t.Errorf("%s/%s: clinician label %q", f.ID, lang, label)
			}
			if prefix := map[string]string{"en": "Suggested:", "es": "Sugerencia:"}[lang]; !strings.HasPrefix(follow, prefix) {
				t.Errorf("%s/%s: follow-up %q does not start with %q", f.ID, lang, follow, prefix)
			}
		}
	}
	if got := q.Flag("safety_now").ClinicianLabel.In("en"); !strings.Contains(got, "Current suicidal thoughts reported") {
		t.Errorf("safety_now clinician label = %q", got)
	}
}

// The scale: "N of M warning signs", M the criteria the person was asked about.
func TestKetamineScale(t *testing.T) {
	q := shipped(t)
	r := mustScore(t, q, withCriteria(t, q, "prescribed", 3))
	v := resultview.Of(r, "en").Scale
	if v == nil || v.Text != "3 of 9 warning signs" || v.Value != 3 || v.Max != 9 {
		t.Fatalf("scale = %+v", v)
	}
	var bands []string
	for _, b := range v.Bands {
		bands = append(bands, fmt.Sprintf("%s:%d-%d:%v", b.ID, b.Min, b.Max, b.Current))
	}
	if want := "low:0-1:false some:2-3:true moderate:4-5:false high:6-9:false"; strings.Join(bands, " ") != want {
		t.Errorf("bands = %s, want %s", strings.Join(bands, " "), want)
	}
	if es := resultview.Of(r, "es").Scale.Text; es != "3 de 9 señales de alerta" {
		t.Errorf("es scale = %q", es)
	}
	if v := resultview.Of(mustScore(t, q, withCriteria(t, q, "both", 7)), "en").Scale; v.Text != "7 of 11 warning signs" {
		t.Errorf("both: scale = %q", v.Text)
	}
}

// The safety plan has the five steps, the last one about keeping away from ketamine and means.
func TestKetamineSafetyPlan(t *testing.T) {
	q := shipped(t)
	i := slices.IndexFunc(q.Advice, func(a *questionnaire.Advice) bool { return a.ID == "safety_plan" })
	if i < 0 {
		t.Fatal("no safety_plan advice")
	}
	plan := q.Advice[i]
	if len(plan.Tips) != 5 {
		t.Fatalf("safety plan has %d steps, want 5", len(plan.Tips))
	}
	steps := []string{"warning signs", "help me", "people", "professionals", "safe place"}
	for j, tip := range plan.Tips {
		if s := strings.ToLower(tip.In("en")); !strings.Contains(s, steps[j]) {
			t.Errorf("step %d %q is not about %q", j+1, s, steps[j])
		}
	}
	if last := plan.Tips[4].In("en"); !strings.Contains(last, "ketamine") || !strings.Contains(last, "hurt yourself") {
		t.Errorf("last step %q: want ketamine and means kept away", last)
	}
}

// Harm reduction is for everyone who uses, headed so, with the additions the sources call for.
func TestKetamineHarmReduction(t *testing.T) {
	q := shipped(t)
	i := slices.IndexFunc(q.Advice, func(a *questionnaire.Advice) bool { return a.ID == "harm_reduction" })
	hr := q.Advice[i]
	if title := hr.Title.In("en"); strings.Contains(strings.ToLower(title), "not ready") {
		t.Errorf("title %q is for people not ready to stop, not for everyone who uses", title)
	}
	want := map[string][]string{
		"en": {"alone", "small amount", "sit down", "alcohol", "benzodiazepines", "opioids", "straws", "hepatitis c", "nose", "drug checking", "blood in", "emergency number"},
		"es": {"a solas", "cantidad pequeña", "siéntese", "alcohol", "benzodiacepinas", "opioides", "pajitas", "hepatitis c", "nariz", "análisis de drogas", "sangre en la orina", "emergencias"},
	}
	for lang, words := range want {
		all := strings.ToLower(strings.Join(textsIn(hr.Tips, lang), " "))
		for _, w := range words {
			if !strings.Contains(all, w) {
				t.Errorf("%s: harm reduction lacks %q", lang, w)
			}
		}
	}
}

// "Support groups" are not recommended while no region lists a support service to show.
func TestKetamineNoSupportGroupsWithoutSupport(t *testing.T) {
	c := shippedCatalog(t)
	if c.Resources.Listed("support") {
		t.Skip("a region lists a support service")
	}
	for _, q := range []*questionnaire.Questionnaire{c.Latest("ketamine-selfcheck")} {
		// The resources file's own words for a missing kind may name groups: they say where
		// to look, not what the page shows.
		for group, texts := range respondentTexts(q, nil) {
			for _, s := range texts {
				if strings.Contains(strings.ToLower(s), "support group") {
					t.Errorf("%s recommends support groups: %q", group, s)
				}
			}
		}
		for _, a := range q.Advice {
			for _, tip := range a.Tips {
				if strings.Contains(strings.ToLower(tip.In("es")), "grupo de apoyo") {
					t.Errorf("advice %s recommends support groups in Spanish", a.ID)
				}
			}
		}
	}
}

// Spanish speaks to the person as usted: no tú forms in any Spanish text.
func TestKetamineSpanishUsted(t *testing.T) {
	c := shippedCatalog(t)
	q := c.Latest("ketamine-selfcheck")
	tu := []string{" tú ", " tienes", " puedes", " eres ", " estás", " tu ", " te ", "¿has ", " has tenido", " quieres", " sientes"}
	var texts []string
	for _, it := range q.Items() {
		texts = append(texts, it.Prompt.In("es"), it.Help.In("es"))
		for _, o := range it.Options {
			texts = append(texts, o.Told.In("es"))
		}
	}
	for _, f := range q.Flags {
		texts = append(texts, f.Message.In("es"))
	}
	for _, a := range q.Advice {
		texts = append(texts, textsIn(a.Tips, "es")...)
	}
	for _, b := range q.LevelScore().Bands {
		texts = append(texts, b.Meaning.In("es"))
		for _, v := range b.Texts {
			texts = append(texts, v.Meaning.In("es"))
		}
	}
	for _, s := range texts {
		l := " " + strings.ToLower(s) + " "
		for _, w := range tu {
			if strings.Contains(l, w) {
				t.Errorf("tú form %q in %q", strings.TrimSpace(w), s)
			}
		}
	}
}

func textsIn(ts []questionnaire.Text, lang string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.In(lang)
	}
	return out
}
