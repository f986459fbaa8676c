// Package responsedb keeps what respondents leave: their responses (answers, scores, level,
// flags, language, region and the day, nothing that could identify them), the hashes of
// result tokens whose responses were deleted, and share codes. It deletes what the retention
// has passed (Purge) and stores synthetic responses for measuring (CreateResponses).
//
// A submission's row is inserted by the store's core (store.InsertResponse), which hides the
// order submissions came in; everything else here is plain SQL run through the core's write
// transactions and read pool. Redeeming a share code is staff access (package staffdb).
package responsedb

import (
	"database/sql"

	"github.com/ketascreen/ketascreen/internal/store"
)

// DB is the respondents' data in a store.
type DB struct {
	st   *store.Store
	read *sql.DB
}

// New is the respondents' data in st.
func New(st *store.Store) *DB { return &DB{st: st, read: st.ReadDB()} }
