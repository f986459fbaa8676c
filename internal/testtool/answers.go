package testtool

import (
	"net/url"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Answers is a valid, complete set of answers to a questionnaire, varied by n: every item the
// skip logic shows gets an answer, the first item's options in turn.
func Answers(q *questionnaire.Questionnaire, n int) questionnaire.Answers {
	a := questionnaire.Answers{}
	for i, it := range q.Items() {
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if !shown {
			continue
		}
		switch {
		case i == 0:
			a[it.ID] = []string{it.Options[n%len(it.Options)].Code}
		case it.Type == questionnaire.Multiple:
			a[it.ID] = []string{it.Options[n%len(it.Options)].Code}
		default:
			a[it.ID] = []string{it.Options[(n/3)%len(it.Options)].Code}
		}
	}
	return a
}

// LastStepForm is the body a browser sends from the last step of the form that the answers
// show, with every earlier answer carried in hidden fields.
func LastStepForm(q *questionnaire.Questionnaire, a questionnaire.Answers, region string) url.Values {
	shown := q.Visibility(a)
	last := 0
	for i, sec := range q.Sections {
		if q.SectionShown(sec, shown) {
			last = i
		}
	}
	v := url.Values{"step": {strconv.Itoa(last)}, "region": {region}, "nav": {"next"}}
	for _, it := range q.Items() {
		if a[it.ID] == nil {
			continue
		}
		v[it.ID] = a[it.ID]
		if it.Section().Index() == last {
			v.Add("seen", it.ID)
		}
	}
	return v
}
