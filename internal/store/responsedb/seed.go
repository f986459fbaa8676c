package responsedb

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/ketascreen/ketascreen/internal/store"
)

// CreateResponses stores many responses at once, each with the Day it carries, in one
// transaction. It is for synthetic data (ketascreen dev seed). Tokens are made and thrown away.
func (db *DB) CreateResponses(ctx context.Context, rs []*Response) error {
	for _, r := range rs {
		r.ID = store.NewID()
	}
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		ins, err := tx.Prepare(`/* responsedb.CreateResponses */ insert into responses
			(id, token_hash, questionnaire, version, lang, region, answers, scores, band, flags, day)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range rs {
			answers, _ := json.Marshal(r.Answers)
			scores, _ := json.Marshal(r.Scores)
			flags := r.Flags
			if flags == nil {
				flags = []string{}
			}
			flagsJSON, _ := json.Marshal(flags)
			if _, err := ins.Exec(r.ID, store.TokenHash(store.NewToken()), r.Questionnaire, r.Version, r.Lang, r.Region,
				string(answers), string(scores), r.Band, string(flagsJSON), r.Day); err != nil {
				return err
			}
		}
		return nil
	})
}

// CountResponses is how many raw responses the database holds.
func (db *DB) CountResponses(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `/* responsedb.CountResponses */ select count(*) from responses`).Scan(&n)
	return n, err
}
