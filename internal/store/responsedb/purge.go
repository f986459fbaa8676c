package responsedb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// The purge walks the responses in the order of their ids, which is random (so a walk says
// nothing about arrival), reading a page of ids and days at a time from the read pool, and
// deletes the old ones of each page in a short write of its own. No index on the day is kept
// (every index in random order costs a page write per submission), and no statement scans
// the table while holding the writer: each write deletes at most purgeBatch rows by their
// primary key. Between writes the purge waits as long as the last one took, so the writer is
// free for submissions at least half the time, however large the purge.
const (
	purgeWalk  = 1000 // ids read per page of the walk
	purgeBatch = 200  // rows deleted per write
)

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
	after := ""
	for {
		old, last, err := db.oldIDs(ctx, after, cutoff)
		if err != nil {
			return total, err
		}
		for len(old) > 0 {
			n := min(len(old), purgeBatch)
			start := time.Now()
			deleted, err := db.deleteIDs(ctx, old[:n])
			total += deleted
			if err != nil {
				return total, err
			}
			old = old[n:]
			if err := pause(ctx, time.Since(start)); err != nil {
				return total, err
			}
		}
		if last == "" {
			break
		}
		after = last
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

// oldIDs reads the next page of the walk, the ids after after: those older than cutoff, and
// the page's last id ("" at the end of the table).
func (db *DB) oldIDs(ctx context.Context, after, cutoff string) (old []string, last string, err error) {
	rows, err := db.st.ReadDB().QueryContext(ctx, `/* responsedb.Purge */ select id, day from responses
		where id > ? order by id limit ?`, after, purgeWalk)
	if err != nil && db.st.Closed() {
		return nil, "", store.ErrClosed
	}
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, day string
		if err := rows.Scan(&id, &day); err != nil {
			return nil, "", err
		}
		if day < cutoff {
			old = append(old, id)
		}
		last = id
		n++
	}
	if n < purgeWalk {
		last = ""
	}
	return old, last, rows.Err()
}

// deleteIDs deletes responses by id in one write (share codes and grants go with them), and
// says how many there were (a person may have deleted one meanwhile).
func (db *DB) deleteIDs(ctx context.Context, ids []string) (int, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := `/* responsedb.Purge */ delete from responses where id in (?` + strings.Repeat(",?", len(ids)-1) + `)`
	var n int64
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// pause waits as long as the last write took, so submissions get the writer in between.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
