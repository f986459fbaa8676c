package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Request lines wait for the next flush; warnings and errors go out at once; Close writes
// the rest.
func TestLogBuffer(t *testing.T) {
	var out lockedBuffer
	b := newLogBuffer(&out, time.Hour)
	b.Write([]byte("level=INFO msg=request\n"))
	if out.String() != "" {
		t.Fatalf("an info line was written at once: %q", out.String())
	}
	b.Write([]byte("level=ERROR msg=boom\n"))
	if got := out.String(); !strings.Contains(got, "msg=request") || !strings.Contains(got, "msg=boom") {
		t.Fatalf("an error did not flush: %q", got)
	}
	b.Write([]byte("level=INFO msg=last\n"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "msg=last\n") {
		t.Errorf("Close left a line behind: %q", out.String())
	}
	fast := newLogBuffer(&out, 10*time.Millisecond)
	defer fast.Close()
	fast.Write([]byte("level=INFO msg=ticked\n"))
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(out.String(), "msg=ticked") {
		if time.Now().After(deadline) {
			t.Fatal("the periodic flush never came")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
