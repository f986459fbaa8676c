// Package cli is the ketascreen command line: it parses flags and environment variables for
// each subcommand and wires the other packages together.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// env is what a command sees of the outside world, so tests can run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the self-check over HTTP (the default)", runServe},
		{"lint", "check questionnaire and resources files", runLint},
		{"score", "score answers (JSON on stdin) with a questionnaire", runScore},
		{"import", "turn a FHIR R4 Questionnaire into a questionnaire file", runImport},
		{"user", "add, list, disable clinician and admin accounts, set a password, reset two-factor sign-in", runUser},
		{"audit", "show the audit log of staff actions", runAudit},
		{"export", "export anonymized statistics from the stored releases (CSV or JSON)", runExport},
		{"stats", "release statistics, list the releases and their budget, release a period again", runStats},
		{"dev", "developer tools: seed a database with synthetic responses", runDev},
		{"backup", "write a checked copy of a SQLite database (VACUUM INTO); for PostgreSQL, say how with pg_dump", runBackup},
		{"db", "copy a deployment between SQLite and PostgreSQL; record a new secret when the old one is lost", runDB},
	}
}

// usageError is a mistake in how a command was called: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// exitError ends a command with a code and a message already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return e.main(ctx, args)
}

func (e *env) main(ctx context.Context, args []string) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		e.usage(e.stdout)
		return 0
	}
	// Flags alone are serve's: "ketascreen --addr :8080" serves.
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args)
		var ee exitError
		var ue usageError
		switch {
		case err == nil || errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.As(err, &ue):
			fmt.Fprintf(e.stderr, "ketascreen %s: %s\nRun 'ketascreen %s --help' for usage.\n", name, ue.msg, name)
			return 2
		default:
			fmt.Fprintf(e.stderr, "ketascreen %s: %s\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "ketascreen: unknown command %.40q\n\n", name)
	e.usage(e.stderr)
	return 2
}

func (e *env) usage(w io.Writer) {
	fmt.Fprintln(w, "ketascreen: an anonymous, self-hosted ketamine self-check.")
	fmt.Fprintln(w, "\nUsage: ketascreen <command> [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ketascreen <command> --help' for a command's flags.")
}

// questionnairesFlag adds --questionnaires.
func questionnairesFlag(fs *flag.FlagSet) *string {
	return fs.String("questionnaires", "", "folder of questionnaire files to use instead of the built-in ones")
}

// loadCatalog loads the questionnaires from dir, or the embedded set when dir is empty.
func loadCatalog(dir string) (*catalog.Catalog, error) {
	var fsys fs.FS = questionnaires.FS
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, usageError{fmt.Sprintf("--questionnaires %s is not a folder", dir)}
		}
		fsys = os.DirFS(dir)
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("the questionnaires have problems (run 'ketascreen lint'):\n%w", err)
	}
	return c, nil
}
