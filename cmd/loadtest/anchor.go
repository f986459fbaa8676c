package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

// sqliteLoopMain is the anchor for submissions, run as its own process: one small row per
// transaction, committed durably (WAL, synchronous=FULL), one after another, with the driver
// ketascreen uses. It prints the commits per second.
func sqliteLoopMain(args []string) int {
	fs := flag.NewFlagSet("sqlite-loop", flag.ContinueOnError)
	db := fs.String("db", "", "database file to create")
	d := fs.Duration("duration", 10*time.Second, "how long to commit")
	if err := fs.Parse(args); err != nil || *db == "" {
		fmt.Fprintln(os.Stderr, "usage: loadtest sqlite-loop --db FILE [--duration 10s]")
		return 2
	}
	conn, err := sql.Open("sqlite", "file:"+*db+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec("create table rows (id text primary key, body text not null)"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	body := strings.Repeat("x", 400) // about a response row's answers
	n := 0
	start := time.Now()
	for time.Since(start) < *d {
		if _, err := conn.Exec("insert into rows (id, body) values (?, ?)", strconv.Itoa(n), body); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		n++
	}
	fmt.Printf("%.1f\n", float64(n)/time.Since(start).Seconds())
	return 0
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
