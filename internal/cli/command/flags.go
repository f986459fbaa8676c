package command

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Configuration: every flag of every command can also be set by an environment variable,
// KETASCREEN_ and the flag's name in capitals with dashes as underscores (--retention-days is
// KETASCREEN_RETENTION_DAYS). A flag on the command line wins over its variable. A variable's
// value is parsed exactly as the flag's would be (numbers as Go integers, booleans as
// strconv.ParseBool, durations as time.ParseDuration); a bad value stops the command with exit
// code 2 and a message naming the variable, never a silent default.

// envPrefix starts every variable that sets a flag.
const envPrefix = "KETASCREEN_"

// EnvName is the environment variable that sets a flag.
func EnvName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Flags makes a flag set that reports errors as usage errors and prints help to stdout.
func (e *Env) Flags(name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stdout, "Usage: ketascreen %s %s\n\n%s\n\nFlags (each can also be set by the environment variable named after it):\n", name, args, about)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(e.Stdout, "  --%s  [%s]\n      %s%s\n", f.Name, EnvName(f.Name), f.Usage, def)
		})
	}
	return fs
}

// Parse reads the environment, then the command line, into a command's flags. A bad flag or
// variable is a usage error; --help is not an error. The flag package calls Usage itself on -h
// and on every bad flag: silenced here, so help is printed once and a bad flag leaves stdout
// (where score writes its JSON) empty.
func (e *Env) Parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		usage()
		return err
	}
	if err != nil {
		return UsageError{err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		v, ok := e.lookupEnv(name)
		if !ok || set[f.Name] || bad != nil {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			bad = UsageError{fmt.Sprintf("%s=%.40q is not a valid value for --%s (%s)", name, v, f.Name, f.Usage)}
			return
		}
		if e.fromEnv == nil {
			e.fromEnv = map[string]string{}
		}
		e.fromEnv[f.Name] = fmt.Sprintf("%s=%.40q", name, v)
	})
	return bad
}

var flagInMessage = regexp.MustCompile(`--([a-z0-9][a-z0-9-]*)`)

// WhereSet says which variables set the flags a message names, for a message about a value
// (--share-days must be from 1 to 30): the person who set KETASCREEN_SHARE_DAYS typed no
// --share-days. It is "" when the message names no flag a variable set.
func (e *Env) WhereSet(msg string) string {
	var vars []string
	for _, m := range flagInMessage.FindAllStringSubmatch(msg, -1) {
		if v, ok := e.fromEnv[m[1]]; ok && !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
	}
	if len(vars) == 0 {
		return ""
	}
	return "set by " + strings.Join(vars, ", ")
}

// ParseNoArgs is Parse for commands that take flags only.
func (e *Env) ParseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return UsageError{fmt.Sprintf("unexpected argument %.40q", fs.Arg(0))}
	}
	return nil
}

// lookupEnv is an environment variable that is set and not empty: an empty variable counts as
// unset, as shells and service files often leave them.
func (e *Env) lookupEnv(name string) (string, bool) {
	v := e.Getenv(name)
	return v, v != ""
}
