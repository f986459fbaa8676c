// Package staffdb keeps staff access: clinician and admin accounts, their sessions, sign-ins
// waiting for a second factor, two-factor (TOTP) secrets and recovery codes, the limits on
// tries (slots, keys and alarms), share codes redeemed by a clinician and the summaries they
// opened, and the server secret's fingerprint (checked at start; replaced when the secret is
// lost for good, ending everything made with it). The rules that decide what a try may do live
// in internal/access; this package only stores, and writes each action's audit row (package
// auditdb) in the same transaction as the action.
package staffdb

import (
	"database/sql"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// DB is staff access in a store.
type DB struct {
	st    *store.Store
	read  *sql.DB
	audit *auditdb.DB
}

// New is staff access in st.
func New(st *store.Store) *DB { return &DB{st: st, read: st.ReadDB(), audit: auditdb.New(st)} }

func (db *DB) nowText() string { return db.st.Now().UTC().Format(store.TimeFormat) }
