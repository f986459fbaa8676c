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
	"sort"
	"strconv"
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

// CreateResponse stores a scored response and bumps the aggregate counters in the same
// transaction. It fills r.ID and r.Day and returns the token for the person's result link.
// When it returns nil the response is on disk.
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
	week, month, err := Periods(r.Day)
	if err != nil {
		return "", err
	}
	keys := CountKeys(r)
	nr := &newResponse{
		args: []any{r.ID, TokenHash(token), r.Questionnaire, r.Version, r.Lang, r.Region,
			string(answers), string(scores), r.Band, string(flagsJSON), r.Day},
		counts: make([]counter, 0, 2*len(keys)),
	}
	for _, period := range []string{week, month} {
		for _, k := range keys {
			nr.counts = append(nr.counts, counter{period, r.Questionnaire, r.Version, r.Lang, r.Region, k.Metric, k.Key})
		}
	}
	// The writer inserts the row and adds the counters in the same transaction.
	if err := s.enqueue(ctx, &writeOp{create: nr, done: make(chan error, 1)}); err != nil {
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

// DeleteResponse removes the response a token points to and its contribution to the counters,
// leaving only the token's hash so its link can say the answers were deleted.
func (s *Store) DeleteResponse(ctx context.Context, token string) error {
	hash := TokenHash(token)
	err := s.Write(ctx, func(tx *sql.Tx) error {
		r, err := scanResponse(tx.QueryRow(`/* Store.DeleteResponse */ select `+responseColumns+
			` from responses where token_hash = ?`, hash))
		if err != nil {
			return err
		}
		if err := deleteResponse(tx, r); err != nil {
			return err
		}
		_, err = tx.Exec(`/* Store.DeleteResponse */ insert or ignore into deleted_tokens (token_hash, day) values (?, ?)`,
			hash, Day(s.Now()))
		return err
	})
	if err != nil {
		return err
	}
	s.forget(ctx)
	return nil
}

// deleteResponse removes a response row and takes it out of the counters. Other tables that
// point at responses (share codes) are cleared by their foreign keys.
func deleteResponse(tx *sql.Tx, r *Response) error {
	if _, err := tx.Exec(`/* Store.deleteResponse */ delete from responses where id = ?`, r.ID); err != nil {
		return err
	}
	return bumpCounts(tx, r, -1)
}

// Periods are the week and month a day falls in, the only granularities counters keep.
func Periods(day string) (week, month string, err error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "", "", err
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w), t.Format("2006-01"), nil
}

// CountKey is one counter a response adds to.
type CountKey struct{ Metric, Key string }

// CountKeys lists the counters a response adds one to.
func CountKeys(r *Response) []CountKey {
	keys := []CountKey{{"responses", ""}, {"band", r.Band}}
	for _, f := range r.Flags {
		keys = append(keys, CountKey{"flag", f})
	}
	items := make([]string, 0, len(r.Answers))
	for item := range r.Answers {
		items = append(items, item)
	}
	sort.Strings(items)
	for _, item := range items {
		for _, code := range r.Answers[item] {
			keys = append(keys, CountKey{"option", item + "=" + code})
		}
	}
	names := make([]string, 0, len(r.Scores))
	for name := range r.Scores {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		keys = append(keys, CountKey{"score", name + "=" + strconv.Itoa(r.Scores[name])})
	}
	return keys
}

// bumpCounts adds delta (+1 or -1) to every counter of the response, in its week and month.
func bumpCounts(tx *sql.Tx, r *Response, delta int) error {
	week, month, err := Periods(r.Day)
	if err != nil {
		return err
	}
	// Additions upsert; removals update, since SQLite checks n >= 0 on the row an upsert would
	// insert before it finds the conflict. A counter that drops to zero is removed.
	add, err := tx.Prepare(`/* Store.bumpCounts */ insert into counts
		(period, questionnaire, version, lang, region, metric, key, n) values (?, ?, ?, ?, ?, ?, ?, 1)
		on conflict do update set n = n + 1`)
	if err != nil {
		return err
	}
	defer add.Close()
	sub, err := tx.Prepare(`/* Store.bumpCounts */ update counts set n = n - 1 where period = ? and questionnaire = ?
		and version = ? and lang = ? and region = ? and metric = ? and key = ?`)
	if err != nil {
		return err
	}
	defer sub.Close()
	prune, err := tx.Prepare(`/* Store.bumpCounts */ delete from counts where period = ? and questionnaire = ?
		and version = ? and lang = ? and region = ? and metric = ? and key = ? and n = 0`)
	if err != nil {
		return err
	}
	defer prune.Close()
	for _, period := range []string{week, month} {
		for _, k := range CountKeys(r) {
			args := []any{period, r.Questionnaire, r.Version, r.Lang, r.Region, k.Metric, k.Key}
			if delta > 0 {
				if _, err := add.Exec(args...); err != nil {
					return err
				}
				continue
			}
			res, err := sub.Exec(args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("counter %s %s=%s is missing: counters and responses disagree", period, k.Metric, k.Key)
			}
			if _, err := prune.Exec(args...); err != nil {
				return err
			}
		}
	}
	return err
}
