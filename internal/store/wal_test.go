package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// orderFromWAL is what a person with a copy of the database and its -wal file learns of the
// order of submissions. Opening the copy gives every response id; those not in the database
// file alone are in the WAL, and the frame each first appears in (reading every frame of the
// file, stale or not) gives their order.
func orderFromWAL(t *testing.T, db, wal []byte) []string {
	t.Helper()
	if len(wal) < 32 {
		return nil
	}
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(copyPath, db, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyPath+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("select id from responses")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(db, []byte(id)) {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	pageSize := int(binary.BigEndian.Uint32(wal[8:12]))
	first := map[string]int{}
	for frame, off := 0, 32; off+24+pageSize <= len(wal); frame, off = frame+1, off+24+pageSize {
		for _, id := range ids {
			if _, ok := first[id]; !ok && bytes.Contains(wal[off+24:off+24+pageSize], []byte(id)) {
				first[id] = frame
			}
		}
	}
	var order []string
	for id := range first {
		order = append(order, id)
	}
	slices.SortFunc(order, func(a, b string) int { return first[a] - first[b] })
	return order
}

func readFiles(t *testing.T, path string) (db, wal []byte) {
	t.Helper()
	db, wal, err := copyFiles(path)
	if err != nil {
		t.Fatal(err)
	}
	return db, wal
}

// copyFiles reads the database file and its WAL (none is an empty WAL).
func copyFiles(path string) (db, wal []byte, err error) {
	wal, err = os.ReadFile(path + "-wal")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	db, err = os.ReadFile(path)
	return db, wal, err
}

// TestWALKeepsLittleOrder stores 40 responses one after the other and reads the files as an
// attacker would. Without checkpoints the WAL gives the whole order; with the writer's, at
// most the submissions since the last checkpoint, and nothing once it has been idle.
func TestWALKeepsLittleOrder(t *testing.T) {
	cases := []struct {
		name      string
		idle      time.Duration
		maxSubs   int
		maxFrames int64
		most      int // responses whose order may be recovered
	}{
		{"NoCheckpoints", time.Hour, 1 << 30, 1 << 40, 40},
		{"Bounds", time.Hour, store.WALSubmissions, 512, store.WALSubmissions},
		{"FewFrames", time.Hour, 1 << 30, 8, store.WALSubmissions},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "k.db")
			s := storetest.Open(t, store.Open, path)
			t.Cleanup(func() { s.Close() })
			responses := responsedb.New(s)
			store.SetWALPolicy(s, c.idle, c.maxSubs, c.maxFrames)
			var ids []string
			for i := range 40 {
				r := sample(i)
				if _, err := responses.CreateResponse(ctx, r); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
			// A copy taken between writes, as a backup or a stolen disk image would be: on the
			// writer, which acknowledges a batch before it checkpoints, so files read right
			// after the last submission could be read while a checkpoint copies pages.
			var db, wal []byte
			if err := s.Write(ctx, func(*sql.Tx) error {
				var err error
				db, wal, err = copyFiles(path)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			got := orderFromWAL(t, db, wal)
			t.Logf("%s: WAL %d bytes after 40 submissions, order of %d recovered", c.name, len(wal), len(got))
			if len(got) > c.most {
				t.Fatalf("the files give the order of %d submissions, want at most %d", len(got), c.most)
			}
			// What is recovered is true: the last submissions, in their order.
			if !slices.Equal(got, ids[len(ids)-len(got):]) {
				t.Fatalf("recovered %v, the last submissions were %v", got, ids[len(ids)-len(got):])
			}
			if c.name == "NoCheckpoints" && len(got) != 40 {
				t.Fatalf("without checkpoints the WAL gave %d of 40: the attack this guards against is not reproduced", len(got))
			}
		})
	}

	t.Run("Idle", func(t *testing.T) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "k.db")
		s := storetest.Open(t, store.Open, path)
		t.Cleanup(func() { s.Close() })
		responses := responsedb.New(s)
		for i := range 5 {
			if _, err := responses.CreateResponse(ctx, sample(i)); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			db, wal := readFiles(t, path)
			if len(wal) == 0 && len(orderFromWAL(t, db, wal)) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the WAL still holds %d bytes 5 s after the last write", len(wal))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
