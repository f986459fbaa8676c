package cli

import (
	"context"
	"fmt"

	"github.com/ketascreen/ketascreen/internal/store"
)

func runBackup(ctx context.Context, e *env, args []string) error {
	fl := e.flags("backup", "--to FILE [--db F]", "Writes a consistent copy of the database to FILE while the server may be running,\n"+
		"then checks the copy with PRAGMA integrity_check.")
	db := e.dbFlag(fl)
	to := fl.String("to", "", "the new backup file (must not exist)")
	if err := parse(fl, args); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"--to is required"}
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
