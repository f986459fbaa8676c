// Package cli is the ketascreen command line: the table of subcommands, serve (which wires the
// other packages together and runs the daily jobs), and the small commands (lint, score, import,
// dev). The staff, statistics and database commands live in subpackages; what every command is
// run with (flags from KETASCREEN_* variables, exit codes) is package command.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/cli/dbcli"
	"github.com/ketascreen/ketascreen/internal/cli/staffcli"
	"github.com/ketascreen/ketascreen/internal/cli/statscli"
)

type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, e *command.Env, args []string) error
}

func commands() []subcommand {
	return []subcommand{
		{"serve", "serve the self-check over HTTP (the default)", runServe},
		{"lint", "check questionnaire and resources files", runLint},
		{"score", "score answers (JSON on stdin) with a questionnaire", runScore},
		{"import", "turn a FHIR R4 Questionnaire into a questionnaire file", runImport},
		{"user", "add, list, disable clinician and admin accounts, set a password, reset two-factor sign-in", staffcli.RunUser},
		{"audit", "show the audit log of staff actions", staffcli.RunAudit},
		{"export", "export anonymized statistics from the stored releases (CSV or JSON)", statscli.RunExport},
		{"stats", "release statistics, list the releases and their budget, release a period again", statscli.RunStats},
		{"dev", "developer tools: seed a database with synthetic responses", runDev},
		{"backup", "write a checked copy of a SQLite database (VACUUM INTO); for PostgreSQL, say how with pg_dump", dbcli.RunBackup},
		{"db", "copy a deployment between SQLite and PostgreSQL; record a new secret when the old one is lost", dbcli.RunDB},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &command.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dispatch(ctx, e, args)
}

func dispatch(ctx context.Context, e *command.Env, args []string) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(e.Stdout)
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
		var ee command.ExitError
		var ue command.UsageError
		switch {
		case err == nil || errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.Code
		case errors.As(err, &ue):
			msg := ue.Msg
			if where := e.WhereSet(msg); where != "" {
				msg += " (" + where + ")"
			}
			fmt.Fprintf(e.Stderr, "ketascreen %s: %s\nRun 'ketascreen %s --help' for usage.\n", name, msg, name)
			return 2
		default:
			fmt.Fprintf(e.Stderr, "ketascreen %s: %s\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(e.Stderr, "ketascreen: unknown command %.40q\n\n", name)
	usage(e.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ketascreen: an anonymous, self-hosted ketamine self-check.")
	fmt.Fprintln(w, "\nUsage: ketascreen <command> [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ketascreen <command> --help' for a command's flags.")
}
