package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
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
func (s *Store) StartSignInStep(ctx context.Context, userID int64, stage Stage) (string, error) {
	token := NewToken()
	err := s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`/* Store.StartSignInStep */ insert into signin_steps (token_hash, user_id, stage, created_at)
			values (?, ?, ?, ?)`, TokenHash(token), userID, string(stage), s.nowText())
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SignInStep is the enabled account and the stage of a half-done sign-in still within its
// lifetime; otherwise ErrNotFound.
func (s *Store) SignInStep(ctx context.Context, token string) (*User, Stage, error) {
	if token == "" {
		return nil, "", ErrNotFound
	}
	var stage, created string
	u, err := scanUser(s.read.QueryRowContext(ctx, `/* Store.SignInStep */ select `+userColumns+`, p.stage, p.created_at
		from signin_steps p join users u on u.id = p.user_id where p.token_hash = ? and not u.disabled`,
		TokenHash(token)), &stage, &created)
	if err != nil {
		return nil, "", err
	}
	if s.Now().Sub(ParseTime(created)) >= SignInStepLifetime {
		return nil, "", ErrNotFound
	}
	return u, Stage(stage), nil
}

// FinishSignIn ends a half-done sign-in and starts the account's session in one transaction,
// so a step is used once, and writes the audit rows. It returns the session's token.
func (s *Store) FinishSignIn(ctx context.Context, stepToken string, u *User, oldSession string, entries ...AuditEntry) (string, error) {
	token := NewToken()
	err := s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* Store.FinishSignIn */ delete from signin_steps where token_hash = ? and user_id = ? and created_at > ?`,
			TokenHash(stepToken), u.ID, s.Now().Add(-SignInStepLifetime).UTC().Format(TimeFormat))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrNotFound
		}
		if err := s.createSession(tx, u, token, oldSession); err != nil {
			return err
		}
		for _, e := range entries {
			if err := s.audit(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return "", err
	}
	if err != nil {
		return "", err
	}
	return token, nil
}
