package questionnaire_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// fill answers every item skip logic shows, in order: the fixed answers where given, and
// otherwise "no", "none", or the first option.
func fill(q *questionnaire.Questionnaire, fixed questionnaire.Answers) questionnaire.Answers {
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		if !q.Visibility(a)[it.ID] {
			continue
		}
		if v, ok := fixed[it.ID]; ok {
			a[it.ID] = v
			continue
		}
		code := it.Options[0].Code
		for _, o := range it.Options {
			if o.Code == "no" || o.Code == "none" {
				code = o.Code
				break
			}
		}
		a[it.ID] = []string{code}
	}
	return a
}

// visibleSigns lists the items of the signs score that the answers show, in score order.
func visibleSigns(q *questionnaire.Questionnaire, a questionnaire.Answers) []string {
	shown := q.Visibility(a)
	var out []string
	for _, id := range q.ScoreByID("signs").Items {
		if shown[id] {
			out = append(out, id)
		}
	}
	return out
}

// withSigns answers yes to the first n warning signs the path shows, and no to the others.
func withSigns(t *testing.T, q *questionnaire.Questionnaire, path string, n int) questionnaire.Answers {
	t.Helper()
	a := fill(q, ans("use_context", path, "frequency", "weekly"))
	signs := visibleSigns(q, a)
	if n > len(signs) {
		t.Fatalf("path %s shows %d signs, not %d", path, len(signs), n)
	}
	for _, id := range signs[:n] {
		a[id] = []string{"yes"}
	}
	return a
}

var paths = []string{"prescribed", "not_prescribed", "both"}

func TestKetamineSignsBands(t *testing.T) {
	q := shipped(t)
	if lo, hi := q.ScoreByID("signs").Range(); lo != 0 || hi != 13 {
		t.Errorf("signs range = %d..%d, want 0..13", lo, hi)
	}
	maxSigns := map[string]int{"prescribed": 11, "not_prescribed": 11, "both": 13}
	for _, path := range paths {
		max := maxSigns[path]
		if got := len(visibleSigns(q, fill(q, ans("use_context", path, "frequency", "weekly")))); got != max {
			t.Errorf("%s shows %d warning signs, want %d", path, got, max)
		}
		// DSM-5 style cut-offs: 0-1 low, 2-3 some, 4-5 moderate, 6+ high.
		for _, tt := range []struct {
			n    int
			band string
		}{{0, "low"}, {1, "low"}, {2, "some"}, {3, "some"}, {4, "moderate"}, {5, "moderate"}, {6, "high"}, {max - 1, "high"}, {max, "high"}} {
			t.Run(fmt.Sprintf("%s/%d", path, tt.n), func(t *testing.T) {
				r := mustScore(t, q, withSigns(t, q, path, tt.n))
				if got := r.Scores["signs"]; got != tt.n {
					t.Fatalf("signs = %d, want %d", got, tt.n)
				}
				if r.Level.ID != tt.band {
					t.Errorf("level = %s, want %s", r.Level.ID, tt.band)
				}
				if r.HasFlag("safety") || r.HasFlag("urinary") {
					t.Errorf("flags = %v, want neither safety nor urinary", r.FlagIDs())
				}
				if tt.n == 0 && len(r.Criteria) != 0 {
					t.Errorf("criteria = %v with no sign", r.Criteria)
				}
				if tt.n > 0 && len(r.Criteria) == 0 {
					t.Errorf("no criteria with %d signs", tt.n)
				}
			})
		}
	}
}

func TestKetamineSkipLogic(t *testing.T) {
	q := shipped(t)
	tests := []struct {
		path   string
		shown  []string
		hidden []string
	}{
		{"prescribed",
			[]string{"frequency", "more_than_prescribed", "outside_treatment", "cope", "mental_health", "urinary", "safety"},
			[]string{"tolerance", "withdrawal", "use_alone", "pressure"}},
		{"not_prescribed",
			[]string{"frequency", "tolerance", "withdrawal", "use_alone", "pressure", "urinary", "safety"},
			[]string{"more_than_prescribed", "outside_treatment"}},
		{"both",
			[]string{"frequency", "tolerance", "withdrawal", "more_than_prescribed", "outside_treatment", "use_alone", "pressure", "safety"},
			nil},
		{"none_recent",
			[]string{"use_context", "urinary", "memory", "safety"},
			[]string{"frequency", "tolerance", "more_than_meant", "craving", "withdrawal", "more_than_prescribed", "outside_treatment", "cope", "mental_health", "other_substances"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a := fill(q, ans("use_context", tt.path, "frequency", "weekly"))
			shown := q.Visibility(a)
			for _, id := range tt.shown {
				if !shown[id] {
					t.Errorf("%s is hidden, want shown", id)
				}
			}
			for _, id := range tt.hidden {
				if shown[id] {
					t.Errorf("%s is shown, want hidden", id)
				}
				// An answer to it is refused, and dropped by Prune.
				b := with(a, id, q.Item(id).Options[0].Code)
				if errs := q.Check(b).For(id); len(errs) != 1 || errs[0].Kind != questionnaire.ErrHidden {
					t.Errorf("Check().For(%s) = %v, want hidden", id, errs)
				}
				if _, kept := q.Prune(b)[id]; kept {
					t.Errorf("Prune kept %s", id)
				}
			}
			mustScore(t, q, a)
		})
	}
}

// Not using recently skips both the warning signs and the risk sections entirely.
func TestKetamineNoneRecent(t *testing.T) {
	q := shipped(t)
	a := fill(q, ans("use_context", "none_recent"))
	if got, want := shownIDs(q, a), []string{"use_context", "urinary", "memory", "safety"}; !equal(got, want) {
		t.Errorf("shown = %v, want %v", got, want)
	}
	shown := q.Visibility(a)
	for _, id := range []string{"signs", "risk"} {
		if q.SectionShown(q.Section(id), shown) {
			t.Errorf("section %s is shown", id)
		}
	}
	r := mustScore(t, q, a)
	if r.Scores["signs"] != 0 || r.Scores["risk"] != 0 || r.Level.ID != "low" {
		t.Errorf("scores %v level %s, want nothing and low", r.Scores, r.Level.ID)
	}
	// Answers left from an earlier path are refused, and once pruned count for nothing.
	stale := with(a, "frequency", "daily", "craving", "yes", "time_spent", "yes", "cope", "yes")
	if r, err := q.Score(stale); r != nil || err == nil {
		t.Errorf("Score() accepted answers to skipped sections")
	}
	if r := mustScore(t, q, q.Prune(stale)); r.Scores["signs"] != 0 || r.Scores["frequency"] != 0 || r.Scores["risk"] != 0 {
		t.Errorf("pruned stale answers scored %v", r.Scores)
	}
}

func TestKetamineSafetyFlag(t *testing.T) {
	q := shipped(t)
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    []string
	}{
		{"No", fill(q, ans("use_context", "both", "frequency", "weekly")), nil},
		{"Yes", fill(q, ans("use_context", "not_prescribed", "frequency", "weekly", "safety", "yes")), []string{"safety"}},
		{"YesNoneRecent", fill(q, ans("use_context", "none_recent", "safety", "yes")), []string{"safety"}},
		// Most severe first, whatever else was raised.
		{"YesWithOthers", fill(q, ans("use_context", "both", "frequency", "daily", "more_than_prescribed", "yes",
			"urinary", "blood", "safety", "yes")), []string{"safety", "urinary", "more_than_prescribed"}},
		{"YesHighLevel", with(withSigns(t, q, "both", 13), "safety", "yes", "urinary", "pain"), []string{"safety", "urinary", "more_than_prescribed"}},
		{"YesEveryFlag", fill(q, ans("use_context", "both", "frequency", "daily", "more_than_prescribed", "yes",
			"urinary", "pain", "memory", "yes", "safety", "yes")), []string{"safety", "urinary", "more_than_prescribed", "memory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			if got := r.FlagIDs(); !equal(got, tt.want) {
				t.Fatalf("flags = %v, want %v", got, tt.want)
			}
			if len(tt.want) > 0 && tt.want[0] == "safety" {
				if r.Flags[0].Severity != "urgent" {
					t.Errorf("safety severity = %s, want urgent", r.Flags[0].Severity)
				}
				if got := r.ResourceKinds(); len(got) < 2 || got[0] != "crisis" || got[1] != "emergency" {
					t.Errorf("resource kinds = %v, want crisis and emergency first", got)
				}
				if !slices.Contains(toldIDs(r), "safety") {
					t.Errorf("told = %v, want safety said back", toldIDs(r))
				}
			}
		})
	}
}

func TestKetamineUrinaryFlag(t *testing.T) {
	q := shipped(t)
	base := fill(q, ans("use_context", "not_prescribed", "frequency", "monthly"))
	tests := []struct {
		name    string
		urinary string
		flag    bool
		err     string
	}{
		{"None", "none", false, ""},
		{"OftenUrgent", "often_urgent", true, ""},
		{"Pain", "pain", true, ""},
		{"Blood", "blood", true, ""},
		{"Every", "often_urgent,pain,blood", true, ""},
		{"ErrExclusive", "none,pain", false, questionnaire.ErrExclusive},
		{"ErrExclusiveLast", "blood,none", false, questionnaire.ErrExclusive},
		{"ErrRequired", "", false, questionnaire.ErrRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := with(base, "urinary", tt.urinary)
			r, err := q.Score(a)
			if tt.err != "" {
				errs := q.Check(a).For("urinary")
				if r != nil || len(errs) != 1 || errs[0].Kind != tt.err {
					t.Fatalf("Score() = %v, %v; want %s on urinary", r, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.HasFlag("urinary"); got != tt.flag {
				t.Errorf("urinary flag = %v, want %v", got, tt.flag)
			}
			if tt.flag && !slices.Contains(toldIDs(r), "urinary") {
				t.Errorf("told = %v, want urinary said back", toldIDs(r))
			}
		})
	}
}

// "None of these" and "I prefer not to say" cannot be ticked with anything else.
func TestKetamineMentalHealthExclusive(t *testing.T) {
	q := shipped(t)
	base := fill(q, ans("use_context", "prescribed", "frequency", "monthly"))
	for _, tt := range []struct {
		name, codes, err string
	}{
		{"OK", "depression,anxiety,ptsd", ""},
		{"None", "none", ""},
		{"NoSay", "no_say", ""},
		{"ErrNoneWithOther", "depression,none", questionnaire.ErrExclusive},
		{"ErrNoSayWithOther", "no_say,psychosis", questionnaire.ErrExclusive},
		{"ErrNoneWithNoSay", "none,no_say", questionnaire.ErrExclusive},
	} {
		t.Run(tt.name, func(t *testing.T) {
			errs := q.Check(with(base, "mental_health", tt.codes))
			if tt.err == "" {
				if len(errs) > 0 {
					t.Errorf("Check() = %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Item != "mental_health" || errs[0].Kind != tt.err {
				t.Errorf("Check() = %v, want %s on mental_health", errs, tt.err)
			}
		})
	}
}

// isPrescriberStep reports whether a next step is meant only for people in ketamine treatment:
// its condition asks for a prescribed use context.
func isPrescriberStep(s *questionnaire.Step) bool {
	c := s.ShowIf
	return c != nil && c.Item == "use_context" && slices.Contains(c.AnyOf, "prescribed") &&
		!slices.Contains(c.AnyOf, "not_prescribed")
}

func TestKetaminePrescriberStep(t *testing.T) {
	q := shipped(t)
	for _, b := range q.LevelScore().Bands {
		if !slices.ContainsFunc(b.NextSteps, isPrescriberStep) {
			t.Errorf("band %s has no next step for people in treatment", b.ID)
		}
	}
	for _, path := range paths {
		for _, n := range []int{0, 2, 4, 6} {
			t.Run(fmt.Sprintf("%s/%d", path, n), func(t *testing.T) {
				r := mustScore(t, q, withSigns(t, q, path, n))
				got := slices.ContainsFunc(r.NextSteps(), isPrescriberStep)
				if want := path != "not_prescribed"; got != want {
					t.Errorf("level %s: prescriber step shown = %v, want %v", r.Level.ID, got, want)
				}
				for _, s := range r.NextSteps() {
					if s.Text.In("en") == "" || s.Text.In("es") == "" {
						t.Errorf("a next step has an empty text")
					}
				}
				if len(r.NextSteps()) == 0 {
					t.Errorf("level %s: no next step", r.Level.ID)
				}
			})
		}
	}
}

func TestKetamineAdvice(t *testing.T) {
	q := shipped(t)
	tests := []struct {
		path string
		want []string
	}{
		{"prescribed", []string{"treatment_safety"}},
		{"not_prescribed", []string{"harm_reduction"}},
		{"both", []string{"harm_reduction", "treatment_safety"}},
		{"none_recent", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := mustScore(t, q, fill(q, ans("use_context", tt.path, "frequency", "weekly")))
			if got := adviceIDs(r); !equal(got, tt.want) {
				t.Errorf("advice = %v, want %v", got, tt.want)
			}
		})
	}
}

// Every warning sign answered yes on the "both" path meets every DSM-5 criterion once, in order.
func TestKetamineCriteria(t *testing.T) {
	q := shipped(t)
	r := mustScore(t, q, withSigns(t, q, "both", 13))
	if !equal(r.Criteria, questionnaire.DSM5Criteria) {
		t.Errorf("criteria = %v, want %v", r.Criteria, questionnaire.DSM5Criteria)
	}
	// Prescribed-only use never meets tolerance or withdrawal: DSM-5 excludes them under supervision.
	r = mustScore(t, q, withSigns(t, q, "prescribed", 11))
	if slices.Contains(r.Criteria, "tolerance") || slices.Contains(r.Criteria, "withdrawal") {
		t.Errorf("prescribed criteria = %v, want neither tolerance nor withdrawal", r.Criteria)
	}
}

// Frequency uses the WHO ASSIST weights.
func TestKetamineFrequencyWeights(t *testing.T) {
	q := shipped(t)
	for code, want := range map[string]int{"never": 0, "once_twice": 2, "monthly": 3, "weekly": 4, "daily": 6} {
		t.Run(code, func(t *testing.T) {
			r := mustScore(t, q, fill(q, ans("use_context", "not_prescribed", "frequency", code)))
			if got := r.Scores["frequency"]; got != want {
				t.Errorf("frequency = %d, want %d", got, want)
			}
			if r.Scores["signs"] != 0 {
				t.Errorf("frequency counted as a warning sign: signs = %d", r.Scores["signs"])
			}
		})
	}
}

// Every text of every result the paths can reach exists in both languages.
func TestKetamineViewLanguages(t *testing.T) {
	q := shipped(t)
	for _, path := range paths {
		a := with(withSigns(t, q, path, 6), "safety", "yes", "urinary", "pain", "cope", "yes", "mental_health", "depression")
		r := mustScore(t, q, a)
		for _, lang := range q.Languages {
			v := r.View(lang)
			if v.Notice == "" || v.Level.Label == "" || v.Level.Meaning == "" {
				t.Errorf("%s/%s: empty notice or level", path, lang)
			}
			for _, f := range v.Flags {
				if f.Title == "" || f.Message == "" {
					t.Errorf("%s/%s: flag %s has an empty text", path, lang, f.ID)
				}
			}
			for _, tv := range v.Told {
				for _, s := range tv.Text {
					if s == "" {
						t.Errorf("%s/%s: told %s is empty", path, lang, tv.Item)
					}
				}
			}
		}
	}
}
