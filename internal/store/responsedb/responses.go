package responsedb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
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
func (db *DB) CreateResponse(ctx context.Context, r *Response) (token string, err error) {
	token = store.NewToken()
	r.ID = store.NewID()
	r.Day = store.Day(db.st.Now())
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
	args := []any{r.ID, store.TokenHash(token), r.Questionnaire, r.Version, r.Lang, r.Region,
		string(answers), string(scores), r.Band, string(flagsJSON), r.Day}
	if err := db.st.InsertResponse(ctx, r.ID, args); err != nil {
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
		return nil, store.ErrNotFound
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
func (db *DB) ResponseByToken(ctx context.Context, token string) (*Response, error) {
	row := db.read.QueryRowContext(ctx, `/* responsedb.ResponseByToken */ select `+responseColumns+
		` from responses where token_hash = ?`, store.TokenHash(token))
	return scanResponse(row)
}

// ResponseByID finds a response by its internal id.
func (db *DB) ResponseByID(ctx context.Context, id string) (*Response, error) {
	if !store.Storable(id) {
		return nil, store.ErrNotFound
	}
	row := db.read.QueryRowContext(ctx, `/* responsedb.ResponseByID */ select `+responseColumns+
		` from responses where id = ?`, id)
	return scanResponse(row)
}

// TokenDeleted reports whether a token's response was deleted by its owner.
func (db *DB) TokenDeleted(ctx context.Context, token string) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `/* responsedb.TokenDeleted */ select 1 from deleted_tokens where token_hash = ?`,
		store.TokenHash(token)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// EachResponse calls fn with every stored response of a questionnaire made from one day to
// another (inclusive), in no particular order, from one read transaction.
func (db *DB) EachResponse(ctx context.Context, questionnaire, from, to string, fn func(*Response) error) error {
	if !store.Storable(questionnaire + from + to) {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, `/* responsedb.EachResponse */ select `+responseColumns+
		` from responses where questionnaire = ? and day >= ? and day <= ?`, questionnaire, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanResponse(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeleteResponse removes the response a token points to, leaving only the token's hash so its
// link can say the answers were deleted. A response deleted before its period is released is in
// no statistics; a release already made stays as it is (it holds noisy totals, nothing of one
// person).
func (db *DB) DeleteResponse(ctx context.Context, token string) error {
	hash := store.TokenHash(token)
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		r, err := scanResponse(tx.QueryRow(`/* responsedb.DeleteResponse */ select `+responseColumns+
			` from responses where token_hash = ?`+db.st.ForUpdate(), hash))
		if err != nil {
			return err
		}
		if err := deleteResponse(tx, r); err != nil {
			return err
		}
		_, err = tx.Exec(`/* responsedb.DeleteResponse */ insert into deleted_tokens (token_hash, day) values (?, ?)
			on conflict do nothing`,
			hash, store.Day(db.st.Now()))
		return err
	})
	if err != nil {
		return err
	}
	db.st.RegroupRow("deleted_tokens", hash)
	db.st.ForgetDeleted(ctx)
	return nil
}

// deleteResponse removes a response row. Other tables that point at responses (share codes)
// are cleared by their foreign keys.
func deleteResponse(tx *sql.Tx, r *Response) error {
	_, err := tx.Exec(`/* responsedb.deleteResponse */ delete from responses where id = ?`, r.ID)
	return err
}
