package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/ketascreen/ketascreen/internal/store"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	fl := e.flags("backup", "--to FILE [--db F] [--secret-file F]",
		"Writes a consistent copy of the database to FILE while the server may be running, checks\n"+
			"the copy with PRAGMA integrity_check, and copies the server secret to FILE.secret (mode\n"+
			"0600). Share codes, staff sessions and two-factor secrets need that secret: keep the two\n"+
			"files together. To restore, put both back (the database, and its secret beside it with\n"+
			"the database's name and .secret), or serve the copy itself: serve --db FILE finds\n"+
			"FILE.secret. With KETASCREEN_SECRET set, the secret is that variable: keep it with the backup.")
	db := dbFlag(fl)
	to := fl.String("to", "", "the new backup file (must not exist)")
	secretFile := secretFileFlag(fl)
	if err := e.parse(fl, args); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"--to is required"}
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %.40q", fl.Arg(0))}
	}
	// Opening a missing database would create an empty one, and back that up as "ok".
	if st, err := os.Stat(*db); err != nil || !st.Mode().IsRegular() {
		return usageError{fmt.Sprintf("no database file at %.200q", *db)}
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s and checked: ok\n", *to)
	return backupSecret(e, *secretFile, *db, *to)
}

// backupSecret copies the secret beside the backup, as serve would look for it there.
func backupSecret(e *env, secretFile, db, to string) error {
	if e.getenv("KETASCREEN_SECRET") != "" {
		fmt.Fprintln(e.stdout, "the secret is KETASCREEN_SECRET: keep its value with the backup, or share codes and staff two-factor secrets cannot be read")
		return nil
	}
	if secretFile == "" {
		secretFile = secretPath(db)
	}
	secret, err := os.ReadFile(secretFile)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stdout, "no secret file at %s (the server has not started on this database yet): nothing else to keep\n", secretFile)
		return nil
	}
	if err != nil {
		return err
	}
	dest := secretPath(to)
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("copy the secret: %w", err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "secret copied to %s: keep it with the backup (mode 0600)\n", dest)
	return nil
}
