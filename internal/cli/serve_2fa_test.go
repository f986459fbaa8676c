package cli

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// serve --require-2fa (or KETASCREEN_REQUIRE_2FA) reaches the sign-in: a clinician without
// two-factor sign-in is sent to enrolment after the password; without it, signed in.
func TestServeRequireTwoFactor(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := staffdb.New(st).AddUser(ctx, staffdb.NewUser{Email: "clin@example.org", Role: staffdb.RoleClinician, PasswordHash: hash, By: "test"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	addr := regexp.MustCompile(`serving on (http://\S+)`)
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string // where the password leads
	}{
		{"Off", nil, nil, "/clinician?"},
		{"Flag", nil, []string{"--require-2fa"}, "/clinician/login/enrol?"},
		{"Env", map[string]string{"KETASCREEN_REQUIRE_2FA": "true"}, nil, "/clinician/login/enrol?"},
		{"FlagWinsOverEnv", map[string]string{"KETASCREEN_REQUIRE_2FA": "true"}, []string{"--require-2fa=false"}, "/clinician?"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr lockedBuffer
			e := &command.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return c.env[k] }}
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan int, 1)
			go func() {
				done <- dispatch(runCtx, e, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log-requests=false"}, c.args...))
			}()
			defer func() {
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("serve exited %d: %s", code, stderr.String())
				}
			}()
			deadline := time.Now().Add(20 * time.Second)
			for addr.FindStringSubmatch(stdout.String()) == nil {
				if time.Now().After(deadline) {
					t.Fatalf("serve did not start: %s", stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			base := addr.FindStringSubmatch(stdout.String())[1]
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := client.PostForm(base+"/clinician/login", url.Values{"email": {"clin@example.org"}, "password": {"correct horse battery staple"}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, c.want) {
				t.Errorf("the password leads to %d %q, want %q", res.StatusCode, loc, c.want)
			}
		})
	}
}
