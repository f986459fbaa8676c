package questionnaire_test

import (
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
)

// Readability of what a person reads, measured with the Flesch-Kincaid grade level:
//
//	grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59
//
// Syllables are counted with the usual heuristic (groups of vowels, a silent final e, a silent
// -ed or -es), which is within a syllable of a dictionary for most words; a number such as a
// phone number counts as one. A sentence ends at
// . ! or ?; a text without one (an answer such as "Yes") is one sentence. The formula is noisy
// on a four-word text, so the rule applies to each group of texts as a whole (every prompt,
// every option...), and to the whole questionnaire: grade 8 or below. A single text may not
// go above maxTextGrade, so one hard paragraph cannot hide in an easy group.

const (
	maxGroupGrade = 8.0
	maxTextGrade  = 10.0
	// Texts shorter than this are too short for the formula to say anything about alone.
	minWordsForTextGrade = 12
)

type readingStats struct{ words, sentences, syllables int }

func (s *readingStats) add(o readingStats) {
	s.words += o.words
	s.sentences += o.sentences
	s.syllables += o.syllables
}

func (s readingStats) grade() float64 {
	if s.words == 0 || s.sentences == 0 {
		return 0
	}
	return 0.39*float64(s.words)/float64(s.sentences) + 11.8*float64(s.syllables)/float64(s.words) - 15.59
}

func measure(text string) readingStats {
	var st readingStats
	for _, para := range strings.Split(text, "\n") {
		ended := true
		for _, tok := range strings.Fields(para) {
			word := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if word == "" {
				continue
			}
			st.words++
			st.syllables += syllables(word)
			end := strings.TrimRight(tok, `"')”’`)
			ended = end != "" && strings.ContainsRune(".!?", rune(end[len(end)-1]))
			if ended {
				st.sentences++
			}
		}
		if !ended {
			st.sentences++
		}
	}
	return st
}

// syllables counts the syllables of an English word with the vowel-group heuristic.
func syllables(word string) int {
	w := strings.ToLower(word)
	digits := 0
	for _, r := range w {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits == len([]rune(w)) {
		return 1 // a number is not hard to read, whatever its length: 988, 116 123
	}
	// Parts of a hyphenated or slashed word are words of their own.
	if parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' || r == '\'' || r == '’' }); len(parts) > 1 {
		n := 0
		for _, p := range parts {
			if p == "s" || p == "t" || p == "re" || p == "ll" || p == "ve" || p == "d" || p == "m" {
				continue // it's, don't, you're, we'll
			}
			n += syllables(p)
		}
		return max(n, 1)
	}
	if len(w) <= 3 {
		return 1
	}
	// A silent e before a suffix: safe-ty, hope-less, use-ful.
	for _, suffix := range []string{"less", "ness", "ful", "ly", "ty", "ment"} {
		if stem, ok := strings.CutSuffix(w, suffix); ok && len(stem) >= 3 && strings.HasSuffix(stem, "e") {
			return syllables(stem) + 1
		}
	}
	isVowel := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	switch {
	case strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "ted") && !strings.HasSuffix(w, "ded"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "es") && !strings.HasSuffix(w, "ses") && !strings.HasSuffix(w, "zes") &&
		!strings.HasSuffix(w, "ches") && !strings.HasSuffix(w, "shes") && !strings.HasSuffix(w, "ces") && !strings.HasSuffix(w, "ges"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && !strings.HasSuffix(w, "ee"):
		w = w[:len(w)-1]
	}
	n, prev := 0, false
	for i := 0; i < len(w); i++ {
		v := isVowel(w[i])
		if v && !prev {
			n++
		}
		prev = v
	}
	return max(n, 1)
}

func TestSyllables(t *testing.T) {
	for word, want := range map[string]int{
		"ketamine": 3, "yes": 1, "the": 1, "bladder": 2, "concentration": 4, "needed": 2, "used": 1,
		"prescribed": 2, "treatment": 2, "make": 1, "little": 2, "cravings": 2, "someone": 2,
		"988": 1, "don't": 1, "useful": 2, "safety": 2, "alcohol": 3, "emergency": 4, "hopeless": 2,
	} {
		if got := syllables(word); got != want {
			t.Errorf("syllables(%q) = %d, want %d", word, got, want)
		}
	}
	if g := measure("The cat sat on the mat.").grade(); g > 1 {
		t.Errorf("grade of a six-word sentence of one-syllable words = %.1f", g)
	}
	st := measure("Yes")
	if st.words != 1 || st.sentences != 1 || st.syllables != 1 {
		t.Errorf("measure(Yes) = %+v", st)
	}
	if st := measure("One. Two? Three!\nFour"); st.sentences != 4 {
		t.Errorf("sentences = %d, want 4", st.sentences)
	}
}

// respondentTexts are the English texts a person can read, by group.
func respondentTexts(q *questionnaire.Questionnaire, r *helplines.Resources) map[string][]string {
	g := map[string][]string{}
	add := func(group string, ts ...questionnaire.Text) {
		for _, t := range ts {
			if s := t.In("en"); len(t) > 0 && s != "" {
				g[group] = append(g[group], s)
			}
		}
	}
	add("introduction and notice", q.Title, q.Introduction, q.Notice)
	for _, d := range q.Domains {
		add("headings", d.Label)
	}
	for _, s := range q.Sections {
		add("headings", s.Title)
		add("section intros", s.Intro)
		for _, it := range s.Items {
			add("prompts", it.Prompt)
			add("help", it.Help)
			for _, o := range it.Options {
				add("answers", o.Label)
				add("what you told us", o.Told)
			}
		}
	}
	for _, s := range q.Scores {
		add("headings", s.Label)
		add("headings", s.Scale)
		for _, b := range s.Bands {
			add("level", b.Label, b.Meaning)
			for _, t := range b.Texts {
				add("level", t.Label, t.Meaning)
			}
			for _, st := range b.NextSteps {
				add("next steps", st.Text)
			}
		}
	}
	for _, f := range q.Flags {
		add("flags", f.Title, f.Message)
	}
	for _, a := range q.Advice {
		add("advice", a.Title)
		add("advice", a.Tips...)
	}
	if r != nil {
		for _, k := range r.Kinds {
			add("help lines", k.Label, k.IfMissing)
		}
		for _, reg := range r.Regions {
			for _, res := range reg.Resources {
				add("help lines", res.About, res.Hours)
			}
		}
	}
	return g
}

func TestReadability(t *testing.T) {
	c := shippedCatalog(t)
	q := c.Latest("ketamine-selfcheck")
	groups := respondentTexts(q, c.Resources)
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	var total readingStats
	for _, name := range names {
		var st readingStats
		for _, text := range groups[name] {
			one := measure(text)
			st.add(one)
			if one.words >= minWordsForTextGrade && one.grade() > maxTextGrade {
				t.Errorf("%s: grade %.1f (above %.0f): %q", name, one.grade(), maxTextGrade, text)
			}
		}
		total.add(st)
		t.Logf("%-24s %3d texts %5d words  grade %4.1f", name, len(groups[name]), st.words, st.grade())
		if st.grade() > maxGroupGrade {
			t.Errorf("%s: Flesch-Kincaid grade %.1f, want %.0f or below", name, st.grade(), maxGroupGrade)
		}
	}
	t.Logf("%-24s %9s %5d words  grade %4.1f", "all", "", total.words, total.grade())
	if total.grade() > maxGroupGrade {
		t.Errorf("all respondent texts: grade %.1f, want %.0f or below", total.grade(), maxGroupGrade)
	}
}

// hardestTexts is a writing aid: go test -run TestHardestTexts -v lists the hardest texts.
func TestHardestTexts(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a writing aid: run with -v")
	}
	c := shippedCatalog(t)
	type graded struct {
		grade float64
		text  string
	}
	var all []graded
	for _, ts := range respondentTexts(c.Latest("ketamine-selfcheck"), c.Resources) {
		for _, s := range ts {
			if st := measure(s); st.words >= minWordsForTextGrade {
				all = append(all, graded{st.grade(), s})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].grade > all[j].grade })
	for _, g := range all[:min(15, len(all))] {
		t.Logf("%4.1f %s", g.grade, g.text)
	}
}
