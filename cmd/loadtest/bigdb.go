package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"
)

// bigWeeks is how many weeks the big database's responses are spread over.
const bigWeeks = 104

// bigDB returns the big database (o.totalRows responses over bigWeeks weeks, their statistics
// released), making it first when the file does not exist yet. Scenarios work on copies.
func bigDB(ctx context.Context, e env) (string, error) {
	path := e.o.bigDB
	if path == "" {
		path = e.dir + "/big.db"
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "making %s: %d responses over %d weeks, then their statistics releases (minutes)\n",
		path, e.o.totalRows, bigWeeks)
	for _, args := range [][]string{
		{"dev", "seed", "--db", path, "--n", fmt.Sprint(e.o.totalRows), "--weeks", fmt.Sprint(bigWeeks)},
		{"stats", "release", "--db", path, "--now"},
	} {
		cmd := exec.CommandContext(ctx, e.bin, args...)
		cmd.Env = append(os.Environ(), "KETASCREEN_SECRET="+loadSecret)
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(path)
			return "", fmt.Errorf("ketascreen %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return path, nil
}

// copyFile copies a database file (the big one is never written to).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before the server starts, as a database at rest is: otherwise the server's first
	// checkpoint (whose fsync of the database file must also write back the whole fresh copy,
	// about 1 GB) holds one submission for 0.4 to 1.3 s, which measures the copy, not the server.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var totpKeyRE = regexp.MustCompile(`<code id="totp-key">([A-Z2-7 ]+)</code>`)

// signInAdmin adds an admin to a database and signs in over HTTP as a person would, enrolling
// two-factor sign-in (admins must) with a code computed from the key the page shows. It
// returns the session's cookie header.
func signInAdmin(ctx context.Context, bin, db, base string) (string, error) {
	const email, password = "admin@loadtest.example", "a load test admin password"
	cmd := exec.CommandContext(ctx, bin, "user", "add", "--db", db, "--email", email, "--role", "admin")
	cmd.Env = append(os.Environ(), "KETASCREEN_SECRET="+loadSecret)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil && !strings.Contains(string(out), "already exists") {
		return "", fmt.Errorf("user add: %v\n%s", err, out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(base+"/clinician/login?lang=en", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := totpKeyRE.FindStringSubmatch(string(page))
	if m == nil {
		return "", fmt.Errorf("sign-in: no two-factor key on the page (status %d)", res.StatusCode)
	}
	code, err := totp.GenerateCode(strings.ReplaceAll(m[1], " ", ""), time.Now())
	if err != nil {
		return "", err
	}
	res, err = c.PostForm(base+"/clinician/login/enrol?lang=en", url.Values{"code": {code}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	res, err = c.Get(base + "/admin/stats?lang=en")
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the dashboard after signing in: status %d", res.StatusCode)
	}
	u, _ := url.Parse(base + "/")
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}
