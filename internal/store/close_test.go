package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestWriteAfterClose: writes after Close, and a second Close, return ErrClosed; writes racing
// Close either commit or return ErrClosed, and nothing panics.
func TestWriteAfterClose(t *testing.T) {
	storetest.Run(t, testWriteAfterClose)
}

func testWriteAfterClose(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s := openStore(t, b.New(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, closed := 0, 0
	for i := range 50 {
		wg.Go(func() {
			for j := 0; ; j++ {
				_, err := s.CreateResponse(ctx, sample(i+j))
				mu.Lock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, store.ErrClosed):
					closed++
				default:
					t.Errorf("write racing Close: %v", err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if ok == 0 || closed != 50 {
		t.Fatalf("%d writes committed, %d writers stopped by ErrClosed; want some, and 50", ok, closed)
	}
	for name, f := range map[string]func() error{
		"Write":  func() error { return s.Write(ctx, func(*sql.Tx) error { return nil }) },
		"Audit":  func() error { return s.Audit(ctx, store.AuditEntry{Actor: "x", Action: "login", Outcome: "ok"}) },
		"Purge":  func() error { _, err := s.Purge(ctx, 30); return err },
		"Close":  s.Close,
		"Create": func() error { _, err := s.CreateResponse(ctx, sample(1)); return err },
	} {
		if err := f(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestPurgeDeletedTokens: the hash a deleted response leaves goes with the retention.
func TestPurgeDeletedTokens(t *testing.T) {
	storetest.Run(t, testPurgeDeletedTokens)
}

func testPurgeDeletedTokens(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s, c := openClocked(t, b)
	tok, err := s.CreateResponse(ctx, sample(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteResponse(ctx, tok); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		after   time.Duration
		deleted bool
	}{
		{29 * 24 * time.Hour, true},
		{2 * 24 * time.Hour, false}, // 31 days after the deletion, with a retention of 30
	} {
		c.advance(step.after)
		if _, err := s.Purge(ctx, 30); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenDeleted(ctx, tok); err != nil || got != step.deleted {
			t.Fatalf("TokenDeleted %v days on = %v, %v; want %v", c.now().Sub(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)).Hours()/24, got, err, step.deleted)
		}
	}
}
