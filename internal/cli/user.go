package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"text/tabwriter"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// byCommandLine is the audit log's actor for account changes made with this command: whoever
// can run it can already read the database file.
const byCommandLine = "command line"

func runUser(ctx context.Context, e *env, args []string) error {
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
		fmt.Fprint(e.stdout, `Usage: ketascreen user <add|list|disable|enable|passwd|reset-2fa> [flags]

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
			return usageError{"missing subcommand"}
		}
		return nil
	default:
		return usageError{fmt.Sprintf("unknown subcommand %.40q (add, list, disable, enable, passwd, reset-2fa)", sub)}
	}
}

// checkEmail accepts a plain address (no display name), at most 254 characters.
func checkEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", usageError{"--email is required"}
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 {
		return "", usageError{fmt.Sprintf("%.60q is not an email address", v)}
	}
	return strings.ToLower(v), nil
}

// readPassword is the first line of standard input, or a generated password (printed once).
func readPassword(e *env, generate bool) (string, error) {
	if generate {
		pw := password.Generate()
		fmt.Fprintf(e.stdout, "Password (shown only now; give it to the person by a safe route): %s\n", pw)
		return pw, nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := password.Check(pw); err != nil {
		return "", usageError{passwordMessage(err)}
	}
	return pw, nil
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

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fl := e.flags("user add", "--email E --role clinician|admin [--require-2fa] [--generate] [--db F]",
		"Adds a staff account. The password is the first line of standard input, or --generate makes one.")
	email := fl.String("email", "", "the account's email address (its login)")
	role := fl.String("role", "", "clinician or admin")
	require2FA := fl.Bool("require-2fa", false, "the account must use two-factor sign-in (TOTP), enrolling at its first sign-in; admins always must")
	gen := fl.Bool("generate", false, "make a random password and print it once")
	db := dbFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*email)
	if err != nil {
		return err
	}
	if *role != staffdb.RoleClinician && *role != staffdb.RoleAdmin {
		return usageError{"--role must be clinician or admin"}
	}
	pw, err := readPassword(e, *gen)
	if err != nil {
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	twoFactor := *require2FA || *role == staffdb.RoleAdmin
	if _, err := staffdb.New(st).AddUser(ctx, staffdb.NewUser{Email: addr, Role: *role, PasswordHash: hash, TwoFactorRequired: twoFactor,
		By: byCommandLine}); err != nil {
		return err
	}
	note := ""
	if twoFactor {
		note = "; it sets up two-factor sign-in at its first sign-in"
	}
	fmt.Fprintf(e.stdout, "Added %s (%s)%s.\n", addr, *role, note)
	return nil
}

func runUserList(ctx context.Context, e *env, args []string) error {
	fl := e.flags("user list", "[--db F]", "Lists the staff accounts.")
	db := dbFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := staffdb.New(st).Users(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
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
}

func runUserDisable(ctx context.Context, e *env, sub string, args []string) error {
	fl := e.flags("user "+sub, "--email E [--db F]", map[string]string{
		"disable": "Disables an account: it can no longer sign in, and its sessions end now.",
		"enable":  "Enables a disabled account again.",
	}[sub])
	email := fl.String("email", "", "the account's email address")
	db := dbFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*email)
	if err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	err = staffdb.New(st).SetUserDisabled(ctx, addr, sub == "disable", byCommandLine)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account %s", addr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%sd %s.\n", strings.ToUpper(sub[:1])+sub[1:], addr)
	return nil
}

func runUserPasswd(ctx context.Context, e *env, args []string) error {
	fl := e.flags("user passwd", "--email E [--generate] [--db F]",
		"Sets a new password (first line of standard input, or --generate) and ends the account's sessions.")
	email := fl.String("email", "", "the account's email address")
	gen := fl.Bool("generate", false, "make a random password and print it once")
	db := dbFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*email)
	if err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, _, err := staffdb.New(st).UserByEmail(ctx, addr); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account %s", addr)
	} else if err != nil {
		return err
	}
	pw, err := readPassword(e, *gen)
	if err != nil {
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	if err := staffdb.New(st).SetPassword(ctx, addr, hash, byCommandLine); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "New password set for %s; its sessions have ended.\n", addr)
	return nil
}

func runUserReset2FA(ctx context.Context, e *env, args []string) error {
	fl := e.flags("user reset-2fa", "--email E [--db F]",
		"Removes an account's two-factor sign-in and recovery codes (a lost phone) and ends its sessions.\n"+
			"An account that must use two-factor sign-in enrols again at its next sign-in.")
	email := fl.String("email", "", "the account's email address")
	db := dbFlag(fl)
	if err := e.parseNoArgs(fl, args); err != nil {
		return err
	}
	addr, err := checkEmail(*email)
	if err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	err = staffdb.New(st).ResetTOTP(ctx, addr, byCommandLine)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account %s", addr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Two-factor sign-in removed for %s; its sessions have ended.\n", addr)
	return nil
}
