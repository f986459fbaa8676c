package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Session timeouts (OWASP ASVS): a session ends after 30 minutes without a request, and 12
// hours after sign-in whatever happens.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	// touchEvery spares a write per request: last_seen_at moves at most once a minute, so the
	// idle timeout is exact to within a minute.
	touchEvery = time.Minute
)

// CreateSession signs an account in: it ends the session the browser had (if any), stores a
// new one and writes the login's audit row, in one transaction. It returns the new session's
// token (256 random bits) for the cookie; only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, u *User, oldToken string, e AuditEntry) (string, error) {
	token := NewToken()
	err := s.Write(ctx, func(tx *sql.Tx) error {
		if err := s.createSession(tx, u, token, oldToken); err != nil {
			return err
		}
		return s.audit(tx, e)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// createSession stores a new session inside a caller's transaction, ending the browser's
// previous one.
func (s *Store) createSession(tx *sql.Tx, u *User, token, oldToken string) error {
	if oldToken != "" {
		if _, err := tx.Exec(`/* Store.CreateSession */ delete from sessions where id_hash = ?`, TokenHash(oldToken)); err != nil {
			return err
		}
	}
	now := s.nowText()
	_, err := tx.Exec(`/* Store.CreateSession */ insert into sessions (id_hash, user_id, created_at, last_seen_at)
		values (?, ?, ?, ?)`, TokenHash(token), u.ID, now, now)
	return err
}

// SessionUser is the enabled account a session token belongs to, while the session is within
// both timeouts; otherwise ErrNotFound. It records the request for the idle timeout.
func (s *Store) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	hash := TokenHash(token)
	var created, seen string
	u, err := scanUser(s.read.QueryRowContext(ctx, `/* Store.SessionUser */ select `+userColumns+`,
		s.created_at, s.last_seen_at from sessions s join users u on u.id = s.user_id
		where s.id_hash = ? and not u.disabled`, hash), &created, &seen)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if now.Sub(ParseTime(created)) >= SessionAbsolute || now.Sub(ParseTime(seen)) >= SessionIdle {
		// Ended: remove it now rather than wait for the purge.
		_ = s.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`/* Store.SessionUser */ delete from sessions where id_hash = ?`, hash)
			return err
		})
		return nil, ErrNotFound
	}
	if now.Sub(ParseTime(seen)) >= touchEvery {
		err := s.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`/* Store.SessionUser */ update sessions set last_seen_at = ? where id_hash = ?`, s.nowText(), hash)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}

// EndSession signs out: the session is deleted (with the summaries it opened) and, when e is
// given, its audit row is written in the same transaction.
func (s *Store) EndSession(ctx context.Context, token string, e *AuditEntry) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* Store.EndSession */ delete from sessions where id_hash = ?`, TokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if e != nil {
			return s.audit(tx, *e)
		}
		return nil
	})
}

// PurgeSessions deletes ended sessions (and the summaries they opened). The daily job runs it
// after the purge of responses.
func (s *Store) PurgeSessions(ctx context.Context) error {
	now := s.Now()
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* Store.PurgeSessions */ delete from sessions where created_at <= ? or last_seen_at <= ?`,
			now.Add(-SessionAbsolute).UTC().Format(TimeFormat), now.Add(-SessionIdle).UTC().Format(TimeFormat))
		return err
	})
}

// ErrCodeInvalid means no active share code has that hash: wrong, expired or revoked.
var ErrCodeInvalid = errors.New("no such share code")

// CanView reports whether a session redeemed a still-valid code for the response.
func (s *Store) CanView(ctx context.Context, sessionToken, responseID string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `/* Store.CanView */ select count(*) from session_grants g
		join share_codes c on c.id = g.share_code_id
		where g.session_hash = ? and c.response_id = ? and c.expires_on >= ?`,
		TokenHash(sessionToken), responseID, Day(s.Now())).Scan(&n)
	return n > 0, err
}
