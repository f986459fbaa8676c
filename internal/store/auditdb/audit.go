package auditdb

import (
	"context"
	"database/sql"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// Entry is one row of the append-only audit log of staff actions.
type Entry struct {
	ID         int64
	At         time.Time
	UserID     int64 // 0 when no account matched
	Actor      string
	Action     Action // one of the Action constants (actions.go)
	ResponseID string
	Outcome    Outcome // one of the Outcome constants
	Detail     string
	Count      int // how many tries the row stands for: 1, or a folded minute's count
}

// Append appends one row to the audit log, in its own transaction.
func (db *DB) Append(ctx context.Context, e Entry) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error { return db.AppendTx(tx, e) })
}

// AppendTx appends a row inside a caller's transaction, so an action and its audit row commit
// together.
func (db *DB) AppendTx(tx *sql.Tx, e Entry) error {
	// What was typed is kept as text both backends store, cut at a character.
	e.Actor, e.Detail = store.StorableText(e.Actor, 254), store.StorableText(e.Detail, 0)
	var uid any
	if e.UserID != 0 {
		uid = e.UserID
	}
	var rid any
	if e.ResponseID != "" {
		rid = e.ResponseID
	}
	at := e.At
	if at.IsZero() {
		at = db.st.Now()
	}
	n := max(e.Count, 1)
	_, err := tx.Exec(`/* auditdb.AppendTx */ insert into audit (at, user_id, actor, action, response_id, outcome, detail, n)
		values (?, ?, ?, ?, ?, ?, ?, ?)`, at.UTC().Format(time.RFC3339), uid, e.Actor, string(e.Action), rid, string(e.Outcome), e.Detail, n)
	return err
}
