package responsedb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// The purge walks the whole table (several pages of the walk) and deletes exactly the
// responses older than the retention, in small writes, while submissions go on.
func TestPurgeWalksTheTable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		st, rs, c := openClocked(t, b)
		const n = 2600
		var batch []*responsedb.Response
		old := 0
		for i := range n {
			r := sample(i)
			age := i % 100 // days before now
			r.Day = store.Day(c.Now().AddDate(0, 0, -age))
			if age > 30 {
				old++
			}
			batch = append(batch, r)
		}
		if err := rs.CreateResponses(ctx, batch); err != nil {
			t.Fatal(err)
		}
		// Submissions while the purge runs are stored and never purged (they are today's).
		var wg sync.WaitGroup
		stop := make(chan struct{})
		submitted := 0
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := rs.CreateResponse(ctx, sample(submitted)); err != nil {
					t.Error(err)
					return
				}
				submitted++
				time.Sleep(time.Millisecond)
			}
		})
		deleted, err := rs.Purge(ctx, 30)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if deleted != old {
			t.Errorf("purged %d, want %d", deleted, old)
		}
		left, err := rs.CountResponses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(n - old + submitted); left != want {
			t.Errorf("%d responses left, want %d (%d submitted during the purge)", left, want, submitted)
		}
		var older int
		if err := st.ReadDB().QueryRowContext(ctx, `select count(*) from responses where day < ?`,
			store.Day(c.Now().AddDate(0, 0, -30))).Scan(&older); err != nil {
			t.Fatal(err)
		}
		if older != 0 {
			t.Errorf("%d responses older than the retention left", older)
		}
		if submitted == 0 {
			t.Error("no submission went through while the purge ran")
		}
	})
}
