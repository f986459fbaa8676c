package cli

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/ketascreen/ketascreen/internal/cli/command"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &command.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func count(t *testing.T, db, query string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedReleaseExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if code, _, stderr := run(t, "dev", "seed", "--n", "3000", "--weeks", "8", "--db", db); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, stderr)
	}
	// A second seed would mix synthetic data into a database that has responses.
	if code, _, stderr := run(t, "dev", "seed", "--n", "10", "--db", db); code != 2 || !strings.Contains(stderr, "already holds") {
		t.Errorf("second seed: exit %d: %s", code, stderr)
	}
	// Nothing is released yet: there is nothing to export.
	if code, _, stderr := run(t, "export", "--format", "csv", "--db", db); code != 2 || !strings.Contains(stderr, "no statistics have been released") {
		t.Errorf("export before a release: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "stats", "release", "--db", db); code != 0 || !strings.Contains(stderr, "statistics released") {
		t.Fatalf("stats release: exit %d: %s", code, stderr)
	}
	code, csv, stderr := run(t, "export", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"table,questionnaire,row,column,value,status,margin90\n", "metadata,,format_version,2,,,\n",
		"metadata,,k,11,,,\n", "metadata,,epsilon,1,,,\n", "responses_by_period,,total,responses,"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
	code, js, _ := run(t, "export", "--format", "json", "--by", "month", "--k", "20", "--db", db)
	if code != 0 || !strings.Contains(js, `"k": 20,`) || !strings.Contains(js, `"mechanism": "gaussian"`) {
		t.Errorf("json export: exit %d", code)
	}
	if n := count(t, db, "select count(*) from audit where action = 'export' and actor = 'cli' and outcome = 'ok' and detail like 'format=%'"); n != 2 {
		t.Errorf("%d audit rows for two exports", n)
	}
	// An export spends nothing: the ledger is as the release left it.
	before := count(t, db, "select count(*) from stat_ledger")
	run(t, "export", "--format", "csv", "--db", db)
	if after := count(t, db, "select count(*) from stat_ledger"); after != before || before == 0 {
		t.Errorf("ledger %d entries, then %d after an export", before, after)
	}
}

func TestExportUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if code, _, stderr := run(t, "dev", "seed", "--n", "20", "--weeks", "3", "--db", db); code != 0 {
		t.Fatalf("seed: %s", stderr)
	}
	if code, _, stderr := run(t, "stats", "release", "--db", db); code != 0 {
		t.Fatalf("stats release: %s", stderr)
	}
	for _, args := range [][]string{
		{"--db", db},
		{"--format", "xml", "--db", db},
		{"--format", "csv", "--from", "2026-02-30", "--db", db},
		{"--format", "csv", "--from", "2026-05-01", "--to", "2026-04-01", "--db", db},
		{"--format", "csv", "--from", "2000-01-01", "--to", "2026-01-01", "--db", db},
		{"--format", "csv", "--from", "2001-01-01", "--to", "2001-02-01", "--db", db},
		{"--format", "csv", "--by", "day", "--db", db},
		{"--format", "csv", "--k", "10", "--db", db},
		{"--format", "csv", "--k", "x", "--db", db},
		{"--format", "csv", "--epsilon", "1", "--db", db},
		{"--format", "csv", "-q", "nope", "--db", db},
		{"--format", "csv", "--region", "mars", "--db", db},
		{"--format", "csv", "--lang", "xx", "--db", db},
		{"--format", "csv", "--db", filepath.Join(t.TempDir(), "missing.db")},
		{"--format", "csv", "--db", db, "extra"},
	} {
		code, stdout, stderr := run(t, append([]string{"export"}, args...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "ketascreen export: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if n := count(t, db, "select count(*) from audit"); n != 0 {
		t.Errorf("%d audit rows for refused exports", n)
	}
	for _, args := range [][]string{{"dev"}, {"dev", "grow"}, {"dev", "seed", "--n", "0", "--db", db}, {"dev", "seed", "--n", "5", "--weeks", "0", "--db", db}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
