package cli

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = e.main(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestSeedThenExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if code, _, stderr := run(t, "dev", "seed", "--n", "3000", "--weeks", "8", "--db", db); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, stderr)
	}
	// A second seed would mix synthetic data into a database that has responses.
	if code, _, stderr := run(t, "dev", "seed", "--n", "10", "--db", db); code != 2 || !strings.Contains(stderr, "already holds") {
		t.Errorf("second seed: exit %d: %s", code, stderr)
	}
	code, csv, stderr := run(t, "export", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"table,questionnaire,row,column,count,status\n", "metadata,,k,11,,\n", "responses_by_period,,total,responses,3000,\n"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
	code, js, _ := run(t, "export", "--format", "json", "--by", "month", "--epsilon", "1", "--k", "20", "--db", db)
	if code != 0 || !strings.Contains(js, `"epsilon": 1,`) || !strings.Contains(js, `"k": 20,`) {
		t.Errorf("json export: exit %d", code)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("select actor, outcome, detail from audit where action = 'export' order by id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var actor, outcome, detail string
		rows.Scan(&actor, &outcome, &detail)
		if actor != "cli" || outcome != "ok" {
			t.Errorf("audit row: %s %s", actor, outcome)
		}
		details = append(details, detail)
	}
	if len(details) != 2 || !strings.HasPrefix(details[0], "format=csv ") || !strings.Contains(details[1], "by=month k=20 epsilon=1") {
		t.Errorf("audit details %q", details)
	}
}

func TestExportUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if code, _, stderr := run(t, "dev", "seed", "--n", "20", "--db", db); code != 0 {
		t.Fatalf("seed: %s", stderr)
	}
	for _, args := range [][]string{
		{"--db", db},
		{"--format", "xml", "--db", db},
		{"--format", "csv", "--from", "2026-02-30", "--db", db},
		{"--format", "csv", "--from", "2026-05-01", "--to", "2026-04-01", "--db", db},
		{"--format", "csv", "--from", "2000-01-01", "--to", "2026-01-01", "--db", db},
		{"--format", "csv", "--by", "day", "--db", db},
		{"--format", "csv", "--k", "10", "--db", db},
		{"--format", "csv", "--k", "x", "--db", db},
		{"--format", "csv", "--epsilon", "-1", "--db", db},
		{"--format", "csv", "--epsilon", "Inf", "--db", db},
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
	raw, _ := sql.Open("sqlite", "file:"+db+"?mode=ro")
	defer raw.Close()
	var n int
	raw.QueryRow("select count(*) from audit").Scan(&n)
	if n != 0 {
		t.Errorf("%d audit rows for refused exports", n)
	}
	for _, args := range [][]string{{"dev"}, {"dev", "grow"}, {"dev", "seed", "--n", "0", "--db", db}, {"dev", "seed", "--n", "5", "--weeks", "0", "--db", db}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
