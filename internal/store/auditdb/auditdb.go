// Package auditdb keeps the audit log: an append-only record of what staff do (sign-ins,
// redemptions, summaries opened, exports, accounts changed) and of what the program does on
// their behalf (statistics released again, a lost secret replaced). Refused tries are not
// written one row each: they are tallied per minute (audit_tally) and folded into the log once
// their minute is over, so a flood of requests cannot flood the log.
//
// Other table packages write their audit rows inside their own write transactions (AppendTx,
// TallyTx), so an action and its row commit together or not at all.
package auditdb

import (
	"database/sql"

	"github.com/ketascreen/ketascreen/internal/store"
)

// DB is the audit log in a store.
type DB struct {
	st   *store.Store
	read *sql.DB
}

// New is the audit log in st.
func New(st *store.Store) *DB { return &DB{st: st, read: st.ReadDB()} }
