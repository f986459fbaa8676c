package statsview

import (
	"sync"
	"testing"
)

func TestDecodeReleaseCache(t *testing.T) {
	a := `{"mechanism":"gaussian","epsilon":1,"values":[[1,2,3]]}`
	b := `{"mechanism":"gaussian","epsilon":0.5,"values":[[4,5,6]]}`
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := a
			if i%2 == 1 {
				body = b
			}
			f, err := decodeRelease(body)
			if err != nil {
				t.Error(err)
				return
			}
			if want := int64(1 + 3*(i%2)); f.Values[0][0] != want {
				t.Errorf("decoded %v from %s, want first value %d", f.Values, body, want)
			}
			got[i] = f
		}()
	}
	wg.Wait()
	f1, _ := decodeRelease(a)
	f2, _ := decodeRelease(a)
	if f1 != f2 {
		t.Error("the same stored release was decoded twice")
	}
	if f1.Epsilon != 1 {
		t.Errorf("epsilon %v, want 1", f1.Epsilon)
	}
	for _, bad := range []string{`{"values":[[1,`, `not json`, ``} {
		if _, err := decodeRelease(bad); err == nil {
			t.Errorf("damaged release %q decoded without an error", bad)
		}
	}
}
