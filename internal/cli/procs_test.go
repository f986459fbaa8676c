package cli

import (
	"runtime"
	"testing"
)

func TestAtLeastTwoProcs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	none := func(string) string { return "" }
	runtime.GOMAXPROCS(1)
	atLeastTwoProcs(none)
	if n := runtime.GOMAXPROCS(0); n != 2 {
		t.Errorf("one core: GOMAXPROCS %d, want 2", n)
	}
	runtime.GOMAXPROCS(1)
	atLeastTwoProcs(func(k string) string {
		if k == "GOMAXPROCS" {
			return "1"
		}
		return ""
	})
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("GOMAXPROCS=1 set by the operator: got %d, want 1", n)
	}
	runtime.GOMAXPROCS(4)
	atLeastTwoProcs(none)
	if n := runtime.GOMAXPROCS(0); n != 4 {
		t.Errorf("four cores: GOMAXPROCS %d, want 4", n)
	}
}
