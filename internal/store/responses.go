package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Response is one person's stored answers and what they scored. It holds nothing that could
// identify the person: no address, no browser, no time finer than the day.
type Response struct {
	ID            string
	Questionnaire string
	Version       string
	Lang          string
	Region        string
	Answers       questionnaire.Answers
	Scores        map[string]int
	Band          string
	Flags         []string
	Day           string // YYYY-MM-DD
}

// CreateResponse stores a scored response. It fills r.ID and r.Day and returns the token for
// the person's result link. When it returns nil the response is durably committed. Nothing
// else is written: statistics are made from the rows once their week or month is over.
func (s *Store) CreateResponse(ctx context.Context, r *Response) (token string, err error) {
	token = NewToken()
	r.ID = NewID()
	r.Day = Day(s.Now())
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return "", err
	}
	scores, err := json.Marshal(r.Scores)
	if err != nil {
		return "", err
	}
	flags := r.Flags
	if flags == nil {
		flags = []string{}
	}
	flagsJSON, _ := json.Marshal(flags)
	args := []any{r.ID, TokenHash(token), r.Questionnaire, r.Version, r.Lang, r.Region,
		string(answers), string(scores), r.Band, string(flagsJSON), r.Day}
	if err := s.InsertResponse(ctx, r.ID, args); err != nil {
		return "", err
	}
	return token, nil
}

const responseColumns = `id, questionnaire, version, lang, region, answers, scores, band, flags, day`

func scanResponse(row interface{ Scan(...any) error }) (*Response, error) {
	var r Response
	var answers, scores, flags string
	err := row.Scan(&r.ID, &r.Questionnaire, &r.Version, &r.Lang, &r.Region, &answers, &scores, &r.Band, &flags, &r.Day)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := errors.Join(json.Unmarshal([]byte(answers), &r.Answers), json.Unmarshal([]byte(scores), &r.Scores),
		json.Unmarshal([]byte(flags), &r.Flags)); err != nil {
		return nil, fmt.Errorf("response %s is damaged: %w", r.ID, err)
	}
	return &r, nil
}

// ResponseByToken finds the response a result link points to.
func (s *Store) ResponseByToken(ctx context.Context, token string) (*Response, error) {
	row := s.read.QueryRowContext(ctx, `/* Store.ResponseByToken */ select `+responseColumns+
		` from responses where token_hash = ?`, TokenHash(token))
	return scanResponse(row)
}

// ResponseByID finds a response by its internal id.
func (s *Store) ResponseByID(ctx context.Context, id string) (*Response, error) {
	row := s.read.QueryRowContext(ctx, `/* Store.ResponseByID */ select `+responseColumns+
		` from responses where id = ?`, id)
	return scanResponse(row)
}

// TokenDeleted reports whether a token's response was deleted by its owner.
func (s *Store) TokenDeleted(ctx context.Context, token string) (bool, error) {
	var one int
	err := s.read.QueryRowContext(ctx, `/* Store.TokenDeleted */ select 1 from deleted_tokens where token_hash = ?`,
		TokenHash(token)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// DeleteResponse removes the response a token points to, leaving only the token's hash so its
// link can say the answers were deleted. A response deleted before its period is released is in
// no statistics; a release already made stays as it is (it holds noisy totals, nothing of one
// person).
func (s *Store) DeleteResponse(ctx context.Context, token string) error {
	hash := TokenHash(token)
	err := s.Write(ctx, func(tx *sql.Tx) error {
		r, err := scanResponse(tx.QueryRow(`/* Store.DeleteResponse */ select `+responseColumns+
			` from responses where token_hash = ?`+s.ForUpdate(), hash))
		if err != nil {
			return err
		}
		if err := deleteResponse(tx, r); err != nil {
			return err
		}
		_, err = tx.Exec(`/* Store.DeleteResponse */ insert into deleted_tokens (token_hash, day) values (?, ?)
			on conflict do nothing`,
			hash, Day(s.Now()))
		return err
	})
	if err != nil {
		return err
	}
	s.ForgetDeleted(ctx)
	return nil
}

// deleteResponse removes a response row. Other tables that point at responses (share codes)
// are cleared by their foreign keys.
func deleteResponse(tx *sql.Tx, r *Response) error {
	_, err := tx.Exec(`/* Store.deleteResponse */ delete from responses where id = ?`, r.ID)
	return err
}
