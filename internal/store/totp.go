package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
)

// ErrTOTPEnrolled means the account already has a confirmed TOTP secret.
var ErrTOTPEnrolled = errors.New("two-factor sign-in is already set up")

// TOTP is an account's two-factor secret as stored: sealed (internal/access opens it).
type TOTP struct {
	UserID    int64
	Sealed    []byte
	Confirmed bool
	LastStep  int64 // the time step of the last code accepted
}

// TOTP is an account's secret, confirmed or being enrolled; ErrNotFound when it has none.
func (s *Store) TOTP(ctx context.Context, userID int64) (*TOTP, error) {
	t := TOTP{UserID: userID}
	var confirmed sql.NullString
	err := s.read.QueryRowContext(ctx, `/* Store.TOTP */ select secret, confirmed_at, last_step from staff_totp where user_id = ?`,
		userID).Scan(&t.Sealed, &confirmed, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t.Confirmed = confirmed.Valid
	return &t, nil
}

// StartTOTP stores a new sealed secret for an account that is enrolling, replacing one not
// confirmed yet; ErrTOTPEnrolled when a confirmed one exists.
func (s *Store) StartTOTP(ctx context.Context, userID int64, sealed []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* Store.StartTOTP */ insert into staff_totp (user_id, secret) values (?, ?)
			on conflict (user_id) do update set secret = excluded.secret, last_step = 0
			where staff_totp.confirmed_at is null`, userID, sealed)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrTOTPEnrolled
		}
		return nil
	})
}

// ConfirmTOTP marks an enrolling account's secret confirmed by a first code of the given time
// step, replaces its recovery codes with the new hashes and writes the audit row, in one
// transaction. ErrNotFound when nothing is being enrolled (confirmed already, or reset).
func (s *Store) ConfirmTOTP(ctx context.Context, userID, step int64, recoveryHashes [][]byte, e AuditEntry) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* Store.ConfirmTOTP */ update staff_totp set confirmed_at = ?, last_step = ?
			where user_id = ? and confirmed_at is null`, s.nowText(), step, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrNotFound
		}
		if _, err := tx.Exec(`/* Store.ConfirmTOTP */ delete from recovery_codes where user_id = ?`, userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.Exec(`/* Store.ConfirmTOTP */ insert into recovery_codes (user_id, code_hash) values (?, ?)`, userID, h); err != nil {
				return err
			}
		}
		return s.audit(tx, e)
	})
}

// UseTOTPStep records that a code of the given time step was accepted. It reports false when
// a code of that step or a later one was accepted before: a replay, even one sent at the same
// moment from elsewhere (the conditional update lets only one through).
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	ok := false
	err := s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* Store.UseTOTPStep */ update staff_totp set last_step = ?
			where user_id = ? and confirmed_at is not null and last_step < ?`, step, userID, step)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	return ok, err
}

// UseRecoveryCode spends one recovery code: it reports whether the hash was one of the
// account's unused codes, and how many remain. Using it deletes it, once (the delete lets only
// one of two tries through), with e as its audit row.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, e AuditEntry) (bool, int, error) {
	ok, left := false, 0
	err := s.Write(ctx, func(tx *sql.Tx) error {
		ok, left = false, 0
		res, err := tx.Exec(`/* Store.UseRecoveryCode */ delete from recovery_codes where user_id = ? and code_hash = ?`, userID, hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		ok = true
		if err := tx.QueryRow(`/* Store.UseRecoveryCode */ select count(*) from recovery_codes where user_id = ?`, userID).Scan(&left); err != nil {
			return err
		}
		e.Detail = strings.TrimSpace(e.Detail + " remaining=" + strconv.Itoa(left))
		return s.audit(tx, e)
	})
	return ok, left, err
}

// RecoveryCodesLeft is how many unused recovery codes an account has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `/* Store.RecoveryCodesLeft */ select count(*) from recovery_codes where user_id = ?`, userID).Scan(&n)
	return n, err
}

// ResetTOTP removes an account's two-factor secret and recovery codes, ends its sessions and
// half-done sign-ins, and writes the audit row: it enrols again at its next sign-in.
func (s *Store) ResetTOTP(ctx context.Context, email, by string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRow(`/* Store.ResetTOTP */ select `+userColumns+` from users u where u.email = ?`,
			strings.TrimSpace(email)))
		if err != nil {
			return err
		}
		for _, q := range []string{
			`/* Store.ResetTOTP */ delete from staff_totp where user_id = ?`,
			`/* Store.ResetTOTP */ delete from recovery_codes where user_id = ?`,
			`/* Store.ResetTOTP */ delete from sessions where user_id = ?`,
			`/* Store.ResetTOTP */ delete from signin_steps where user_id = ?`,
		} {
			if _, err := tx.Exec(q, u.ID); err != nil {
				return err
			}
		}
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: ActionTOTPReset, Outcome: OutcomeOK})
	})
}
