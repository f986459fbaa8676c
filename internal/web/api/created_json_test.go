package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// TestCreatedJSONMatchesEncodingJSON holds the hand-written body of a 201 to the bytes
// encoding/json writes for it, over random answers to every shipped questionnaire (the
// self-check and the instrument library) in each of its languages.
func TestCreatedJSONMatchesEncodingJSON(t *testing.T) {
	root := filepath.Join("..", "..", "..", "questionnaires")
	rng := rand.New(rand.NewPCG(7, 11))
	checked := 0
	for _, dir := range []string{root, filepath.Join(root, "library")} {
		cat, err := catalog.Load(os.DirFS(dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, q := range cat.Questionnaires() {
			for _, lang := range q.Languages {
				for range 40 {
					r, err := q.Score(q.RandomAnswers(rng))
					if err != nil {
						t.Fatalf("%s %s: %v", q.ID, q.Version, err)
					}
					c := created{Result: resultview.Of(r, lang), ResultURL: "/r/tok<&>?lang=" + lang, Token: "tok<&>"}
					want, err := json.Marshal(c)
					if err != nil {
						t.Fatal(err)
					}
					if got := appendCreated(nil, &c); !bytes.Equal(got, want) {
						t.Fatalf("%s %s %s:\n got %s\nwant %s", q.ID, q.Version, lang, got, want)
					}
					checked++
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d results checked", checked)
	}
}

// FuzzJSONString holds the string escaper to encoding/json's, for any bytes.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"quote\" \\ back", "<script>&</script>", "\x00\x01\b\f\n\r\t\x1f\x7f",
		"\u2028\u2029", "ñ é 😀", "\xff\xfe bad", "\xe2\x80", "a\u2028b\xed\xa0\x80c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
