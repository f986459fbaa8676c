package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/questionnaires"
)

// copyQuestionnaires writes the embedded questionnaires folder, with its version folders, to a
// temporary folder.
func copyQuestionnaires(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	n := 0
	err := fs.WalkDir(questionnaires.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == "." {
			return err
		}
		if d.IsDir() {
			return os.Mkdir(filepath.Join(dir, name), 0o755)
		}
		data, err := questionnaires.FS.ReadFile(name)
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
	if err != nil || n == 0 {
		t.Fatalf("no embedded questionnaires (%v)", err)
	}
	return dir
}

// breakLine replaces the first line of a file that equals from (trimmed) by to, keeping its
// indentation, and returns the line number.
func breakLine(t *testing.T, path, from, to string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == from {
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			lines[i] = indent + to
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			return i + 1
		}
	}
	t.Fatalf("%s has no line %q", path, from)
	return 0
}

func TestLintEmbedded(t *testing.T) {
	code, stdout, stderr := runIn(t, "", nil, "lint")
	if code != 0 || stderr != "" {
		t.Fatalf("lint: exit %d\n%s%s", code, stdout, stderr)
	}
	if want := fmt.Sprintf("ok: %d file(s) checked, no problems\n", shippedDefinitions(t)); stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}

// shippedDefinitions counts the embedded files lint reads: resources.yaml and site.yaml at the
// top and every version of every questionnaire in its folder.
func shippedDefinitions(t *testing.T) int {
	t.Helper()
	n := 0
	fs.WalkDir(questionnaires.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(name, ".yaml") {
			n++
		}
		return err
	})
	// resources.yaml, site.yaml, 1.1.0 and 1.2.0 at least: fewer means the walk missed the
	// version folders or the site file is no longer embedded.
	if _, err := fs.Stat(questionnaires.FS, "site.yaml"); err != nil {
		t.Fatalf("the site file is not embedded: %v", err)
	}
	if n < 4 {
		t.Fatalf("%d embedded definition files, want resources.yaml, site.yaml and two versions at least", n)
	}
	return n
}

// A file in a version folder that is not named as a version (notes, a draft) is not read, so
// lint does not count it; the versions beside it are counted.
func TestLintFolderCountsVersionFiles(t *testing.T) {
	dir := copyQuestionnaires(t)
	if err := os.WriteFile(filepath.Join(dir, "ketamine-selfcheck", "notes.yaml"), []byte("not: [a definition"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runIn(t, "", nil, "lint", dir)
	if want := fmt.Sprintf("ok: %d file(s) checked, no problems\n", shippedDefinitions(t)); code != 0 || stdout != want || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0, %q", code, stdout, stderr, want)
	}
}

func TestLintFolder(t *testing.T) {
	q, r := filepath.Join("ketamine-selfcheck", "1.2.0.yaml"), "resources.yaml"
	tests := []struct {
		name     string
		file     string
		from, to string // the line broken
		msg      string
	}{
		{"ErrDSM5", q, "dsm5: craving", "dsm5: cravings", `"cravings" is not a DSM-5 criterion code`},
		{"ErrUnknownField", q, "minutes: 5", "minute: 5", `unknown field "minute"`},
		{"ErrShowIfUnknownOption", q, "show_if: {item: use_context, none_of: [none_recent]}", "show_if: {item: use_context, none_of: [none]}",
			`item "use_context" has no option "none"`},
		{"ErrFlagKind", q, "resources: [crisis, emergency]", "resources: [crisis, emergencies]",
			`flag "safety" asks for resource kind "emergencies", which resources.yaml does not list`},
		{"ErrSyntax", q, "level: signs", "level: [signs", ""},
		{"ErrPhone", r, `value: "911"`, `value: "91 one"`, `"91 one" is not a phone number`},
		{"ErrWeb", r, `value: "https://988lifeline.org"`, `value: "988lifeline.org"`, "a web contact must be an https:// address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyQuestionnaires(t)
			line := breakLine(t, filepath.Join(dir, tt.file), tt.from, tt.to)
			code, stdout, stderr := runIn(t, "", nil, "lint", dir)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != 1 {
				t.Fatalf("stdout has %d lines, want one problem:\n%s", len(lines), stdout)
			}
			prefix := fmt.Sprintf("%s:%d: %s", filepath.Join(dir, tt.file), line, tt.msg)
			if tt.name == "ErrSyntax" {
				// The parser notices an unclosed [ where the next token does not fit.
				prefix = filepath.Join(dir, tt.file) + ":"
			}
			if !strings.HasPrefix(lines[0], prefix) {
				t.Errorf("stdout = %q, want %q...", lines[0], prefix)
			}
			if want := fmt.Sprintf("1 problem(s) in %d file(s)\n", shippedDefinitions(t)); stderr != want {
				t.Errorf("stderr = %q, want %q", stderr, want)
			}
		})
	}
}

func TestLintFolderMissingResources(t *testing.T) {
	dir := copyQuestionnaires(t)
	if err := os.Remove(filepath.Join(dir, "resources.yaml")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runIn(t, "", nil, "lint", dir)
	if want := filepath.Join(dir, "resources.yaml") + ": the help resources file is missing\n"; code != 1 || stdout != want {
		t.Errorf("exit %d, stdout %q; want 1, %q", code, stdout, want)
	}
}

func TestLintFile(t *testing.T) {
	dir := copyQuestionnaires(t)
	q := filepath.Join(dir, "ketamine-selfcheck", "1.2.0.yaml")
	r := filepath.Join(dir, "resources.yaml")

	t.Run("OK", func(t *testing.T) {
		code, stdout, stderr := runIn(t, "", nil, "lint", q, r)
		if code != 0 || stdout != "ok: 2 file(s) checked, no problems\n" || stderr != "" {
			t.Errorf("exit %d\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("ErrBroken", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "mine.yaml")
		data, _ := os.ReadFile(q)
		os.WriteFile(broken, data, 0o644)
		line := breakLine(t, broken, "level: signs", "level: sign")
		code, stdout, stderr := runIn(t, "", nil, "lint", broken)
		want := fmt.Sprintf("%s:%d: level names score \"sign\", which does not exist\n", broken, line)
		if code != 1 || stdout != want || stderr != "1 problem(s) in 1 file(s)\n" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 1, %q", code, stdout, stderr, want)
		}
	})
	t.Run("ErrBrokenResources", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "resources.yaml")
		data, _ := os.ReadFile(r)
		os.WriteFile(broken, data, 0o644)
		breakLine(t, broken, "- id: other", "- id: others")
		code, stdout, _ := runIn(t, "", nil, "lint", broken)
		// Reported at the regions: key, not at the first region.
		want := fmt.Sprintf(`%s:%d: a region "other" is required`, broken, lineOfText(t, broken, "regions:"))
		if code != 1 || !strings.HasPrefix(stdout, want) {
			t.Errorf("exit %d, stdout %q; want 1, %q...", code, stdout, want)
		}
	})
	t.Run("ErrFileAndFolder", func(t *testing.T) {
		broken := filepath.Join(t.TempDir(), "two.yaml")
		data, _ := os.ReadFile(q)
		os.WriteFile(broken, data, 0o644)
		line := breakLine(t, broken, "minutes: 5", "minutes: 0")
		code, stdout, stderr := runIn(t, "", nil, "lint", broken, dir)
		if want := fmt.Sprintf("1 problem(s) in %d file(s)\n", shippedDefinitions(t)+1); code != 1 || stderr != want {
			t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
		}
		if want := fmt.Sprintf("%s:%d: minutes must be at least 1\n", broken, line); stdout != want {
			t.Errorf("stdout = %q, want %q", stdout, want)
		}
	})
	t.Run("ErrMissingPath", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.yaml")
		code, stdout, stderr := runIn(t, "", nil, "lint", missing)
		if code != 2 || stdout != "" || !strings.Contains(stderr, missing+": no such file or folder") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("Help", func(t *testing.T) {
		code, stdout, stderr := runIn(t, "", nil, "lint", "--help")
		if code != 0 || !strings.HasPrefix(stdout, "Usage: ketascreen lint") || strings.Count(stdout, "Usage:") != 1 || stderr != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("ErrBadFlag", func(t *testing.T) {
		code, stdout, stderr := runIn(t, "", nil, "lint", "--nope")
		if code != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -nope") || !strings.Contains(stderr, "--help") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
}

func lineOfText(t *testing.T, path, s string) int {
	t.Helper()
	data, _ := os.ReadFile(path)
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == s {
			return i + 1
		}
	}
	t.Fatalf("%s has no line %q", path, s)
	return 0
}
