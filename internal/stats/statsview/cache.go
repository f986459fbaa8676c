package statsview

import (
	"crypto/sha256"
	"encoding/json"
	"sync"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// maxDecoded bounds the decoded releases kept: ten years of weeks. A release decodes to about
// 10 KB, so the cache stays near 10 MB at most.
const maxDecoded = 530

// decodedReleases keeps releases already decoded, keyed by the SHA-256 of their stored JSON.
// A stored release never changes (a re-release is a new row), and the same bytes always decode
// to the same tables, so a dashboard page decodes each release once rather than on every view:
// decoding was two thirds of a page's CPU. Entries are never written to after they are stored.
var decodedReleases = struct {
	sync.Mutex
	m map[[sha256.Size]byte]*stats.Release
}{m: map[[sha256.Size]byte]*stats.Release{}}

// decodeRelease returns the tables a stored release's JSON holds, from the cache when it can.
// The result is shared: callers only read it.
func decodeRelease(body string) (*stats.Release, error) {
	key := sha256.Sum256([]byte(body))
	decodedReleases.Lock()
	f := decodedReleases.m[key]
	decodedReleases.Unlock()
	if f != nil {
		return f, nil
	}
	f = &stats.Release{}
	if err := json.Unmarshal([]byte(body), f); err != nil {
		return nil, err
	}
	decodedReleases.Lock()
	if len(decodedReleases.m) >= maxDecoded {
		clear(decodedReleases.m)
	}
	decodedReleases.m[key] = f
	decodedReleases.Unlock()
	return f, nil
}
