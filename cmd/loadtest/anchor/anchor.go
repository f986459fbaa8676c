// Package anchor holds the load test's anchors, each run as a process of its own (the load
// test runs its own binary with the anchor's name as the first argument): what ketascreen's
// figures are measured against in the same run.
package anchor

import (
	"database/sql"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/web"
	_ "modernc.org/sqlite"
)

// SQLiteLoop is the anchor for submissions, run as its own process: one small row per
// transaction, committed durably (WAL, synchronous=FULL), one after another, with the driver
// ketascreen uses. It prints the commits per second.
func SQLiteLoop(args []string) int {
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

// GoStatic is a second anchor for pages, run as its own process: Go's own HTTP server
// (net/http, no router, no middleware, no log) sending the first page's bytes with the same
// headers and timeouts as ketascreen, gzipped when asked. The distance from it to nginx is what Go's
// server costs; the distance from ketascreen to it is what ketascreen adds.
func GoStatic(args []string) int {
	fs := flag.NewFlagSet("go-static", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder holding page.html and page.html.gz")
	if err := fs.Parse(args); err != nil || *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: loadtest go-static --dir DIR")
		return 2
	}
	plain, err := os.ReadFile(filepath.Join(*dir, "page.html"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	gz, err := os.ReadFile(filepath.Join(*dir, "page.html.gz"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("http://%s\n", ln.Addr())
	htmlType, vary, gzipped := []string{"text/html; charset=utf-8"}, []string{"Accept-Encoding"}, []string{"gzip"}
	plainLen, gzLen := []string{fmt.Sprint(len(plain))}, []string{fmt.Sprint(len(gz))}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		web.SetSecurityHeaders(h, false)
		h["Content-Type"], h["Vary"] = htmlType, vary
		body, length := plain, plainLen
		if web.AcceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, length = gz, gzLen
			h["Content-Encoding"] = gzipped
		}
		h["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	// The timeouts serve sets (each request arms its deadlines), so the anchor is Go's server
	// as ketascreen runs it, less ketascreen's own work.
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
	if err := hs.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
