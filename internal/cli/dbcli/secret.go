package dbcli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// minSecret is the least secret accepted, in bytes.
const minSecret = 32

// secretPath is where the secret of a database lives when KETASCREEN_SECRET is not set: next
// to the database, never inside it, so a copy of the database alone holds no usable share code.
func secretPath(dbPath string) string { return dbPath + ".secret" }

// secretFileFlag adds --secret-file.
func SecretFileFlag(fl *flag.FlagSet) *string {
	return fl.String("secret-file", "", "file holding the server secret that keys share codes, sessions and two-factor "+
		"secrets; with SQLite created with mode 0600 if missing (default: the database file's path + .secret); "+
		"with PostgreSQL it must exist, the same on every instance. KETASCREEN_SECRET, when set, is the secret itself and wins")
}

// loadSecret returns the server secret: KETASCREEN_SECRET, or the secret file. With SQLite the
// file is by default next to the database, created on first start with 0600 permissions. With
// PostgreSQL there is no file beside the database and every instance needs the same secret, so
// one made here would be wrong on every other instance: the secret must be given.
func LoadSecret(e *command.Env, secretFile, db string) ([]byte, error) {
	if v := e.Getenv("KETASCREEN_SECRET"); v != "" {
		if len(v) < minSecret {
			return nil, command.UsageError{Msg: fmt.Sprintf("KETASCREEN_SECRET must be at least %d characters (for example: openssl rand -hex 32)", minSecret)}
		}
		return []byte(v), nil
	}
	path := secretFile
	if store.IsPostgres(db) && path == "" {
		return nil, command.UsageError{Msg: "with PostgreSQL every instance needs the same server secret: set KETASCREEN_SECRET to it, or " +
			"--secret-file to a file that holds it (make one once with: openssl rand -hex 32 > FILE; chmod 600 FILE, " +
			"and give every instance the same)"}
	}
	if path == "" {
		path = secretPath(db)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && store.IsPostgres(db) {
		return nil, command.UsageError{Msg: fmt.Sprintf("--secret-file %s does not exist: with PostgreSQL every instance reads the same secret, "+
			"so none is made here (make one once with: openssl rand -hex 32 > %s; chmod 600 %s)", path, path, path)}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return createSecret(path)
	}
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the secret file %s can be read by other users (mode %#o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	secret := []byte(strings.TrimSpace(string(b)))
	if len(secret) < minSecret {
		return nil, fmt.Errorf("the secret file %s holds fewer than %d characters", path, minSecret)
	}
	return secret, nil
}

// createSecret writes 32 random bytes, hex-encoded, to a new file only this user can read.
func createSecret(path string) ([]byte, error) {
	b := make([]byte, 32)
	rand.Read(b)
	secret := []byte(hex.EncodeToString(b))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process made it first: use theirs.
		return loadSecretFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create the secret file: %w", err)
	}
	if _, err := f.Write(append(secret, '\n')); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return secret, f.Close()
}

// checkSecret makes sure the secret is the one the database was used with (it keeps a
// fingerprint of it), recording it on first use.
func CheckSecret(ctx context.Context, st *store.Store, secret []byte, db string) error {
	err := staffdb.New(st).CheckSecret(ctx, secret)
	if !errors.Is(err, staffdb.ErrSecretMismatch) {
		return err
	}
	where := "KETASCREEN_SECRET, or --secret-file naming a file that holds it"
	if !st.Postgres() {
		where += fmt.Sprintf(" (by default the file beside the database, %s: restore it with the database)", secretPath(db))
	}
	return fmt.Errorf("the server secret is not the one this database was used with (the database keeps a fingerprint "+
		"of it, never the secret), so share codes, staff sessions and two-factor sign-in would all fail. Start with "+
		"the same secret as before, or as the other instances: %s. If that secret is lost for good, "+
		"'ketascreen db forget-secret' records this one and ends what was made with the old one", where)
}

func loadSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return []byte(strings.TrimSpace(string(b))), nil
}
