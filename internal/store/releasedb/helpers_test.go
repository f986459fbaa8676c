package releasedb_test

import (
	"context"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
)

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
