package store

import (
	"context"
	"database/sql"
	"encoding/json"
)

// CreateResponses stores many responses at once, each with the Day it carries, and adds them
// to the counters in the same transaction. It is for synthetic data (ketascreen dev seed):
// counters are summed in memory first, so a batch of responses from the same weeks costs one
// update per counter rather than one per response. Tokens are made and thrown away.
func (s *Store) CreateResponses(ctx context.Context, rs []*Response) error {
	type counter struct{ period, q, v, lang, region, metric, key string }
	sums := map[counter]int64{}
	for _, r := range rs {
		r.ID = newID()
		week, month, err := Periods(r.Day)
		if err != nil {
			return err
		}
		for _, k := range CountKeys(r) {
			for _, p := range []string{week, month} {
				sums[counter{p, r.Questionnaire, r.Version, r.Lang, r.Region, k.Metric, k.Key}]++
			}
		}
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
		add, err := tx.Prepare(`/* Store.CreateResponses */ insert into counts
			(period, questionnaire, version, lang, region, metric, key, n) values (?, ?, ?, ?, ?, ?, ?, ?)
			on conflict do update set n = n + excluded.n`)
		if err != nil {
			return err
		}
		defer add.Close()
		for c, n := range sums {
			if _, err := add.Exec(c.period, c.q, c.v, c.lang, c.region, c.metric, c.key, n); err != nil {
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
