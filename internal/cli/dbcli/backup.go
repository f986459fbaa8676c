package dbcli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/store"
)

func RunBackup(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("backup", "--to FILE [--db F] [--secret-file F]",
		"Writes a consistent copy of the database to FILE while the server may be running, checks\n"+
			"the copy with PRAGMA integrity_check, and copies the server secret to FILE.secret (mode\n"+
			"0600). Share codes, staff sessions and two-factor secrets need that secret: keep the two\n"+
			"files together. To restore, put both back (the database, and its secret beside it with\n"+
			"the database's name and .secret), or serve the copy itself: serve --db FILE finds\n"+
			"FILE.secret. With KETASCREEN_SECRET set, the secret is that variable: keep it with the backup.\n"+
			"A PostgreSQL database is backed up with pg_dump: given a postgres:// URL, backup says how, and\n"+
			"exits with code 2 without writing anything.")
	db := command.DBFlag(fl)
	to := fl.String("to", "", "the new backup file (must not exist)")
	secretFile := SecretFileFlag(fl)
	if err := e.Parse(fl, args); err != nil {
		return err
	}
	if *to == "" {
		return command.UsageError{Msg: "--to is required"}
	}
	if fl.NArg() > 0 {
		return command.UsageError{Msg: fmt.Sprintf("unexpected argument %.40q", fl.Arg(0))}
	}
	if store.IsPostgres(*db) {
		return pgDumpAdvice(e, *db)
	}
	// Opening a missing database would create an empty one, and back that up as "ok".
	if st, err := os.Stat(*db); err != nil || !st.Mode().IsRegular() {
		return command.UsageError{Msg: fmt.Sprintf("no database file at %.200q", *db)}
	}
	st, err := command.OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "backup written to %s and checked: ok\n", *to)
	return backupSecret(e, *secretFile, *db, *to)
}

// backupSecret copies the secret beside the backup, as serve would look for it there.
func backupSecret(e *command.Env, secretFile, db, to string) error {
	if e.Getenv("KETASCREEN_SECRET") != "" {
		fmt.Fprintln(e.Stdout, "the secret is KETASCREEN_SECRET: keep its value with the backup, or share codes and staff two-factor secrets cannot be read")
		return nil
	}
	if secretFile == "" {
		secretFile = secretPath(db)
	}
	secret, err := os.ReadFile(secretFile)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.Stdout, "no secret file at %s (the server has not started on this database yet): nothing else to keep\n", secretFile)
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
	fmt.Fprintf(e.Stdout, "secret copied to %s: keep it with the backup (mode 0600)\n", dest)
	return nil
}

// pgDumpAdvice explains that PostgreSQL is backed up with pg_dump, with the command for this
// database, and fails (exit code 2) so that a scheduled backup does not pass unnoticed.
func pgDumpAdvice(e *command.Env, db string) error {
	u, err := url.Parse(db)
	if err != nil {
		return command.UsageError{Msg: "--db is not a URL that can be parsed"}
	}
	// pg_dump reads libpq's URLs: the password goes to ~/.pgpass or PGPASSWORD, and the
	// schema, which only ketascreen's driver takes in the URL, to --schema.
	schema := u.Query().Get("search_path")
	q := u.Query()
	q.Del("search_path")
	q.Del("password")
	u.RawQuery = q.Encode()
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	cmd := "pg_dump --format=custom --file=ketascreen-$(date +%F).dump"
	if schema != "" {
		cmd += " --schema=" + shellQuote(schema)
	}
	cmd += " --dbname=" + shellQuote(u.String())
	fmt.Fprintf(e.Stderr, `ketascreen backup does not copy a PostgreSQL database: pg_dump does, from one consistent snapshot,
while ketascreen runs. For this database:

  %s

(the password, if any, from ~/.pgpass or PGPASSWORD). Restore it into an empty database with
pg_restore, or move it to SQLite with ketascreen db copy. Keep the server secret with the dump
(KETASCREEN_SECRET, or the file every instance's --secret-file names): share codes, staff sessions
and two-factor secrets cannot be read without it, and an instance with another secret refuses to
start. See docs/operations.md.
`, cmd)
	return command.ExitError{Code: 2}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
