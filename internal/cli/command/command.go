// Package command is what every ketascreen subcommand is run with: the outside world a command
// sees (Env, so tests run commands in-process), the one configuration loader (flags that
// default from KETASCREEN_* variables), the errors that set the exit code, and the flags and
// loaders several commands share (--db, --questionnaires).
package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// ByCommandLine is the audit log's actor for changes made with a command (accounts, the
// secret): whoever can run one can already read the database file.
const ByCommandLine = "command line"

// Env is what a command sees of the outside world, so tests can run commands in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string

	fromEnv map[string]string // flag name -> the variable that set it, as NAME="value"
}

// UsageError is a mistake in how a command was called: exit code 2.
type UsageError struct{ Msg string }

func (u UsageError) Error() string { return u.Msg }

// ExitError ends a command with a code and a message already printed.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// QuestionnairesFlag adds --questionnaires.
func QuestionnairesFlag(fs *flag.FlagSet) *string {
	return fs.String("questionnaires", "", "folder of questionnaire files to use instead of the built-in ones")
}

// Catalog loads the questionnaires from dir, or the embedded set when dir is empty.
func Catalog(dir string) (*catalog.Catalog, error) {
	var fsys fs.FS = questionnaires.FS
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, UsageError{fmt.Sprintf("--questionnaires %s is not a folder", dir)}
		}
		fsys = os.DirFS(dir)
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("the questionnaires have problems (run 'ketascreen lint'):\n%w", err)
	}
	return c, nil
}

// DefaultDB is the database of a fresh checkout: a file under ./data.
const DefaultDB = "data/ketascreen.db"

// DBFlag adds --db.
func DBFlag(fl *flag.FlagSet) *string {
	return fl.String("db", DefaultDB, "SQLite database file, created if missing, or a PostgreSQL URL "+
		"(postgres://user@host/dbname?sslmode=...)")
}

// OpenDB opens the database --db names. A URL that cannot be understood and a server that
// cannot be reached are mistakes in how the command was called: exit code 2, with a message
// that names them (and never a password).
func OpenDB(ctx context.Context, db string) (*store.Store, error) {
	st, err := store.Open(ctx, db)
	if errors.Is(err, store.ErrBadURL) || errors.Is(err, store.ErrConnect) {
		return nil, UsageError{err.Error()}
	}
	return st, err
}

// OpenExisting opens a database that must exist: a stats command never creates a SQLite file.
// (A PostgreSQL database exists before ketascreen first connects; its tables are made then.)
func OpenExisting(ctx context.Context, db string) (*store.Store, error) {
	if store.IsPostgres(db) {
		return OpenDB(ctx, db)
	}
	if _, err := os.Stat(db); err != nil {
		return nil, UsageError{fmt.Sprintf("no database at %s (use --db or KETASCREEN_DB)", db)}
	}
	return OpenDB(ctx, db)
}

// WithoutTime drops the time from every log line: a request line with its time would say when
// someone submitted or read a result, which could be matched against other logs.
func WithoutTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
