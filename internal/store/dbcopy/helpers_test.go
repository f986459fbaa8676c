package dbcopy_test

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

func sample(i int) *responsedb.Response {
	bands := []string{"low", "some", "moderate", "high"}
	r := &responsedb.Response{
		Questionnaire: "ketamine-selfcheck", Version: "1.0.0", Lang: []string{"en", "es"}[i%2], Region: []string{"us", "uk", "other"}[i%3],
		Answers: questionnaire.Answers{"use_context": {"not_prescribed"}, "urinary": []string{"pain", "blood"}[:1+i%2]},
		Scores:  map[string]int{"signs": i % 7}, Band: bands[i%4],
	}
	if i%5 == 0 {
		r.Flags = []string{"safety"}
	}
	return r
}
