package password

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestVerifyWait: with every hashing slot taken, a verification waits its time and gives up
// with ErrBusy (or the context's error); once a slot is free it runs.
func TestVerifyWait(t *testing.T) {
	h, err := Hash("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	// Half the cores: a burst of sign-ins leaves the other half to respondents.
	if cap(slots) != max(1, runtime.NumCPU()/2) {
		t.Fatalf("%d hashing slots on %d cores", cap(slots), runtime.NumCPU())
	}
	dummy() // made now: making it needs a slot
	for range cap(slots) {
		slots <- struct{}{}
	}
	start := time.Now()
	if ok, err := VerifyWait(context.Background(), h, "a long enough passphrase", 30*time.Millisecond); ok || !errors.Is(err, ErrBusy) {
		t.Fatalf("all slots taken: %v, %v; want ErrBusy", ok, err)
	}
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Fatalf("gave up after %v, before its wait", took)
	}
	if err := VerifyNoneWait(context.Background(), "x", time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("VerifyNoneWait: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := VerifyWait(ctx, h, "x", time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	<-slots // one slot free
	if ok, err := VerifyWait(context.Background(), h, "a long enough passphrase", time.Second); !ok || err != nil {
		t.Fatalf("a slot free: %v, %v", ok, err)
	}
	for range cap(slots) - 1 {
		<-slots
	}
}
