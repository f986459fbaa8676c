package store

import (
	"context"
	"database/sql"
	"errors"
)

// CreateShareCode stores the hash of a new share code for the response a result token points
// to, replacing any code it had (one active code per response: the old one stops working, and
// so do the summaries it opened). The code is valid for days days counting today, through the
// end of the last one (UTC); only that day is kept, not the time it was made. It returns that
// last day, YYYY-MM-DD.
func (s *Store) CreateShareCode(ctx context.Context, resultToken string, codeHash []byte, days int) (string, error) {
	if days < 1 {
		return "", errors.New("a share code lasts at least a day")
	}
	expires := Day(s.Now().AddDate(0, 0, days-1))
	err := s.Write(ctx, func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRow(`/* Store.CreateShareCode */ select id from responses where token_hash = ?`+s.ForUpdate(),
			TokenHash(resultToken)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* Store.CreateShareCode */ delete from share_codes where response_id = ?`, id); err != nil {
			return err
		}
		// A random id, not the next number: ids in creation order could be matched with the
		// times in a proxy's log.
		_, err = tx.Exec(`/* Store.CreateShareCode */ insert into share_codes (id, response_id, code_hash, expires_on) values (?, ?, ?, ?)`,
			RandomRowID(), id, codeHash, expires)
		return err
	})
	if err != nil {
		return "", err
	}
	return expires, nil
}

// RevokeShareCode deletes the share code of the response a result token points to; summaries
// it opened close at once. Revoking when there is no code is not an error.
func (s *Store) RevokeShareCode(ctx context.Context, resultToken string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* Store.RevokeShareCode */ delete from share_codes where response_id =
			(select id from responses where token_hash = ?)`, TokenHash(resultToken))
		return err
	})
}

// ShareCodeExpiry is the last day of the response's active share code, or "" when it has none.
func (s *Store) ShareCodeExpiry(ctx context.Context, responseID string) (string, error) {
	var day string
	err := s.read.QueryRowContext(ctx, `/* Store.ShareCodeExpiry */ select expires_on from share_codes
		where response_id = ? and expires_on >= ?`, responseID, Day(s.Now())).Scan(&day)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return day, err
}

// purgeExpired deletes expired share codes (and the access they gave) and ended sessions.
func (s *Store) purgeExpired(ctx context.Context) error {
	now := s.Now()
	return s.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`/* Store.purgeExpired */ delete from share_codes where expires_on < ?`, Day(now)); err != nil {
			return err
		}
		_, err := tx.Exec(`/* Store.purgeExpired */ delete from sessions where created_at <= ? or last_seen_at <= ?`,
			now.Add(-SessionAbsolute).UTC().Format(TimeFormat), now.Add(-SessionIdle).UTC().Format(TimeFormat))
		return err
	})
}
