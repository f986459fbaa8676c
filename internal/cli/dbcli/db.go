// Package dbcli holds the commands that move or keep a whole deployment: `ketascreen db copy`
// (SQLite and PostgreSQL both ways), `ketascreen db forget-secret`, `ketascreen backup`, and the
// server secret every instance of a deployment shares (KETASCREEN_SECRET or the secret file).
package dbcli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/dbcopy"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

func RunDB(ctx context.Context, e *command.Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "copy":
		return runDBCopy(ctx, e, args)
	case "forget-secret":
		return runDBForgetSecret(ctx, e, args)
	case "", "help", "-h", "--help":
		fmt.Fprint(e.Stdout, `Usage: ketascreen db <copy|forget-secret> [flags]

  copy           --from FILE_OR_URL --to FILE_OR_URL
                 copies a whole deployment from SQLite to PostgreSQL, or back, and checks it
  forget-secret  [--db F] [--secret-file F]
                 records a new server secret when the old one is lost for good, ending what
                 was made with it (share codes, staff sessions, two-factor set-ups)
`)
		if sub == "" {
			return command.UsageError{Msg: "missing subcommand"}
		}
		return nil
	default:
		return command.UsageError{Msg: fmt.Sprintf("unknown subcommand %.40q (copy, forget-secret)", sub)}
	}
}

func runDBCopy(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("db copy", "--from FILE_OR_URL --to FILE_OR_URL",
		"Copies everything a deployment holds (responses, deleted tokens, share codes, accounts,\n"+
			"sessions, the audit log, statistics releases and their ledger, two-factor set-ups, limits)\n"+
			"from one database to another in one pass: from one snapshot of the source, in one\n"+
			"transaction on the target. Each side is a SQLite file or a postgres:// URL. The target\n"+
			"must be empty (a new file, or a database no instance has used); the source is brought to\n"+
			"this version's schema first, as serve would. At the end every table is counted and\n"+
			"checksummed on both sides. Stop the instances on the source first: what they write\n"+
			"during the copy is not in it. The target needs the source's server secret.")
	from := fl.String("from", "", "the database to copy: a SQLite file or a postgres:// URL")
	to := fl.String("to", "", "the empty database to copy into: a SQLite file (created) or a postgres:// URL")
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return command.UsageError{Msg: "--from and --to are both required"}
	}
	if *from == *to {
		return command.UsageError{Msg: "--from and --to are the same database"}
	}
	if !store.IsPostgres(*from) {
		if st, err := os.Stat(*from); err != nil || !st.Mode().IsRegular() {
			return command.UsageError{Msg: fmt.Sprintf("no database file at %.200q (--from)", *from)}
		}
	}
	src, err := command.OpenDB(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := command.OpenDB(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	checks, err := dbcopy.Copy(ctx, src, dst)
	if errors.Is(err, dbcopy.ErrTargetNotEmpty) {
		return command.UsageError{Msg: fmt.Sprintf("%v: copy only into a new file or an unused database (--to %s)", err, dst.Path())}
	}
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "TABLE\tROWS\tCHECKSUM\t")
	var rows int64
	for _, c := range checks {
		fmt.Fprintf(w, "%s\t%d\t%s\t\n", c.Table, c.Rows, c.Sum)
		rows += c.Rows
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "copied %d rows from %s to %s: every table's count and checksum match\n", rows, src.Path(), dst.Path())
	fmt.Fprintln(e.Stdout, "Serve the copy with the source's server secret (the database keeps its fingerprint and refuses another):")
	switch {
	case !src.Postgres() && !dst.Postgres():
		fmt.Fprintf(e.Stdout, "copy %s to %s (mode 0600), or keep using KETASCREEN_SECRET or --secret-file as before.\n",
			secretPath(*from), secretPath(*to))
	case !src.Postgres():
		fmt.Fprintf(e.Stdout, "every instance on PostgreSQL needs it as KETASCREEN_SECRET or --secret-file; unless KETASCREEN_SECRET "+
			"was used, it is the content of %s.\n", secretPath(*from))
	case !dst.Postgres():
		fmt.Fprintf(e.Stdout, "put it in %s (mode 0600), or keep giving it as KETASCREEN_SECRET or --secret-file.\n", secretPath(*to))
	default:
		fmt.Fprintln(e.Stdout, "keep giving every instance the same KETASCREEN_SECRET or --secret-file.")
	}
	return nil
}

func runDBForgetSecret(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("db forget-secret", "[--db F] [--secret-file F]",
		"When the server secret a database was used with is lost for good, records the secret\n"+
			"given now (KETASCREEN_SECRET or --secret-file, as serve reads it) in its place. What was\n"+
			"made with the lost one cannot be read and is deleted: share codes (respondents make new\n"+
			"ones), staff sessions and half-done sign-ins, two-factor set-ups and recovery codes (staff\n"+
			"who must use two-factor sign-in enrol again), and the sign-in limits. Responses, accounts,\n"+
			"the audit log and statistics are kept. Written to the audit log. Stop every instance first.")
	db := command.DBFlag(fl)
	secretFile := SecretFileFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	if !store.IsPostgres(*db) {
		if st, err := os.Stat(*db); err != nil || !st.Mode().IsRegular() {
			return command.UsageError{Msg: fmt.Sprintf("no database file at %.200q", *db)}
		}
	}
	st, err := command.OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := LoadSecret(e, *secretFile, *db)
	if err != nil {
		return err
	}
	staff := staffdb.New(st)
	if err := staff.CheckSecret(ctx, secret); err == nil {
		fmt.Fprintln(e.Stdout, "This secret is already the database's: nothing to forget.")
		return nil
	} else if !errors.Is(err, staffdb.ErrSecretMismatch) {
		return err
	}
	codes, twoFactor, err := staff.ForgetSecret(ctx, secret, command.ByCommandLine)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "The new secret is recorded. Ended: %d share codes, every staff session, %d two-factor set-ups.\n",
		codes, twoFactor)
	return nil
}
