// Package staffcli holds the staff commands: `ketascreen user` (add, list, disable and enable
// clinician and admin accounts, set a password, reset two-factor sign-in) and `ketascreen audit`
// (the audit log of staff actions).
package staffcli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"text/tabwriter"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

func RunUser(ctx context.Context, e *command.Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return runUserAdd(ctx, e, args)
	case "list":
		return runUserList(ctx, e, args)
	case "disable", "enable":
		return runUserDisable(ctx, e, sub, args)
	case "passwd":
		return runUserPasswd(ctx, e, args)
	case "reset-2fa":
		return runUserReset2FA(ctx, e, args)
	case "", "help", "-h", "--help":
		fmt.Fprint(e.Stdout, `Usage: ketascreen user <add|list|disable|enable|passwd|reset-2fa> [flags]

  add       --email E --role clinician|admin [--require-2fa] [--generate] [--db F]
            the password is the first line of standard input, or with --generate one is made
            and printed once; --require-2fa makes a clinician use two-factor sign-in (admins
            always do)
  list      [--db F]
  disable   --email E [--db F]   the account can no longer sign in; its sessions end now
  enable    --email E [--db F]
  passwd    --email E [--generate] [--db F]   a new password (standard input); sessions end
  reset-2fa --email E [--db F]   removes two-factor sign-in (a lost phone); sessions end, and
            the account enrols again at its next sign-in when it must use it

Passwords: 12 to 128 characters; common passwords are refused.
`)
		if sub == "" {
			return command.UsageError{Msg: "missing subcommand"}
		}
		return nil
	default:
		return command.UsageError{Msg: fmt.Sprintf("unknown subcommand %.40q (add, list, disable, enable, passwd, reset-2fa)", sub)}
	}
}

// checkEmail accepts a plain address (no display name), at most 254 characters.
func checkEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", command.UsageError{Msg: "--email is required"}
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 {
		return "", command.UsageError{Msg: fmt.Sprintf("%.60q is not an email address", v)}
	}
	return strings.ToLower(v), nil
}

// newPassword is the hash of the account's new password: the first line of standard input, or
// a generated password (printed once).
func newPassword(e *command.Env, generate bool) (string, error) {
	if generate {
		pw := password.Generate()
		fmt.Fprintf(e.Stdout, "Password (shown only now; give it to the person by a safe route): %s\n", pw)
		return password.Hash(pw)
	}
	line, err := bufio.NewReader(io.LimitReader(e.Stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := password.Check(pw); err != nil {
		return "", command.UsageError{Msg: passwordMessage(err)}
	}
	return password.Hash(pw)
}

// generateFlag adds --generate.
func generateFlag(fl *flag.FlagSet) *bool {
	return fl.Bool("generate", false, "make a random password and print it once")
}

// withStaff opens the database --db names and runs fn on its staff accounts.
func withStaff(ctx context.Context, db string, fn func(staff *staffdb.DB) error) error {
	st, err := command.OpenDB(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(staffdb.New(st))
}

// accountCommand is a command on one existing account, named by --email; it adds its own flags
// to fl before run.
type accountCommand struct {
	fl        *flag.FlagSet
	email, db *string
}

func newAccountCommand(e *command.Env, name, usage, about string) accountCommand {
	fl := e.Flags(name, usage, about)
	return accountCommand{fl: fl, email: fl.String("email", "", "the account's email address"), db: command.DBFlag(fl)}
}

// run parses the command line, checks the address and runs fn on the database's staff
// accounts; an account that does not exist is reported as "no account".
func (c accountCommand) run(ctx context.Context, e *command.Env, args []string, fn func(staff *staffdb.DB, addr string) error) error {
	if err := e.ParseNoArgs(c.fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*c.email)
	if err != nil {
		return err
	}
	err = withStaff(ctx, *c.db, func(staff *staffdb.DB) error { return fn(staff, addr) })
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account %s", addr)
	}
	return err
}

// passwordMessage explains a refused password.
func passwordMessage(err error) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return fmt.Sprintf("the password must be at least %d characters (read from the first line of standard input, or use --generate)", password.MinLength)
	case errors.Is(err, password.ErrTooLong):
		return fmt.Sprintf("the password must be at most %d characters", password.MaxLength)
	case errors.Is(err, password.ErrCommon):
		return "this password is too common or too easy to guess; a few unrelated words make a good one"
	default:
		return "the password holds control characters or is not valid UTF-8"
	}
}

func runUserAdd(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("user add", "--email E --role clinician|admin [--require-2fa] [--generate] [--db F]",
		"Adds a staff account. The password is the first line of standard input, or --generate makes one.")
	email := fl.String("email", "", "the account's email address (its login)")
	role := fl.String("role", "", "clinician or admin")
	require2FA := fl.Bool("require-2fa", false, "the account must use two-factor sign-in (TOTP), enrolling at its first sign-in; admins always must")
	gen := generateFlag(fl)
	db := command.DBFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*email)
	if err != nil {
		return err
	}
	if *role != staffdb.RoleClinician && *role != staffdb.RoleAdmin {
		return command.UsageError{Msg: "--role must be clinician or admin"}
	}
	hash, err := newPassword(e, *gen)
	if err != nil {
		return err
	}
	twoFactor := *require2FA || *role == staffdb.RoleAdmin
	return withStaff(ctx, *db, func(staff *staffdb.DB) error {
		if _, err := staff.AddUser(ctx, staffdb.NewUser{Email: addr, Role: *role, PasswordHash: hash, TwoFactorRequired: twoFactor,
			By: command.ByCommandLine}); err != nil {
			return err
		}
		note := ""
		if twoFactor {
			note = "; it sets up two-factor sign-in at its first sign-in"
		}
		fmt.Fprintf(e.Stdout, "Added %s (%s)%s.\n", addr, *role, note)
		return nil
	})
}

func runUserList(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("user list", "[--db F]", "Lists the staff accounts.")
	db := command.DBFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	return withStaff(ctx, *db, func(staff *staffdb.DB) error {
		users, err := staff.Users(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "EMAIL\tROLE\tSTATUS\t2FA\tCREATED")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			twoFactor := "off"
			switch {
			case u.TwoFactor:
				twoFactor = "on"
			case u.TwoFactorRequired || u.Role == staffdb.RoleAdmin:
				twoFactor = "required"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, status, twoFactor, u.CreatedAt.Format("2006-01-02"))
		}
		return w.Flush()
	})
}

func runUserDisable(ctx context.Context, e *command.Env, sub string, args []string) error {
	c := newAccountCommand(e, "user "+sub, "--email E [--db F]", map[string]string{
		"disable": "Disables an account: it can no longer sign in, and its sessions end now.",
		"enable":  "Enables a disabled account again.",
	}[sub])
	return c.run(ctx, e, args, func(staff *staffdb.DB, addr string) error {
		if err := staff.SetUserDisabled(ctx, addr, sub == "disable", command.ByCommandLine); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%sd %s.\n", strings.ToUpper(sub[:1])+sub[1:], addr)
		return nil
	})
}

func runUserPasswd(ctx context.Context, e *command.Env, args []string) error {
	c := newAccountCommand(e, "user passwd", "--email E [--generate] [--db F]",
		"Sets a new password (first line of standard input, or --generate) and ends the account's sessions.")
	gen := generateFlag(c.fl)
	return c.run(ctx, e, args, func(staff *staffdb.DB, addr string) error {
		if _, _, err := staff.UserByEmail(ctx, addr); err != nil {
			return err
		}
		hash, err := newPassword(e, *gen)
		if err != nil {
			return err
		}
		if err := staff.SetPassword(ctx, addr, hash, command.ByCommandLine); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "New password set for %s; its sessions have ended.\n", addr)
		return nil
	})
}

func runUserReset2FA(ctx context.Context, e *command.Env, args []string) error {
	c := newAccountCommand(e, "user reset-2fa", "--email E [--db F]",
		"Removes an account's two-factor sign-in and recovery codes (a lost phone) and ends its sessions.\n"+
			"An account that must use two-factor sign-in enrols again at its next sign-in.")
	return c.run(ctx, e, args, func(staff *staffdb.DB, addr string) error {
		if err := staff.ResetTOTP(ctx, addr, command.ByCommandLine); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Two-factor sign-in removed for %s; its sessions have ended.\n", addr)
		return nil
	})
}
