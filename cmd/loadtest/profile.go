package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// profilerAddr is where the server under test serves net/http/pprof, when profiles are asked
// for; profileDir is where they go.
var profilerAddr, profileDir string

func setupProfiles(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	profilerAddr, profileDir = fmt.Sprintf("127.0.0.1:%d", port), dir
	return nil
}

// profileDuring takes a CPU profile of the server over the middle of a load, and an
// allocation profile at its end, when profiles are asked for. The returned function waits
// for the profile.
func profileDuring(ctx context.Context, l load, d time.Duration) func() {
	if profilerAddr == "" || !l.profile {
		return func() {}
	}
	name := strings.NewReplacer("/", "_", ":", "_", "?", "_").Replace(strings.SplitN(l.url, "/", 4)[3])
	base := filepath.Join(profileDir, fmt.Sprintf("%s-c%d-%d", name, l.connections, time.Now().Unix()))
	secs := max(1, int(d.Seconds())-2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", profilerAddr, secs), base+".cpu.pprof")
		fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/allocs", profilerAddr), base+".allocs.pprof")
	}()
	return func() { <-done }
}

func fetch(ctx context.Context, url, file string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer res.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer f.Close()
	io.Copy(f, res.Body)
}
