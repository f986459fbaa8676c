package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// checkLines are the TABLE ROWS CHECKSUM lines db copy prints.
var checkLines = regexp.MustCompile(`(?m)^\s*[a-z_]+\s+\d+\s+[0-9a-f]{32}\s*$`)

// TestDBCopyRoundTrip moves a seeded deployment from SQLite to PostgreSQL and back with the
// command, and both copies report the same counts and checksums.
func TestDBCopyRoundTrip(t *testing.T) {
	first := storetest.SQLite.New(t)
	pg := storetest.Postgres.New(t)
	last := filepath.Join(t.TempDir(), "back", "k.db")
	envv := map[string]string{"KETASCREEN_SECRET": "db-copy-test-secret-db-copy-test-secret"}
	for _, args := range [][]string{
		{"dev", "seed", "--n", "300", "--weeks", "6", "--seed", "3", "--db", first},
		{"user", "add", "--email", "c@example.org", "--role", "clinician", "--generate", "--db", first},
		{"stats", "release", "--now", "--db", first},
	} {
		if code, out, errs := runIn(t, "", envv, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	code, there, errs := runIn(t, "", envv, "db", "copy", "--from", first, "--to", pg)
	if code != 0 {
		t.Fatalf("copy to PostgreSQL: exit %d\n%s%s", code, there, errs)
	}
	code, back, errs := runIn(t, "", envv, "db", "copy", "--from", pg, "--to", last)
	if code != 0 {
		t.Fatalf("copy back to SQLite: exit %d\n%s%s", code, back, errs)
	}
	a, b := checkLines.FindAllString(there, -1), checkLines.FindAllString(back, -1)
	if len(a) < 15 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the copies' counts and checksums differ:\n%s\n%s", there, back)
	}
	// The other commands work on the copy on PostgreSQL (export adds an audit row).
	for _, args := range [][]string{
		{"stats", "list", "--db", pg},
		{"export", "--format", "json", "--db", pg},
		{"audit", "--db", pg},
		{"user", "list", "--db", pg},
	} {
		if code, out, errs := runIn(t, "", envv, args...); code != 0 || out == "" {
			t.Errorf("%v on the copy: exit %d\n%s%s", args[:2], code, out, errs)
		}
	}
	for _, want := range []string{"responses  300", "stat_releases", "every table's count and checksum match", "secret"} {
		if !regexp.MustCompile(strings.ReplaceAll(want, "  ", `\s+`)).MatchString(there) {
			t.Errorf("the copy's report lacks %q:\n%s", want, there)
		}
	}
	if strings.Contains(there+back, "KETASCREEN_TEST") {
		t.Error("the report names the test's variable")
	}
}

// A non-empty target, a bad URL, an unreachable server and a missing source each stop the
// copy with exit code 2 and a message that says which, and change nothing.
func TestDBCopyErrors(t *testing.T) {
	src := storetest.SQLite.New(t)
	if code, _, errs := runIn(t, "", nil, "dev", "seed", "--n", "5", "--db", src); code != 0 {
		t.Fatal(errs)
	}
	full := storetest.SQLite.New(t)
	if code, _, errs := runIn(t, "", nil, "dev", "seed", "--n", "1", "--db", full); code != 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		name     string
		from, to string
		want     string
	}{
		{"ErrTargetNotEmpty", src, full, "not empty: responses holds 1 rows"},
		{"ErrBadURL", src, "postgres://u:pw-in-url@127.0.0.1:port/db", "bad database URL"},
		{"ErrOtherScheme", src, "mysql://u@127.0.0.1/db", "only postgres://"},
		{"ErrUnreachable", src, "postgres://u:pw-in-url@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", "cannot connect to PostgreSQL"},
		{"ErrNoSource", filepath.Join(t.TempDir(), "missing.db"), storetest.SQLite.New(t), "no database file"},
		{"ErrSame", src, src, "the same database"},
		{"ErrMissingTo", src, "", "both required"},
	}
	if os.Getenv(storetest.EnvPostgres) != "" {
		pgFull := storetest.Postgres.New(t)
		if code, _, errs := runIn(t, "", nil, "dev", "seed", "--n", "2", "--db", pgFull); code != 0 {
			t.Fatal(errs)
		}
		cases = append(cases, struct {
			name     string
			from, to string
			want     string
		}{"ErrPostgresTargetNotEmpty", src, pgFull, "not empty: responses holds 2 rows"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runIn(t, "", nil, "db", "copy", "--from", c.from, "--to", c.to)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errs, c.want)
			}
			if strings.Contains(errs, "pw-in-url") {
				t.Errorf("the message shows the password: %s", errs)
			}
		})
	}
	st, err := store.Open(context.Background(), full)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := responsedb.New(st).CountResponses(context.Background()); err != nil || n != 1 {
		t.Errorf("the refused target holds %d responses (%v), had 1", n, err)
	}
}

// On PostgreSQL, backup says that pg_dump is the tool, prints the command for the database
// (without its password), and fails so that a scheduled backup does not pass unnoticed.
func TestBackupOnPostgresPrintsPgDump(t *testing.T) {
	db := storetest.Postgres.New(t)
	withPassword := strings.Replace(db, "postgres://postgres@", "postgres://postgres:pw-in-url@", 1)
	to := filepath.Join(t.TempDir(), "b.db")
	code, out, errs := runIn(t, "", nil, "backup", "--db", withPassword, "--to", to)
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, out)
	}
	for _, want := range []string{"pg_dump --format=custom", "--schema='ks_test_", "--dbname='postgres://postgres@127.0.0.1", "server secret"} {
		if !strings.Contains(errs, want) {
			t.Errorf("no %q in:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "pw-in-url") || strings.Contains(errs, "search_path") {
		t.Errorf("the command shows the password or a parameter pg_dump refuses:\n%s", errs)
	}
	if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written: %v", err)
	}
}

// The secret: with PostgreSQL it must be given; on either backend an instance whose secret is
// not the database's refuses to start and says what to do; db forget-secret records a new one
// and ends what the lost one made.
func TestServeSecretRules(t *testing.T) {
	ctx := context.Background()
	const old, lost = "the-secret-used-first-the-secret-used-first", "a-new-secret-after-a-loss-a-new-secret-after"
	t.Run("ErrPostgresNeedsSecret", func(t *testing.T) {
		db := storetest.Postgres.New(t)
		code, _, errs := runIn(t, "", nil, "serve", "--addr", "127.0.0.1:0", "--db", db)
		if code != 2 || !strings.Contains(errs, "KETASCREEN_SECRET") || !strings.Contains(errs, "--secret-file") {
			t.Errorf("exit %d: %s", code, errs)
		}
		code, _, errs = runIn(t, "", nil, "serve", "--addr", "127.0.0.1:0", "--db", db, "--secret-file", filepath.Join(t.TempDir(), "none"))
		if code != 2 || !strings.Contains(errs, "does not exist") {
			t.Errorf("a missing --secret-file: exit %d: %s", code, errs)
		}
	})
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.New(t)
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if err := staffdb.New(st).CheckSecret(ctx, []byte(old)); err != nil {
			t.Fatal(err)
		}
		tok, err := responsedb.New(st).CreateResponse(ctx, &responsedb.Response{Questionnaire: "q", Version: "1", Lang: "en", Region: "us", Band: "low"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := responsedb.New(st).CreateShareCode(ctx, tok, []byte("code"), 30); err != nil {
			t.Fatal(err)
		}
		st.Close()

		wrong := map[string]string{"KETASCREEN_SECRET": lost}
		code, _, errs := runIn(t, "", wrong, "serve", "--addr", "127.0.0.1:0", "--db", db)
		if code != 1 || !strings.Contains(errs, "not the one this database was used with") || !strings.Contains(errs, "db forget-secret") {
			t.Fatalf("serve with another secret: exit %d: %s", code, errs)
		}
		if b == storetest.SQLite && !strings.Contains(errs, db+".secret") {
			t.Errorf("the message does not name the secret file beside the database: %s", errs)
		}
		code, out, errs := runIn(t, "", wrong, "db", "forget-secret", "--db", db)
		if code != 0 || !strings.Contains(out, "1 share codes") {
			t.Fatalf("db forget-secret: exit %d: %s%s", code, out, errs)
		}
		st, err = store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := staffdb.New(st).CheckSecret(ctx, []byte(lost)); err != nil {
			t.Errorf("the new secret after forget-secret: %v", err)
		}
		if exp, err := responsedb.New(st).ShareCodeExpiry(ctx, mustResponse(t, st, tok)); err != nil || exp != "" {
			t.Errorf("the old share code survived: %q %v", exp, err)
		}
		rows, err := auditdb.New(st).Entries(ctx, auditdb.Filter{Action: string(auditdb.ActionSecretReplaced)})
		if err != nil || len(rows) != 1 {
			t.Errorf("%d audit rows for the replaced secret (%v)", len(rows), err)
		}
	})
}

func mustResponse(t *testing.T, st *store.Store, token string) string {
	t.Helper()
	r, err := responsedb.New(st).ResponseByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}
