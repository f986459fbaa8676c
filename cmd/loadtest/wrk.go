package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// load is one wrk run against a URL.
type load struct {
	url         string
	connections int
	method      string
	body        string
	contentType string
	headers     map[string]string
}

// wrkResult is what wrk measured.
type wrkResult struct {
	requests      int64
	rate          float64 // requests per second
	p50, p99      time.Duration
	errors        int64 // socket errors, timeouts, and statuses other than 2xx and 3xx
	serverCPU     time.Duration
	cpuPerRequest time.Duration
}

// runWrk drives a load with wrk (on core 1 when pinned) and measures the CPU the server process
// used meanwhile.
func runWrk(ctx context.Context, setup, dir string, l load, d time.Duration, serverPID int) (wrkResult, error) {
	script := filepath.Join(dir, fmt.Sprintf("wrk-%d.lua", time.Now().UnixNano()))
	var lua strings.Builder
	if l.method != "" {
		fmt.Fprintf(&lua, "wrk.method = %q\n", l.method)
	}
	if l.body != "" {
		fmt.Fprintf(&lua, "wrk.body = %s\n", luaString(l.body))
	}
	if l.contentType != "" {
		fmt.Fprintf(&lua, "wrk.headers[\"Content-Type\"] = %q\n", l.contentType)
	}
	for k, v := range l.headers {
		fmt.Fprintf(&lua, "wrk.headers[%q] = %q\n", k, v)
	}
	if err := os.WriteFile(script, []byte(lua.String()), 0o644); err != nil {
		return wrkResult{}, err
	}
	threads := 2
	if setup == "pinned" || l.connections < 2 {
		threads = 1
	}
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(l.connections), "-d", fmt.Sprintf("%ds", int(d.Seconds())),
		"--latency", "--timeout", "10s", "-s", script, l.url}
	var cmd *exec.Cmd
	if setup == "pinned" {
		cmd = exec.CommandContext(ctx, "taskset", append([]string{"-c", "1", "wrk"}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, "wrk", args...)
	}
	before, err := cpuTime(serverPID)
	if err != nil {
		return wrkResult{}, err
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	after, err := cpuTime(serverPID)
	if err != nil {
		return wrkResult{}, err
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, err
	}
	r.serverCPU = after - before
	if r.requests > 0 {
		r.cpuPerRequest = r.serverCPU / time.Duration(r.requests)
	}
	return r, nil
}

var (
	wrkRequestsRE = regexp.MustCompile(`(\d+) requests in`)
	wrkRateRE     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkPctRE      = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xxRE   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocketRE   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkRequestsRE.FindStringSubmatch(out)
	rate := wrkRateRE.FindStringSubmatch(out)
	if m == nil || rate == nil {
		return r, fmt.Errorf("cannot read wrk's output:\n%s", out)
	}
	r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	r.rate, _ = strconv.ParseFloat(rate[1], 64)
	for _, p := range wrkPctRE.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[3]]
		d := time.Duration(v * float64(unit))
		if p[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if m := wrkNon2xxRE.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.errors += n
	}
	if m := wrkSocketRE.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.errors += n
		}
	}
	return r, nil
}

// luaString quotes s for Lua with [==[ ]==] brackets, which need no escaping.
func luaString(s string) string {
	eq := "="
	for strings.Contains(s, "]"+eq+"]") {
		eq += "="
	}
	return "[" + eq + "[" + s + "]" + eq + "]"
}
