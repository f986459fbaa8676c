package staffdb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
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
func (db *DB) CreateSession(ctx context.Context, u *User, oldToken string, e auditdb.Entry) (string, error) {
	token := store.NewToken()
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		if err := db.createSession(tx, u, token, oldToken); err != nil {
			return err
		}
		return db.audit.AppendTx(tx, e)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// createSession stores a new session inside a caller's transaction, ending the browser's
// previous one.
func (db *DB) createSession(tx *sql.Tx, u *User, token, oldToken string) error {
	if oldToken != "" {
		if _, err := tx.Exec(`/* staffdb.CreateSession */ delete from sessions where id_hash = ?`, store.TokenHash(oldToken)); err != nil {
			return err
		}
	}
	now := db.nowText()
	_, err := tx.Exec(`/* staffdb.CreateSession */ insert into sessions (id_hash, user_id, created_at, last_seen_at)
		values (?, ?, ?, ?)`, store.TokenHash(token), u.ID, now, now)
	return err
}

// SessionUser is the enabled account a session token belongs to, while the session is within
// both timeouts; otherwise store.ErrNotFound. It records the request for the idle timeout.
func (db *DB) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, store.ErrNotFound
	}
	hash := store.TokenHash(token)
	var created, seen string
	u, err := scanUser(db.read.QueryRowContext(ctx, `/* staffdb.SessionUser */ select `+userColumns+`,
		s.created_at, s.last_seen_at from sessions s join users u on u.id = s.user_id
		where s.id_hash = ? and not u.disabled`, hash), &created, &seen)
	if err != nil {
		return nil, err
	}
	now := db.st.Now()
	if now.Sub(store.ParseTime(created)) >= SessionAbsolute || now.Sub(store.ParseTime(seen)) >= SessionIdle {
		// Ended: remove it now rather than wait for the purge.
		_ = db.st.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`/* staffdb.SessionUser */ delete from sessions where id_hash = ?`, hash)
			return err
		})
		return nil, store.ErrNotFound
	}
	if now.Sub(store.ParseTime(seen)) >= touchEvery {
		err := db.st.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`/* staffdb.SessionUser */ update sessions set last_seen_at = ? where id_hash = ?`, db.nowText(), hash)
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
func (db *DB) EndSession(ctx context.Context, token string, e *auditdb.Entry) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* staffdb.EndSession */ delete from sessions where id_hash = ?`, store.TokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if e != nil {
			return db.audit.AppendTx(tx, *e)
		}
		return nil
	})
}

// PurgeSessions deletes ended sessions (and the summaries they opened). The daily job runs it
// after the purge of responses.
func (db *DB) PurgeSessions(ctx context.Context) error {
	now := db.st.Now()
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* staffdb.PurgeSessions */ delete from sessions where created_at <= ? or last_seen_at <= ?`,
			now.Add(-SessionAbsolute).UTC().Format(store.TimeFormat), now.Add(-SessionIdle).UTC().Format(store.TimeFormat))
		return err
	})
}

// ErrCodeInvalid means no active share code has that hash: wrong, expired or revoked.
var ErrCodeInvalid = errors.New("no such share code")

// CanView reports whether a session redeemed a still-valid code for the response.
func (db *DB) CanView(ctx context.Context, sessionToken, responseID string) (bool, error) {
	if !store.Storable(responseID) {
		return false, nil
	}
	var n int
	err := db.read.QueryRowContext(ctx, `/* staffdb.CanView */ select count(*) from session_grants g
		join share_codes c on c.id = g.share_code_id
		where g.session_hash = ? and c.response_id = ? and c.expires_on >= ?`,
		store.TokenHash(sessionToken), responseID, store.Day(db.st.Now())).Scan(&n)
	return n > 0, err
}
