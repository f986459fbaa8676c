package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/ketascreen/ketascreen/internal/store"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	fl := e.flags("backup", "--to FILE [--db F]", "Writes a consistent copy of the database to FILE while the server may be running,\n"+
		"then checks the copy with PRAGMA integrity_check.")
	db := dbFlag(fl)
	to := fl.String("to", "", "the new backup file (must not exist)")
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
	return nil
}
