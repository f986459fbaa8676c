package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
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
func (s *Store) CheckSecret(ctx context.Context, secret []byte) error {
	want := SecretFingerprint(secret)
	var got string
	err := s.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`/* Store.CheckSecret */ insert into meta (name, value) values ('secret_fingerprint', ?)
			on conflict (name) do nothing`, want); err != nil {
			return err
		}
		return tx.QueryRow(`/* Store.CheckSecret */ select value from meta where name = 'secret_fingerprint'`).Scan(&got)
	})
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return ErrSecretMismatch
	}
	return nil
}
