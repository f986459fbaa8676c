package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// A backup restores a working deployment: the database and its secret, copied by backup,
// serve again elsewhere, and a share code made before the backup still opens the summary.
func TestBackupRestoresAWorkingDeployment(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalog.Load(questionnaires.FS)
	q := cat.Latest("ketamine-selfcheck")
	dir := t.TempDir()
	db := filepath.Join(dir, "live", "k.db")
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ketascreen %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// A deployment with its secret in a file beside the database (no KETASCREEN_SECRET).
	p := startServeEnv(t, db)
	run("a long clinician password\n", "user", "add", "--db", db, "--email", "c@clinic.example", "--role", "clinician")
	body, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": answers(q, 5)})
	res, err := http.Post(p.url+"/api/v1/questionnaires/ketamine-selfcheck/responses", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Token string }
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	res, err = http.PostForm(p.url+"/r/"+out.Token+"/share?lang=en", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	code := regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b`).FindString(string(page))
	if code == "" {
		t.Fatalf("no share code on the page: %.300s", page)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()

	backup := filepath.Join(dir, "elsewhere", "backup.db")
	os.MkdirAll(filepath.Dir(backup), 0o700)
	msg := run("", "backup", "--db", db, "--to", backup)
	if !strings.Contains(msg, "secret copied") {
		t.Errorf("backup did not copy the secret: %s", msg)
	}
	st, err := os.Stat(backup + ".secret")
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup's secret: %v, mode %v", err, st.Mode())
	}
	// The live deployment is gone; the backup alone serves.
	if err := os.RemoveAll(filepath.Dir(db)); err != nil {
		t.Fatal(err)
	}
	r := startServeEnv(t, backup)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err = c.PostForm(r.url+"/clinician/login", url.Values{"email": {"c@clinic.example"}, "password": {"a long clinician password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = c.PostForm(r.url+"/clinician/redeem", url.Values{"code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	summary, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(summary), "c@clinic.example") {
		t.Fatalf("redeeming a code made before the backup: status %d\n%.500s", res.StatusCode, summary)
	}
	if res, err := http.Get(r.url + "/r/" + out.Token); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the result link after restoring: %v %v", res.StatusCode, err)
	}
}

// Under a supervisor that stamps lines with the time, request lines can be turned off.
func TestQuietRequests(t *testing.T) {
	p := startServeEnv(t, filepath.Join(t.TempDir(), "k.db"), "KETASCREEN_SECRET=quiet-test-secret-quiet-test-secret",
		"KETASCREEN_LOG_REQUESTS=false")
	for _, path := range []string{"/", "/help", "/nowhere"} {
		res, err := http.Get(p.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	if strings.Contains(p.log.String(), "msg=request") || !strings.Contains(p.log.String(), "stopped") {
		t.Errorf("log with KETASCREEN_LOG_REQUESTS=false:\n%s", p.log)
	}
}
