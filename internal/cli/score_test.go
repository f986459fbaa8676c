package cli

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// version110 is the released 1.1.0 definition: score takes the latest version of an id, so the
// answers given under 1.1.0 are scored with its file.
var version110 = filepath.Join("..", "..", "questionnaires", "ketamine-selfcheck", "1.1.0.yaml")

// The score command's output for a few answer sets, in each language: testdata/answers/NAME.json
// scored into testdata/golden/NAME.LANG.json. The answers at the top of the folder were given
// under version 1.1.0, whose results must not change; those under 1.2.0/ are scored with the
// latest version. Run go test -update to rewrite them after checking a change on purpose.
func TestScoreGolden(t *testing.T) {
	tests := []struct {
		version string
		answers string
		level   string
		flags   []string
	}{
		{"1.1.0", "low-prescribed", "low", nil},
		{"1.1.0", "high-flags-not-prescribed", "high", []string{"safety", "urinary", "memory"}},
		{"1.1.0", "none-recent", "low", nil},
		{"1.2.0", "1.2.0/low-prescribed", "low", nil},
		{"1.2.0", "1.2.0/urgent-not-prescribed", "high", []string{"safety_now", "safety", "urinary", "belly_kidney", "low_mood", "memory"}},
		{"1.2.0", "1.2.0/stopped-safety", "low", []string{"safety"}},
		{"1.2.0", "1.2.0/some-both-outside", "some", []string{"belly_kidney", "more_than_prescribed", "outside_treatment"}},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "es"} {
			t.Run(tt.answers+"."+lang, func(t *testing.T) {
				in, err := os.ReadFile(filepath.Join("testdata", "answers", tt.answers+".json"))
				if err != nil {
					t.Fatal(err)
				}
				q := "ketamine-selfcheck"
				if tt.version == "1.1.0" {
					q = version110
				}
				code, stdout, stderr := runIn(t, string(in), nil, "score", "-q", q, "--lang", lang)
				if code != 0 || stderr != "" {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				// Whatever the wording, the result is the one meant.
				var v struct {
					Version  string
					Language string
					Level    struct{ ID string }
					Flags    []struct{ ID string }
				}
				if err := json.Unmarshal([]byte(stdout), &v); err != nil {
					t.Fatalf("the output is not JSON: %v\n%s", err, stdout)
				}
				var flags []string
				for _, f := range v.Flags {
					flags = append(flags, f.ID)
				}
				if v.Version != tt.version || v.Language != lang || v.Level.ID != tt.level || strings.Join(flags, ",") != strings.Join(tt.flags, ",") {
					t.Errorf("got %s %s level %s flags %v, want %s %s level %s flags %v", v.Version, v.Language, v.Level.ID, flags, tt.version, lang, tt.level, tt.flags)
				}
				path := filepath.Join("testdata", "golden", tt.answers+"."+lang+".json")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if stdout != string(want) {
					t.Errorf("%s differs (run go test -update after checking the change):\n%s", path, stdout)
				}
			})
		}
	}
}

func TestScoreErrors(t *testing.T) {
	low, err := os.ReadFile(filepath.Join("testdata", "answers", "1.2.0", "low-prescribed.json"))
	if err != nil {
		t.Fatal(err)
	}
	valid := string(low)
	dir := copyQuestionnaires(t)
	broken := copyQuestionnaires(t)
	breakLine(t, filepath.Join(broken, "ketamine-selfcheck", "1.2.0.yaml"), "level: signs", "level: sign")
	single := filepath.Join(dir, "ketamine-selfcheck", "1.2.0.yaml")
	numbers := filepath.Join("..", "questionnaire", "testdata", "numbers.yaml")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string // in stderr, or stdout when code is 0
	}{
		{"OKFromFolder", valid, []string{"score", "-q", "ketamine-selfcheck", "--questionnaires", dir}, 0, []string{`"level": {`}},
		{"OKFromFile", valid, []string{"score", "-q", single, "--lang", "es"}, 0, []string{`"language": "es"`}},
		{"Help", "", []string{"score", "--help"}, 0, []string{"Usage: ketascreen score", "-lang", "-q"}},
		{"HelpShort", "", []string{"score", "-h"}, 0, []string{"Usage: ketascreen score"}},

		{"ErrBadJSON", `{"use_context": "prescribed"`, []string{"score", "-q", "ketamine-selfcheck"}, 2,
			[]string{"ketascreen score: the answers are not valid JSON: it ends too early"}},
		{"ErrNotObject", `["prescribed"]`, []string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"must be a JSON object"}},
		{"ErrEmptyInput", "", []string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"not valid JSON"}},
		{"ErrDuplicateKey", `{"safety": "no", "safety": "yes"}`, []string{"score", "-q", "ketamine-selfcheck"}, 2, []string{`item "safety" is answered twice`}},
		{"ErrNumberForChoice", strings.Replace(valid, `"safety": "no"`, `"safety": 0`, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{`ketascreen score: safety: safety has no option "0"`}},
		{"OKNumber", `{"days": 12, "drinks": 3, "worry": "no"}`, []string{"score", "-q", numbers}, 0, []string{`"level": {`, `"id": "some"`}},
		{"ErrNumberDecimal", `{"days": 2.5}`, []string{"score", "-q", numbers}, 2, []string{"ketascreen score: days: days takes one whole number"}},
		{"ErrTooLarge", `{"x": "` + strings.Repeat("y", 70<<10) + `"}`, []string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"larger than"}},

		{"ErrHiddenItem", strings.Replace(valid, `"use_context": "prescribed",`, `"use_context": "prescribed", "tolerance": "yes",`, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"ketascreen score: tolerance: tolerance is not asked"}},
		{"ErrInvalidOption", strings.Replace(valid, `"safety": "no"`, `"safety": "maybe"`, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{`ketascreen score: safety: safety has no option "maybe"`}},
		{"ErrRequired", strings.Replace(valid, `"memory": "no",`, ``, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"ketascreen score: memory: memory needs an answer"}},
		{"ErrExclusive", strings.Replace(valid, `"urinary": ["none"]`, `"urinary": ["none", "pain"]`, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{"ketascreen score: urinary:"}},
		{"ErrUnknownItem", strings.Replace(valid, `"memory": "no",`, `"memory": "no", "mood": "low",`, 1),
			[]string{"score", "-q", "ketamine-selfcheck"}, 2, []string{`ketascreen score: mood: "mood" is not an item`}},
		{"ErrSeveral", `{"use_context": "both"}`, []string{"score", "-q", "ketamine-selfcheck"}, 2,
			[]string{"frequency: frequency needs an answer", "safety: safety needs an answer"}},

		{"ErrUnknownQuestionnaire", valid, []string{"score", "-q", "phq-9"}, 2, []string{`no questionnaire "phq-9" (there is: ketamine-selfcheck)`}},
		{"ErrNoQuestionnaireFlag", valid, []string{"score"}, 2, []string{"-q is required"}},
		{"ErrLanguage", valid, []string{"score", "-q", "ketamine-selfcheck", "--lang", "fr"}, 2, []string{`ketamine-selfcheck is not written in "fr" (it has en, es)`}},
		{"ErrExtraArgument", valid, []string{"score", "-q", "ketamine-selfcheck", "answers.json"}, 2, []string{`unexpected argument "answers.json"`}},
		{"ErrBadFlag", valid, []string{"score", "--nope"}, 2, []string{"flag provided but not defined", "Run 'ketascreen score --help'"}},
		{"ErrNotAFolder", valid, []string{"score", "-q", "ketamine-selfcheck", "--questionnaires", single}, 2, []string{"is not a folder"}},
		{"ErrBrokenFolder", valid, []string{"score", "-q", "ketamine-selfcheck", "--questionnaires", broken}, 1, []string{"the questionnaires have problems", `level names score "sign"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, tt.stdin, nil, tt.args...)
			if n := strings.Count(stdout, "Usage:"); n > 1 {
				t.Errorf("usage printed %d times", n)
			}
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			out := stderr
			if code == 0 {
				out = stdout
				if stderr != "" {
					t.Errorf("stderr = %q", stderr)
				}
			} else if stdout != "" {
				t.Errorf("stdout = %q, want nothing on an error", stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// KETASCREEN_QUESTIONNAIRES is the default of --questionnaires.
func TestScoreQuestionnairesEnv(t *testing.T) {
	broken := copyQuestionnaires(t)
	breakLine(t, filepath.Join(broken, "ketamine-selfcheck", "1.2.0.yaml"), "level: signs", "level: sign")
	code, _, stderr := runIn(t, "{}", map[string]string{"KETASCREEN_QUESTIONNAIRES": broken}, "score", "-q", "ketamine-selfcheck")
	if code != 1 || !strings.Contains(stderr, `level names score "sign"`) {
		t.Errorf("exit %d, stderr %q; want the folder from the environment used", code, stderr)
	}
}
