package staffdb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// ClaimShareCode redeems a share code for one clinician: the first account to redeem a code
// holds it, and for any other account it is ErrCodeInvalid, as a wrong code is. The session
// may then open the summary; the redemption's audit row (filled with the response id) is
// written in the same transaction. It returns the response id.
//
// The holder is set by a conditional update, so two accounts redeeming at the same moment
// cannot both hold the code, in SQLite or PostgreSQL.
func (db *DB) ClaimShareCode(ctx context.Context, userID int64, sessionToken string, codeHash []byte, e auditdb.Entry) (string, error) {
	var responseID string
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		var codeID int64
		err := tx.QueryRow(`/* staffdb.ClaimShareCode */ select id, response_id from share_codes
			where code_hash = ? and expires_on >= ?`, codeHash, store.Day(db.st.Now())).Scan(&codeID, &responseID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrCodeInvalid
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(`/* staffdb.ClaimShareCode */ update share_codes set holder_id = ?
			where id = ? and (holder_id is null or holder_id = ?)`, userID, codeID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrCodeInvalid
		}
		if _, err := tx.Exec(`/* staffdb.ClaimShareCode */ insert into session_grants (session_hash, share_code_id)
			values (?, ?) on conflict do nothing`, store.TokenHash(sessionToken), codeID); err != nil {
			return err
		}
		e.UserID, e.ResponseID = userID, responseID
		return db.audit.AppendTx(tx, e)
	})
	if err != nil {
		return "", err
	}
	return responseID, nil
}
