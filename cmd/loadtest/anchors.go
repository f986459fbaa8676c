package main

// The anchors run as processes of their own, made from this binary (package anchor): these
// start them.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// startGoStatic runs the Go anchor (on core 0 when pinned, like the server) on the page files
// nginx serves.
func startGoStatic(ctx context.Context, setup, dir string) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := pinned(setup, 0, self, "go-static", "--dir", filepath.Join(dir, "nginx"))
	return startAnnounced(ctx, cmd, "the Go anchor", "/", strings.TrimSpace)
}

// sqliteLoop runs the anchor in its own process (on core 0 when pinned, like the server) and
// returns its commits per second.
func sqliteLoop(ctx context.Context, setup, dir string, d time.Duration) (float64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	db := filepath.Join(dir, fmt.Sprintf("loop-%d.db", time.Now().UnixNano()))
	defer os.Remove(db)
	defer os.Remove(db + "-wal")
	defer os.Remove(db + "-shm")
	var cmd *exec.Cmd
	if setup == "pinned" {
		cmd = exec.CommandContext(ctx, "taskset", "-c", "0", self, "sqlite-loop", "--db", db, "--duration", d.String())
	} else {
		cmd = exec.CommandContext(ctx, self, "sqlite-loop", "--db", db, "--duration", d.String())
	}
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("sqlite loop: %v", err)
	}
	line, _ := bufio.NewReader(strings.NewReader(string(out))).ReadString('\n')
	return strconv.ParseFloat(strings.TrimSpace(line), 64)
}
