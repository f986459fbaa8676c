package staffcli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

func RunAudit(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("audit", "[--user E] [--action A] [--limit N] [--db F]",
		"Shows the audit log of staff actions (sign-ins, share codes redeemed, summaries viewed,\n"+
			"downloads, exports, account changes), newest first. It never holds answers or codes.")
	user := fl.String("user", "", "only rows about this account (email)")
	action := fl.String("action", "", "only this action (login, login_failed, logout, redeem, summary_view, fhir_download, export, user_add, ...)")
	limit := fl.Int("limit", 50, "at most this many rows (1 to 1000)")
	db := command.DBFlag(fl)
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return command.UsageError{Msg: "--limit must be from 1 to 1000"}
	}
	if len(*user) > 254 || len(*action) > 64 {
		return command.UsageError{Msg: "--user or --action is too long"}
	}
	st, err := command.OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := auditdb.New(st).Entries(ctx, auditdb.Filter{User: *user, Action: *action, Limit: *limit})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	// TRIES is how many tries a row stands for: refused tries are folded into one row per
	// minute and key.
	fmt.Fprintln(w, "TIME (UTC)\tACTOR\tACTION\tOUTCOME\tTRIES\tRESPONSE\tDETAIL")
	for _, r := range rows {
		resp := r.ResponseID
		if resp == "" {
			resp = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.At.Format("2006-01-02 15:04:05"), printable(r.Actor), printable(string(r.Action)),
			printable(string(r.Outcome)), max(r.Count, 1), printable(resp), printable(r.Detail))
	}
	return w.Flush()
}

// printable replaces control characters (a terminal's escape sequences, tabs that would break
// the columns) in text that a stranger may have typed at the login form.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}
