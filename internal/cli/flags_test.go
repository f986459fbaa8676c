package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every flag reads KETASCREEN_<FLAG>; the command line wins; a bad value stops the command
// with exit 2 and names the variable, also when the value parses but is out of range, and a
// bad address stops serve before it creates a database or says it is serving.
func TestFlagsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	fresh := filepath.Join(dir, "never-made.db") // serve must stop before creating it
	secret := strings.Repeat("s", 40)
	for _, c := range []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"BadInt", map[string]string{"KETASCREEN_RETENTION_DAYS": "7x"}, []string{"serve"}, 2, "KETASCREEN_RETENTION_DAYS"},
		{"BadBool", map[string]string{"KETASCREEN_TLS_BEHIND_PROXY": "yes please"}, []string{"serve"}, 2, "KETASCREEN_TLS_BEHIND_PROXY"},
		{"IntOutOfRange", map[string]string{"KETASCREEN_SHARE_DAYS": "99"}, []string{"serve", "--db", fresh},
			2, `--share-days must be from 1 to 30 (set by KETASCREEN_SHARE_DAYS="99")`},
		{"LimitOutOfRange", map[string]string{"KETASCREEN_LIMIT": "5000"}, []string{"audit", "--db", db},
			2, `(set by KETASCREEN_LIMIT="5000")`},
		{"PeriodUnknown", map[string]string{"KETASCREEN_STATS_PERIOD": "year"}, []string{"serve", "--db", fresh},
			2, `(set by KETASCREEN_STATS_PERIOD="year")`},
		{"BadLimit", map[string]string{"KETASCREEN_LIMIT": "ten"}, []string{"audit", "--db", db}, 2, "KETASCREEN_LIMIT"},
		{"BadAddress", map[string]string{"KETASCREEN_ADDR": "notanaddr", "KETASCREEN_SECRET": secret}, []string{"serve", "--db", fresh},
			2, `--addr notanaddr: listen tcp: address notanaddr: missing port in address (set by KETASCREEN_ADDR="notanaddr")`},
		{"ProfilerBeyondLoopback", map[string]string{"KETASCREEN_SECRET": secret},
			[]string{"serve", "--db", fresh, "--addr", "127.0.0.1:0", "--pprof-addr", "0.0.0.0:0"}, 2, "loopback"},
		// The command line wins over a bad variable: it is never read.
		{"CommandLineWins", map[string]string{"KETASCREEN_LIMIT": "ten", "KETASCREEN_DB": filepath.Join(dir, "missing", "x.db")},
			[]string{"user", "list", "--db", db}, 0, ""},
		// A variable alone selects the database.
		{"DBFromEnv", map[string]string{"KETASCREEN_DB": db}, []string{"user", "list"}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, "", c.env, c.args...)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, stderr)
			}
			if !strings.Contains(stderr, c.wantErr) {
				t.Errorf("stderr %q does not name %q", stderr, c.wantErr)
			}
			if c.wantCode != 0 && strings.Contains(stdout, "serving") {
				t.Errorf("said it was serving before it stopped: %q", stdout)
			}
			if _, err := os.Stat(fresh); err == nil {
				t.Errorf("stopped with exit %d after creating %s", code, fresh)
			}
		})
	}
	// A value typed on the command line is not said to come from a variable.
	if _, _, stderr := runIn(t, "", nil, "serve", "--db", fresh, "--share-days", "99"); strings.Contains(stderr, "set by") {
		t.Errorf("a typed flag: %q", stderr)
	}
}

// "ketascreen --help" lists the commands; a command's --help names each flag's variable.
func TestHelp(t *testing.T) {
	code, stdout, _ := runIn(t, "", nil, "--help")
	if code != 0 || !strings.Contains(stdout, "Commands:") || !strings.Contains(stdout, "serve") || !strings.Contains(stdout, "lint") {
		t.Errorf("ketascreen --help: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runIn(t, "", nil, "serve", "--help")
	if code != 0 || !strings.Contains(stdout, "--retention-days") || !strings.Contains(stdout, "KETASCREEN_RETENTION_DAYS") {
		t.Errorf("ketascreen serve --help: exit %d, %q", code, stdout)
	}
}

// helpCommands are every command that takes flags, as typed.
var helpCommands = [][]string{{"serve"}, {"lint"}, {"score"}, {"user", "add"}, {"user", "list"}, {"user", "disable"},
	{"user", "enable"}, {"user", "passwd"}, {"user", "reset-2fa"}, {"audit"}, {"export"}, {"stats", "release"}, {"stats", "list"},
	{"stats", "rerelease"}, {"dev", "seed"}, {"backup"}, {"db", "copy"}, {"db", "forget-secret"}}

// The README's configuration table names every variable of every command's flags.
func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	varRE := regexp.MustCompile(`\[(KETASCREEN_[A-Z0-9_]+)\]`)
	seen := 0
	for _, c := range helpCommands {
		code, stdout, stderr := runIn(t, "", nil, append(c, "--help")...)
		if code != 0 {
			t.Fatalf("%v --help: exit %d %s", c, code, stderr)
		}
		for _, m := range varRE.FindAllStringSubmatch(stdout, -1) {
			seen++
			if !strings.Contains(string(readme), "`"+m[1]+"`") {
				t.Errorf("README.md does not list %s (ketascreen %s)", m[1], strings.Join(c, " "))
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d variables found in the commands' help", seen)
	}
}

// The README's layout table has a row for every package, so that a reader finds each room.
func TestREADMELayoutNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	files, reported := 0, map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir = filepath.ToSlash(dir)
		if dir == "." {
			return nil
		}
		files++
		if !reported[dir] && !strings.Contains(string(readme), "`"+dir+"`") && !strings.Contains(string(readme), "`"+dir+"/`") {
			reported[dir] = true
			t.Errorf("README.md's layout has no row for %s", dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 40 {
		t.Errorf("only %d Go files found outside tests", files)
	}
}
