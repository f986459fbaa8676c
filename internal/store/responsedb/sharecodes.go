package responsedb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ketascreen/ketascreen/internal/store"
)

// CreateShareCode stores the hash of a new share code for the response a result token points
// to, replacing any code it had (one active code per response: the old one stops working, and
// so do the summaries it opened). The code is valid for days days counting today, through the
// end of the last one (UTC); only that day is kept, not the time it was made. It returns that
// last day, YYYY-MM-DD.
func (db *DB) CreateShareCode(ctx context.Context, resultToken string, codeHash []byte, days int) (string, error) {
	if days < 1 {
		return "", errors.New("a share code lasts at least a day")
	}
	expires := store.Day(db.st.Now().AddDate(0, 0, days-1))
	var codeID int64
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRow(`/* responsedb.CreateShareCode */ select id from responses where token_hash = ?`+db.st.ForUpdate(),
			store.TokenHash(resultToken)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* responsedb.CreateShareCode */ delete from share_codes where response_id = ?`, id); err != nil {
			return err
		}
		// A random id, not the next number: ids in creation order could be matched with the
		// times in a proxy's log.
		codeID = store.RandomRowID()
		_, err = tx.Exec(`/* responsedb.CreateShareCode */ insert into share_codes (id, response_id, code_hash, expires_on) values (?, ?, ?, ?)`,
			codeID, id, codeHash, expires)
		return err
	})
	if err != nil {
		return "", err
	}
	db.st.RegroupRow("share_codes", codeID)
	return expires, nil
}

// RevokeShareCode deletes the share code of the response a result token points to; summaries
// it opened close at once. Revoking when there is no code is not an error.
func (db *DB) RevokeShareCode(ctx context.Context, resultToken string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* responsedb.RevokeShareCode */ delete from share_codes where response_id =
			(select id from responses where token_hash = ?)`, store.TokenHash(resultToken))
		return err
	})
}

// ShareCodeExpiry is the last day of the response's active share code, or "" when it has none.
func (db *DB) ShareCodeExpiry(ctx context.Context, responseID string) (string, error) {
	if !store.Storable(responseID) {
		return "", nil
	}
	var day string
	err := db.read.QueryRowContext(ctx, `/* responsedb.ShareCodeExpiry */ select expires_on from share_codes
		where response_id = ? and expires_on >= ?`, responseID, store.Day(db.st.Now())).Scan(&day)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return day, err
}

// purgeExpired deletes expired share codes (and the access they gave).
func (db *DB) purgeExpired(ctx context.Context) error {
	now := db.st.Now()
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* responsedb.purgeExpired */ delete from share_codes where expires_on < ?`, store.Day(now))
		return err
	})
}
