package responsedb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func TestDeleteUnknownToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		_, rs, _ := openClocked(t, b)
		if err := rs.DeleteResponse(context.Background(), store.NewToken()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
	})
}

// TestPurgeDeletedTokens: the hash a deleted response leaves goes with the retention.
func TestPurgeDeletedTokens(t *testing.T) {
	storetest.Run(t, testPurgeDeletedTokens)
}

func testPurgeDeletedTokens(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	_, rs, c := openClocked(t, b)
	tok, err := rs.CreateResponse(ctx, sample(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.DeleteResponse(ctx, tok); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		after   time.Duration
		deleted bool
	}{
		{29 * 24 * time.Hour, true},
		{2 * 24 * time.Hour, false}, // 31 days after the deletion, with a retention of 30
	} {
		c.Advance(step.after)
		if _, err := rs.Purge(ctx, 30); err != nil {
			t.Fatal(err)
		}
		if got, err := rs.TokenDeleted(ctx, tok); err != nil || got != step.deleted {
			t.Fatalf("TokenDeleted %v days on = %v, %v; want %v", c.Now().Sub(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)).Hours()/24, got, err, step.deleted)
		}
	}
}
