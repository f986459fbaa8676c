package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// runIn runs a command with stdin and an environment.
func runIn(t *testing.T, stdin string, envv map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &command.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return envv[k] }}
	code = dispatch(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) { storetest.Run(t, testUserCommands) }

func testUserCommands(t *testing.T, b storetest.Backend) {
	db := b.New(t)
	good := "a decent passphrase here\n"
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string // in stdout, or stderr when code != 0
	}{
		{"AddClinician", good, []string{"user", "add", "--email", "Ana@Example.org", "--role", "clinician", "--db", db}, 0, "Added ana@example.org (clinician)"},
		{"AddAdminGenerated", "", []string{"user", "add", "--email", "root@example.org", "--role", "admin", "--generate", "--db", db}, 0, "shown only now"},
		{"ErrDuplicate", good, []string{"user", "add", "--email", "ANA@example.org", "--role", "admin", "--db", db}, 1, "already exists"},
		{"ErrShortPassword", "short pass\n", []string{"user", "add", "--email", "b@example.org", "--role", "clinician", "--db", db}, 2, "at least 12 characters"},
		{"ErrCommonPassword", "Password12345!\n", []string{"user", "add", "--email", "b@example.org", "--role", "clinician", "--db", db}, 2, "too common"},
		{"ErrNoPassword", "", []string{"user", "add", "--email", "b@example.org", "--role", "clinician", "--db", db}, 2, "at least 12"},
		{"ErrRole", good, []string{"user", "add", "--email", "b@example.org", "--role", "root", "--db", db}, 2, "clinician or admin"},
		{"ErrEmail", good, []string{"user", "add", "--email", "Bob <b@example.org>", "--role", "admin", "--db", db}, 2, "not an email address"},
		{"ErrNoEmail", good, []string{"user", "add", "--role", "admin", "--db", db}, 2, "--email is required"},
		{"ErrSubcommand", "", []string{"user", "remove", "--db", db}, 2, "unknown subcommand"},
		{"List", "", []string{"user", "list", "--db", db}, 0, "ana@example.org"},
		{"Disable", "", []string{"user", "disable", "--email", "ana@example.org", "--db", db}, 0, "Disabled ana@example.org"},
		{"ListDisabled", "", []string{"user", "list", "--db", db}, 0, "disabled"},
		{"ErrDisableUnknown", "", []string{"user", "disable", "--email", "nobody@example.org", "--db", db}, 1, "no account"},
		{"Enable", "", []string{"user", "enable", "--email", "ana@example.org", "--db", db}, 0, "Enabled ana@example.org"},
		{"Passwd", "another decent passphrase\n", []string{"user", "passwd", "--email", "ana@example.org", "--db", db}, 0, "New password set"},
		{"ErrPasswdUnknown", good, []string{"user", "passwd", "--email", "nobody@example.org", "--db", db}, 1, "no account"},
		{"Audit", "", []string{"audit", "--db", db}, 0, "user_passwd"},
		{"AuditByAction", "", []string{"audit", "--action", "user_add", "--db", db}, 0, "user_add"},
		{"ErrAuditLimit", "", []string{"audit", "--limit", "0", "--db", db}, 2, "--limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runIn(t, c.stdin, nil, c.args...)
			got := out
			if c.code != 0 {
				got = errs
			}
			if code != c.code || !strings.Contains(got, c.want) {
				t.Errorf("exit %d (want %d); stdout %q; stderr %q; want %q", code, c.code, out, errs, c.want)
			}
		})
	}

	// The generated password works, and was printed once; the stored hashes are Argon2id.
	_, out, _ := runIn(t, "", nil, "user", "add", "--email", "gen@example.org", "--role", "clinician", "--generate", "--db", db)
	pw := regexp.MustCompile(`: ([a-z0-9-]{29})\n`).FindStringSubmatch(out)
	if pw == nil {
		t.Fatalf("no password printed: %q", out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, hash, err := staffdb.New(st).UserByEmail(context.Background(), "gen@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := password.Verify(hash, pw[1]); !ok {
		t.Error("the printed password does not match the stored hash")
	}
	// Only the AuditByAction rows for user_add.
	_, out, _ = runIn(t, "", nil, "audit", "--action", "user_add", "--db", db)
	if strings.Contains(out, "user_disable") || strings.Count(out, "user_add") != 3 {
		t.Errorf("audit --action user_add:\n%s", out)
	}
	_, out, _ = runIn(t, "", nil, "audit", "--user", "ana@example.org", "--db", db)
	for _, a := range []string{"user_add", "user_disable", "user_enable", "user_passwd"} {
		if !strings.Contains(out, a) {
			t.Errorf("audit --user lacks %s:\n%s", a, out)
		}
	}
	if strings.Contains(out, "root@example.org") {
		t.Errorf("audit --user shows another account's rows:\n%s", out)
	}
}
