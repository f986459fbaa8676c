package questionnaire_test

import (
	"encoding/json"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/answersjson"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// fullAnswers answers every item the skip logic asks, in order, with the option pick chooses.
func fullAnswers(q *questionnaire.Questionnaire, pick func(it *questionnaire.Item) string) questionnaire.Answers {
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if shown {
			a[it.ID] = []string{pick(it)}
		}
	}
	return a
}

// mildest is "no", "never", "none" or the like, after saying ketamine is used without a
// prescription.
func mildest(it *questionnaire.Item) string {
	if it.ID == "use_context" {
		return "not_prescribed"
	}
	for _, o := range it.Options {
		if o.Exclusive || o.Code == "no" || o.Code == "never" || o.Code == "none" {
			return o.Code
		}
	}
	return it.Options[0].Code
}

// mostConcerning is "yes" or the last option that is not "none of these", after saying
// ketamine is used both with and without a prescription: every item is asked, flags raised.
func mostConcerning(it *questionnaire.Item) string {
	if it.ID == "use_context" {
		return "both"
	}
	if it.Option("yes") != nil {
		return "yes"
	}
	for i := len(it.Options) - 1; i >= 0; i-- {
		if !it.Options[i].Exclusive {
			return it.Options[i].Code
		}
	}
	return it.Options[0].Code
}

// BenchmarkScore checks and scores a complete response to the shipped self-check.
func BenchmarkScore(b *testing.B) {
	q := shipped(b)
	for _, tc := range []struct {
		name string
		pick func(it *questionnaire.Item) string
	}{{"Mild", mildest}, {"Concerning", mostConcerning}} {
		b.Run(tc.name, func(b *testing.B) {
			a := fullAnswers(q, tc.pick)
			if _, err := q.Score(a); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.Score(a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeScoreView is what the JSON API does with the answers of a body: decode,
// check, score, and build the result's view.
func BenchmarkDecodeScoreView(b *testing.B) {
	q := shipped(b)
	body, err := json.Marshal(fullAnswers(q, mostConcerning))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		a, err := answersjson.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		r, err := q.Score(a)
		if err != nil {
			b.Fatal(err)
		}
		_ = resultview.Of(r, "en")
	}
}
