package api

import (
	"bytes"
	"testing"
)

// submissionBodies are bodies for the fast path: ones it takes and ones it must leave to the
// slow path.
var submissionBodies = []string{
	`{}`, ` { } `, `{"lang": "en", "region": "us", "answers": {"use": "both", "harms": ["a", "b"], "days": 12}}`,
	`{"answers": {}, "region": "uk", "lang": "es"}`, `{"lang": "en", "lang": "es"}`, `{"region": "us", "region": "uk"}`,
	`{"answers": {}, "answers": {}}`, `{"Lang": "en"}`, `{"lang": null}`, `{"lang": 1}`, `{"lang": "e\u006e"}`, `{"lang": "és"}`,
	`{"answers": null}`, `{"answers": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9y", {"a": []}]}`,
	`{"answers": "\u12"}`, `{"answers": "\x"}`, "{\"answers\": \"a\x01\"}", "{\"answers\": \"\xff\"}", `{"answers": tru}`,
	`{"answers": truex}`, `{"answers": 01}`, `{"answers": 1.}`, `{"answers": -}`, `{"answers": {"a" 1}}`, `{"answers": {1: 2}}`,
	`{"answers": [1,]}`, `{"answers": [1 2]}`, `{"lang": "en",}`, `{"lang": "en"} x`, `{"lang": "en"}}`, `{"lang": "en"`,
	`[]`, `""`, ``, `{"lang" "en"}`, `{"lang": "en" "region": "us"}`, `{"other": 1}`,
	`{"answers": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
}

// TestDecodeSubmissionFast checks that the fast path takes only what the slow path takes, with
// the same fields, and takes the usual bodies.
func TestDecodeSubmissionFast(t *testing.T) {
	for _, body := range submissionBodies {
		checkSubmissionFast(t, []byte(body))
	}
	if _, ok := decodeSubmissionFast([]byte(submissionBodies[2])); !ok {
		t.Errorf("the fast path leaves %s to the slow one", submissionBodies[2])
	}
}

func FuzzDecodeSubmissionFast(f *testing.F) {
	for _, body := range submissionBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkSubmissionFast(t, body) })
}

func checkSubmissionFast(t *testing.T, body []byte) {
	t.Helper()
	fast, ok := decodeSubmissionFast(body)
	if !ok {
		return
	}
	slow, err := decodeSubmissionTokens(body)
	if err != nil {
		t.Fatalf("%q: the fast path takes what the slow one refuses (%v)", body, err)
	}
	if fast.Lang != slow.Lang || fast.Region != slow.Region || !bytes.Equal(fast.Answers, slow.Answers) ||
		(fast.Answers == nil) != (slow.Answers == nil) {
		t.Fatalf("%q: fast path %+v, slow path %+v", body, fast, slow)
	}
}
