package questionnaire_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/answersjson"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// answersFromBytes turns fuzz input into answers to q, item by item: one byte picks what to do
// (no answer, an empty list, an unknown code, options), the next which options.
func answersFromBytes(q *questionnaire.Questionnaire, data []byte) questionnaire.Answers {
	a := questionnaire.Answers{}
	next := func() (byte, bool) {
		if len(data) == 0 {
			return 0, false
		}
		b := data[0]
		data = data[1:]
		return b, true
	}
	for _, it := range q.Items() {
		mode, ok := next()
		if !ok {
			break
		}
		switch mode % 8 {
		case 0:
			continue
		case 1:
			a[it.ID] = []string{}
		case 2:
			a[it.ID] = []string{"zz"}
		default:
			pick, _ := next()
			if it.Type == questionnaire.Single && mode%8 != 7 {
				a[it.ID] = []string{it.Options[int(pick)%len(it.Options)].Code}
				continue
			}
			var codes []string
			for i, o := range it.Options {
				if pick&(1<<(i%8)) != 0 {
					codes = append(codes, o.Code)
				}
			}
			a[it.ID] = codes
		}
	}
	if b, ok := next(); ok && b%16 == 0 {
		a["not_an_item"] = []string{"x"}
	}
	return a
}

// bytesFromAnswers is the fuzz input that answersFromBytes reads back as a.
func bytesFromAnswers(q *questionnaire.Questionnaire, a questionnaire.Answers) []byte {
	var out []byte
	for _, it := range q.Items() {
		codes, ok := a[it.ID]
		if !ok {
			out = append(out, 0)
			continue
		}
		var mask byte
		for _, c := range codes {
			i := slices.IndexFunc(it.Options, func(o *questionnaire.Option) bool { return o.Code == c })
			if it.Type == questionnaire.Single {
				mask = byte(i)
			} else {
				mask |= 1 << i
			}
		}
		out = append(out, 3, mask)
	}
	return append(out, 1)
}

func FuzzScore(f *testing.F) {
	q := shipped(f)
	for _, path := range []string{"prescribed", "not_prescribed", "both", "none_recent"} {
		for _, extra := range []questionnaire.Answers{
			nil,
			ans("safety", "yes", "urinary", "pain,blood", "craving", "yes", "tolerance", "yes", "more_than_prescribed", "yes"),
		} {
			a := fill(q, with(ans("use_context", path, "frequency", "daily"), flatten(extra)...))
			mustScore(f, q, a)
			if got := answersFromBytes(q, bytesFromAnswers(q, a)); !maps.EqualFunc(got, a, slices.Equal) {
				f.Fatalf("the seed encoding is lossy: %v, want %v", got, a)
			}
			f.Add(bytesFromAnswers(q, a))
			data, _ := json.Marshal(a)
			f.Add(data)
		}
	}
	f.Add([]byte{})
	f.Add([]byte(`{"use_context": "both", "safety": ["yes", "no"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(a questionnaire.Answers) {
			r, err := q.Score(a)
			if err != nil {
				ae, ok := err.(questionnaire.AnswersError)
				if r != nil || !ok || len(ae) == 0 {
					t.Fatalf("Score() = %v, %v (%T)", r, err, err)
				}
				return
			}
			if errs := q.Check(a); len(errs) > 0 {
				t.Fatalf("Score() accepted answers Check refuses: %v", errs)
			}
			level := q.LevelScore()
			v := r.Scores[level.ID]
			if r.Level == nil || v < r.Level.Min || v > r.Level.Max {
				t.Fatalf("level %v does not hold %s = %d", r.Level, level.ID, v)
			}
			for _, s := range q.Scores {
				lo, hi := s.Range()
				if got := r.Scores[s.ID]; got < lo || got > hi {
					t.Fatalf("score %s = %d, outside its range %d..%d", s.ID, got, lo, hi)
				}
			}
			sev := map[string]int{"urgent": 0, "high": 1, "moderate": 2, "info": 3}
			for i := 1; i < len(r.Flags); i++ {
				if sev[r.Flags[i-1].Severity] > sev[r.Flags[i].Severity] {
					t.Fatalf("flags out of order: %v", r.FlagIDs())
				}
			}
			if got, want := hasFlag(r, "safety"), slices.Equal(a["safety"], []string{"yes"}); got != want {
				t.Fatalf("safety flag = %v with safety = %v", got, a["safety"])
			}
			for _, lang := range q.Languages {
				if _, err := json.Marshal(resultview.Of(r, lang)); err != nil {
					t.Fatal(err)
				}
			}
		}
		a := answersFromBytes(q, data)
		check(a)
		// Pruned answers have nothing hidden and nothing unknown left.
		for _, e := range q.Check(q.Prune(a)) {
			if e.Kind == questionnaire.ErrHidden || e.Kind == questionnaire.ErrUnknownItem {
				t.Fatalf("Check(Prune()) = %v", e)
			}
		}
		if a, err := answersjson.Decode(data); err == nil {
			check(a)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Fatal("empty error message")
		}
	})
}

func flatten(a questionnaire.Answers) []string {
	var out []string
	for k, v := range a {
		out = append(out, k, strings.Join(v, ","))
	}
	return out
}
