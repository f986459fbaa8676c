package responsedb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ketascreen/ketascreen/internal/store"
)

// purgeBatch bounds how many rows one purge transaction deletes, so the daily purge never
// holds the writer for long while respondents are submitting.
const purgeBatch = 2000

// Purge deletes responses older than retentionDays (their statistics stay in the releases,
// which a purge never touches), the hashes of tokens deleted before then, and expired share
// codes. It returns how many responses it deleted. Ended staff sessions have a purge of their
// own (package staffdb's PurgeSessions, which the daily job runs next).
func (db *DB) Purge(ctx context.Context, retentionDays int) (int, error) {
	if retentionDays < 1 {
		return 0, errors.New("the retention must be at least one day")
	}
	// Days are YYYY-MM-DD, so they compare as text.
	cutoff := store.Day(db.st.Now().AddDate(0, 0, -retentionDays))
	total := 0
	for {
		var n int64
		err := db.st.Write(ctx, func(tx *sql.Tx) error {
			res, err := tx.Exec(`/* responsedb.Purge */ delete from responses where id in
				(select id from responses where day < ? limit ?)`, cutoff, purgeBatch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += int(n)
		if err != nil {
			return total, err
		}
		if n < purgeBatch {
			break
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
	// A deleted response's token hash (kept so its link can say "deleted") goes with the
	// retention too: after it, the link says what a link to a purged response says.
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* responsedb.Purge */ delete from deleted_tokens where day < ?`, cutoff)
		return err
	})
	if err != nil {
		return total, err
	}
	if total > 0 {
		db.st.ForgetDeleted(ctx)
	}
	if err := db.purgeExpired(ctx); err != nil {
		return total, err
	}
	if db.st.Postgres() {
		// The answers deleted today (by respondents, or now by the retention) leave the
		// table's live pages; PostgreSQL does not zero what VACUUM frees, see
		// docs/operations.md.
		db.st.Vacuum(ctx, "responses", "share_codes", "deleted_tokens")
	}
	return total, nil
}
