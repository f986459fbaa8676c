package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/cli/command"
)

// hostileRun runs a command with stdin in-process, and fails (rather than hangs) if it does
// not finish in time.
func hostileRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &command.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- dispatch(context.Background(), e, args) }()
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("ketascreen %s did not finish in 30 s", strings.Join(args, " "))
	}
	return code, out.String(), errb.String()
}

// Hostile flags and stdin for the commands that read them: each ends with exit 2
// (a usage error) or 1 (a problem it names), never a panic, a hang or a changed database.
func TestHostileCommandLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	laughs := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i, c := range "bcdefghi" {
		prev := string("abcdefgh"[i])
		laughs += string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n"
	}
	laughs += "id: x\nversion: '1'\nlanguages: [en]\ntitle: {en: *i}\nsections: *i\n"
	bomb := write("laughs.yaml", []byte(laughs))
	invalidUTF8 := write("utf8.yaml", []byte("id: \"\xff\xfe\"\ntitle: {en: \"\xc0\xaf\"}\n"))
	nul := write("nul.yaml", []byte("id: x\x00y\n"))
	huge := write("huge.yaml", bytes.Repeat([]byte("# padding\n"), 120_000))
	notDB := write("not.db", []byte("this is not a database"))
	existing := write("existing.db", []byte("keep me"))

	// A questionnaires folder whose resources.yaml leads to /dev/zero.
	devDir := filepath.Join(dir, "dev")
	os.Mkdir(devDir, 0o700)
	if err := os.Symlink("/dev/zero", filepath.Join(devDir, "resources.yaml")); err != nil {
		t.Fatal(err)
	}
	// A folder whose resources file offers a javascript: link.
	jsDir := copyQuestionnaires(t)
	res := filepath.Join(jsDir, "resources.yaml")
	data, _ := os.ReadFile(res)
	os.WriteFile(res, bytes.Replace(data, []byte(`"https://988lifeline.org"`), []byte(`"javascript:alert(1)"`), 1), 0o600)

	// A real database for backup, with one response.
	db := filepath.Join(dir, "k.db")
	if code, _, stderr := hostileRun(t, "", "dev", "seed", "--n", "5", "--db", db); code != 0 {
		t.Fatalf("seed: %d %s", code, stderr)
	}

	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	score := []string{"score", "-q", "ketamine-selfcheck"}
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string // in stderr (or stdout for lint problems)
	}{
		// score: flags.
		{"ScoreNoQuestionnaire", "{}", []string{"score"}, 2, "-q is required"},
		{"ScoreScriptID", "{}", []string{"score", "-q", "<script>alert(1)</script>"}, 2, "no questionnaire"},
		{"ScoreSQLID", "{}", []string{"score", "-q", "x' OR 1=1 --"}, 2, "no questionnaire"},
		{"ScoreDevZero", "{}", []string{"score", "-q", "/dev/zero"}, 2, "not a regular file"},
		{"ScoreEtcPasswd", "{}", []string{"score", "-q", "/etc/passwd"}, 2, "problems"},
		{"ScoreFolder", "{}", []string{"score", "-q", "/"}, 2, "no questionnaire"},
		{"ScoreHugeFile", "{}", []string{"score", "-q", huge}, 2, "larger than"},
		{"ScoreBadLang", "{}", append(score, "--lang", "xx"), 2, "not written in"},
		{"ScoreScriptLang", "{}", append(score, "--lang", "<script>alert(1)</script>"), 2, "not written in"},
		{"ScoreEmptyLang", "{}", append(score, "--lang="), 2, "not written in"},
		{"ScoreUnknownFlag", "{}", append(score, "--evil"), 2, "flag provided but not defined"},
		{"ScoreExtraArgument", "{}", append(score, "extra"), 2, "unexpected argument"},
		{"ScoreMissingFolder", "{}", append(score, "--questionnaires", filepath.Join(dir, "nope")), 2, "is not a folder"},
		{"ScoreFolderToDevZero", "{}", append(score, "--questionnaires", devDir), 1, "not a regular file"},
		// score: stdin.
		{"StdinEmpty", "", score, 2, "not valid JSON"},
		{"StdinNull", "null", score, 2, "JSON object"},
		{"StdinArray", `["use_context"]`, score, 2, "JSON object"},
		{"StdinString", `"both"`, score, 2, "JSON object"},
		{"StdinTruncated", `{"use_context":`, score, 2, "not valid JSON"},
		{"StdinInvalidUTF8", "{\"use_context\":\"\xff\"}", score, 2, "UTF-8"},
		{"StdinBOM", "\ufeff{}", score, 2, ""},
		{"StdinOversized", `{"use_context":"` + strings.Repeat("a", 70<<10) + `"}`, score, 2, "larger than"},
		{"StdinTenMegabytes", strings.Repeat(" ", 10<<20), score, 2, "larger than"},
		{"StdinDeepNesting", `{"use_context":` + deep + `}`, score, 2, ""},
		{"StdinDuplicateItem", `{"use_context":"both","use_context":"prescribed"}`, score, 2, "twice"},
		{"StdinTwoObjects", `{}{}`, score, 2, "nothing after"},
		{"StdinNumber", `{"use_context":1e999}`, score, 2, ""},
		{"StdinObjectValue", `{"use_context":{"$ne":null}}`, score, 2, ""},
		{"StdinNullInList", `{"mental_health":[null]}`, score, 2, "null"},
		{"StdinUnknownItem", `{"<script>alert(1)</script>":"yes"}`, score, 2, "not an item"},
		{"StdinSQLItem", `{"x' OR 1=1 --":"yes"}`, score, 2, "not an item"},
		{"StdinFormulaOption", `{"use_context":"=HYPERLINK(\"http://evil.example\")"}`, score, 2, "has no option"},
		{"StdinHiddenItem", `{"use_context":"prescribed","frequency":"weekly","tolerance":"yes"}`, score, 2, "not asked"},
		{"StdinTwoAnswersToSingle", `{"use_context":["both","prescribed"]}`, score, 2, "takes one answer"},
		{"StdinManyItems", "{" + strings.TrimSuffix(strings.Repeat(`"x":"y",`, 1), ",") + manyJSONItems(250) + "}", score, 2, ""},
		// lint.
		{"LintMissing", "", []string{"lint", filepath.Join(dir, "nope.yaml")}, 2, "no such file"},
		{"LintScriptPath", "", []string{"lint", "<script>alert(1)</script>.yaml"}, 2, "no such file"},
		{"LintDevZero", "", []string{"lint", "/dev/zero"}, 1, "not a regular file"},
		{"LintFolderToDevZero", "", []string{"lint", devDir}, 1, "not a regular file"},
		{"LintJavascriptLink", "", []string{"lint", jsDir}, 1, "https://"},
		{"LintBillionLaughs", "", []string{"lint", bomb}, 1, "aliases"},
		{"LintInvalidUTF8", "", []string{"lint", invalidUTF8}, 1, ""},
		{"LintNulByte", "", []string{"lint", nul}, 1, ""},
		{"LintHugeFile", "", []string{"lint", huge}, 1, "larger than"},
		{"LintUnknownFlag", "", []string{"lint", "--evil"}, 2, "flag provided but not defined"},
		// backup.
		{"BackupNoTo", "", []string{"backup", "--db", db}, 2, "--to is required"},
		{"BackupMissingDB", "", []string{"backup", "--db", filepath.Join(dir, "missing", "k.db"), "--to", filepath.Join(dir, "b1.db")}, 2, "no database file"},
		{"BackupDBIsFolder", "", []string{"backup", "--db", dir, "--to", filepath.Join(dir, "b2.db")}, 2, "no database file"},
		{"BackupDBIsDevZero", "", []string{"backup", "--db", "/dev/zero", "--to", filepath.Join(dir, "b3.db")}, 2, "no database file"},
		{"BackupNotADatabase", "", []string{"backup", "--db", notDB, "--to", filepath.Join(dir, "b4.db")}, 1, "not a database"},
		{"BackupOverwrite", "", []string{"backup", "--db", db, "--to", existing}, 1, "already exists"},
		{"BackupToDevNull", "", []string{"backup", "--db", db, "--to", "/dev/null"}, 1, "already exists"},
		{"BackupToMissingFolder", "", []string{"backup", "--db", db, "--to", filepath.Join(dir, "no", "such", "b.db")}, 1, ""},
		{"BackupUnknownFlag", "", []string{"backup", "--evil"}, 2, "flag provided but not defined"},
		{"BackupExtraArgument", "", []string{"backup", "--db", db, "--to", filepath.Join(dir, "b5.db"), "extra"}, 2, "unexpected argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := hostileRun(t, c.stdin, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %.300s\nstderr: %.300s", code, c.code, stdout, stderr)
			}
			if !strings.Contains(stderr+stdout, c.says) {
				t.Errorf("output lacks %q\nstdout: %.300s\nstderr: %.300s", c.says, stdout, stderr)
			}
			if strings.TrimSpace(stderr+stdout) == "" {
				t.Error("no message at all")
			}
			for _, leak := range []string{"goroutine ", "panic", "runtime error"} {
				if strings.Contains(stderr+stdout, leak) {
					t.Errorf("output shows %q: %.500s", leak, stderr)
				}
			}
		})
	}
	if data, _ := os.ReadFile(existing); string(data) != "keep me" {
		t.Error("backup overwrote an existing file")
	}
	// A strange but valid file name is a file name: the copy is made and the database is intact.
	odd := filepath.Join(dir, "'; DROP TABLE responses; --.db")
	if code, _, stderr := hostileRun(t, "", "backup", "--db", db, "--to", odd); code != 0 {
		t.Fatalf("backup to an odd name: %d %s", code, stderr)
	}
	if code, _, stderr := hostileRun(t, "", "stats", "release", "--db", db); code != 0 {
		t.Fatalf("the database after the hostile commands: stats release exit %d: %s", code, stderr)
	}
	if code, out, _ := hostileRun(t, "", "export", "--format", "json", "--db", db); code != 0 || !strings.Contains(out, `"responses"`) {
		t.Errorf("the database after the hostile commands: export exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("backup of a missing database created its folder")
	}
}

func manyJSONItems(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`,"item`)
		b.WriteString(strings.Repeat("x", i%5))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(`":"y"`)
	}
	return b.String()
}
