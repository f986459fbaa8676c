package fhir_test

import (
	"os"
	"os/exec"
	"testing"
)

// tool is the path an environment variable gives to a tool a test needs. Without it the test
// skips, saying how to install the tool, except in CI (CI=true), where a skip would hide a
// broken pipeline; .ci/run installs every tool.
func tool(t *testing.T, env, install string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; with CI=true this test must run (.ci/run installs %s)", env, install)
		}
		t.Skipf("skipped: set %s (install: %s; CI=true makes this a failure)", env, install)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s=%s: %v", env, path, err)
	}
	return path
}

// program is the first of the named programs found on PATH.
func program(t *testing.T, what string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no %s on PATH; with CI=true this test must run", what)
	}
	t.Skipf("skipped: no %s on PATH (CI=true makes this a failure)", what)
	return ""
}

// node is the node binary, which runs fhirpath.js.
func node(t *testing.T) string { return program(t, "node", "node") }

// chromium is KETASCREEN_CHROMIUM, or Chromium or Chrome on PATH.
func chromium(t *testing.T) string {
	if p := os.Getenv("KETASCREEN_CHROMIUM"); p != "" {
		return p
	}
	return program(t, "Chromium (apt-get install chromium, or set KETASCREEN_CHROMIUM)",
		"chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
}
