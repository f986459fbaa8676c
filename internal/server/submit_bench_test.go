package server_test

import (
	"net/http"
	"testing"

	"github.com/ketascreen/ketascreen/internal/testtool"
)

// BenchmarkSubmitForm posts the form's last step, as a browser does, one at a time: parsed,
// checked, scored, stored durably, answered with a 303 to the result.
func BenchmarkSubmitForm(b *testing.B) {
	h, cat := benchHandler(b)
	q := cat.Latest(qid)
	body := []byte(testtool.LastStepForm(q, testtool.Answers(q, 5), "us").Encode())
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, http.MethodPost, "/q/"+qid+"?lang=en", "application/x-www-form-urlencoded", body, http.StatusSeeOther)
	}
}
