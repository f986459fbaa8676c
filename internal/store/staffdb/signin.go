package staffdb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// SignInStepLifetime is how long a half-done sign-in waits for its second factor.
const SignInStepLifetime = 10 * time.Minute

// Stage is what a half-done sign-in waits for.
type Stage string

// Stages of a sign-in after the password.
const (
	StageCode  Stage = "code"  // a TOTP or recovery code
	StageEnrol Stage = "enrol" // two-factor enrolment, then a first code
)

// StartSignInStep stores a half-done sign-in (the password was right) and returns its token
// (256 random bits); only its hash is stored.
func (db *DB) StartSignInStep(ctx context.Context, userID int64, stage Stage) (string, error) {
	token := store.NewToken()
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* staffdb.StartSignInStep */ insert into signin_steps (token_hash, user_id, stage, created_at)
			values (?, ?, ?, ?)`, store.TokenHash(token), userID, string(stage), db.nowText())
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SignInStep is the enabled account and the stage of a half-done sign-in still within its
// lifetime; otherwise store.ErrNotFound.
func (db *DB) SignInStep(ctx context.Context, token string) (*User, Stage, error) {
	if token == "" {
		return nil, "", store.ErrNotFound
	}
	var stage, created string
	u, err := scanUser(db.read.QueryRowContext(ctx, `/* staffdb.SignInStep */ select `+userColumns+`, p.stage, p.created_at
		from signin_steps p join users u on u.id = p.user_id where p.token_hash = ? and not u.disabled`,
		store.TokenHash(token)), &stage, &created)
	if err != nil {
		return nil, "", err
	}
	if db.st.Now().Sub(store.ParseTime(created)) >= SignInStepLifetime {
		return nil, "", store.ErrNotFound
	}
	return u, Stage(stage), nil
}

// FinishSignIn ends a half-done sign-in and starts the account's session in one transaction,
// so a step is used once, and writes the audit rows. It returns the session's token.
func (db *DB) FinishSignIn(ctx context.Context, stepToken string, u *User, oldSession string, entries ...auditdb.Entry) (string, error) {
	token := store.NewToken()
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* staffdb.FinishSignIn */ delete from signin_steps where token_hash = ? and user_id = ? and created_at > ?`,
			store.TokenHash(stepToken), u.ID, db.st.Now().Add(-SignInStepLifetime).UTC().Format(store.TimeFormat))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return store.ErrNotFound
		}
		if err := db.createSession(tx, u, token, oldSession); err != nil {
			return err
		}
		for _, e := range entries {
			if err := db.audit.AppendTx(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if err != nil {
		return "", err
	}
	return token, nil
}
