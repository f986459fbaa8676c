package staffdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestSecretFingerprint: the first secret is recorded; the same one passes again (on another
// instance too), another is refused, and the database holds no trace of the secret itself.
func TestSecretFingerprint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		a, other := storetest.Open(t, store.Open, db), storetest.Open(t, store.Open, db)
		defer a.Close()
		defer other.Close()
		secret := []byte("the-first-secret-the-first-secret")
		if err := staffdb.New(a).CheckSecret(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := staffdb.New(other).CheckSecret(ctx, secret); err != nil {
			t.Fatalf("the same secret on another instance: %v", err)
		}
		if err := staffdb.New(other).CheckSecret(ctx, []byte("a-second-secret-a-second-secret!!")); !errors.Is(err, staffdb.ErrSecretMismatch) {
			t.Fatalf("another secret: %v, want ErrSecretMismatch", err)
		}
		var value string
		if err := storetest.Raw(t, db).QueryRow("select value from meta where name = 'secret_fingerprint'").Scan(&value); err != nil {
			t.Fatal(err)
		}
		if value != staffdb.SecretFingerprint(secret) || value == string(secret) {
			t.Errorf("stored %q", value)
		}
	})
}
