package staffdb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
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

// TOTP is an account's secret, confirmed or being enrolled; store.ErrNotFound when it has none.
func (db *DB) TOTP(ctx context.Context, userID int64) (*TOTP, error) {
	t := TOTP{UserID: userID}
	var confirmed sql.NullString
	err := db.read.QueryRowContext(ctx, `/* staffdb.TOTP */ select secret, confirmed_at, last_step from staff_totp where user_id = ?`,
		userID).Scan(&t.Sealed, &confirmed, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t.Confirmed = confirmed.Valid
	return &t, nil
}

// StartTOTP stores a new sealed secret for an account that is enrolling, replacing one not
// confirmed yet; ErrTOTPEnrolled when a confirmed one exists.
func (db *DB) StartTOTP(ctx context.Context, userID int64, sealed []byte) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* staffdb.StartTOTP */ insert into staff_totp (user_id, secret) values (?, ?)
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
// transaction. store.ErrNotFound when nothing is being enrolled (confirmed already, or reset).
func (db *DB) ConfirmTOTP(ctx context.Context, userID, step int64, recoveryHashes [][]byte, e auditdb.Entry) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* staffdb.ConfirmTOTP */ update staff_totp set confirmed_at = ?, last_step = ?
			where user_id = ? and confirmed_at is null`, db.nowText(), step, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return store.ErrNotFound
		}
		if _, err := tx.Exec(`/* staffdb.ConfirmTOTP */ delete from recovery_codes where user_id = ?`, userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.Exec(`/* staffdb.ConfirmTOTP */ insert into recovery_codes (user_id, code_hash) values (?, ?)`, userID, h); err != nil {
				return err
			}
		}
		return db.audit.AppendTx(tx, e)
	})
}

// UseTOTPStep records that a code of the given time step was accepted. It reports false when
// a code of that step or a later one was accepted before: a replay, even one sent at the same
// moment from elsewhere (the conditional update lets only one through).
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	ok := false
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`/* staffdb.UseTOTPStep */ update staff_totp set last_step = ?
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
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, e auditdb.Entry) (bool, int, error) {
	ok, left := false, 0
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		ok, left = false, 0
		res, err := tx.Exec(`/* staffdb.UseRecoveryCode */ delete from recovery_codes where user_id = ? and code_hash = ?`, userID, hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		ok = true
		if err := tx.QueryRow(`/* staffdb.UseRecoveryCode */ select count(*) from recovery_codes where user_id = ?`, userID).Scan(&left); err != nil {
			return err
		}
		e.Detail = strings.TrimSpace(e.Detail + " remaining=" + strconv.Itoa(left))
		return db.audit.AppendTx(tx, e)
	})
	return ok, left, err
}

// RecoveryCodesLeft is how many unused recovery codes an account has.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `/* staffdb.RecoveryCodesLeft */ select count(*) from recovery_codes where user_id = ?`, userID).Scan(&n)
	return n, err
}

// ResetTOTP removes an account's two-factor secret and recovery codes, ends its sessions and
// half-done sign-ins, and writes the audit row: it enrols again at its next sign-in.
func (db *DB) ResetTOTP(ctx context.Context, email, by string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		u, err := userByEmailTx(tx, "ResetTOTP", email)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`/* staffdb.ResetTOTP */ delete from staff_totp where user_id = ?`,
			`/* staffdb.ResetTOTP */ delete from recovery_codes where user_id = ?`,
			`/* staffdb.ResetTOTP */ delete from sessions where user_id = ?`,
			`/* staffdb.ResetTOTP */ delete from signin_steps where user_id = ?`,
		} {
			if _, err := tx.Exec(q, u.ID); err != nil {
				return err
			}
		}
		return db.audit.AppendTx(tx, auditdb.Entry{UserID: u.ID, Actor: by, Action: auditdb.ActionTOTPReset, Outcome: auditdb.OutcomeOK})
	})
}
