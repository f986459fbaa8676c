package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestWriteAfterClose: writes after Close, and a second Close, return ErrClosed; writes racing
// Close either commit or return ErrClosed, and nothing panics.
func TestWriteAfterClose(t *testing.T) {
	storetest.Run(t, testWriteAfterClose)
}

func testWriteAfterClose(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s := storetest.Open(t, store.Open, b.New(t))
	rs := responsedb.New(s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, closed := 0, 0
	for i := range 50 {
		wg.Go(func() {
			for j := 0; ; j++ {
				_, err := rs.CreateResponse(ctx, sample(i+j))
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
		"Write": func() error { return s.Write(ctx, func(*sql.Tx) error { return nil }) },
		"Audit": func() error {
			return auditdb.New(s).Append(ctx, auditdb.Entry{Actor: "x", Action: "login", Outcome: "ok"})
		},
		"Purge":  func() error { _, err := rs.Purge(ctx, 30); return err },
		"Close":  s.Close,
		"Create": func() error { _, err := rs.CreateResponse(ctx, sample(1)); return err },
	} {
		if err := f(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}
