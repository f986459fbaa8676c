package store

import (
	"context"
	"database/sql"
	"errors"
)

// purgeBatch bounds how many rows one purge transaction deletes, so the daily purge never
// holds the writer for long while respondents are submitting.
const purgeBatch = 2000

// Purge deletes responses older than retentionDays (their statistics stay in the releases,
// which a purge never touches), the hashes of tokens deleted before then, expired share codes
// and sessions. It returns how many responses it deleted.
func (s *Store) Purge(ctx context.Context, retentionDays int) (int, error) {
	if retentionDays < 1 {
		return 0, errors.New("the retention must be at least one day")
	}
	// Days are YYYY-MM-DD, so they compare as text.
	cutoff := Day(s.Now().AddDate(0, 0, -retentionDays))
	total := 0
	for {
		var n int64
		err := s.Write(ctx, func(tx *sql.Tx) error {
			res, err := tx.Exec(`/* Store.Purge */ delete from responses where id in
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
	err := s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* Store.Purge */ delete from deleted_tokens where day < ?`, cutoff)
		return err
	})
	if err != nil {
		return total, err
	}
	if total > 0 {
		s.ForgetDeleted(ctx)
	}
	if err := s.purgeExpired(ctx); err != nil {
		return total, err
	}
	if s.d.postgres {
		// The answers deleted today (by respondents, or now by the retention) leave the
		// table's live pages; PostgreSQL does not zero what VACUUM frees, see
		// docs/operations.md.
		s.Vacuum(ctx, "responses", "share_codes", "deleted_tokens")
	}
	return total, nil
}
