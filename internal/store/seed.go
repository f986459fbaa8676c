package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// CreateResponses stores many responses at once, each with the Day it carries, in one
// transaction. It is for synthetic data (ketascreen dev seed). Tokens are made and thrown away.
func (s *Store) CreateResponses(ctx context.Context, rs []*Response) error {
	for _, r := range rs {
		r.ID = NewID()
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		ins, err := tx.Prepare(`/* Store.CreateResponses */ insert into responses
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
			if _, err := ins.Exec(r.ID, TokenHash(NewToken()), r.Questionnaire, r.Version, r.Lang, r.Region,
				string(answers), string(scores), r.Band, string(flagsJSON), r.Day); err != nil {
				return err
			}
		}
		return nil
	})
}

// CountResponses is how many raw responses the database holds.
func (s *Store) CountResponses(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `/* Store.CountResponses */ select count(*) from responses`).Scan(&n)
	return n, err
}
