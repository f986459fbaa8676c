package answersjson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// answerBodies are bodies for the fast path: ones it takes and ones it must leave to the slow
// path.
var answerBodies = []string{
	`{}`, ` {} `, `{"use": "both", "harms": ["a", "b"]}`, " \n\t{ \"use\" : \"both\" } \n",
	`{"harms": []}`, `{"harms": [ ]}`, `{"uso": "sí"}`, `{"\u00e9": "caf\u00e9"}`, `{"days": 12, "drinks": "3"}`,
	`{"days": -0.5e1}`, `{"days": 0}`, `{"days": -0}`, `{"days": 012}`, `{"days": 1.}`, `{"days": 1e}`, `{"days": 1e+5}`,
	`{"days": 12x}`, `{"days": -}`, `{"use": null}`, `{"harms": ["a", null]}`, `{"harms": ["a", 2]}`, `{"use": true}`,
	`{"use": {"code": "both"}}`, `{"harms": [["a"]]}`, `{"use": "both", "use": "none"}`, `{"use": "both",}`,
	`{"use": "both"} x`, `{"use": "both"}}`, `{"use": "both"`, `{"harms": ["a", `, `{'use': 'both'}`, `["both"]`,
	`"both"`, `42`, `null`, ``, "{\"use\": \"b\xffth\"}", "{\"use\": \"b\x01th\"}", `{"use": "b\"th"}`,
	`{"harms": ["a" "b"]}`, `{"harms": ["a",]}`, `{"use" "both"}`, `{"use": "both" "x": "y"}`, `{,}`, `{"a":"b",,}`,
	`{"` + strings.Repeat("k", questionnaire.MaxAnswerKeySize) + `": "` + strings.Repeat("c", questionnaire.MaxAnswerKeySize) + `"}`,
	`{"` + strings.Repeat("k", questionnaire.MaxAnswerKeySize+1) + `": "yes"}`, `{"use": "` + strings.Repeat("c", questionnaire.MaxAnswerKeySize+1) + `"}`,
	`{"days": 1` + strings.Repeat("0", questionnaire.MaxAnswerKeySize) + `}`,
}

// TestDecodeAnswersFast checks that the fast path takes only what the slow path takes, with the
// same answers, and takes the usual bodies.
func TestDecodeAnswersFast(t *testing.T) {
	for _, body := range answerBodies {
		checkFastAgainstSlow(t, []byte(body))
	}
	for _, body := range []string{`{}`, `{"use": "both", "harms": ["a", "b"], "days": 12}`} {
		if _, ok := decodeFast([]byte(body)); !ok {
			t.Errorf("the fast path leaves %s to the slow one", body)
		}
	}
}

func FuzzDecodeAnswersFast(f *testing.F) {
	for _, body := range answerBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFastAgainstSlow(t, body) })
}

func checkFastAgainstSlow(t *testing.T, body []byte) {
	t.Helper()
	fast, ok := decodeFast(body)
	slow, err := decodeTokens(body)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("%q: the fast path takes what the slow one refuses (%v)", body, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		f, _ := json.Marshal(fast)
		s, _ := json.Marshal(slow)
		t.Fatalf("%q: fast path %s, slow path %s", body, f, s)
	}
	// Each item's codes are its own: appending to one never changes another.
	for k := range fast {
		fast[k] = append(fast[k], "appended")
	}
	for k, v := range fast {
		if !reflect.DeepEqual(v[:len(v)-1], slow[k]) {
			t.Fatalf("%q: appending to one item's codes changed %q", body, k)
		}
	}
}

// BenchmarkDecodeAnswersJSON is the answers of a full submission, decoded by the fast path
// and by encoding/json's tokens.
func BenchmarkDecodeAnswersJSON(b *testing.B) {
	body := []byte(`{"use_context": "not_prescribed", "frequency": "weekly", "amount": "more", "days": 12,
		"harms": ["urinary", "memory", "tolerance"], "urinary": ["pain", "blood"], "safety": "no", "help": ["gp"]}`)
	for _, bc := range []struct {
		name   string
		decode func([]byte) (questionnaire.Answers, error)
	}{{"Fast", Decode}, {"Tokens", decodeTokens}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.decode(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
