// Package releasedb keeps the statistics releases and their privacy-budget ledger, and reads
// the counters kept before releases existed. Package stats decides what a release holds and
// makes it; this package stores it and enforces, in the transaction that writes a batch, that a
// period is released once (unless released again on purpose) and never beyond its cap.
package releasedb

import (
	"database/sql"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// DB is the statistics releases in a store.
type DB struct {
	st    *store.Store
	read  *sql.DB
	audit *auditdb.DB
}

// New is the statistics releases in st.
func New(st *store.Store) *DB { return &DB{st: st, read: st.ReadDB(), audit: auditdb.New(st)} }
