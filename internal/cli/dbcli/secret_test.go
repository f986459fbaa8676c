package dbcli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/cli/command"
)

// The secret is made once beside a SQLite database (mode 0600) and read again; a
// world-readable file is refused; KETASCREEN_SECRET wins, and must be long enough.
func TestSecret(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	e := &command.Env{Getenv: func(string) string { return "" }}
	s1, err := LoadSecret(e, "", db)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(secretPath(db))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %#o, want 0600", st.Mode().Perm())
	}
	if len(s1) < 32 {
		t.Errorf("secret of %d bytes", len(s1))
	}
	s2, err := LoadSecret(e, "", db)
	if err != nil || !bytes.Equal(s1, s2) {
		t.Fatalf("second start read another secret: %v", err)
	}
	os.Chmod(secretPath(db), 0o644)
	if _, err := LoadSecret(e, "", db); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable secret file was accepted: %v", err)
	}
	envSecret := strings.Repeat("s", 40)
	e.Getenv = func(k string) string { return map[string]string{"KETASCREEN_SECRET": envSecret}[k] }
	if s, err := LoadSecret(e, "", db); err != nil || string(s) != envSecret {
		t.Errorf("KETASCREEN_SECRET not used: %v", err)
	}
	e.Getenv = func(k string) string { return map[string]string{"KETASCREEN_SECRET": "short"}[k] }
	if _, err := LoadSecret(e, "", db); err == nil {
		t.Error("a short KETASCREEN_SECRET was accepted")
	}
}
