package store_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// scanned is what a reader of the table sees: a plain select (a sequential scan, the order
// pg_dump writes too) with each row's transaction id.
type scanned struct {
	ids  []string          // in the order the scan gives them
	xmin map[string]string // each row's transaction id
}

func scanResponses(t *testing.T, db *sql.DB) scanned {
	t.Helper()
	rows, err := db.Query("select id, xmin::text from responses")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	s := scanned{xmin: map[string]string{}}
	for rows.Next() {
		var id, x string
		if err := rows.Scan(&id, &x); err != nil {
			t.Fatal(err)
		}
		s.ids = append(s.ids, id)
		s.xmin[id] = x
	}
	return s
}

// alone are the rows that have a transaction to themselves: their place in the order of
// arrival is exact, as transaction ids grow with time.
func (s scanned) alone() []string {
	n := map[string]int{}
	for _, x := range s.xmin {
		n[x]++
	}
	var out []string
	for _, id := range s.ids {
		if n[s.xmin[id]] == 1 {
			out = append(out, id)
		}
	}
	return out
}

// inArrivalOrder counts the neighbours in the scan that also came one after the other.
func inArrivalOrder(scan, arrival []string) int {
	pos := map[string]int{}
	for i, id := range arrival {
		pos[id] = i
	}
	n := 0
	for i := 1; i < len(scan); i++ {
		if pos[scan[i]] == pos[scan[i-1]]+1 {
			n++
		}
	}
	return n
}

// TestRegroupHidesArrival stores 40 responses one after the other on PostgreSQL and reads the
// table as a reader of the database (or of a pg_dump) would. Without regrouping, the scan and
// the transaction ids both give the whole order; with it, only the rows since the last
// rewrite are alone in their transaction, and once the store has been idle no row is.
func TestRegroupHidesArrival(t *testing.T) {
	for _, c := range []struct {
		name        string
		idle        time.Duration
		every       int
		mostAlone   int // rows whose place may be exact
		mostInOrder int // scan neighbours that arrived one after the other
	}{
		{"Off", time.Hour, 1 << 30, 40, 39},
		{"Bounds", time.Hour, 16, 16, 39},
		{"Idle", 250 * time.Millisecond, 16, 0, 8}, // about 1 by chance
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Postgres.New(t)
			s := storetest.Open(t, store.Open, db)
			t.Cleanup(func() { s.Close() })
			responses := responsedb.New(s)
			store.SetRegroupPolicy(s, c.idle, c.every, 128)
			var arrival []string
			for i := range 40 {
				r := sample(i)
				if _, err := responses.CreateResponse(ctx, r); err != nil {
					t.Fatal(err)
				}
				arrival = append(arrival, r.ID)
			}
			raw := storetest.Raw(t, db)
			var got scanned
			// Rewrites run beside the submissions: a moment after the last one, the bound holds.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				got = scanResponses(t, raw)
				if len(got.alone()) <= c.mostAlone || time.Now().After(deadline) {
					break
				}
			}
			alone, ordered := got.alone(), inArrivalOrder(got.ids, arrival)
			t.Logf("%s: %d of 40 rows alone in their transaction, %d of 39 scan neighbours in arrival order", c.name, len(alone), ordered)
			if len(got.ids) != 40 {
				t.Fatalf("%d rows", len(got.ids))
			}
			if len(alone) > c.mostAlone || ordered > c.mostInOrder {
				t.Fatalf("%d rows alone (at most %d), %d neighbours in order (at most %d)", len(alone), c.mostAlone, ordered, c.mostInOrder)
			}
			// Rows alone in their transaction are the last ones, in their order.
			if !slices.Equal(alone, arrival[40-len(alone):]) {
				t.Errorf("rows alone: %v, the last arrivals: %v", alone, arrival[40-len(alone):])
			}
			if c.name == "Off" && (len(alone) != 40 || ordered != 39) {
				t.Fatalf("without regrouping a scan gave %d rows alone and %d in order: the attack is not reproduced", len(alone), ordered)
			}
		})
	}
}

// scanKeys is a table's rows as a plain select gives them, by key (as text), with their
// transaction ids on PostgreSQL.
func scanKeys(t *testing.T, db *sql.DB, b storetest.Backend, query string) scanned {
	t.Helper()
	if b == storetest.SQLite {
		query = strings.Replace(query, ", xmin::text", ", ''", 1)
	}
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	s := scanned{xmin: map[string]string{}}
	for rows.Next() {
		var key, x string
		if err := rows.Scan(&key, &x); err != nil {
			t.Fatal(err)
		}
		s.ids = append(s.ids, key)
		s.xmin[key] = x
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// Share codes and deleted tokens are written by a person's action too: a reader of either table
// learns neither the order they came in nor, on PostgreSQL, which came alone in its transaction.
// SQLite keeps them in the order of their random keys; PostgreSQL regroups them with the
// responses.
func TestRegroupShareCodesAndDeletedTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		s := storetest.Open(t, store.Open, db)
		t.Cleanup(func() { s.Close() })
		if b == storetest.Postgres {
			store.SetRegroupPolicy(s, 250*time.Millisecond, 16, 128)
		}
		responses := responsedb.New(s)
		var tokens []string
		for i := range 60 {
			token, err := responses.CreateResponse(ctx, sample(i))
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, token)
		}
		var codes, deleted []string
		for i, token := range tokens[:30] {
			hash := store.TokenHash(fmt.Sprint("code ", i)) // random, as a code's HMAC
			if _, err := responses.CreateShareCode(ctx, token, hash, 30); err != nil {
				t.Fatal(err)
			}
			codes = append(codes, hex.EncodeToString(hash))
		}
		for _, token := range tokens[30:] {
			if err := responses.DeleteResponse(ctx, token); err != nil {
				t.Fatal(err)
			}
			deleted = append(deleted, hex.EncodeToString(store.TokenHash(token)))
		}
		raw := storetest.Raw(t, db)
		for _, c := range []struct {
			name, query string
			arrival     []string
		}{
			{"share_codes", "select encode(code_hash, 'hex'), xmin::text from share_codes", codes},
			{"deleted_tokens", "select encode(token_hash, 'hex'), xmin::text from deleted_tokens", deleted},
		} {
			query := c.query
			if b == storetest.SQLite {
				query = strings.NewReplacer("encode(code_hash, 'hex')", "lower(hex(code_hash))",
					"encode(token_hash, 'hex')", "lower(hex(token_hash))").Replace(query)
			}
			var got scanned
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				got = scanKeys(t, raw, b, query)
				if b == storetest.SQLite || len(got.alone()) == 0 || time.Now().After(deadline) {
					break
				}
			}
			ordered := inArrivalOrder(got.ids, c.arrival)
			t.Logf("%s: %d of %d rows alone in their transaction, %d scan neighbours in arrival order", c.name, len(got.alone()), len(got.ids), ordered)
			if len(got.ids) != 30 {
				t.Fatalf("%s: %d rows, want 30", c.name, len(got.ids))
			}
			if b == storetest.Postgres && len(got.alone()) > 0 {
				t.Errorf("%s: %d rows alone in their transaction once the store was idle", c.name, len(got.alone()))
			}
			if ordered > 8 { // about 1 by chance
				t.Errorf("%s: %d of 29 scan neighbours came one after the other", c.name, ordered)
			}
		}
	})
}
