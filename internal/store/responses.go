package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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

// NewToken makes a result token: 256 random bits, URL-safe. Only its hash is stored.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return weak bytes)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsToken says whether s has the form of a token NewToken makes: 43 characters of URL-safe
// base64. Anything else is refused before the database is asked.
func IsToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TokenHash is what the database keeps of a token.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Day is the date, in UTC, kept with a response.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// CreateResponse stores a scored response. It fills r.ID and r.Day and returns the token for
// the person's result link. When it returns nil the response is durably committed. Nothing
// else is written: statistics are made from the rows once their week or month is over.
func (s *Store) CreateResponse(ctx context.Context, r *Response) (token string, err error) {
	token = NewToken()
	r.ID = newID()
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
	if s.d.postgres {
		if err := s.insertResponsePostgres(ctx, r.ID, args); err != nil {
			return "", err
		}
		return token, nil
	}
	if err := s.enqueue(ctx, &writeOp{create: &newResponse{args: args}, done: make(chan error, 1)}); err != nil {
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
			` from responses where token_hash = ?`+s.d.forUpdate, hash))
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
	s.forget(ctx)
	return nil
}

// deleteResponse removes a response row. Other tables that point at responses (share codes)
// are cleared by their foreign keys.
func deleteResponse(tx *sql.Tx, r *Response) error {
	_, err := tx.Exec(`/* Store.deleteResponse */ delete from responses where id = ?`, r.ID)
	return err
}
