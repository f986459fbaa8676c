package staffdb

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// ErrSecretMismatch means the server secret is not the one the database was used with.
var ErrSecretMismatch = errors.New("the server secret does not match this database's")

// SecretFingerprint is what the database keeps of the server secret: an HMAC-SHA256 of a
// fixed string keyed with it. It tells two secrets apart and says nothing of either.
func SecretFingerprint(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ketascreen secret fingerprint v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckSecret records the secret's fingerprint on first use and afterwards returns
// ErrSecretMismatch for any other secret: share codes, sessions' device cookies and two-factor
// secrets made with one secret cannot be read with another, so an instance with the wrong one
// must not start.
func (db *DB) CheckSecret(ctx context.Context, secret []byte) error {
	want := SecretFingerprint(secret)
	var got string
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`/* staffdb.CheckSecret */ insert into meta (name, value) values ('secret_fingerprint', ?)
			on conflict (name) do nothing`, want); err != nil {
			return err
		}
		return tx.QueryRow(`/* staffdb.CheckSecret */ select value from meta where name = 'secret_fingerprint'`).Scan(&got)
	})
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return ErrSecretMismatch
	}
	return nil
}

// ForgetSecret records another secret after the one the database was used with was lost for
// good. What was made with the lost one cannot be read any more and is deleted, in one
// transaction with the new fingerprint and an audit row: share codes (and the summaries they
// opened), staff sessions and half-done sign-ins, two-factor secrets and recovery codes (staff
// who must use them enrol again), and the limits keyed with it. It returns how many share
// codes and two-factor set-ups it ended.
func (db *DB) ForgetSecret(ctx context.Context, secret []byte, by string) (codes, twoFactor int, err error) {
	err = db.st.Write(ctx, func(tx *sql.Tx) error {
		codes, twoFactor = 0, 0
		for _, q := range []struct {
			sql string
			n   *int
		}{
			{`/* staffdb.ForgetSecret */ delete from share_codes`, &codes},
			{`/* staffdb.ForgetSecret */ delete from staff_totp`, &twoFactor},
			{`/* staffdb.ForgetSecret */ delete from recovery_codes`, nil},
			{`/* staffdb.ForgetSecret */ delete from sessions`, nil},
			{`/* staffdb.ForgetSecret */ delete from signin_steps`, nil},
			{`/* staffdb.ForgetSecret */ delete from limit_slots`, nil},
			{`/* staffdb.ForgetSecret */ delete from limit_keys`, nil},
		} {
			res, err := tx.Exec(q.sql)
			if err != nil {
				return err
			}
			if q.n != nil {
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*q.n = int(n)
			}
		}
		if _, err := tx.Exec(`/* staffdb.ForgetSecret */ insert into meta (name, value) values ('secret_fingerprint', ?)
			on conflict (name) do update set value = excluded.value`, SecretFingerprint(secret)); err != nil {
			return err
		}
		return db.audit.AppendTx(tx, auditdb.Entry{Actor: by, Action: auditdb.ActionSecretReplaced, Outcome: auditdb.OutcomeOK,
			Detail: fmt.Sprintf("share_codes=%d two_factor=%d", codes, twoFactor)})
	})
	return codes, twoFactor, err
}
