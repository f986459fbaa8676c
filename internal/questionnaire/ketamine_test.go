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

var paths = []string{"prescribed", "not_prescribed", "both"}

func TestKetamineSkipLogic(t *testing.T) {
	q := shipped(t)
	tests := []struct {
		path   string
		shown  []string
		hidden []string
	}{
		{"prescribed",
			[]string{"frequency", "more_than_prescribed", "outside_treatment", "cope", "mental_health", "urinary", "belly_kidney", "mood_interest", "mood_down", "safety"},
			[]string{"tolerance", "withdrawal", "use_alone", "pressure", "pattern", "money", "safety_now"}},
		{"not_prescribed",
			[]string{"frequency", "pattern", "money", "tolerance", "withdrawal", "use_alone", "pressure", "urinary", "belly_kidney", "mood_interest", "mood_down", "safety"},
			[]string{"more_than_prescribed", "outside_treatment", "safety_now"}},
		{"both",
			[]string{"frequency", "pattern", "money", "tolerance", "withdrawal", "more_than_prescribed", "outside_treatment", "use_alone", "pressure", "safety"},
			[]string{"safety_now"}},
		{"none_recent",
			[]string{"use_context", "urinary", "belly_kidney", "memory", "mood_interest", "mood_down", "safety"},
			[]string{"frequency", "pattern", "money", "tolerance", "more_than_meant", "craving", "withdrawal", "more_than_prescribed", "outside_treatment", "cope", "mental_health", "other_substances", "safety_now"}},
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
	if got, want := shownIDs(q, a), []string{"use_context", "urinary", "belly_kidney", "memory", "mood_interest", "mood_down", "safety"}; !qtest.Equal(got, want) {
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
	stale := with(a, "frequency", "daily", "craving", "yes", "time_spent", "yes", "cope", "yes", "money", "over")
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
		acute   bool
	}{
		{"No", fill(q, ans("use_context", "both", "frequency", "weekly")), nil, false},
		{"Yes", fill(q, ans("use_context", "not_prescribed", "frequency", "weekly", "safety", "yes")), []string{"safety"}, false},
		{"YesRightNow", fill(q, ans("use_context", "not_prescribed", "frequency", "weekly", "safety", "yes", "safety_now", "yes")),
			[]string{"safety_now", "safety"}, true},
		{"YesNoneRecent", fill(q, ans("use_context", "none_recent", "safety", "yes")), []string{"safety"}, false},
		{"YesRightNowNoneRecent", fill(q, ans("use_context", "none_recent", "safety", "yes", "safety_now", "yes")), []string{"safety_now", "safety"}, true},
		// Most severe first, whatever else was raised.
		{"YesWithOthers", fill(q, ans("use_context", "both", "frequency", "daily", "more_than_prescribed", "yes",
			"urinary", "blood", "safety", "yes")), []string{"safety", "urinary", "more_than_prescribed"}, false},
		{"YesHighLevel", with(withCriteria(t, q, "both", 11), "safety", "yes", "safety_now", "no", "urinary", "pain"),
			[]string{"safety", "urinary", "more_than_prescribed"}, false},
		{"YesEveryFlag", fill(q, ans("use_context", "both", "frequency", "daily", "more_than_prescribed", "yes", "outside_treatment", "yes",
			"urinary", "pain", "belly_kidney", "cramps", "memory", "yes", "mood_interest", "nearly_every_day", "mood_down", "several_days",
			"safety", "yes", "safety_now", "yes")),
			[]string{"safety_now", "safety", "urinary", "belly_kidney", "more_than_prescribed", "outside_treatment", "low_mood", "memory"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			if got := r.FlagIDs(); !qtest.Equal(got, tt.want) {
				t.Fatalf("flags = %v, want %v", got, tt.want)
			}
			if r.Acute() != tt.acute || resultview.Of(r, "en").Acute != tt.acute {
				t.Errorf("acute = %v, want %v", r.Acute(), tt.acute)
			}
			if r.SafetyRaised() != (len(tt.want) > 0 && strings.HasPrefix(tt.want[0], "safety")) {
				t.Errorf("SafetyRaised() = %v with flags %v", r.SafetyRaised(), tt.want)
			}
			kinds := r.ResourceKinds()
			switch {
			case tt.acute:
				// The emergency number first: the person needs help now, not a list.
				if r.Flags[0].Severity != questionnaire.SeverityAcute || len(kinds) < 2 || kinds[0] != "emergency" || kinds[1] != "crisis" {
					t.Errorf("acute: first flag %s, resource kinds %v; want acute, emergency then crisis", r.Flags[0].Severity, kinds)
				}
				if !slices.Contains(toldIDs(r), "safety_now") {
					t.Errorf("told = %v, want safety_now said back", toldIDs(r))
				}
			case len(tt.want) > 0 && tt.want[0] == "safety":
				if r.Flags[0].Severity != questionnaire.SeverityUrgent || len(kinds) < 2 || kinds[0] != "crisis" || kinds[1] != "emergency" {
					t.Errorf("safety: first flag %s, resource kinds %v; want urgent, crisis then emergency", r.Flags[0].Severity, kinds)
				}
			}
			if hasFlag(r, "safety") && !slices.Contains(toldIDs(r), "safety") {
				t.Errorf("told = %v, want safety said back", toldIDs(r))
			}
			if got := slices.Contains(adviceIDs(r), "safety_plan"); got != hasFlag(r, "safety") {
				t.Errorf("safety plan shown = %v with flags %v", got, r.FlagIDs())
			}
		})
	}
}

// The acuity question is asked after a yes, on the same step, and must then be answered; after
// a no it cannot be.
func TestKetamineAcuityQuestion(t *testing.T) {
	q := shipped(t)
	now := q.Item("safety_now")
	if now.Section() != q.Item("safety").Section() || !now.IsRequired() {
		t.Fatal("safety_now is not a required question on the safety step")
	}
	yes := fill(q, ans("use_context", "prescribed", "frequency", "monthly", "safety", "yes"))
	if errs := q.Check(without(yes, "safety_now")).For("safety_now"); len(errs) != 1 || errs[0].Kind != questionnaire.ErrRequired {
		t.Errorf("yes without the acuity answer: %v, want required", errs)
	}
	no := fill(q, ans("use_context", "prescribed", "frequency", "monthly", "safety", "no"))
	if _, asked := no["safety_now"]; asked {
		t.Fatal("the acuity question is asked after a no")
	}
	if errs := q.Check(with(no, "safety_now", "yes")).For("safety_now"); len(errs) != 1 || errs[0].Kind != questionnaire.ErrHidden {
		t.Errorf("acuity answer after a no: %v, want hidden", errs)
	}
	// A changed mind: the stale "right now" answer is dropped, and nothing acute is left.
	if r := mustScore(t, q, q.Prune(with(no, "safety_now", "yes"))); r.Acute() || r.SafetyRaised() {
		t.Errorf("pruned stale acuity answer raised %v", r.FlagIDs())
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
		{"Leaking", "leaking", true, ""},
		{"Every", "often_urgent,pain,blood,leaking", true, ""},
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
			if got := hasFlag(r, "urinary"); got != tt.flag {
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
				r := mustScore(t, q, withCriteria(t, q, path, n))
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
		{"none_recent", []string{"stopped"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := mustScore(t, q, fill(q, ans("use_context", tt.path, "frequency", "weekly")))
			if got := adviceIDs(r); !qtest.Equal(got, tt.want) {
				t.Errorf("advice = %v, want %v", got, tt.want)
			}
		})
	}
}

// Every warning sign answered yes on the "both" path meets every DSM-5 criterion once, in order.
func TestKetamineCriteria(t *testing.T) {
	q := shipped(t)
	r := mustScore(t, q, withCriteria(t, q, "both", 11))
	if !qtest.Equal(r.Criteria, questionnaire.DSM5Criteria) {
		t.Errorf("criteria = %v, want %v", r.Criteria, questionnaire.DSM5Criteria)
	}
	// Prescribed-only use never meets tolerance or withdrawal: DSM-5 excludes them under supervision.
	r = mustScore(t, q, withCriteria(t, q, "prescribed", 9))
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
		a := with(withCriteria(t, q, path, 6), "safety", "yes", "safety_now", "yes", "urinary", "pain", "belly_kidney", "side_pain",
			"cope", "yes", "mental_health", "depression", "mood_interest", "nearly_every_day", "mood_down", "nearly_every_day")
		r := mustScore(t, q, a)
		for _, lang := range q.Languages {
			v := resultview.Of(r, lang)
			if v.Notice == "" || v.Level.Label == "" || v.Level.Meaning == "" {
				t.Errorf("%s/%s: empty notice or level", path, lang)
			}
			for _, f := range v.Flags {
				if f.Title == "" || f.Message == "" || f.ClinicianLabel == "" || f.FollowUp == "" {
					t.Errorf("%s/%s: flag %s has an empty text", path, lang, f.ID)
				}
			}
			if v.Scale == nil || v.Scale.Text == "" {
				t.Errorf("%s/%s: no scale", path, lang)
			}
			for _, a := range v.Advice {
				for _, tip := range a.Tips {
					if a.Title == "" || tip == "" {
						t.Errorf("%s/%s: advice %s has an empty text", path, lang, a.ID)
					}
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
